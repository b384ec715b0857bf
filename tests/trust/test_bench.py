"""trust_bench runs end to end on SQLite at a small N and prints the floor, the recompute and bookings."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.factories import customer
from trust.models import Account, AccountDecay, LedgerEntry

pytestmark = pytest.mark.django_db


def test_the_benchmark_builds_its_data_and_prints_every_figure() -> None:
    out = StringIO()

    call_command(
        "trust_bench", customers=60, entries_per_customer=5, bookings=10, repeat=1, chunk_size=25, stdout=out
    )

    text = out.getvalue()
    for figure in ("floor: SELECT customer_id, SUM(points)", "full recompute, nightly", "x floor",
                   "rebuild from the ledger", "p50", "p95"):  # fmt: skip
        assert figure in text
    assert LedgerEntry.objects.count() == 60 * 5 + 10
    assert Account.objects.count() == 60
    assert AccountDecay.objects.exists()


def test_the_benchmark_refuses_a_database_with_real_customers() -> None:
    customer()

    with pytest.raises(CommandError, match="throwaway database"):
        call_command("trust_bench", customers=10, stdout=StringIO())
