"""The feedback channel's tasks on a real worker: surveys after resolving, broken promises, reply mails.

Migration data is emptied after each test of this lane, so every test
creates its topic and the survey purpose itself.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from customers.consents import ConsentChange, consent_change
from customers.models import Channel, ConsentRecord, Notification, OutgoingMail, Purpose, PurposeVersion, User
from feedback.models import FeedbackSettings, Kind, Survey, SurveyState, Thread, Topic
from feedback.threads import message_post, thread_resolve, thread_submit
from plumbing.events import EventName
from plumbing.jobs import job_enqueue, jobs_sweep
from plumbing.models import Event, Job
from portal.celery import app
from tests.factories import customer, staff
from tests.service.conftest import wait_for

pytestmark = [pytest.mark.service, pytest.mark.django_db(transaction=True)]


def _topic() -> Topic:
    topic, _ = Topic.objects.get_or_create(
        key="orders", defaults={"name_en": "Orders", "name_de": "Bestellungen"}
    )
    return topic


def _surveys_purpose() -> None:
    if Purpose.objects.filter(key="surveys").exists():
        return  # still there from the migrations (the first test of the session)
    email, _ = Channel.objects.get_or_create(key="email", defaults={"name_en": "Email", "name_de": "E-Mail"})
    purpose = Purpose.objects.create(
        key="surveys",
        title_en="Surveys",
        title_de="Umfragen",
        description_en="Questions",
        description_de="Fragen",
        legal_basis=Purpose.LegalBasis.CONSENT,
    )
    purpose.channels.add(email)
    PurposeVersion.objects.create(purpose=purpose, version=1, **purpose.text())


def _customer_allowing_surveys() -> User:
    person = customer()
    consent_change(
        customer=person,
        changes=[ConsentChange("surveys", "email", True)],
        source=ConsentRecord.Source.PRIVACY_CENTER,
    )
    return person


def _answered_thread(alice: User) -> tuple[Thread, User]:
    agent = staff(None)
    given = thread_submit(customer=alice, kind=Kind.COMPLAINT, topic=_topic(), text="Parcel lost")
    message_post(thread=given, author=agent, text="Found it, it arrives tomorrow.")
    return given, agent


def _survey(thread: Thread) -> Survey:
    return Survey.objects.select_related("agent").get(thread=thread)


def test_the_worker_mails_the_reply_and_notifies_in_the_portal(celery_worker: str) -> None:
    alice = customer()

    given, _agent = _answered_thread(alice)

    wait_for(
        lambda: OutgoingMail.objects.filter(
            key__startswith="feedback.reply:", sent_at__isnull=False
        ).exists(),
        what="the reply mail",
    )
    assert OutgoingMail.objects.get(key__startswith="feedback.reply:").customer_id == alice.pk
    assert Notification.objects.filter(customer=alice, url=f"/feedback/{given.pk}/").exists()


def test_a_resolved_thread_gets_its_survey_once_from_the_worker(celery_worker: str) -> None:
    _surveys_purpose()
    FeedbackSettings.objects.update_or_create(pk=1, defaults={"survey_delay_hours": 0})
    alice = _customer_allowing_surveys()
    given, agent = _answered_thread(alice)

    thread_resolve(thread=given, actor=agent)

    wait_for(lambda: _survey(given).state == SurveyState.SENT, what="the survey to be sent")
    survey = _survey(given)
    assert survey.agent == agent
    assert OutgoingMail.objects.get(key=f"feedback.survey:{survey.pk}").sent_at is not None
    assert Notification.objects.filter(key=f"feedback.survey:{survey.pk}").exists()
    # The same task delivered again (a retry, a second worker) sends nothing more.
    again = app.tasks["feedback.send_survey"].apply_async(args=(survey.pk,))
    assert again.get(timeout=30) == "not_due"
    assert OutgoingMail.objects.filter(key__startswith="feedback.survey:").count() == 1


def test_the_survey_waits_in_the_outbox_for_the_staff_set_delay(celery_worker: str) -> None:
    _surveys_purpose()
    FeedbackSettings.objects.update_or_create(pk=1, defaults={"survey_delay_hours": 24})
    alice = _customer_allowing_surveys()
    given, agent = _answered_thread(alice)

    thread_resolve(thread=given, actor=agent)

    job = Job.objects.get(task="feedback.send_survey")
    assert job.next_attempt_at > timezone.now() + timedelta(hours=23)
    assert job.attempts == 0  # not handed to the broker: delays wait in the database
    assert jobs_sweep() == 0
    # A day later (simulated by moving the due time), the sweep publishes it and the worker sends it.
    Job.objects.filter(pk=job.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert jobs_sweep() == 1
    wait_for(lambda: _survey(given).state == SurveyState.SENT, what="the delayed survey")


def test_no_survey_goes_to_a_customer_who_withdrew_surveys(celery_worker: str) -> None:
    _surveys_purpose()
    FeedbackSettings.objects.update_or_create(pk=1, defaults={"survey_delay_hours": 0})
    alice = _customer_allowing_surveys()
    given, agent = _answered_thread(alice)
    consent_change(
        customer=alice,
        changes=[ConsentChange("surveys", "email", False)],
        source=ConsentRecord.Source.PRIVACY_CENTER,
    )

    thread_resolve(thread=given, actor=agent)

    wait_for(lambda: _survey(given).state == SurveyState.SKIPPED, what="the survey to be skipped")
    assert not OutgoingMail.objects.filter(key__startswith="feedback.survey:").exists()


def test_the_worker_records_a_broken_promise_once_even_when_run_twice_at_once(celery_worker: str) -> None:
    given = thread_submit(customer=customer(), kind=Kind.QUESTION, topic=_topic(), text="Hello?")
    Thread.objects.filter(pk=given.pk).update(due_at=timezone.now() - timedelta(minutes=1))

    first = job_enqueue(task="feedback.check_promises", key="test:check-promises:1")
    second = job_enqueue(task="feedback.check_promises", key="test:check-promises:2")

    wait_for(
        lambda: Job.objects.filter(pk__in=[first.pk, second.pk], state=Job.State.DONE).count() == 2,
        what="both promise checks to finish",
    )
    given.refresh_from_db()
    assert given.promise == Thread.Promise.BROKEN
    assert Event.objects.filter(name=EventName.PROMISE_BROKEN, key__contains=f":{given.pk}:").count() == 1
