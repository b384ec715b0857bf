"""The privacy center runs a constant number of queries however long the history is."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from customers.access import staff_access_record
from customers.incidents import incident_customers_add, incident_declare
from customers.models import ConsentRecord, GpcSignal, Incident, Purpose, User
from customers.notifications import notification_create
from lab.benchmarks.privacy_center import privacy_center_fixture
from tests.factories import agent, privacy_officer

pytestmark = pytest.mark.django_db


def _everything_shown(person: User, incident: Incident) -> None:
    """Give the customer one of everything the page shows, so every part of it is queried."""
    staff_access_record(staff=agent(), customer=person, view="admin:customer")
    notification_create(customer=person, key=f"n{person.pk}", title=lambda: "Hello")
    GpcSignal.objects.create(customer=person, withdrawn=2)
    incident_customers_add(incident=incident, customer_ids=[person.pk])


def _queries(person: User) -> int:
    client = Client()
    client.force_login(person)
    client.get("/privacy/")  # warm up: session, permissions, templates
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/privacy/?history=2")
    assert response.status_code == 200
    return len(captured)


def test_the_page_runs_the_same_queries_at_10_purposes_4_channels_and_10000_records() -> None:
    incident = Incident.objects.create(
        started_on="2026-11-01",
        **{f"{f}_{lang}": "x" for f in ("title", "what_happened", "data_concerned", "measures", "advice")
           for lang in ("en", "de")},
    )  # fmt: skip
    short = privacy_center_fixture(purposes=10, channels=4, records=40)
    long = privacy_center_fixture(purposes=10, channels=4, records=10_000)
    for person in (short, long):
        _everything_shown(person, incident)
    incident_declare(incident_id=incident.pk, staff=privacy_officer())

    assert Purpose.objects.filter(active=True).count() == 10
    assert ConsentRecord.objects.filter(customer=long).count() == 10_000
    assert _queries(long) == _queries(short)
    assert _queries(long) <= 14


def test_the_benchmark_prints_time_and_queries_and_keeps_nothing() -> None:
    out = StringIO()
    users = User.objects.count()

    call_command("privacy_bench", records=200, repeat=2, stdout=out)

    assert "10 purposes x 4 channels, 200 history records" in out.getvalue()
    assert "status 200" in out.getvalue()
    assert " queries, median " in out.getvalue()
    assert User.objects.count() == users
    assert not ConsentRecord.objects.exists()
