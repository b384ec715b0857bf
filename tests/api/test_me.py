"""Customer endpoints: the caller's profile, consents, history and notifications — and nobody else's."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from pytest_django import DjangoCaptureOnCommitCallbacks

from customers.consents import ConsentChange, consent_allows, consent_change
from customers.models import ConsentRecord, Purpose, User
from customers.notifications import notification_create
from customers.purposes import purpose_save
from plumbing.models import Event
from tests.api.credentials import token_auth
from tests.factories import customer

pytestmark = pytest.mark.django_db

CONSENTS = "/api/v1/me/consents/"
CENTER = ConsentRecord.Source.PRIVACY_CENTER


def _change(client: Client, headers: dict[str, str], *changes: dict[str, object]) -> Any:
    return client.post(CONSENTS, {"changes": list(changes)}, content_type="application/json", headers=headers)


def test_the_profile_shows_the_callers_own_data(client: Client) -> None:
    alice = customer(full_name="Alice Example", language="de")

    body = client.get("/api/v1/me/", headers=token_auth(alice)).json()

    assert body == {
        "id": alice.pk,
        "email": alice.email,
        "full_name": "Alice Example",
        "language": "de",
        "date_joined": body["date_joined"],
    }


def test_the_profile_works_with_the_browser_session_too(client: Client) -> None:
    alice = customer()
    client.force_login(alice)

    assert client.get("/api/v1/me/").json()["id"] == alice.pk


def test_name_and_language_can_be_changed(client: Client) -> None:
    alice = customer(language="en")

    response = client.patch(
        "/api/v1/me/",
        {"full_name": "Alice B.", "language": "de"},
        content_type="application/json",
        headers=token_auth(alice),
    )

    assert response.status_code == HTTPStatus.OK
    alice.refresh_from_db()
    assert (alice.full_name, alice.language) == ("Alice B.", "de")


def test_an_unknown_language_is_refused_and_changes_nothing(client: Client) -> None:
    alice = customer(full_name="Alice", language="en")

    response = client.patch(
        "/api/v1/me/",
        {"full_name": "Bob", "language": "xx"},
        content_type="application/json",
        headers=token_auth(alice),
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert [error["field"] for error in response.json()["errors"]] == ["language"]
    alice.refresh_from_db()
    assert (alice.full_name, alice.language) == ("Alice", "en")


def test_the_matrix_shows_every_purpose_with_its_current_state(client: Client) -> None:
    alice = customer()
    consent_change(customer=alice, changes=[ConsentChange("surveys", "email", True)], source=CENTER)

    body = client.get(CONSENTS, headers=token_auth(alice)).json()

    purposes = {purpose["key"]: purpose for purpose in body["purposes"]}
    assert [channel["key"] for channel in body["channels"]] == ["email", "sms", "phone", "post"]
    surveys = {cell["channel"]: cell for cell in purposes["surveys"]["consents"]}
    assert surveys["email"]["state"] == "granted"
    assert surveys["email"]["allowed"]
    assert surveys["phone"]["state"] == "withdrawn"
    assert surveys["phone"]["granted_version"] is None
    service = purposes["service"]
    assert service["required"]
    assert not service["consents"][0]["editable"]


def test_a_change_uses_the_privacy_centers_rules_and_is_recorded_as_coming_from_the_api(
    client: Client,
) -> None:
    alice = customer()

    response = _change(client, token_auth(alice), {"purpose": "surveys", "channel": "email", "granted": True})

    assert response.status_code == HTTPStatus.OK
    [record] = response.json()["recorded"]
    assert (record["purpose"], record["state"], record["source"]) == ("surveys", "granted", "api")
    assert ConsentRecord.objects.get().actor == alice
    assert consent_allows(customer_id=alice.pk, purpose_key="surveys", channel_key="email")
    assert Event.objects.filter(name="consent.granted", customer=alice).exists()


def test_marketing_by_email_stays_pending_until_confirmed_by_mail(
    client: Client, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    alice = customer()

    with django_capture_on_commit_callbacks(execute=True):
        response = _change(
            client, token_auth(alice), {"purpose": "newsletter", "channel": "email", "granted": True}
        )

    assert response.json()["recorded"][0]["state"] == "pending"
    assert not consent_allows(customer_id=alice.pk, purpose_key="newsletter", channel_key="email")
    assert len(mail.outbox) == 1


def test_saving_the_same_choice_twice_records_nothing_the_second_time(client: Client) -> None:
    headers = token_auth(customer())
    change = {"purpose": "surveys", "channel": "email", "granted": True}

    _change(client, headers, change)
    second = _change(client, headers, change)

    assert second.json() == {"recorded": []}
    assert ConsentRecord.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"purpose": "telepathy", "channel": "email", "granted": True}, "unknown_purpose"),
        ({"purpose": "surveys", "channel": "pigeon", "granted": True}, "unknown_channel"),
        ({"purpose": "surveys", "channel": "sms", "granted": True}, "unknown_channel"),
        ({"purpose": "service", "channel": "email", "granted": False}, "required"),
    ],
)
def test_a_change_the_rules_refuse_is_a_400_and_nothing_of_the_request_is_recorded(
    client: Client, change: dict[str, object], code: str
) -> None:
    fine = {"purpose": "surveys", "channel": "email", "granted": True}

    response = _change(client, token_auth(customer()), fine, change)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    [error] = response.json()["errors"]
    assert (error["field"], error["code"]) == ("changes", code)
    assert not ConsentRecord.objects.exists()


def test_a_change_to_a_text_that_changed_since_is_a_409(client: Client) -> None:
    surveys = Purpose.objects.get(key="surveys")
    surveys.description_en = "A new text."
    purpose_save(purpose=surveys)

    response = _change(
        client,
        token_auth(customer()),
        {"purpose": "surveys", "channel": "email", "granted": True, "version": 1},
    )

    assert response.status_code == HTTPStatus.CONFLICT
    assert response.json()["type"] == "/api/v1/problems/stale-version/"
    assert not ConsentRecord.objects.exists()


@pytest.mark.parametrize("changes", [[], [{}], None])
def test_an_empty_or_incomplete_change_list_is_a_400(client: Client, changes: object) -> None:
    response = client.post(
        CONSENTS, {"changes": changes}, content_type="application/json", headers=token_auth(customer())
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST


def _history(alice: User) -> list[ConsentRecord]:
    return consent_change(
        customer=alice,
        changes=[ConsentChange("surveys", "email", True), ConsentChange("surveys", "phone", True)],
        source=CENTER,
    ) + consent_change(customer=alice, changes=[ConsentChange("surveys", "email", False)], source=CENTER)


def test_the_history_lists_the_callers_changes_newest_first_with_their_text(client: Client) -> None:
    alice, bob = customer(), customer()
    records = _history(alice)
    _history(bob)

    body = client.get("/api/v1/me/consents/history/", headers=token_auth(alice)).json()

    assert [row["id"] for row in body["results"]] == [record.pk for record in reversed(records)]
    assert body["results"][0]["text_version"] == {
        "version": 1,
        "title": "Surveys and research",
        "description": records[0].purpose_version.description_en,
    }


def test_the_history_is_filtered_ordered_and_paged_by_cursor(client: Client) -> None:
    alice = customer()
    records = _history(alice)
    headers = token_auth(alice)

    withdrawn = client.get("/api/v1/me/consents/history/?state=withdrawn", headers=headers).json()
    phone = client.get("/api/v1/me/consents/history/?channel=phone", headers=headers).json()
    oldest_first = client.get("/api/v1/me/consents/history/?ordering=id&page_size=2", headers=headers).json()
    rest = client.get(oldest_first["next"], headers=headers).json()

    assert [row["id"] for row in withdrawn["results"]] == [records[2].pk]
    assert [row["id"] for row in phone["results"]] == [records[1].pk]
    assert [row["id"] for row in oldest_first["results"] + rest["results"]] == [r.pk for r in records]
    assert rest["next"] is None


def test_a_bad_filter_value_is_a_400_naming_the_parameter(client: Client) -> None:
    response = client.get("/api/v1/me/consents/history/?state=maybe", headers=token_auth(customer()))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert [error["field"] for error in response.json()["errors"]] == ["state"]


def test_another_customers_consent_record_is_a_404(client: Client) -> None:
    alice, bob = customer(), customer()
    [record, *_] = _history(alice)

    assert (
        client.get(f"/api/v1/me/consents/history/{record.pk}/", headers=token_auth(alice)).status_code == 200
    )
    assert client.get(f"/api/v1/me/consents/history/{record.pk}/", headers=token_auth(bob)).status_code == 404


def test_notifications_are_listed_filtered_and_marked_read(client: Client) -> None:
    alice, bob = customer(), customer()
    one = notification_create(customer=alice, key="a1", title=lambda: "One")
    two = notification_create(customer=alice, key="a2", title=lambda: "Two")
    notification_create(customer=bob, key="b1", title=lambda: "Bob's")
    headers = token_auth(alice)

    listed = client.get("/api/v1/me/notifications/", headers=headers).json()["results"]
    marked = client.post(
        "/api/v1/me/notifications/read/", content_type="application/json", headers=headers
    ).json()
    unread = client.get("/api/v1/me/notifications/?unread=true", headers=headers).json()["results"]

    assert [row["id"] for row in listed] == [two.pk, one.pk]
    assert marked == {"marked": 2}
    assert unread == []
    assert client.get(f"/api/v1/me/notifications/{one.pk}/", headers=headers).json()["read_at"] is not None


def test_another_customers_notification_is_a_404_and_is_not_marked_read(client: Client) -> None:
    alice, bob = customer(), customer()
    notice = notification_create(customer=alice, key="a1", title=lambda: "One")

    assert client.get(f"/api/v1/me/notifications/{notice.pk}/", headers=token_auth(bob)).status_code == 404
    client.post("/api/v1/me/notifications/read/", content_type="application/json", headers=token_auth(bob))
    notice.refresh_from_db()
    assert notice.read_at is None


def test_marking_read_refuses_unknown_fields(client: Client) -> None:
    response = client.post(
        "/api/v1/me/notifications/read/",
        {"ids": [1]},
        content_type="application/json",
        headers=token_auth(customer()),
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("cursor=not-a-cursor", HTTPStatus.BAD_REQUEST),
        ("since=9999-12-31T23:00:00-05:00", HTTPStatus.BAD_REQUEST),
        # Python accepts this offset, PostgreSQL would not: it is compared in UTC.
        ("since=8775-09-13T13:30:29-18:49", HTTPStatus.OK),
    ],
)
def test_odd_query_values_found_by_schemathesis_are_answered_not_crashed_on(
    client: Client, query: str, status: int
) -> None:
    response = client.get(f"/api/v1/me/consents/history/?{query}", headers=token_auth(customer()))

    assert response.status_code == status
