"""Business days: the clock of response promises stops on weekends and holidays."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from feedback.models import Holiday

SATURDAY = 5
_LOOKAHEAD_DAYS = 400  # far enough for any promise staff can set (≤ 60 business days)


def is_business_day(day: date, holidays: Collection[date]) -> bool:
    """Monday to Friday, and not on the holiday list."""
    return day.weekday() < SATURDAY and day not in holidays


def business_deadline(*, start: datetime, days: int, holidays: Collection[date]) -> datetime:
    """Return the end of the ``days``-th business day after ``start``'s day (local time).

    Feedback sent on Monday with a promise of 2 business days is due by the
    end of Wednesday; sent on Saturday, by the end of Tuesday. A promise of
    0 days is due by the end of that day, or of the next business day.
    """
    day = timezone.localtime(start).date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_business_day(day, holidays):
            counted += 1
    while not is_business_day(day, holidays):
        day += timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time.max))


def holidays_from(start: datetime) -> set[date]:
    """The staff-kept holidays that can fall into a promise starting at ``start`` (one query)."""
    first = timezone.localtime(start).date()
    return set(
        Holiday.objects.filter(
            date__gte=first, date__lte=first + timedelta(days=_LOOKAHEAD_DAYS)
        ).values_list("date", flat=True)
    )
