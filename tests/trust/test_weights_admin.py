"""Weights and thresholds in the admin: each change shows its what-if first; agents only read them."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.test import Client
from django.utils import timezone

from plumbing.models import Job
from tests.factories import agent, customer, staff
from trust.ledger import ledger_book
from trust.models import (
    EventType,
    RecomputeRun,
    TrustSettings,
)
from trust.recompute import recompute_all

pytestmark = pytest.mark.django_db


def _event_type_form(kind: EventType, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "label_en": kind.label_en,
        "label_de": kind.label_de,
        "points": kind.points,
        "half_life_days": kind.half_life_days,
        "active": "on" if kind.active else "",
        "counts_for_alarm": "on" if kind.counts_for_alarm else "",
        "touchpoint": "on" if kind.touchpoint else "",
        "nature": kind.nature,
        "cap_count": kind.cap_count or "",
        "cap_days": kind.cap_days or "",
        "api_bookable": "on" if kind.api_bookable else "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_changing_a_half_life_shows_the_what_if_first_and_saves_on_confirmation(client: Client) -> None:
    client.force_login(staff(None))
    alice = customer()
    ledger_book(
        customer_id=alice.pk,
        event_type="data_incident",
        key="k",
        occurred_at=timezone.now() - timedelta(days=365),
    )
    kind = EventType.objects.get(key="data_incident")
    url = f"/admin/trust/eventtype/{kind.pk}/change/"

    first = client.post(url, _event_type_form(kind, half_life_days=3650))

    assert first.status_code == HTTPStatus.OK
    page = first.content.decode()
    assert "What if this is saved" in page
    assert "1 customer would move to another band" in page
    assert EventType.objects.get(pk=kind.pk).half_life_days == 365
    token = first.context["adminform"].form.data["whatif_confirm"]

    second = client.post(url, _event_type_form(kind, half_life_days=3650, whatif_confirm=token))

    assert second.status_code == HTTPStatus.FOUND
    assert EventType.objects.get(pk=kind.pk).half_life_days == 3650
    run = RecomputeRun.objects.get()
    assert run.rebuild
    assert Job.objects.filter(task="trust.recompute").exists()


def test_event_type_points_outside_the_range_are_refused(client: Client) -> None:
    client.force_login(staff(None))
    kind = EventType.objects.get(key="praise")

    response = client.post(f"/admin/trust/eventtype/{kind.pk}/change/", _event_type_form(kind, points=1000))

    assert response.status_code == HTTPStatus.OK
    assert "between -100 and 100" in response.content.decode()
    assert EventType.objects.get(pk=kind.pk).points == 5


def test_event_type_keys_cannot_change_and_types_cannot_be_deleted(client: Client) -> None:
    client.force_login(staff(None))
    kind = EventType.objects.get(key="praise")

    client.post(f"/admin/trust/eventtype/{kind.pk}/change/", {**_event_type_form(kind), "key": "other"})

    assert EventType.objects.get(pk=kind.pk).key == "praise"
    assert client.post(f"/admin/trust/eventtype/{kind.pk}/delete/").status_code == HTTPStatus.FORBIDDEN


def _settings_form(**changes: object) -> dict[str, object]:
    settings = TrustSettings.objects.get(pk=1)
    fields = [
        *TrustSettings.SCORING_FIELDS,
        "inactivity_days",
        "max_points",
        "follow_up_due_days",
        "care_mail_interval_days",
        "quiet_hours_start",
        "quiet_hours_end",
    ]
    data: dict[str, object] = {field: getattr(settings, field) for field in fields}
    data["assign_round_robin"] = "on"
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "thresholds",
    [
        {"healthy_min": 30, "watch_min": 50},  # out of order
        {"watch_min": 50},  # overlaps healthy
        {"at_risk_min": 0},  # critical would be empty
    ],
)
def test_thresholds_that_overlap_or_are_out_of_order_are_refused(
    client: Client, thresholds: dict[str, int]
) -> None:
    client.force_login(staff(None))

    response = client.post("/admin/trust/trustsettings/1/change/", _settings_form(**thresholds))

    assert response.status_code == HTTPStatus.OK
    assert "overlap or are out of order" in response.content.decode()
    assert TrustSettings.objects.get(pk=1).healthy_min == 50


def test_new_thresholds_show_who_would_move_before_they_are_saved(client: Client) -> None:
    client.force_login(staff(None))
    alice = customer()
    ledger_book(customer_id=alice.pk, event_type="praise", key="k")  # 58: healthy
    recompute_all()

    first = client.post("/admin/trust/trustsettings/1/change/", _settings_form(healthy_min=60))
    token = first.context["adminform"].form.data["whatif_confirm"]
    second = client.post(
        "/admin/trust/trustsettings/1/change/", _settings_form(healthy_min=60, whatif_confirm=token)
    )

    assert "1 customer would move to another band" in first.content.decode()
    assert second.status_code == HTTPStatus.FOUND
    assert TrustSettings.objects.get(pk=1).healthy_min == 60
    assert RecomputeRun.objects.get().rebuild is False


def test_agents_may_read_but_not_change_weights_and_thresholds(client: Client) -> None:
    client.force_login(agent())
    kind = EventType.objects.get(key="praise")

    assert client.get(f"/admin/trust/eventtype/{kind.pk}/change/").status_code == HTTPStatus.OK
    client.post(f"/admin/trust/eventtype/{kind.pk}/change/", _event_type_form(kind, points=50))
    assert EventType.objects.get(pk=kind.pk).points == 5
    assert client.get("/admin/trust/trustsettings/").status_code == HTTPStatus.FOUND
