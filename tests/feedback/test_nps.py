"""NPS: asked of consenting customers at most once per interval, answered 0-10 by signed link."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from customers.models import User
from feedback.asking import SendOutcome, question_path
from feedback.models import FeedbackSettings, NpsSurvey, SurveyState
from feedback.nps import NPS, nps_answer, nps_due_customers, nps_send, nps_send_due
from feedback.refusals import FeedbackRefused
from plumbing.events import EventName
from plumbing.models import Event, Job
from plumbing.sources import source_admin_url
from tests.factories import agent, customer
from tests.feedback.factories import grant_surveys, settings_reads, withdraw_surveys

pytestmark = pytest.mark.django_db


def _consenting() -> User:
    person = customer()
    grant_surveys(person)
    return person


def test_only_active_customers_who_allow_surveys_are_due() -> None:
    yes = _consenting()
    customer()  # never asked for consent
    withdrawn = _consenting()
    withdraw_surveys(withdrawn)
    inactive = _consenting()
    inactive.is_active = False
    inactive.save()
    grant_surveys(agent())

    assert list(nps_due_customers(now=timezone.now())) == [yes]


def test_a_run_asks_each_due_customer_once_and_enqueues_one_job_each() -> None:
    first, second = _consenting(), _consenting()

    assert nps_send_due() == 2
    assert nps_send_due() == 0

    assert set(NpsSurvey.objects.values_list("customer_id", flat=True)) == {first.pk, second.pk}
    assert Job.objects.filter(task="feedback.send_nps").count() == 2


def test_nobody_is_asked_again_within_the_interval() -> None:
    person = _consenting()
    now = timezone.now()
    nps_send_due(now=now)

    assert nps_send_due(now=now + timedelta(days=89)) == 0
    assert nps_send_due(now=now + timedelta(days=90, minutes=1)) == 1
    assert NpsSurvey.objects.filter(customer=person).count() == 2


def test_the_interval_is_a_staff_setting() -> None:
    FeedbackSettings.objects.update(nps_interval_days=30)
    _consenting()
    now = timezone.now()
    nps_send_due(now=now)

    assert nps_send_due(now=now + timedelta(days=31)) == 1


def test_batches_are_limited() -> None:
    for _ in range(3):
        _consenting()

    assert nps_send_due(limit=2) == 2
    assert nps_send_due(limit=2) == 1


def test_sending_mails_eleven_one_click_links_once() -> None:
    _consenting()
    nps_send_due()
    survey = NpsSurvey.objects.get()

    assert nps_send(nps_id=survey.pk) == SendOutcome.SENT
    assert nps_send(nps_id=survey.pk) == SendOutcome.NOT_DUE

    [message] = mail.outbox
    assert message.body.count("/feedback/recommend/") == 11
    assert not getattr(message, "alternatives", None)


def test_a_customer_who_withdrew_before_sending_is_skipped_and_may_be_asked_later() -> None:
    person = _consenting()
    nps_send_due()
    withdraw_surveys(person)

    assert nps_send(nps_id=NpsSurvey.objects.get().pk) == SendOutcome.SKIPPED
    assert mail.outbox == []
    grant_surveys(person)
    assert nps_send_due() == 1


def test_answers_are_announced_once_and_can_be_changed(client: Client) -> None:
    _consenting()
    nps_send_due()
    survey = NpsSurvey.objects.get()
    nps_send(nps_id=survey.pk)
    path = question_path(NPS, asked_id=survey.pk, score=9)

    assert client.get(path).status_code == HTTPStatus.OK
    assert client.post(path, {"score": "9"}).status_code == HTTPStatus.OK
    assert client.post(path, {"score": "10"}).status_code == HTTPStatus.OK

    survey.refresh_from_db()
    assert (survey.score, survey.state) == (10, SurveyState.SENT)
    [event] = Event.objects.filter(name=EventName.NPS_ANSWERED)
    assert event.payload == {"response_id": survey.pk, "score": 9}
    assert source_admin_url(event.source) == f"/admin/feedback/npssurvey/{survey.pk}/change/"


@pytest.mark.parametrize("score", [-1, 11])
def test_a_score_outside_zero_to_ten_is_refused(score: int) -> None:
    _consenting()
    nps_send_due()
    survey = NpsSurvey.objects.get()
    nps_send(nps_id=survey.pk)

    with pytest.raises(FeedbackRefused):
        nps_answer(nps_id=survey.pk, score=score)


def test_a_tampered_nps_link_is_a_400(client: Client) -> None:
    response = client.post("/feedback/recommend/eyJpIjoxfQ:forged:signature/", {"score": "10"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "not valid" in response.content.decode()


def test_a_run_reads_and_locks_the_staff_settings_once() -> None:
    _consenting()

    with settings_reads() as reads:
        assert nps_send_due() == 1

    assert reads() == 1


def test_the_thanks_page_links_back_to_the_same_nps_question(client: Client) -> None:
    _consenting()
    nps_send_due()
    survey = NpsSurvey.objects.get()
    nps_send(nps_id=survey.pk)
    path = question_path(NPS, asked_id=survey.pk)

    thanks = client.post(path, {"score": "8"}).content.decode()

    assert f'href="{path}"' in thanks
    again = client.get(path)
    assert again.status_code == HTTPStatus.OK
    assert "How likely are you to recommend us" in again.content.decode()
