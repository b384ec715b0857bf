"""Every feedback page in admin opens for a support agent; settings and promises stay with superusers."""

from http import HTTPStatus

import pytest
from django.test import Client

from feedback.models import FeedbackSettings, Holiday, Topic
from tests.factories import agent, staff

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/admin/feedback/",
        "/admin/feedback/thread/",
        "/admin/feedback/topic/",
        "/admin/feedback/topic/add/",
        "/admin/feedback/holiday/",
        "/admin/feedback/holiday/add/",
        "/admin/feedback/feedbacksettings/",
        "/admin/feedback/survey/",
        "/admin/feedback/npssurvey/",
        "/admin/feedback/idea/",
        "/admin/feedback/idea/add/",
    ],
)
def test_an_agent_opens_every_feedback_admin_page(client: Client, path: str) -> None:
    client.force_login(agent())

    assert client.get(path).status_code == HTTPStatus.OK


def test_an_agent_sees_but_cannot_change_the_settings_or_promise_times(client: Client) -> None:
    client.force_login(agent())
    settings_row = FeedbackSettings.objects.get()
    topic = Topic.objects.get(key="orders")

    page = client.get(f"/admin/feedback/feedbacksettings/{settings_row.pk}/change/").content.decode()
    topic_page = client.get(f"/admin/feedback/topic/{topic.pk}/change/").content.decode()

    assert 'name="survey_delay_hours"' not in page
    assert 'name="promises-0-business_days"' not in topic_page


def test_a_superuser_changes_the_survey_delay(client: Client) -> None:
    client.force_login(staff(None))
    row = FeedbackSettings.objects.get()

    client.post(
        f"/admin/feedback/feedbacksettings/{row.pk}/change/",
        {
            "survey_delay_hours": "2",
            "survey_edit_days": "14",
            "nps_interval_days": "90",
            "reopen_days": "30",
            "default_promise_days": "2",
            "threads_per_hour": "10",
        },
    )

    row.refresh_from_db()
    assert row.survey_delay_hours == 2


def test_the_defaults_come_from_the_migration() -> None:
    row = FeedbackSettings.objects.get()

    assert (row.survey_delay_hours, row.nps_interval_days, row.survey_edit_days, row.reopen_days) == (
        24,
        90,
        14,
        30,
    )
    assert Topic.objects.filter(active=True).count() == 6
    assert Topic.objects.get(key="orders").promises.get(kind="complaint").business_days == 1
    assert not Holiday.objects.exists()  # public holidays come from the holidays package


def test_the_days_off_list_says_public_holidays_need_no_entry(client: Client) -> None:
    client.force_login(agent())

    page = client.get("/admin/feedback/holiday/").content.decode()

    assert "The public holidays of DE count by themselves" in page
