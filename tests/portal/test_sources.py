"""Every event names the record it is about, and the ledger links to that record's admin page."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from plumbing.events import ABOUT, EventName, event_publish
from plumbing.sources import source_admin_url, source_of
from tests.factories import agent, customer
from tests.feedback.factories import thread

pytestmark = pytest.mark.django_db


def test_every_event_is_about_a_model_with_an_admin_page() -> None:
    assert set(ABOUT) == set(EventName.values)
    for label in set(ABOUT.values()):
        model = apps.get_model(label)
        assert admin.site.is_registered(model), label
        assert source_admin_url(source_of(model, 1)) == reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[1]
        )


def test_an_event_about_the_wrong_record_is_refused() -> None:
    alice = customer()

    with pytest.raises(ValueError, match=r"feedback\.thread"):
        event_publish(name=EventName.PROMISE_KEPT, customer_id=alice.pk, key="k", about=alice)


def test_a_source_names_its_record_and_links_to_it(client: Client) -> None:
    given = thread(customer())
    client.force_login(agent())

    url = source_admin_url(source_of(given))

    assert source_of(given) == f"feedback.thread:{given.pk}"
    assert url is not None
    assert client.get(url).status_code == 200


def test_nps_sources_written_before_the_rename_still_link() -> None:
    assert source_admin_url("feedback.nps:5") == reverse("admin:feedback_npssurvey_change", args=[5])


@pytest.mark.parametrize("source", ["", "trust", "customers.user", "customers.user:x", "nothing.here:1"])
def test_a_source_that_names_no_record_links_nowhere(source: str) -> None:
    assert source_admin_url(source) is None
