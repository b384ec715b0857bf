"""Every URL that names an object is scoped to its owner: another customer gets 404, nobody a sign-in.

The URL conf is walked; every pattern that takes an argument (an id, a
uuid, a token) must be in ``OWNED`` (with a factory that makes the object
for customer A), in ``SIGNED`` (mail links, see test_signed_links.py) or in
``EXCLUDED`` with the reason. A new pattern that is in none of them fails
``test_every_object_url_is_in_the_table``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from http import HTTPStatus
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from customers.consents import ConsentChange, consent_change
from customers.exports import export_build
from customers.incidents import incident_customers_add, incident_declare
from customers.models import ConsentRecord, DataRequest, Incident, IncidentNotice, Notification, User
from customers.notifications import notification_create
from customers.requests import data_request_erasure, data_request_export
from feedback.ideas import idea_suggest
from feedback.models import Attachment, Idea, Message, Thread
from tests.api.catalogue import consent_catalogue
from tests.factories import customer, privacy_officer
from tests.feedback.factories import png, thread
from tests.security.urlconf import routes

pytestmark = pytest.mark.django_db

Snapshot = Callable[[], object]


@dataclass(frozen=True)
class Owned:
    """How to make customer A's object, which method the URL takes, and what must not change."""

    make: Callable[[User], tuple[dict[str, Any], Snapshot]]
    method: str = "get"
    api: bool = False
    data: dict[str, str] | None = None  # a valid body, so only the scoping can refuse it
    owner_may: bool = True  # False where even the owner is refused (voting on one's unpublished idea)


def _rows(model: type[Any], **lookup: Any) -> Snapshot:
    return lambda: list(model.objects.filter(**lookup).values())


def _erasure(owner: User) -> tuple[dict[str, Any], Snapshot]:
    request = data_request_erasure(customer=owner)
    return {"pk": request.pk}, _rows(DataRequest, customer=owner)


def _export(owner: User) -> tuple[dict[str, Any], Snapshot]:
    request = data_request_export(customer=owner)
    assert export_build(request_id=request.pk)
    request.refresh_from_db()
    return {"pk": request.pk, "token": request.download_token}, _rows(DataRequest, customer=owner)


def _export_by_id(owner: User) -> tuple[dict[str, Any], Snapshot]:
    """The API's download names the request alone; the caller must be its owner."""
    kwargs, snapshot = _export(owner)
    return {"pk": kwargs["pk"]}, snapshot


def _notice(owner: User) -> tuple[dict[str, Any], Snapshot]:
    incident = Incident.objects.create(started_on=date(2026, 11, 1), title_en="Lost laptop")
    incident_customers_add(incident=incident, customer_ids=[owner.pk])
    incident_declare(incident_id=incident.pk, staff=privacy_officer())
    notice = IncidentNotice.objects.get(incident=incident, customer=owner)
    return {"pk": notice.pk}, _rows(IncidentNotice, pk=notice.pk)


def _notification(owner: User) -> tuple[dict[str, Any], Snapshot]:
    notification = notification_create(customer=owner, key=f"test:{owner.pk}", title=lambda: "Hello")
    return {"pk": notification.pk}, _rows(Notification, pk=notification.pk)


def _thread(owner: User) -> tuple[dict[str, Any], Snapshot]:
    given = thread(owner)

    def snapshot() -> object:
        return _rows(Thread, pk=given.pk)(), _rows(Message, thread=given)()

    return {"pk": given.pk}, snapshot


def _resolved_thread(owner: User) -> tuple[dict[str, Any], Snapshot]:
    kwargs, snapshot = _thread(owner)
    Thread.objects.filter(pk=kwargs["pk"]).update(status=Thread.Status.RESOLVED)
    return kwargs, snapshot


def _attachment(owner: User) -> tuple[dict[str, Any], Snapshot]:
    given = thread(owner, files=[png()])
    attachment = Attachment.objects.get(message__thread=given)
    return {"token": str(attachment.token)}, _rows(Attachment, pk=attachment.pk)


def _suggestion(owner: User) -> tuple[dict[str, Any], Snapshot]:
    """An idea awaiting review: only its author may open it."""
    idea = idea_suggest(author=owner, title="Gift wrapping", description="Wrap my parcels, please.")

    def snapshot() -> object:
        return _rows(Idea, pk=idea.pk)(), idea.votes.count(), idea.comments.count()

    return {"pk": idea.pk}, snapshot


def _consent_record(owner: User) -> tuple[dict[str, Any], Snapshot]:
    consent_catalogue()
    records = consent_change(
        customer=owner,
        changes=[ConsentChange("surveys", "email", True)],
        source=ConsentRecord.Source.PRIVACY_CENTER,
    )
    return {"pk": records[0].pk}, _rows(ConsentRecord, customer=owner)


# Every pattern that takes an argument and leads to one customer's object.
OWNED: dict[str, Owned] = {
    "customers:data_request_cancel": Owned(_erasure, "post"),
    "customers:export_download": Owned(_export),
    "customers:incident_acknowledge": Owned(_notice, "post"),
    "customers:notification_read": Owned(_notification, "post"),
    "feedback:thread_detail": Owned(_thread),
    "feedback:thread_reply": Owned(_thread, "post", data={"text": "Any news?"}),
    "feedback:thread_resolve": Owned(_thread, "post"),
    "feedback:thread_reopen": Owned(_resolved_thread, "post"),
    "feedback:attachment": Owned(_attachment),
    "feedback:idea_detail": Owned(_suggestion),
    "feedback:idea_vote": Owned(_suggestion, "post", data={"action": "vote"}, owner_may=False),
    "feedback:idea_comment": Owned(_suggestion, "post", data={"text": "Me too!"}, owner_may=False),
    "api:me-consent-record": Owned(_consent_record, api=True),
    "api:me-notification": Owned(_notification, api=True),
    "api:me-data-request": Owned(_erasure, api=True),
    "api:me-data-request-cancel": Owned(_erasure, "post", api=True),
    "api:me-data-request-download": Owned(_export_by_id, api=True),
    "api:me-thread": Owned(_thread, api=True),
    "api:me-thread-replies": Owned(_thread, "post", api=True),
    "api:me-thread-resolve": Owned(_thread, "post", api=True),
    "api:me-thread-reopen": Owned(_resolved_thread, "post", api=True),
    "api:me-idea-vote": Owned(_suggestion, "post", api=True, owner_may=False),
}
# Signed links in mails: no sign-in, the signature is the key (test_signed_links.py).
SIGNED = {
    "customers:unsubscribe",
    "customers:consent_confirm",
    "feedback:survey_answer",
    "feedback:nps_answer",
}
EXCLUDED = {
    "api:customer": "integration endpoint for API keys, not persons: tests/api/test_access.py",
    "api:customer-external-id": "integration endpoint for API keys, not persons: tests/api/test_access.py",
    "api:trust-account": "integration endpoint for API keys, not persons: tests/api/test_trust_api.py",
    "api:trust-followup-outcome": "integration endpoint for API keys: tests/api/test_trust_api.py",
    "api:problem-type": "a public documentation page named by a slug, nobody's object",
}
# Whole families, by where their views live.
EXCLUDED_MODULES = {
    "django.contrib.admin": "staff only, every changelist walked in test_staff_pages.py",
    "django.contrib.contenttypes": "admin's view-on-site redirect, staff only (test_staff_pages.py)",
    "allauth.": "django-allauth's own views: its keys are its own signed tokens, its objects are "
    "fetched for request.user, and it has its own test suite",
}
ADMIN_PREFIX = "admin/"


def _id_taking() -> set[str]:
    names = set()
    for route in routes():
        if not route.arguments or route.route.startswith(ADMIN_PREFIX):
            continue
        if any(route.module.startswith(module) for module in EXCLUDED_MODULES):
            continue
        names.add(route.name or route.route)
    return names


def test_every_object_url_is_in_the_table() -> None:
    missing = _id_taking() - set(OWNED) - SIGNED - set(EXCLUDED)

    assert not missing, f"add these patterns to OWNED, SIGNED or EXCLUDED (with a reason): {missing}"
    assert not set(OWNED) - _id_taking(), "OWNED names a pattern that no longer exists"


def _call(client: Client, case: Owned, url: str) -> Any:
    if case.api:
        return getattr(client, case.method)(url, content_type="application/json")
    if case.data is not None:
        return getattr(client, case.method)(url, case.data)
    return getattr(client, case.method)(url)


@pytest.mark.parametrize("name", sorted(OWNED))
def test_another_customer_gets_404_and_changes_nothing(name: str) -> None:
    case = OWNED[name]
    alice, bob = customer(), customer()
    kwargs, snapshot = case.make(alice)
    url = reverse(name, kwargs=kwargs)
    before = snapshot()
    intruder = Client()
    intruder.force_login(bob)

    response = _call(intruder, case, url)

    assert response.status_code == HTTPStatus.NOT_FOUND, (url, response.status_code)
    assert snapshot() == before
    if case.owner_may:
        owner = Client()
        owner.force_login(alice)
        assert _call(owner, case, url).status_code != HTTPStatus.NOT_FOUND, "the object exists for its owner"


@pytest.mark.parametrize("name", sorted(OWNED))
def test_an_anonymous_visitor_is_sent_to_sign_in(client: Client, name: str) -> None:
    case = OWNED[name]
    kwargs, snapshot = case.make(customer())
    url = reverse(name, kwargs=kwargs)
    before = snapshot()

    response = _call(client, case, url)

    if case.api:
        assert response.status_code == HTTPStatus.UNAUTHORIZED
    else:
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith(reverse("account_login") + "?next=")
    assert snapshot() == before
