"""NPS: now and then, "would you recommend us?" (0-10) to customers who allow surveys.

A periodic task picks the customers who consented to surveys by email and
were not asked within the staff-set interval (90 days by default), set-based
and in batches, under a lock on the settings row so two runs never pick
the same customer. Each question is then sent by its own job, once, as every
question is sent and answered (``feedback.asking``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.consents import EMAIL, customers_consenting
from customers.models import User
from feedback.asking import SURVEY_PURPOSE, Notice, Question, SendOutcome, question_answer, question_send
from feedback.models import FeedbackSettings, NpsSurvey, SurveyState
from feedback.staff_settings import feedback_settings
from plumbing.events import EventName
from plumbing.jobs import job_enqueue

NPS_SCORES = range(11)
NPS = Question(
    name="nps",
    model=NpsSurvey,
    scores=NPS_SCORES,
    score_refusal=lambda: _("Please choose a score from 0 to 10."),
    url_name="feedback:nps_answer",
    event=EventName.NPS_ANSWERED,
    mail_template="feedback/mail/nps",
)


def nps_due_customers(*, now: datetime, settings: FeedbackSettings | None = None) -> QuerySet[User]:
    """Active customers who allow surveys by email and were not asked within the interval."""
    interval = timedelta(days=(settings or feedback_settings()).nps_interval_days)
    asked_recently = NpsSurvey.objects.filter(customer=OuterRef("pk"), created_at__gt=now - interval).exclude(
        state=SurveyState.SKIPPED
    )
    consenting = customers_consenting(purpose_key=SURVEY_PURPOSE, channel_key=EMAIL)
    return consenting.filter(is_active=True).exclude(Exists(asked_recently)).order_by("pk")


def nps_send_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """Ask the next ``limit`` due customers; return how many questions were created."""
    now = now or timezone.now()
    with transaction.atomic():
        settings = feedback_settings(lock=True)  # one run at a time: the settings row is the lock
        customer_ids = list(
            nps_due_customers(now=now, settings=settings).values_list("pk", flat=True)[:limit]
        )
        surveys = NpsSurvey.objects.bulk_create(
            [NpsSurvey(customer_id=customer_id, created_at=now) for customer_id in customer_ids]
        )
        for survey in surveys:
            job_enqueue(task="feedback.send_nps", args=[survey.pk], key=f"feedback.nps:{survey.pk}")
    return len(surveys)


def nps_send(*, nps_id: int, now: datetime | None = None) -> SendOutcome:
    """Send one NPS question by mail and in the portal (the job's work; idempotent)."""
    survey = NpsSurvey.objects.select_related("customer").filter(pk=nps_id).first()
    if survey is None or survey.state != SurveyState.SCHEDULED or survey.customer is None:
        return SendOutcome.NOT_DUE
    return question_send(
        NPS,
        asked=survey,
        context={"interval_days": feedback_settings().nps_interval_days},
        notice=Notice(
            title=lambda: _("Would you recommend us?"),
            body=lambda: _("One click from 0 to 10 tells us how we are doing."),
        ),
        now=now,
    )


def nps_answer(
    *, nps_id: int, score: int, now: datetime | None = None, settings: FeedbackSettings | None = None
) -> NpsSurvey:
    """Record (or change) an NPS answer; the first answer is announced."""
    survey: NpsSurvey = question_answer(
        NPS,
        asked_id=nps_id,
        score=score,
        answers={},
        payload=lambda asked: {"response_id": asked.pk, "score": asked.score},
        now=now,
        settings=settings,
    )
    return survey
