"""Signed mail links work without a sign-in; a tampered or forged one is refused and changes nothing.

Every pattern listed in ``SIGNED`` of test_object_access.py is tried here
with: a changed signature, the payload pointed at another object under
the old signature, a genuine token of another kind of link, and a token
signed with another secret key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from http import HTTPStatus
from typing import Any

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from customers import links
from customers.consents import ConsentChange, consent_change
from customers.models import ConsentRecord, User
from feedback.asking import SendOutcome
from feedback.models import NpsSurvey, Survey, SurveyState
from feedback.nps import NPS
from feedback.surveys import CSAT, survey_send
from feedback.threads import message_post, thread_resolve
from tests.api.catalogue import consent_catalogue
from tests.factories import agent, customer
from tests.feedback.factories import grant_surveys, thread
from tests.security.test_object_access import SIGNED

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Signed:
    """A genuine link's salt and payload for a fresh object, its POST body, and what must not change."""

    salt: str
    make: Callable[[], tuple[dict[str, Any], Callable[[], object]]]
    body: dict[str, str]


def _consents_of(person: User) -> Callable[[], object]:
    return lambda: list(ConsentRecord.objects.filter(customer=person).values())


def _unsubscribe() -> tuple[dict[str, Any], Callable[[], object]]:
    consent_catalogue()
    alice = customer()
    consent_change(
        customer=alice,
        changes=[ConsentChange("surveys", "email", True)],
        source=ConsentRecord.Source.PRIVACY_CENTER,
    )
    return {"c": alice.pk, "p": "surveys"}, _consents_of(alice)


def _confirm() -> tuple[dict[str, Any], Callable[[], object]]:
    consent_catalogue()
    alice = customer()
    [record] = consent_change(
        customer=alice,
        changes=[ConsentChange("newsletter", "email", True)],
        source=ConsentRecord.Source.PRIVACY_CENTER,
    )
    assert record.state == ConsentRecord.State.PENDING
    return {"r": record.pk}, _consents_of(alice)


def _survey() -> tuple[dict[str, Any], Callable[[], object]]:
    alice = customer()
    grant_surveys(alice)
    given = thread(alice)
    message_post(thread=given, author=agent(), text="Fixed it.")
    thread_resolve(thread=given, actor=alice)
    survey = Survey.objects.get(thread=given)
    assert survey_send(survey_id=survey.pk, now=timezone.now() + timedelta(days=2)) == SendOutcome.SENT
    return {"i": survey.pk, "s": 5}, lambda: list(Survey.objects.values())


def _nps() -> tuple[dict[str, Any], Callable[[], object]]:
    survey = NpsSurvey.objects.create(customer=customer(), state=SurveyState.SENT, sent_at=timezone.now())
    return {"i": survey.pk, "s": 9}, lambda: list(NpsSurvey.objects.values())


LINKS: dict[str, Signed] = {
    "customers:unsubscribe": Signed(links.UNSUBSCRIBE_SALT, _unsubscribe, {}),
    "customers:consent_confirm": Signed(links.CONFIRM_SALT, _confirm, {}),
    "feedback:survey_answer": Signed(CSAT.salt, _survey, {"score": "5", "solved": "yes"}),
    "feedback:nps_answer": Signed(NPS.salt, _nps, {"score": "9"}),
}


def test_every_signed_link_is_tried() -> None:
    assert set(LINKS) == SIGNED


def _other_object(payload: dict[str, Any]) -> dict[str, Any]:
    key = "c" if "c" in payload else "r" if "r" in payload else "i"
    return {**payload, key: payload[key] + 1000}


def _forgeries(salt: str, payload: dict[str, Any]) -> dict[str, str]:
    genuine = signing.dumps(payload, salt=salt)
    body, stamp, signature = genuine.split(":")
    other = signing.dumps(_other_object(payload), salt=salt).split(":")[0]
    another_salt = links.UNSUBSCRIBE_SALT if salt != links.UNSUBSCRIBE_SALT else CSAT.salt
    return {
        "changed signature": f"{body}:{stamp}:{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}",
        "another object, old signature": f"{other}:{stamp}:{signature}",
        "another kind of link": signing.dumps(payload, salt=another_salt),
        "another secret key": signing.dumps(payload, salt=salt, key="not-the-portal-secret-key-" + "x" * 30),
        "no signature at all": body,
    }


@pytest.mark.parametrize("name", sorted(LINKS))
def test_a_genuine_link_opens_without_a_sign_in(client: Client, name: str) -> None:
    link = LINKS[name]
    payload, _snapshot = link.make()

    response = client.get(reverse(name, args=[signing.dumps(payload, salt=link.salt)]))

    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", sorted(LINKS))
def test_a_tampered_or_forged_link_is_refused_and_changes_nothing(
    client: Client, name: str, method: str
) -> None:
    link = LINKS[name]
    payload, snapshot = link.make()
    before = snapshot()

    for forgery, token in _forgeries(link.salt, payload).items():
        url = reverse(name, args=[token])
        response = client.get(url) if method == "get" else client.post(url, link.body)

        assert response.status_code in {HTTPStatus.BAD_REQUEST, HTTPStatus.NOT_FOUND}, forgery
        assert snapshot() == before, forgery
