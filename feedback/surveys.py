"""The satisfaction survey: one per resolved thread, answered with one click, editable for a while.

Resolving a thread schedules its survey in the same transaction: a job
that runs after the staff-set delay (waiting in the job outbox, not in the
broker). The job sends it by mail and in the portal only if the customer
still allows surveys, records the resolving agent, and is safe to run
twice (the mail is claimed by its key, the survey by a conditional UPDATE).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.mailing import MailOutcome, mail_send
from customers.models import User
from customers.notifications import notification_create
from feedback.links import survey_path, survey_url
from feedback.models import FeedbackSettings, Message, Survey, SurveyState, Thread
from feedback.refusals import Conflict, Expired, FeedbackRefused, Missing
from feedback.staff_settings import feedback_settings
from plumbing.events import EventName, event_publish
from plumbing.jobs import job_enqueue

SURVEY_PURPOSE = "surveys"
SCORES = range(1, 6)


class SendOutcome(StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"
    NOT_DUE = "not_due"


def survey_schedule(
    *, thread: Thread, now: datetime, settings: FeedbackSettings | None = None
) -> Survey | None:
    """Create the thread's one survey (if it has none) and its delayed sending job.

    Called inside the resolving transaction. A thread resolved again after
    reopening gets a new job only while its survey is still unsent.
    """
    if thread.customer_id is None:
        return None
    survey, _ = Survey.objects.get_or_create(
        thread=thread, defaults={"customer_id": thread.customer_id, "created_at": now}
    )
    if survey.state == SurveyState.SCHEDULED:
        delay = timedelta(hours=(settings or feedback_settings()).survey_delay_hours)
        job_enqueue(
            task="feedback.send_survey",
            args=[survey.pk],
            key=f"feedback.survey:{survey.pk}:send:{thread.times_resolved}",
            run_after=now + delay,
        )
    return survey


def _resolving_agent(thread: Thread) -> User | None:
    if thread.resolved_by is not None and thread.resolved_by.is_staff:
        return thread.resolved_by
    if thread.assigned_to is not None:
        return thread.assigned_to
    last_reply = (
        Message.objects.filter(thread=thread, from_staff=True, internal=False, author__isnull=False)
        .select_related("author")
        .order_by("-created_at", "-pk")
        .first()
    )
    return last_reply.author if last_reply is not None else None


def survey_send(*, survey_id: int, now: datetime | None = None) -> SendOutcome:
    """Send a scheduled survey by mail and in the portal (the job's work; idempotent)."""
    survey = (
        Survey.objects.select_related(
            "customer", "thread__resolved_by", "thread__assigned_to", "thread__topic"
        )
        .filter(pk=survey_id)
        .first()
    )
    if survey is None or survey.state != SurveyState.SCHEDULED or survey.customer is None:
        return SendOutcome.NOT_DUE
    thread, customer = survey.thread, survey.customer
    if thread.status not in (Thread.Status.RESOLVED, Thread.Status.CLOSED):
        return SendOutcome.NOT_DUE  # reopened meanwhile: resolving it again schedules the survey again
    # mail_send asks for the survey consent itself: NOT_ALLOWED means the customer said no.
    outcome = mail_send(
        key=f"feedback.survey:{survey.pk}",
        customer=customer,
        template="feedback/mail/survey",
        context={
            "thread": thread,
            "answer_links": [(score, survey_url(survey_id=survey.pk, score=score)) for score in SCORES],
            "survey_url": survey_url(survey_id=survey.pk),
            "edit_days": feedback_settings().survey_edit_days,
        },
        purpose_key=SURVEY_PURPOSE,
    )
    if outcome == MailOutcome.NOT_ALLOWED:
        Survey.objects.filter(pk=survey.pk, state=SurveyState.SCHEDULED).update(state=SurveyState.SKIPPED)
        return SendOutcome.SKIPPED
    notification_create(
        customer=customer,
        key=f"feedback.survey:{survey.pk}",
        title=lambda: _("How did we do?"),
        body=lambda: _("Tell us in one click whether we solved “%(summary)s”.") % {"summary": thread.summary},
        url=survey_path(survey_id=survey.pk),
    )
    Survey.objects.filter(pk=survey.pk, state=SurveyState.SCHEDULED).update(
        state=SurveyState.SENT, sent_at=now or timezone.now(), agent=_resolving_agent(thread)
    )
    return SendOutcome.SENT


def answer_window_open(
    *,
    sent_at: datetime | None,
    answered_at: datetime | None,
    now: datetime,
    settings: FeedbackSettings | None = None,
) -> bool:
    """Answerable for N days after sending; once answered, changeable for N days after the first answer."""
    days = timedelta(days=(settings or feedback_settings()).survey_edit_days)
    if answered_at is not None:
        return now <= answered_at + days
    return sent_at is not None and now <= sent_at + days


def survey_answer(
    *,
    survey_id: int,
    score: int,
    solved: bool,
    now: datetime | None = None,
    settings: FeedbackSettings | None = None,
) -> Survey:
    """Record (or change) the answer to a survey; the first answer is announced."""
    now = now or timezone.now()
    if score not in SCORES:
        raise FeedbackRefused(_("Please choose a score from 1 to 5."), code="score")
    with transaction.atomic():
        survey = Survey.objects.select_for_update().filter(pk=survey_id).first()
        if survey is None:
            raise Missing(_("This survey does not exist."), code="missing")
        if survey.state != SurveyState.SENT:
            raise Conflict(_("This survey is not open for answers."), code="not_sent")
        if not answer_window_open(
            sent_at=survey.sent_at, answered_at=survey.answered_at, now=now, settings=settings
        ):
            raise Expired(_("The time to answer or change this survey is over. Thank you all the same!"))
        first = survey.answered_at is None
        survey.score, survey.solved, survey.changed_at = score, solved, now
        survey.answered_at = survey.answered_at or now
        survey.save(update_fields=["score", "solved", "changed_at", "answered_at"])
        if first and survey.customer_id is not None:
            # One fact per survey: a changed answer updates the figures, not the trust account twice.
            event_publish(
                name=EventName.SURVEY_ANSWERED,
                customer_id=survey.customer_id,
                key=f"feedback.survey:{survey.pk}:answered",
                about=survey,
                payload={
                    "survey_id": survey.pk,
                    "thread_id": survey.thread_id,
                    "score": score,
                    "solved": solved,
                },
                occurred_at=now,
            )
    return survey
