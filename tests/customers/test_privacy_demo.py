"""The privacy center's demo data: realistic, bilingual, and loaded once however often it is seeded."""

from io import StringIO

import pytest
from django.core.management import call_command

from customers.models import ConsentRecord, DataRequest, Incident, IncidentNotice, StaffAccess, User

pytestmark = pytest.mark.django_db


def _seed() -> None:
    call_command("seed_demo", customers=30, force=True, quiet_banner=True, stdout=StringIO())


def _counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count() for model in (ConsentRecord, DataRequest, Incident, IncidentNotice, StaffAccess)
    )


def test_the_demo_gives_customers_histories_requests_and_an_incident_once() -> None:
    _seed()
    first = _counts()

    _seed()

    assert _counts() == first
    assert all(first)


def test_the_demo_customer_sees_a_history_a_pending_copy_and_an_incident_notice() -> None:
    _seed()
    demo = User.objects.get(email="customer@example.com")

    assert ConsentRecord.objects.filter(customer=demo).exists()
    assert DataRequest.objects.filter(customer=demo, kind="export").exists()
    assert IncidentNotice.objects.filter(customer=demo, incident__declared_at__isnull=False).exists()


def test_the_histories_speak_both_languages_and_staff_changes_carry_a_reason() -> None:
    _seed()

    languages = set(ConsentRecord.objects.values_list("customer__language", flat=True))
    staff_changes = ConsentRecord.objects.filter(source=ConsentRecord.Source.STAFF)

    assert languages == {"de", "en"}
    assert all(record.reason for record in staff_changes)


def test_past_requests_feed_the_transparency_report() -> None:
    _seed()

    assert DataRequest.objects.filter(status="completed").count() >= 5
