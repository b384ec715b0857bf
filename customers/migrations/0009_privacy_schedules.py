"""Beat schedules of the privacy center: expired exports deleted, overdue requests announced."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from plumbing.schedules import periodic_task_ensure, periodic_task_remove

PURGE = "Delete expired data exports"
OVERDUE = "Announce overdue data requests"


def create_schedules(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    periodic_task_ensure(
        apps,
        name=PURGE,
        task="customers.purge_exports",
        crontab={"minute": "23"},
        expire_seconds=3000,
        description="Deletes each export's ZIP once its download link expired (hourly).",
    )
    periodic_task_ensure(
        apps,
        name=OVERDUE,
        task="customers.flag_overdue_requests",
        crontab={"minute": "7"},
        expire_seconds=3000,
        description="Publishes data_request.overdue once per request that passed its legal due date.",
    )


def remove_schedules(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    periodic_task_remove(apps, name=PURGE)
    periodic_task_remove(apps, name=OVERDUE)


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0008_privacy_officer_requests_incidents"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
