"""Support agents work the trust accounts and follow-ups; weights and thresholds stay with admins."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from plumbing.roles import SUPPORT_AGENT, role_grant, role_revoke

SUPPORT_AGENT_PERMISSIONS = [
    "trust.view_account",  # the account on the customer page and the accounts list
    "trust.change_account",  # "recompute now"
    "trust.view_dashboard",
    "trust.view_eventtype",  # what each touchpoint is worth
    "trust.view_trustsettings",  # the thresholds
    "trust.view_ledgerentry",
    "trust.add_ledgerentry",  # goodwill, adjustments with a reason, reversals
    "trust.view_followup",
    "trust.add_followup",  # schedule a follow-up
    "trust.change_followup",  # record the outcome, reassign
]


def grant(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    role_grant(apps, SUPPORT_AGENT, SUPPORT_AGENT_PERMISSIONS)


def revoke(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    role_revoke(apps, SUPPORT_AGENT, SUPPORT_AGENT_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("trust", "0002_seed_event_types"),
        ("customers", "0002_staff_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
