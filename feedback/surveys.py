"""The satisfaction survey (CSAT): one per resolved thread, answered with one click, editable for a while.

Resolving a thread schedules its survey in the same transaction: a job
that runs after the staff-set delay (waiting in the job outbox, not in the
broker). The job sends it as every question is sent (``feedback.asking``:
only with the survey consent, safe to run twice) and records the resolving agent.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from customers.models import User
from feedback.asking import Notice, Question, SendOutcome, question_answer, question_send
from feedback.models import FeedbackSettings, Message, Survey, SurveyState, Thread
from feedback.staff_settings import feedback_settings
from plumbing.events import EventName
from plumbing.jobs import job_enqueue

SCORES = range(1, 6)
CSAT = Question(
    name="survey",
    model=Survey,
    scores=SCORES,
    score_refusal=lambda: _("Please choose a score from 1 to 5."),
    url_name="feedback:survey_answer",
    event=EventName.SURVEY_ANSWERED,
    mail_template="feedback/mail/survey",
)


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
    thread = survey.thread
    if thread.status not in (Thread.Status.RESOLVED, Thread.Status.CLOSED):
        return SendOutcome.NOT_DUE  # reopened meanwhile: resolving it again schedules the survey again
    return question_send(
        CSAT,
        asked=survey,
        context={"thread": thread, "edit_days": feedback_settings().survey_edit_days},
        notice=Notice(
            title=lambda: _("How did we do?"),
            body=lambda: (
                _("Tell us in one click whether we solved “%(summary)s”.") % {"summary": thread.summary}
            ),
        ),
        now=now,
        agent=_resolving_agent(thread),
    )


def survey_answer(
    *,
    survey_id: int,
    score: int,
    solved: bool,
    now: datetime | None = None,
    settings: FeedbackSettings | None = None,
) -> Survey:
    """Record (or change) the answer to a survey; the first answer is announced."""
    survey: Survey = question_answer(
        CSAT,
        asked_id=survey_id,
        score=score,
        answers={"solved": solved},
        payload=lambda asked: {
            "survey_id": asked.pk,
            "thread_id": asked.thread_id,
            "score": asked.score,
            "solved": asked.solved,
        },
        now=now,
        settings=settings,
    )
    return survey
