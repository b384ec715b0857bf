"""The satisfaction survey: one per thread, after a delay, only with consent, answered by signed link."""

import json
import re
from datetime import datetime, timedelta
from http import HTTPStatus

import pytest
from django.core import mail, signing
from django.test import Client
from django.utils import timezone

from customers.models import Notification, User
from feedback.asking import SendOutcome, question_path
from feedback.models import FeedbackSettings, Survey, SurveyState, Thread
from feedback.refusals import Conflict, Expired, FeedbackRefused
from feedback.surveys import CSAT, survey_answer, survey_send
from feedback.threads import message_post, thread_reopen, thread_resolve, thread_status_set
from plumbing.events import EventName
from plumbing.models import Event, Job
from tests.factories import agent, customer
from tests.feedback.factories import MONDAY, grant_surveys, settings_reads, thread, withdraw_surveys

pytestmark = pytest.mark.django_db


def _owner(thread: Thread) -> User:
    assert thread.customer is not None
    return thread.customer


def _resolved(*, consent: bool = True, by_agent: bool = False, at: datetime = MONDAY) -> Thread:
    alice = customer()
    if consent:
        grant_surveys(alice)
    given = thread(alice, now=MONDAY)
    helper = agent()
    message_post(thread=given, author=helper, text="Fixed it.", now=MONDAY)
    if by_agent:
        thread_status_set(thread=given, status=Thread.Status.RESOLVED, actor=helper, now=at)
    else:
        thread_resolve(thread=given, actor=alice, now=at)
    given.refresh_from_db()
    return given


def _sent(*, by_agent: bool = False) -> Survey:
    given = _resolved(by_agent=by_agent)
    assert survey_send(survey_id=given.survey.pk) == SendOutcome.SENT
    return Survey.objects.get(thread=given)


def test_resolving_schedules_the_survey_after_the_staff_set_delay() -> None:
    FeedbackSettings.objects.update(survey_delay_hours=6)

    given = _resolved()

    job = Job.objects.get(task="feedback.send_survey")
    assert job.args == [given.survey.pk]
    assert job.next_attempt_at == MONDAY + timedelta(hours=6)
    assert given.survey.state == SurveyState.SCHEDULED


def test_the_default_delay_is_24_hours() -> None:
    _resolved()

    assert Job.objects.get(task="feedback.send_survey").next_attempt_at == MONDAY + timedelta(hours=24)


def test_sending_mails_the_one_click_links_notifies_in_the_portal_and_records_the_agent() -> None:
    survey = _sent(by_agent=True)

    assert survey.state == SurveyState.SENT
    assert survey.agent is not None
    assert survey.agent.is_staff
    [message] = mail.outbox
    assert message.to == [_owner(survey.thread).email]
    assert message.body.count("/feedback/survey/") == 5
    assert "List-Unsubscribe" in message.extra_headers
    assert not getattr(message, "alternatives", None)  # plain text only
    notice = Notification.objects.get(customer=survey.customer)
    assert notice.url.startswith("/feedback/survey/")


def test_the_agent_recorded_is_the_one_who_answered_when_the_customer_resolved() -> None:
    survey = _sent()

    assert survey.agent == survey.thread.messages.get(from_staff=True).author


def test_a_survey_is_sent_once_however_often_its_job_runs() -> None:
    given = _resolved()

    outcomes = [survey_send(survey_id=given.survey.pk) for _ in range(3)]

    assert outcomes == [SendOutcome.SENT, SendOutcome.NOT_DUE, SendOutcome.NOT_DUE]
    assert len(mail.outbox) == 1


def test_no_survey_is_sent_when_the_customer_withdrew_surveys() -> None:
    given = _resolved()
    withdraw_surveys(_owner(given))

    assert survey_send(survey_id=given.survey.pk) == SendOutcome.SKIPPED

    assert mail.outbox == []
    assert not Notification.objects.exists()
    assert Survey.objects.get(thread=given).state == SurveyState.SKIPPED


def test_no_survey_is_sent_to_a_customer_who_never_allowed_surveys() -> None:
    given = _resolved(consent=False)

    assert survey_send(survey_id=given.survey.pk) == SendOutcome.SKIPPED
    assert mail.outbox == []


def test_a_thread_reopened_before_the_survey_went_out_gets_it_when_resolved_again() -> None:
    given = _resolved()
    thread_reopen(thread=given, actor=_owner(given), now=MONDAY + timedelta(hours=2))

    assert survey_send(survey_id=given.survey.pk) == SendOutcome.NOT_DUE
    thread_resolve(thread=given, actor=_owner(given), now=MONDAY + timedelta(hours=3))

    assert Survey.objects.filter(thread=given).count() == 1
    assert Job.objects.filter(task="feedback.send_survey").count() == 2
    assert survey_send(survey_id=given.survey.pk) == SendOutcome.SENT


def test_resolving_again_after_the_survey_was_sent_sends_no_second_one() -> None:
    survey = _sent()
    given = survey.thread
    thread_reopen(thread=given, actor=_owner(given))
    thread_resolve(thread=given, actor=_owner(given))

    assert Job.objects.filter(task="feedback.send_survey").count() == 1
    assert Survey.objects.filter(thread=given).count() == 1


def test_the_first_answer_is_announced_and_a_second_updates_it() -> None:
    survey = _sent()

    survey_answer(survey_id=survey.pk, score=2, solved=False)
    survey_answer(survey_id=survey.pk, score=5, solved=True)

    survey.refresh_from_db()
    assert (survey.score, survey.solved) == (5, True)
    assert Survey.objects.filter(thread=survey.thread).count() == 1
    [event] = Event.objects.filter(name=EventName.SURVEY_ANSWERED)
    assert event.payload == {
        "survey_id": survey.pk,
        "thread_id": survey.thread_id,
        "score": 2,
        "solved": False,
    }


def test_answers_can_be_changed_for_fourteen_days_only() -> None:
    survey = _sent()
    first = timezone.now()
    survey_answer(survey_id=survey.pk, score=3, solved=True, now=first)

    survey_answer(survey_id=survey.pk, score=4, solved=True, now=first + timedelta(days=14))
    with pytest.raises(Expired):
        survey_answer(survey_id=survey.pk, score=1, solved=False, now=first + timedelta(days=14, minutes=1))

    survey.refresh_from_db()
    assert survey.score == 4


@pytest.mark.parametrize("score", [0, 6, -1])
def test_a_score_outside_one_to_five_is_refused(score: int) -> None:
    survey = _sent()

    with pytest.raises(FeedbackRefused):
        survey_answer(survey_id=survey.pk, score=score, solved=True)


def test_an_unsent_survey_cannot_be_answered() -> None:
    given = _resolved()

    with pytest.raises(Conflict):
        survey_answer(survey_id=given.survey.pk, score=5, solved=True)


def test_the_link_shows_the_clicked_score_and_changes_nothing_until_sent(client: Client) -> None:
    survey = _sent()

    page = client.get(question_path(CSAT, asked_id=survey.pk, score=4))

    assert page.status_code == HTTPStatus.OK
    assert re.search(r'value="4"[^>]*checked', page.content.decode())
    survey.refresh_from_db()
    assert survey.score is None


def test_answering_through_the_link_needs_no_sign_in(client: Client) -> None:
    survey = _sent()
    path = question_path(CSAT, asked_id=survey.pk, score=4)

    response = client.post(path, {"score": "4", "solved": "yes"})
    again = client.post(path, {"score": "5", "solved": "no"})

    assert response.status_code == again.status_code == HTTPStatus.OK
    assert "You can change it" in again.content.decode()
    survey.refresh_from_db()
    assert (survey.score, survey.solved) == (5, False)


@pytest.mark.parametrize("change", ["signature", "survey-id"])
def test_a_tampered_link_is_refused(client: Client, change: str) -> None:
    survey = _sent()
    token = question_path(CSAT, asked_id=survey.pk, score=5).rstrip("/").rsplit("/", 1)[1]
    payload, timestamp, signature = token.split(":")
    if change == "signature":
        forged = f"{payload}:{timestamp}:{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}"
    else:
        other = signing.b64_encode(json.dumps({"i": survey.pk + 1, "s": 5}, separators=(",", ":")).encode())
        forged = f"{other.decode()}:{timestamp}:{signature}"

    response = client.post(f"/feedback/survey/{forged}/", {"score": "5", "solved": "yes"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    survey.refresh_from_db()
    assert survey.score is None


def test_a_bad_answer_on_the_page_is_a_400(client: Client) -> None:
    survey = _sent()

    response = client.post(question_path(CSAT, asked_id=survey.pk), {"score": "9", "solved": "yes"})

    assert response.status_code == HTTPStatus.BAD_REQUEST


def test_the_thread_page_offers_the_survey(client: Client) -> None:
    survey = _sent()
    client.force_login(_owner(survey.thread))

    page = client.get(f"/feedback/{survey.thread_id}/").content.decode()

    assert "Answer the survey" in page


def test_the_thread_page_with_its_survey_reads_the_staff_settings_once(client: Client) -> None:
    survey = _sent()
    thread_reopen(thread=survey.thread, actor=_owner(survey.thread))
    thread_resolve(thread=survey.thread, actor=_owner(survey.thread))
    client.force_login(_owner(survey.thread))

    with settings_reads() as reads:
        page = client.get(f"/feedback/{survey.thread_id}/").content.decode()

    assert "Answer the survey" in page
    assert "You can reopen this conversation until" in page
    assert reads() == 1


def test_answering_through_the_link_reads_the_staff_settings_once(client: Client) -> None:
    survey = _sent()

    with settings_reads() as reads:
        page = client.post(question_path(CSAT, asked_id=survey.pk), {"score": "4", "solved": "yes"})

    assert "You can change it with the same link until" in page.content.decode()
    assert reads() == 1
