"""Consent services: append-only proof, double opt-in, versions, and the current state."""

import re

import pytest
from django.core import mail

from customers.consents import (
    ConsentChange,
    ConsentRefused,
    StaleConsentForm,
    consent_allows,
    consent_change,
    consent_confirm,
    consent_matrix,
    consent_withdraw_all,
    customers_consenting,
)
from customers.gpc import gpc_honour
from customers.links import consent_confirm_token_read
from customers.models import Channel, ConsentRecord, Purpose, User
from customers.purposes import purpose_save
from plumbing.models import Event
from tests.factories import customer, privacy_officer

pytestmark = pytest.mark.django_db

CENTER = ConsentRecord.Source.PRIVACY_CENTER


def _grant(person: User, purpose: str, channel: str = "email") -> list[ConsentRecord]:
    return consent_change(
        customer=person, changes=[ConsentChange(purpose, channel, granted=True)], source=CENTER, actor=person
    )


def _allows(person: User, purpose: str, channel: str = "email") -> bool:
    return consent_allows(customer_id=person.pk, purpose_key=purpose, channel_key=channel)


def test_granting_a_non_marketing_purpose_is_recorded_with_its_proof_and_announced() -> None:
    alice = customer()

    [record] = _grant(alice, "surveys")

    assert record.state == ConsentRecord.State.GRANTED
    assert (record.source, record.actor, record.purpose_version.version) == (CENTER, alice, 1)
    assert _allows(alice, "surveys")
    event = Event.objects.get(key=f"consent:{record.pk}")
    assert event.name == "consent.granted"
    assert event.payload == {"purpose": "surveys", "channel": "email", "source": "privacy_center"}


def test_marketing_by_email_waits_for_the_confirmation_link(
    django_capture_on_commit_callbacks: object,
) -> None:
    alice = customer()

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        [pending] = _grant(alice, "newsletter")

    assert pending.state == ConsentRecord.State.PENDING
    assert not _allows(alice, "newsletter")
    assert not Event.objects.filter(name="consent.granted").exists()
    [message] = mail.outbox
    link = re.search(r"/privacy/confirm/(\S+)/", str(message.body))
    assert link
    assert consent_confirm_token_read(link.group(1)) == pending.pk

    granted = consent_confirm(record_id=pending.pk)

    assert granted is not None
    assert granted.source == ConsentRecord.Source.EMAIL_LINK
    assert _allows(alice, "newsletter")
    assert Event.objects.filter(name="consent.granted", customer=alice).count() == 1


def test_a_confirmation_after_withdrawing_grants_nothing() -> None:
    alice = customer()
    [pending] = _grant(alice, "newsletter")
    consent_change(customer=alice, changes=[ConsentChange("newsletter", "email", False)], source=CENTER)

    assert consent_confirm(record_id=pending.pk) is None
    assert not _allows(alice, "newsletter")


def test_marketing_on_other_channels_needs_no_mail_confirmation() -> None:
    alice = customer()

    [record] = _grant(alice, "offers", "sms")

    assert record.state == ConsentRecord.State.GRANTED


def test_saving_the_same_choices_twice_records_nothing_the_second_time() -> None:
    alice = customer()
    _grant(alice, "surveys")

    assert _grant(alice, "surveys") == []
    assert ConsentRecord.objects.filter(customer=alice).count() == 1


def test_withdrawing_everything_optional_is_one_call_and_leaves_required_purposes() -> None:
    alice = customer()
    _grant(alice, "surveys")
    _grant(alice, "offers", "phone")
    _grant(alice, "newsletter")  # pending

    records = consent_withdraw_all(customer=alice, source=CENTER, actor=alice)

    assert {(r.purpose.key, r.channel.key) for r in records} == {
        ("surveys", "email"),
        ("offers", "phone"),
        ("newsletter", "email"),
    }
    assert not any(
        _allows(alice, p, c) for p, c in [("surveys", "email"), ("offers", "phone"), ("newsletter", "email")]
    )
    assert _allows(alice, "service")


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (ConsentChange("no-such-purpose", "email", True), "unknown_purpose"),
        (ConsentChange("surveys", "carrier-pigeon", True), "unknown_channel"),
        (ConsentChange("surveys", "sms", True), "unknown_channel"),
        (ConsentChange("service", "email", False), "required"),
    ],
)
def test_impossible_changes_are_refused_and_nothing_is_written(change: ConsentChange, code: str) -> None:
    alice = customer()

    with pytest.raises(ConsentRefused) as refusal:
        consent_change(customer=alice, changes=[ConsentChange("offers", "sms", True), change], source=CENTER)

    assert refusal.value.code == code
    assert not ConsentRecord.objects.filter(customer=alice).exists()


def test_staff_changes_on_behalf_need_a_reason_and_keep_it() -> None:
    alice, officer = customer(), privacy_officer()
    change = [ConsentChange("offers", "phone", False)]
    _grant(alice, "offers", "phone")

    with pytest.raises(ConsentRefused):
        consent_change(customer=alice, changes=change, source=ConsentRecord.Source.STAFF, actor=officer)
    [record] = consent_change(
        customer=alice,
        changes=change,
        source=ConsentRecord.Source.STAFF,
        actor=officer,
        reason="Asked by phone",
    )

    assert (record.actor, record.reason) == (officer, "Asked by phone")


def test_a_form_showing_an_old_text_is_refused_as_stale() -> None:
    alice = customer()
    purpose = Purpose.objects.get(key="surveys")
    purpose.description_en = "We now also ask by phone at dinner time."
    purpose_save(purpose=purpose)

    with pytest.raises(StaleConsentForm):
        consent_change(
            customer=alice, changes=[ConsentChange("surveys", "email", True, shown_version=1)], source=CENTER
        )
    assert not ConsentRecord.objects.filter(customer=alice).exists()


def test_editing_a_purposes_text_asks_its_consenters_to_reconfirm() -> None:
    alice = customer()
    _grant(alice, "surveys")
    purpose = Purpose.objects.get(key="surveys")
    purpose.title_en = "Surveys, research and product tests"
    purpose_save(purpose=purpose)

    [state] = [
        s
        for s in consent_matrix(customer=alice).states()
        if s.purpose.key == "surveys" and s.channel.key == "email"
    ]
    assert purpose.version == 2
    assert state.needs_reconfirm

    [record] = consent_change(
        customer=alice, changes=[ConsentChange("surveys", "email", True, shown_version=2)], source=CENTER
    )
    assert record.purpose_version.version == 2


def test_saving_a_purpose_without_text_changes_keeps_its_version() -> None:
    purpose = Purpose.objects.get(key="surveys")
    purpose.order = 99

    purpose_save(purpose=purpose)

    assert purpose.version == 1


def test_consent_records_cannot_be_edited_or_deleted() -> None:
    alice = customer()
    [record] = _grant(alice, "surveys")

    record.state = ConsentRecord.State.WITHDRAWN
    with pytest.raises(ValueError, match="append-only"):
        record.save()
    with pytest.raises(ValueError, match="append-only"):
        record.delete()


def test_nothing_granted_means_no_contact_except_required_purposes() -> None:
    alice = customer()

    assert _allows(alice, "service")
    assert not _allows(alice, "surveys")
    assert not _allows(alice, "unknown")


def test_no_contact_on_a_channel_not_offered_or_switched_off_even_if_required_or_granted() -> None:
    alice = customer()
    _grant(alice, "surveys")
    service, surveys = Purpose.objects.get(key="service"), Purpose.objects.get(key="surveys")
    assert _allows(alice, "service")
    assert _allows(alice, "surveys")

    service.channels.remove(Channel.objects.get(key="email"))
    Channel.objects.filter(key="email").update(active=False)

    assert not _allows(alice, "service")
    assert not _allows(alice, "surveys")
    assert not customers_consenting(purpose_key=surveys.key, channel_key="email").exists()
    assert not customers_consenting(purpose_key=service.key, channel_key="email").exists()


def test_the_matrix_costs_three_queries_whatever_the_history(django_assert_num_queries: object) -> None:
    alice = customer()
    for number in range(6):
        Purpose.objects.create(
            key=f"extra-{number}", title_en="x", title_de="x", description_en="x", description_de="x",
            legal_basis="consent",
        ).channels.set(Channel.objects.all())  # fmt: skip
        purpose_save(purpose=Purpose.objects.get(key=f"extra-{number}"))
    for _ in range(30):
        consent_withdraw_all(customer=alice, source=CENTER)
        _grant(alice, "offers", "post")

    with django_assert_num_queries(3):  # type: ignore[operator]
        matrix = consent_matrix(customer=alice)
        states = matrix.states()

    assert len(matrix.rows) == 12
    assert len(matrix.channels) == 4
    assert [s.allowed for s in states if s.purpose.key == "offers" and s.channel.key == "post"] == [True]


def _consent_personas() -> dict[str, User]:
    """Customers in every state a cell can be in, reached through the services."""
    legitimate = Purpose.objects.create(
        key="legitimate", title_en="x", title_de="x", description_en="x", description_de="x",
        legal_basis="legitimate_interests", default_granted=True,
    )  # fmt: skip
    legitimate.channels.set(Channel.objects.all())
    purpose_save(purpose=legitimate)
    personas = {name: customer() for name in ("never asked", "granted", "withdrawn", "granted again")}
    personas["disabled"] = customer(is_active=False)
    personas["unconfirmed"] = customer()
    personas["sharing, then GPC"] = customer()
    personas["other channel"] = customer()
    personas["granted an old text"] = customer()
    for name in ("granted", "withdrawn", "granted again", "disabled", "granted an old text"):
        _grant(personas[name], "surveys")
        _grant(personas[name], "partners", "sms")
        _grant(personas[name], "legitimate")
        _grant(personas[name], "offers", "sms")  # a purpose that will be retired
    for name in ("withdrawn", "granted again"):
        consent_withdraw_all(customer=personas[name], source=CENTER)
    _grant(personas["granted again"], "surveys")
    _grant(personas["granted again"], "legitimate")
    _grant(personas["unconfirmed"], "newsletter")
    _grant(personas["sharing, then GPC"], "partners", "sms")
    gpc_honour(customer=personas["sharing, then GPC"])
    _grant(personas["other channel"], "surveys", "phone")
    surveys = Purpose.objects.get(key="surveys")
    surveys.title_en = "Surveys, research and product tests"
    purpose_save(purpose=surveys)
    return personas


def test_the_consenting_customers_are_exactly_those_consent_allows_for_every_persona() -> None:
    personas = _consent_personas()
    Purpose.objects.filter(key="offers").update(active=False)
    privacy_officer()  # staff are not customers, whatever they allowed
    purposes = [*Purpose.objects.values_list("key", flat=True), "unknown"]

    for purpose_key in purposes:
        for channel_key in [*Channel.objects.values_list("key", flat=True), "unknown"]:
            selected = set(
                customers_consenting(purpose_key=purpose_key, channel_key=channel_key).values_list(
                    "pk", flat=True
                )
            )
            allowed = {
                name
                for name, person in personas.items()
                if consent_allows(customer_id=person.pk, purpose_key=purpose_key, channel_key=channel_key)
            }
            assert {name for name, person in personas.items() if person.pk in selected} == allowed, (
                purpose_key,
                channel_key,
            )
            assert selected <= {person.pk for person in personas.values()}


def test_the_consenting_customers_of_a_purpose_are_those_who_allowed_it_on_that_channel() -> None:
    personas = _consent_personas()

    selected = customers_consenting(purpose_key="surveys", channel_key="email")

    assert set(selected) == {
        personas["granted"],
        personas["granted again"],
        personas["disabled"],
        personas["granted an old text"],
    }
