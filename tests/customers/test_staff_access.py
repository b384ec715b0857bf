"""Staff-access transparency: opening a customer's record in admin is written down."""

import importlib

import pytest
from django.apps import apps
from django.test import Client

from customers.access import staff_access_record, system_access_record
from customers.consents import ConsentChange, consent_change
from customers.models import StaffAccess
from tests.factories import agent, customer, privacy_officer

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


def test_the_customer_sees_who_at_the_company_looked_at_their_data(client: Client) -> None:
    alice, alex = customer(), agent(full_name="Alex Agent")
    staff_client = Client()
    staff_client.force_login(alex)
    staff_client.get(f"/admin/customers/user/{alice.pk}/change/")
    client.force_login(alice)

    center = client.get("/privacy/").content.decode()
    log = client.get("/privacy/staff-access/").content.decode()

    assert "Alex Agent opened your customer record in the admin on" in center
    assert "Alex Agent" in log
    assert "your customer record in the admin" in log


def test_a_customer_sees_only_their_own_staff_accesses(client: Client) -> None:
    alice, bob, alex = customer(), customer(), agent(full_name="Alex Agent")
    staff_access_record(staff=alex, customer=bob, view="admin:customer")
    client.force_login(alice)

    assert "Alex Agent" not in client.get("/privacy/staff-access/").content.decode()
    assert "Nobody at the company has opened your data." in client.get("/privacy/").content.decode()


def test_the_staff_access_log_needs_a_sign_in(client: Client) -> None:
    assert client.get("/privacy/staff-access/")["Location"].startswith("/accounts/login/")


def test_opening_one_of_the_customers_consent_records_in_admin_is_logged(client: Client) -> None:
    alice = customer()
    [record] = consent_change(
        customer=alice, changes=[ConsentChange("surveys", "email", True)], source="privacy_center"
    )
    client.force_login(privacy_officer(full_name="Petra Officer"))

    assert client.get(f"/admin/customers/consentrecord/{record.pk}/change/").status_code == 200

    [access] = StaffAccess.objects.filter(customer=alice)
    assert (access.staff_name, access.view_label) == (
        "Petra Officer",
        "one of your consent records in the admin",
    )


def test_browsing_the_list_of_consent_records_is_not_a_look_at_one_customer(client: Client) -> None:
    alice = customer()
    consent_change(customer=alice, changes=[ConsentChange("surveys", "email", True)], source="privacy_center")
    client.force_login(privacy_officer())

    client.get("/admin/customers/consentrecord/")

    assert not StaffAccess.objects.exists()


def test_a_systems_read_is_labelled_in_the_customers_language(client: Client) -> None:
    alice = customer(language="de")
    system_access_record(system_name="Shop", customer=alice, view="api:customer")
    client.force_login(alice)

    center = client.get("/privacy/").content.decode()
    log = client.get("/privacy/staff-access/").content.decode()

    assert "System „Shop“" in center
    assert "System „Shop“" in log
    assert "System: Shop" not in log


def test_a_systems_read_is_stored_as_the_systems_name_not_as_a_sentence() -> None:
    alice = customer()

    access = system_access_record(system_name="Shop", customer=alice, view="api:customer")

    assert access is not None
    assert (access.staff, access.staff_name, access.by_system, access.who) == (
        None,
        "Shop",
        True,
        "System: Shop",
    )


def test_a_system_read_logged_before_the_change_is_labelled_like_a_new_one(client: Client) -> None:
    alice, alex = customer(language="de"), agent(full_name="Alex Agent")
    StaffAccess.objects.create(customer=alice, staff=None, staff_name="System: Shop", view="api:customer")
    staff_access_record(staff=alex, customer=alice, view="admin:customer")
    migration = importlib.import_module("customers.migrations.0011_staff_access_by_system")

    migration.split_label(apps, None)

    assert sorted(StaffAccess.objects.values_list("staff_name", "by_system")) == [
        ("Alex Agent", False),
        ("Shop", True),
    ]
    client.force_login(alice)
    assert "System „Shop“" in client.get("/privacy/staff-access/").content.decode()
