"""NPS: now and then, "would you recommend us?" (0-10) to customers who allow surveys.

A periodic task picks the customers who consented to surveys by email and
were not asked within the staff-set interval (90 days by default), set-based
and in batches, under a lock on the settings row so two runs never pick
the same customer. Each question is then sent by its own job, once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.consents import EMAIL, customers_consenting
from customers.mailing import MailOutcome, mail_send
from customers.models import User
from customers.notifications import notification_create
from feedback.links import nps_path, nps_url
from feedback.models import FeedbackSettings, NpsSurvey, SurveyState
from feedback.refusals import Conflict, Expired, FeedbackRefused, Missing
from feedback.staff_settings import feedback_settings
from feedback.surveys import SURVEY_PURPOSE, SendOutcome, answer_window_open
from plumbing.events import EventName, event_publish
from plumbing.jobs import job_enqueue

NPS_SCORES = range(11)


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
    customer = survey.customer
    # mail_send asks for the survey consent itself: NOT_ALLOWED means the customer said no.
    outcome = mail_send(
        key=f"feedback.nps:{survey.pk}",
        customer=customer,
        template="feedback/mail/nps",
        context={
            "answer_links": [(score, nps_url(nps_id=survey.pk, score=score)) for score in NPS_SCORES],
            "nps_url": nps_url(nps_id=survey.pk),
            "interval_days": feedback_settings().nps_interval_days,
        },
        purpose_key=SURVEY_PURPOSE,
    )
    if outcome == MailOutcome.NOT_ALLOWED:
        NpsSurvey.objects.filter(pk=survey.pk, state=SurveyState.SCHEDULED).update(state=SurveyState.SKIPPED)
        return SendOutcome.SKIPPED
    notification_create(
        customer=customer,
        key=f"feedback.nps:{survey.pk}",
        title=lambda: _("Would you recommend us?"),
        body=lambda: _("One click from 0 to 10 tells us how we are doing."),
        url=nps_path(nps_id=survey.pk),
    )
    NpsSurvey.objects.filter(pk=survey.pk, state=SurveyState.SCHEDULED).update(
        state=SurveyState.SENT, sent_at=now or timezone.now()
    )
    return SendOutcome.SENT


def nps_answer(
    *, nps_id: int, score: int, now: datetime | None = None, settings: FeedbackSettings | None = None
) -> NpsSurvey:
    """Record (or change) an NPS answer; the first answer is announced."""
    now = now or timezone.now()
    if score not in NPS_SCORES:
        raise FeedbackRefused(_("Please choose a score from 0 to 10."), code="score")
    with transaction.atomic():
        survey = NpsSurvey.objects.select_for_update().filter(pk=nps_id).first()
        if survey is None:
            raise Missing(_("This survey does not exist."), code="missing")
        if survey.state != SurveyState.SENT:
            raise Conflict(_("This survey is not open for answers."), code="not_sent")
        if not answer_window_open(
            sent_at=survey.sent_at, answered_at=survey.answered_at, now=now, settings=settings
        ):
            raise Expired(_("The time to answer or change this survey is over. Thank you all the same!"))
        first = survey.answered_at is None
        survey.score, survey.changed_at = score, now
        survey.answered_at = survey.answered_at or now
        survey.save(update_fields=["score", "changed_at", "answered_at"])
        if first and survey.customer_id is not None:
            event_publish(
                name=EventName.NPS_ANSWERED,
                customer_id=survey.customer_id,
                key=f"feedback.nps:{survey.pk}:answered",
                about=survey,
                payload={"response_id": survey.pk, "score": score},
                occurred_at=now,
            )
    return survey
