"""In-portal notifications: once per key, in the customer's language."""

import pytest
from django.utils.translation import gettext as _

from customers.notifications import notification_create, notifications_mark_read, notifications_of
from tests.factories import customer

pytestmark = pytest.mark.django_db


def test_a_notification_is_written_once_per_key_in_the_customers_language() -> None:
    alice = customer(language="de")

    first = notification_create(customer=alice, key="n1", title=lambda: _("Privacy center"))
    second = notification_create(customer=alice, key="n1", title=lambda: _("Privacy center"))

    assert first.pk == second.pk
    assert first.title == "Datenschutz-Center"
    assert list(notifications_of(customer=alice)) == [first]


def test_marking_read_counts_only_the_unread_ones() -> None:
    alice = customer()
    notification_create(customer=alice, key="n1", title=lambda: "One")
    notification_create(customer=alice, key="n2", title=lambda: "Two")

    assert notifications_mark_read(customer=alice) == 2
    assert notifications_mark_read(customer=alice) == 0
