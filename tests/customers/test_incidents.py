"""Data incidents: declared in admin, each affected customer told once, shown until acknowledged."""

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date
from http import HTTPStatus
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from customers.consents import consent_withdraw_all
from customers.incidents import CHUNK, incident_acknowledge, incident_customers_add, incident_declare
from customers.models import Incident, IncidentNotice
from plumbing.models import Event
from tests.factories import agent, customer, privacy_officer

pytestmark = pytest.mark.django_db

Capture = Callable[..., AbstractContextManager[Any]]
ADD = "/admin/customers/incident/add/"

TEXTS = {
    "title_en": "Misdirected mails",
    "title_de": "Fehlgeleitete E-Mails",
    "what_happened_en": "Some mails went to the wrong person.",
    "what_happened_de": "Einige E-Mails gingen an die falsche Person.",
    "data_concerned_en": "Names and addresses.",
    "data_concerned_de": "Namen und Adressen.",
    "measures_en": "We fixed it.",
    "measures_de": "Wir haben es behoben.",
    "advice_en": "Watch out for phishing.",
    "advice_de": "Achten Sie auf Phishing.",
}


def _incident() -> Incident:
    return Incident.objects.create(started_on=date(2026, 11, 1), **TEXTS)


def _form(csv: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"started_on": "2026-11-01", **TEXTS}
    if csv is not None:
        data["affected_csv"] = SimpleUploadedFile("affected.csv", csv.encode(), content_type="text/csv")
    return data


def test_an_officer_declares_an_incident_with_a_csv_of_affected_customers(client: Client) -> None:
    alice, bob = customer(email="alice@example.com"), customer(email="bob@example.com")
    client.force_login(privacy_officer())

    response = client.post(ADD, _form("email\nAlice@Example.com\nbob@example.com\nbob@example.com\n"))

    assert response.status_code == HTTPStatus.FOUND
    incident = Incident.objects.get()
    assert set(incident.notices.values_list("customer", flat=True)) == {alice.pk, bob.pk}
    assert incident.declared_at is None  # a draft until declared


def test_a_csv_with_unknown_addresses_names_them_and_saves_nothing(client: Client) -> None:
    customer(email="alice@example.com")
    client.force_login(privacy_officer())

    response = client.post(ADD, _form("alice@example.com\nnobody@example.com\nnot-an-address\n"))

    assert response.status_code == HTTPStatus.OK  # the admin form, with the error
    page = response.content.decode()
    assert "2 addresses belong to no customer: nobody@example.com, not-an-address" in page
    assert not Incident.objects.exists()
    assert not IncidentNotice.objects.exists()


def test_a_staff_address_in_the_csv_is_not_a_customer(client: Client) -> None:
    agent(email="staff@example.com")
    client.force_login(privacy_officer())

    response = client.post(ADD, _form("staff@example.com\n"))

    assert "belongs to no customer" in response.content.decode()
    assert not Incident.objects.exists()


def test_customers_are_selected_with_an_admin_action_on_the_customer_list(client: Client) -> None:
    alice, bob, colleague = customer(), customer(), agent()
    incident = _incident()
    client.force_login(privacy_officer())
    selection = {"action": "add_to_incident", "_selected_action": [alice.pk, bob.pk, colleague.pk]}

    ask = client.post("/admin/customers/user/", selection)
    done = client.post("/admin/customers/user/", {**selection, "apply": "1", "incident": incident.pk})

    assert ask.status_code == HTTPStatus.OK
    assert "Mark as affected by a data incident" in ask.content.decode()
    assert done.status_code == HTTPStatus.FOUND
    assert set(incident.notices.values_list("customer", flat=True)) == {alice.pk, bob.pk}


def test_agents_cannot_mark_customers_affected(client: Client) -> None:
    alice = customer()
    incident = _incident()
    client.force_login(agent())

    client.post(
        "/admin/customers/user/",
        {"action": "add_to_incident", "_selected_action": [alice.pk], "apply": "1", "incident": incident.pk},
    )

    assert not IncidentNotice.objects.exists()


def test_declaring_announces_and_mails_each_affected_customer_once(
    client: Client, django_capture_on_commit_callbacks: Capture
) -> None:
    alice, bob = customer(language="de"), customer()
    incident = _incident()
    incident_customers_add(incident=incident, customer_ids=[alice.pk, bob.pk])
    officer = privacy_officer()
    client.force_login(officer)

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/customers/incident/", {"action": "declare", "_selected_action": [incident.pk]})
    with django_capture_on_commit_callbacks(execute=True):
        assert incident_declare(incident_id=incident.pk, staff=officer) is False

    incident.refresh_from_db()
    assert incident.declared_by == officer
    assert sorted(m.to[0] for m in mail.outbox) == sorted([alice.email, bob.email])
    german = next(m for m in mail.outbox if m.to == [alice.email])
    assert "Fehlgeleitete E-Mails" in german.subject
    assert "Achten Sie auf Phishing." in german.body
    assert "List-Unsubscribe" not in german.extra_headers  # a legal notice, not marketing
    assert Event.objects.filter(name="incident.affected").count() == 2
    assert IncidentNotice.objects.filter(mailed_at__isnull=True).count() == 0


def test_the_notice_is_mailed_even_to_a_customer_who_withdrew_every_consent(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    alice = customer()
    consent_withdraw_all(customer=alice, source="privacy_center")
    incident = _incident()
    incident_customers_add(incident=incident, customer_ids=[alice.pk])

    with django_capture_on_commit_callbacks(execute=True):
        incident_declare(incident_id=incident.pk, staff=privacy_officer())

    assert [m.to for m in mail.outbox] == [[alice.email]]


def test_customers_added_after_declaring_are_told_and_the_others_not_again(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    alice, bob = customer(), customer()
    incident = _incident()
    incident_customers_add(incident=incident, customer_ids=[alice.pk])
    with django_capture_on_commit_callbacks(execute=True):
        incident_declare(incident_id=incident.pk, staff=privacy_officer())

    with django_capture_on_commit_callbacks(execute=True):
        added = incident_customers_add(incident=incident, customer_ids=[alice.pk, bob.pk])

    assert added == 1
    assert [m.to for m in mail.outbox] == [[alice.email], [bob.email]]
    assert Event.objects.filter(name="incident.affected").count() == 2


def test_the_notice_shows_on_the_privacy_center_until_acknowledged(client: Client) -> None:
    alice = customer()
    incident = _incident()
    incident_customers_add(incident=incident, customer_ids=[alice.pk])
    incident_declare(incident_id=incident.pk, staff=privacy_officer())
    notice = IncidentNotice.objects.get(customer=alice)
    client.force_login(alice)

    assert "Watch out for phishing." in client.get("/privacy/").content.decode()
    response = client.post(f"/privacy/incidents/{notice.pk}/acknowledge/")

    assert response.status_code == HTTPStatus.FOUND
    assert "Watch out for phishing." not in client.get("/privacy/").content.decode()
    assert "Misdirected mails" in client.get("/privacy/notifications/").content.decode()
    event = Event.objects.get(name="incident.acknowledged")
    assert (event.customer_id, event.payload) == (alice.pk, {"incident_id": incident.pk})


def test_acknowledging_twice_is_announced_once() -> None:
    alice = customer()
    incident = _incident()
    incident_customers_add(incident=incident, customer_ids=[alice.pk])
    incident_declare(incident_id=incident.pk, staff=privacy_officer())
    notice = IncidentNotice.objects.get()

    assert incident_acknowledge(customer=alice, notice_id=notice.pk) is True
    assert incident_acknowledge(customer=alice, notice_id=notice.pk) is False
    assert Event.objects.filter(name="incident.acknowledged").count() == 1


def test_a_draft_is_not_shown_to_customers(client: Client) -> None:
    alice = customer()
    incident_customers_add(incident=_incident(), customer_ids=[alice.pk])
    client.force_login(alice)

    assert "Watch out for phishing." not in client.get("/privacy/").content.decode()


def test_another_customers_notice_cannot_be_acknowledged(client: Client) -> None:
    alice = customer()
    incident = _incident()
    incident_customers_add(incident=incident, customer_ids=[alice.pk])
    incident_declare(incident_id=incident.pk, staff=privacy_officer())
    client.force_login(customer())

    response = client.post(f"/privacy/incidents/{IncidentNotice.objects.get().pk}/acknowledge/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert IncidentNotice.objects.get().acknowledged_at is None


def test_a_declared_incident_cannot_be_deleted(client: Client) -> None:
    incident = _incident()
    incident_declare(incident_id=incident.pk, staff=privacy_officer())
    client.force_login(privacy_officer())

    assert client.get(f"/admin/customers/incident/{incident.pk}/delete/").status_code == HTTPStatus.FORBIDDEN


def test_a_large_selection_is_added_in_chunks() -> None:
    people = [customer() for _ in range(CHUNK + 3)]
    incident = _incident()
    incident_declare(incident_id=incident.pk, staff=privacy_officer())

    added = incident_customers_add(incident=incident, customer_ids=[p.pk for p in people])

    assert added == CHUNK + 3
    assert Event.objects.filter(name="incident.affected").count() == CHUNK + 3
