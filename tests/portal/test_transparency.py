"""The public transparency report: every app's section; the privacy figures per month."""

from collections.abc import Iterator
from datetime import datetime, timedelta
from http import HTTPStatus
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from customers.models import DataRequest, Incident
from customers.report import privacy_report
from customers.requests import months_after
from plumbing.transparency import _sections, transparency_section_register
from tests.factories import customer

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 20, 12, tzinfo=BERLIN)


def _request(received: datetime, days: float | None, *, status: str = "completed") -> DataRequest:
    return DataRequest.objects.create(
        customer=customer(),
        kind=DataRequest.Kind.EXPORT,
        status=status if days is not None else "received",
        received_at=received,
        due_at=months_after(received, 1),
        completed_at=received + timedelta(days=days) if days is not None else None,
    )


def _incident(declared: datetime | None) -> None:
    texts = {f"{f}_{lang}": "x" for f in ("title", "what_happened", "data_concerned", "measures", "advice")
             for lang in ("en", "de")}  # fmt: skip
    Incident.objects.create(started_on=declared or NOW, declared_at=declared, **texts)


@pytest.fixture
def extra_section() -> Iterator[None]:
    transparency_section_register(
        name="test_extra",
        order=99,
        template="portal/language_unknown.html",
        context=lambda: {"code": "extra-section-marker"},
    )
    yield
    _sections.pop("test_extra", None)


def test_the_report_is_public_and_links_from_every_page(client: Client) -> None:
    response = client.get("/transparency/")

    assert response.status_code == HTTPStatus.OK
    assert "Privacy: data requests and incidents" in response.content.decode()
    assert 'href="/transparency/"' in client.get("/").content.decode()


def test_sections_registered_by_other_apps_are_rendered_in_order(client: Client, extra_section: None) -> None:
    page = client.get("/transparency/").content.decode()

    assert page.index("Privacy: data requests and incidents") < page.index(
        "extra-section-marker"
    )  # not "zz": a CSP nonce may hold that


def test_received_completed_median_days_on_time_share_and_incidents_per_month() -> None:
    november = datetime(2026, 11, 2, 9, tzinfo=BERLIN)
    _request(november, 2)
    _request(november, 4)
    _request(november, 9)
    _request(november, None)  # still open
    _request(datetime(2026, 9, 25, tzinfo=BERLIN), 40)  # completed in November, late
    _incident(datetime(2026, 11, 5, tzinfo=BERLIN))
    _incident(None)  # a draft is not declared

    [current, october, september, *older] = privacy_report(now=NOW)

    assert current.month.isoformat() == "2026-11-01"
    assert (current.received, current.completed, current.incidents) == (4, 4, 1)
    assert current.median_days == 6.5  # 2, 4, 9, 40
    assert current.on_time_share == 75
    assert (september.received, september.completed) == (1, 0)
    assert september.median_days is None
    assert september.on_time_share is None
    assert october.received == 0
    assert len(older) == 9


def test_cancelled_requests_count_as_received_not_completed() -> None:
    _request(datetime(2026, 11, 2, tzinfo=BERLIN), 1, status="cancelled")

    [current, *_] = privacy_report(now=NOW)

    assert (current.received, current.completed) == (1, 0)


def test_requests_of_erased_customers_still_count() -> None:
    request = _request(datetime(2026, 11, 2, tzinfo=BERLIN), 3)
    DataRequest.objects.filter(pk=request.pk).update(customer=None)

    assert privacy_report(now=NOW)[0].completed == 1


def test_the_page_shows_the_figures_in_german(client: Client) -> None:
    page = client.get("/transparency/", headers={"accept-language": "de"}).content.decode()

    assert "Datenschutz: Anfragen zu Daten und Datenpannen" in page
