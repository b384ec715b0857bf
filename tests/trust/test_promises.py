"""Our promises to you: every promise made to the customer, kept or broken, and what was done
about a broken one — only their own, in both languages."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.test import Client
from django.utils import timezone

from customers.requests import data_request_export
from feedback.models import Thread
from feedback.threads import message_post
from tests.factories import agent, customer
from tests.feedback.factories import thread
from trust.ledger import ledger_book
from trust.promises import Kept, promises_of

pytestmark = pytest.mark.django_db


def test_an_answer_in_time_is_kept_and_a_late_one_broken_with_what_was_done() -> None:
    alice, alex = customer(), agent()
    in_time = thread(alice, text="Where is my parcel?")
    message_post(thread=in_time, author=alex, text="On its way.")
    late = thread(alice, text="The invoice is wrong.")
    Thread.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(days=2))
    ledger_book(customer_id=alice.pk, event_type="goodwill", key="g1", note="a voucher of 20 euros")

    made = {promise.what: promise for promise in promises_of(customer=alice)}

    assert made["An answer to “Where is my parcel?”"].state == Kept.KEPT
    broken = made["An answer to “The invoice is wrong.”"]
    assert broken.state == Kept.BROKEN
    assert broken.made_good == ["Goodwill: a voucher of 20 euros"]


def test_a_copy_of_the_data_is_a_promise_within_the_legal_deadline() -> None:
    alice = customer()
    data_request_export(customer=alice)

    [promise] = promises_of(customer=alice)

    assert (promise.what, promise.state) == ("A copy of your data", Kept.OPEN)
    assert promise.url == "/privacy/requests/"


def test_the_page_shows_only_the_customers_own_promises_in_their_language(client: Client) -> None:
    alice, bob = customer(language="de"), customer()
    thread(alice, text="Wo ist mein Paket?")
    thread(bob, text="Bob's own question")
    client.force_login(alice)

    page = client.get("/promises/").content.decode()

    assert "Unsere Versprechen an Sie" in page
    assert "Wo ist mein Paket?" in page
    assert "Bob's own question" not in page


def test_signing_in_is_needed(client: Client) -> None:
    response = client.get("/promises/")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")
