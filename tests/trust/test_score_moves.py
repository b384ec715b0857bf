"""What moved the score: the change over 7 and 30 days with the entries behind it, and every band
crossing with its cause linked to its source — on the customer's page and on the dashboard."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from customers.models import User
from feedback.models import Thread
from plumbing.sources import source_of
from tests.factories import agent, customer
from tests.feedback.factories import thread
from trust.ledger import ledger_book
from trust.score_moves import band_crossings, score_moves, scores_moved
from trust.selectors import account_explanation

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def _at_risk_by_two_complaints() -> tuple[User, Thread]:
    alice = customer()
    ledger_book(customer_id=alice.pk, event_type="praise", key="p", occurred_at=NOW - timedelta(days=20))
    complained = thread(alice)
    for number in range(2):
        ledger_book(
            customer_id=alice.pk,
            event_type="complaint",
            key=f"c{number}",
            occurred_at=NOW - timedelta(days=number),
            source=source_of(complained),
        )
    return alice, complained


def test_the_change_over_7_and_30_days_names_the_entries_that_moved_it_most() -> None:
    alice, _complained = _at_risk_by_two_complaints()

    week, month = score_moves(explanation=account_explanation(customer=alice))

    assert (week.days, month.days) == (7, 30)
    assert week.change < 0
    assert [item.entry.event_type.key for item in week.movers] == ["complaint", "complaint"]
    assert {item.entry.event_type.key for item in month.movers} == {"complaint", "praise"}
    assert month.before == 50  # nothing before the month began


def test_a_band_crossing_names_the_entry_that_caused_it_and_links_its_source() -> None:
    alice, complained = _at_risk_by_two_complaints()

    [latest, *_earlier] = band_crossings(customer=alice)

    assert latest.worse
    assert latest.cause == "Complaint"
    assert latest.url == f"/admin/feedback/thread/{complained.pk}/change/"


def test_the_customer_page_and_the_dashboard_show_what_moved(client: Client) -> None:
    alice, complained = _at_risk_by_two_complaints()
    client.force_login(agent())

    page = client.get(f"/admin/customers/user/{alice.pk}/change/").content.decode()
    dashboard = client.get("/admin/trust/dashboard/").content.decode()

    assert "What moved the score" in page
    assert f'href="/admin/feedback/thread/{complained.pk}/change/">Complaint</a>' in page
    assert "What moved scores" in dashboard
    assert f"/admin/customers/user/{alice.pk}/change/#trust" in dashboard
    assert len(scores_moved(now=timezone.now()).movers) == 2  # the praise is older than 7 days
