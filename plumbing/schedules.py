"""Default beat schedules, created by data migrations and editable in admin."""

from __future__ import annotations

from typing import Any

from django.apps.registry import Apps
from django.conf import settings


def periodic_task_ensure(
    apps: Apps,
    *,
    name: str,
    task: str,
    every_seconds: int | None = None,
    crontab: dict[str, str] | None = None,
    expire_seconds: int | None = None,
    description: str = "",
) -> None:
    """Create a django-celery-beat entry unless one of that name exists (staff may have edited it)."""
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=name).exists():
        return
    fields: dict[str, Any] = {"name": name, "task": task, "description": description}
    if every_seconds is not None:
        IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
        fields["interval"], _ = IntervalSchedule.objects.get_or_create(every=every_seconds, period="seconds")
    elif crontab is not None:
        CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
        fields["crontab"], _ = CrontabSchedule.objects.get_or_create(
            minute=crontab.get("minute", "0"),
            hour=crontab.get("hour", "*"),
            day_of_week=crontab.get("day_of_week", "*"),
            day_of_month=crontab.get("day_of_month", "*"),
            month_of_year=crontab.get("month_of_year", "*"),
            timezone=crontab.get("timezone", settings.TIME_ZONE),
        )
    else:
        raise ValueError("periodic_task_ensure needs every_seconds or crontab")
    if expire_seconds is not None:
        fields["expire_seconds"] = expire_seconds
    PeriodicTask.objects.create(**fields)


def periodic_task_remove(apps: Apps, *, name: str) -> None:
    """Delete a beat entry by name (the reverse of :func:`periodic_task_ensure`)."""
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=name).delete()
