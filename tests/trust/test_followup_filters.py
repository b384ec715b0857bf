"""The agents' work list filters by due date, and the dashboard links to those filters."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import agent, customer
from trust.models import FollowUp

pytestmark = pytest.mark.django_db
WORK_LIST = "/admin/trust/followup/"


def _follow_up(email: str, due_in: timedelta, status: str = "open") -> None:
    FollowUp.objects.create(
        customer=customer(email=email),
        reason="band",
        band="at_risk",
        suggested_action="reach_out",
        due_at=timezone.now() + due_in,
        status=status,
    )


@pytest.fixture
def work_list(client: Client) -> Client:
    client.force_login(agent())
    now = timezone.localtime()
    before_midnight = (now.replace(hour=23, minute=59, second=59, microsecond=0) - now) / 2
    _follow_up("late@example.com", -timedelta(days=2))
    _follow_up("closed-late@example.com", -timedelta(days=2), status="closed")
    _follow_up("today@example.com", before_midnight)
    _follow_up("later@example.com", timedelta(days=5))
    return client


def _shown(client: Client, query: str) -> set[str]:
    page = client.get(f"{WORK_LIST}?{query}").content.decode()
    emails = ("late@", "closed-late@", "today@", "later@")
    return {email for email in emails if f">{email}example.com<" in page}


def test_overdue_shows_only_open_follow_ups_past_their_date(work_list: Client) -> None:
    assert _shown(work_list, "overdue=yes") == {"late@"}


def test_not_overdue_shows_everything_else(work_list: Client) -> None:
    assert _shown(work_list, "overdue=no") == {"closed-late@", "today@", "later@"}


def test_due_today_shows_open_follow_ups_due_before_midnight(work_list: Client) -> None:
    assert _shown(work_list, "overdue=today") == {"today@"}


def test_the_dashboard_links_to_the_overdue_and_today_lists(work_list: Client) -> None:
    work_list.force_login(customer(email="boss@example.com", is_staff=True, is_superuser=True))

    page = work_list.get("/admin/trust/dashboard/").content.decode()

    assert f'href="{WORK_LIST}?overdue=yes"' in page
    assert f'href="{WORK_LIST}?overdue=today"' in page
