"""Staff-access transparency: opening a customer's record in admin is written down."""

import pytest
from django.test import Client

from customers.models import StaffAccess
from tests.factories import agent, customer

pytestmark = pytest.mark.django_db


def test_an_agent_opening_a_customer_in_admin_is_logged_for_the_customer(client: Client) -> None:
    alice, alex = customer(), agent(full_name="Alex Agent")
    client.force_login(alex)

    assert client.get(f"/admin/customers/user/{alice.pk}/change/").status_code == 200

    [access] = StaffAccess.objects.filter(customer=alice)
    assert (access.staff, access.staff_name, access.view) == (alex, "Alex Agent", "admin:customer")


def test_staff_opening_a_colleagues_record_is_not_a_customer_access(client: Client) -> None:
    alex, colleague = agent(), agent()
    client.force_login(alex)

    client.get(f"/admin/customers/user/{colleague.pk}/change/")

    assert not StaffAccess.objects.exists()
