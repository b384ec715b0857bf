"""The trust account's beat schedules (staff can change them in admin)."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from plumbing.schedules import periodic_task_ensure, periodic_task_remove

NIGHTLY = "Trust: nightly recompute"
INACTIVITY = "Trust: daily inactivity withdrawals"
MAILS = "Trust: follow-up mails"


def create_schedules(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    periodic_task_ensure(
        apps,
        name=INACTIVITY,
        task="trust.book_inactivity",
        crontab={"minute": "0", "hour": "2"},
        expire_seconds=3600,
        description="Books one withdrawal per silent period for customers with no touchpoint for N days.",
    )
    periodic_task_ensure(
        apps,
        name=NIGHTLY,
        task="trust.recompute_nightly",
        crontab={"minute": "30", "hour": "2"},
        expire_seconds=3600,
        description="Recomputes every score, band and alarm from the ledger, fanned out in id-range chunks.",
    )
    periodic_task_ensure(
        apps,
        name=MAILS,
        task="trust.send_follow_up_mails",
        every_seconds=600,
        expire_seconds=500,
        description="Sends the automatic mails of open follow-ups (consent, quiet hours, one per 14 days).",
    )


def remove_schedules(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for name in (NIGHTLY, INACTIVITY, MAILS):
        periodic_task_remove(apps, name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("trust", "0003_staff_roles"),
        ("portal", "0002_default_schedules"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
