"""A customer's own time zone: set on the profile, used for the dates in their mails and for the
quiet hours of the automatic follow-up mails."""

from datetime import datetime
from http import HTTPStatus
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client

from customers.consents import ConsentChange, consent_change
from customers.mailing import mail_send
from customers.models import ConsentRecord
from tests.factories import customer
from trust.care_mail import CareMailOutcome, followup_mail_send, followup_quiet_end
from trust.ledger import ledger_book
from trust.models import FollowUp

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")
NOON_IN_BERLIN = datetime(2026, 12, 8, 12, 0, tzinfo=BERLIN)  # 20:00 in Tokyo: quiet hours there


def test_a_customer_sets_their_time_zone_on_the_profile(client: Client) -> None:
    alice = customer()
    client.force_login(alice)
    form = {"full_name": "Alice", "language": "en", "time_zone": "Asia/Tokyo"}

    saved = client.post("/privacy/profile/", form)
    refused = client.post("/privacy/profile/", {**form, "time_zone": "Mars/Olympus"})

    assert saved.status_code == HTTPStatus.FOUND
    alice.refresh_from_db()
    assert (alice.time_zone, str(alice.zone)) == ("Asia/Tokyo", "Asia/Tokyo")
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert "Mars/Olympus is not one of the available choices" in refused.content.decode()


def test_without_one_the_portals_time_zone_applies() -> None:
    assert str(customer().zone) == "Europe/Berlin"


def _care_follow_up(zone: str) -> FollowUp:
    person = customer(time_zone=zone)
    consent_change(
        customer=person,
        changes=[ConsentChange("care", "email", True)],
        source=ConsentRecord.Source.PRIVACY_CENTER,
    )
    ledger_book(customer_id=person.pk, event_type="data_request_overdue", key=f"{person.pk}:fall")
    return FollowUp.objects.get(customer=person, status="open")


def test_quiet_hours_are_the_customers_own() -> None:
    in_tokyo, in_berlin = _care_follow_up("Asia/Tokyo"), _care_follow_up("")

    assert followup_mail_send(followup_id=in_tokyo.pk, now=NOON_IN_BERLIN) == CareMailOutcome.QUIET_HOURS
    assert followup_mail_send(followup_id=in_berlin.pk, now=NOON_IN_BERLIN) == CareMailOutcome.SENT
    assert followup_quiet_end(followup_id=in_tokyo.pk, now=NOON_IN_BERLIN) == datetime(
        2026, 12, 9, 8, 0, tzinfo=ZoneInfo("Asia/Tokyo")
    )


def test_dates_in_a_mail_are_in_the_customers_time() -> None:
    alice = customer(time_zone="America/New_York")

    mail_send(
        key="tz-1",
        customer=alice,
        template="customers/mail/export_ready",
        context={"request": type("R", (), {"expires_at": NOON_IN_BERLIN})(), "download_url": "x"},
    )

    assert "6 a.m." in str(mail.outbox[0].body)  # 12:00 in Berlin is 06:00 in New York
