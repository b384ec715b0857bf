"""The feedback inbox shows each customer's trust band, filters by it, in the same queries for any page."""

from http import HTTPStatus

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from customers.models import User
from feedback.models import Kind, Thread
from tests.factories import agent, customer
from tests.feedback.factories import thread
from trust.ledger import ledger_book

pytestmark = pytest.mark.django_db

INBOX = "/admin/feedback/thread/"


def _at_risk(person: User) -> User:
    ledger_book(customer_id=person.pk, event_type="data_request_overdue", key=f"overdue:{person.pk}")
    return person


def test_each_thread_shows_its_customers_band(client: Client) -> None:
    client.force_login(agent())
    thread(_at_risk(customer()), text="From a customer at risk")
    thread(customer(), text="From a customer without entries")

    page = client.get(INBOX).content.decode()

    assert page.count('class="trust-band trust-band-at_risk"') == 1
    assert page.count('class="trust-band trust-band-healthy"') == 1


@pytest.mark.parametrize(
    ("band", "shown", "hidden"), [("at_risk", "Falling", "Fine"), ("healthy", "Fine", "Falling")]
)
def test_the_inbox_filters_by_band(client: Client, band: str, shown: str, hidden: str) -> None:
    client.force_login(agent())
    thread(_at_risk(customer()), text="Falling")
    thread(customer(), text="Fine")

    page = client.get(INBOX, {"trust_band": band}).content.decode()

    assert shown in page
    assert hidden not in page


def _threads(count: int, helper: User) -> None:
    first = thread(_at_risk(customer()))
    Thread.objects.filter(pk=first.pk).update(assigned_to=helper)
    owners = [customer(), _at_risk(customer()), customer()]
    Thread.objects.bulk_create(
        [
            Thread(
                customer=owners[n % 3],
                kind=Kind.QUESTION,
                topic=first.topic,
                summary=f"Q{n}",
                due_at=first.due_at,
                assigned_to=helper,
            )
            for n in range(count - 1)
        ]
    )


@pytest.mark.parametrize("count", [1, 120])
def test_the_bands_cost_the_same_queries_for_one_thread_or_a_full_page(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, count: int
) -> None:
    helper = agent()
    client.force_login(helper)
    _threads(count, helper)

    # The inbox's 12 queries, plus the page's bands and the settings that place customers without entries.
    with django_assert_num_queries(14):
        response = client.get(INBOX)

    assert response.status_code == HTTPStatus.OK
