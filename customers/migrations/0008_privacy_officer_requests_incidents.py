"""The privacy officer keeps the register, works the data-request queue and declares incidents."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from plumbing.roles import PRIVACY_OFFICER, role_grant, role_revoke

PRIVACY_OFFICER_PERMISSIONS = [
    "customers.view_processingactivity",
    "customers.add_processingactivity",
    "customers.change_processingactivity",
    "customers.delete_processingactivity",
    "customers.view_datarequest",
    "customers.change_datarequest",
    "customers.view_incident",
    "customers.add_incident",
    "customers.change_incident",
    "customers.delete_incident",
    "customers.view_incidentnotice",
    "customers.view_gpcsignal",
]


def grant(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    role_grant(apps, PRIVACY_OFFICER, PRIVACY_OFFICER_PERMISSIONS)


def revoke(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    role_revoke(apps, PRIVACY_OFFICER, PRIVACY_OFFICER_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("customers", "0007_consent_record_guard")]

    operations = [migrations.RunPython(grant, revoke)]
