"""Business days: the clock of response promises stops on weekends and holidays.

Holidays are the region's public holidays (the ``holidays`` package, for
``PORTAL_HOLIDAYS_COUNTRY`` and ``PORTAL_HOLIDAYS_SUBDIVISION``) and the
company's own days off, which staff keep in the admin.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays
from django.conf import settings
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


@lru_cache(maxsize=64)
def public_holidays(country: str, subdivision: str, year: int) -> frozenset[date]:
    """The public holidays of a region in one year."""
    return frozenset(holidays.country_holidays(country, subdiv=subdivision or None, years=year))


def holidays_from(start: datetime) -> set[date]:
    """The holidays that can fall into a promise starting at ``start`` (one query, for the company's)."""
    first = timezone.localtime(start).date()
    last = first + timedelta(days=_LOOKAHEAD_DAYS)
    region = (settings.PORTAL_HOLIDAYS_COUNTRY, settings.PORTAL_HOLIDAYS_SUBDIVISION)
    public = {
        day
        for year in range(first.year, last.year + 1)
        for day in public_holidays(*region, year)
        if first <= day <= last
    }
    company = Holiday.objects.filter(date__gte=first, date__lte=last).values_list("date", flat=True)
    return public | set(company)
