"""Privacy officers may see which systems receive what; the idempotency store is purged nightly."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from plumbing.roles import PRIVACY_OFFICER, role_grant, role_revoke
from plumbing.schedules import periodic_task_ensure, periodic_task_remove

PRIVACY_OFFICER_PERMISSIONS = [
    "api.view_system",
    "api.view_apikey",
    "api.view_webhookendpoint",
    "api.view_webhookdelivery",
]
PURGE = "Purge stored Idempotency-Key responses"


def forwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    role_grant(apps, PRIVACY_OFFICER, PRIVACY_OFFICER_PERMISSIONS)
    periodic_task_ensure(
        apps,
        name=PURGE,
        task="api.purge_idempotency_records",
        crontab={"minute": "41", "hour": "3"},
        expire_seconds=3600,
        description="Deletes API responses kept for Idempotency-Key replays past PORTAL_API_IDEMPOTENCY_HOURS.",
    )


def backwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    role_revoke(apps, PRIVACY_OFFICER, PRIVACY_OFFICER_PERMISSIONS)
    periodic_task_remove(apps, name=PURGE)


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_initial"),
        ("customers", "0002_staff_roles"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
