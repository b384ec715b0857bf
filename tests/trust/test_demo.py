"""Demo data: a year of touchpoints, so bands, follow-ups and the dashboard look alive; loaded once."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from trust.models import Account, DailyStat, FollowUp, LedgerEntry

pytestmark = pytest.mark.django_db


def _seed() -> None:
    call_command("seed_demo", customers=60, force=True, quiet_banner=True, stdout=StringIO())


def test_demo_customers_get_histories_in_every_band_with_follow_ups() -> None:
    _seed()

    bands = set(Account.objects.values_list("band", flat=True))
    assert {"healthy", "at_risk"} <= bands
    assert FollowUp.objects.filter(status="open").exists()
    assert FollowUp.objects.exclude(outcome__in=["", "recovered"]).exists()
    assert FollowUp.objects.filter(status="open", due_at__lt=timezone.now()).exists()  # some overdue
    assert DailyStat.objects.count() > 50  # a year of history for the dashboard


def test_seeding_twice_books_nothing_twice() -> None:
    _seed()
    counts = (LedgerEntry.objects.count(), FollowUp.objects.count(), DailyStat.objects.count())

    _seed()

    assert (LedgerEntry.objects.count(), FollowUp.objects.count(), DailyStat.objects.count()) == counts
