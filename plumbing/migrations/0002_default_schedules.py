"""The outbox's housekeeping runs on beat; staff can change the schedules in admin."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from plumbing.schedules import periodic_task_ensure, periodic_task_remove


def create_schedules(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    periodic_task_ensure(
        apps,
        name="Publish due and lost jobs",
        task="portal.sweep_jobs",
        every_seconds=30,
        expire_seconds=25,
        description="Re-sends every job that is due and not done (broker outage, killed worker).",
    )
    periodic_task_ensure(
        apps,
        name="Purge finished jobs",
        task="portal.purge_jobs",
        crontab={"minute": "17", "hour": "3"},
        expire_seconds=3600,
    )


def remove_schedules(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    periodic_task_remove(apps, name="Publish due and lost jobs")
    periodic_task_remove(apps, name="Purge finished jobs")


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
