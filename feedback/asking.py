"""Asking a customer one question by mail: the mechanism the satisfaction survey (CSAT, after a
resolved thread) and "would you recommend us?" (NPS, now and then) share.

Each is a :class:`Question` with its own model, scores, mail, notice and answer form; the
rest is done once, here:

- **send**: by mail and in the portal, only if the customer still allows surveys (the mail
  asks the consent itself); safe to run twice (the mail is claimed by its key, the row moves
  from scheduled to sent by a conditional UPDATE);
- **link**: a signed one-click link per question (the score of the clicked button inside);
- **window**: answerable for N days after sending, changeable for N days after the first answer;
- **answer**: under a row lock, the first answer announced once as a domain event.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from django.core import signing
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.links import absolute
from customers.mailing import MailOutcome, mail_send
from customers.notifications import notification_create
from feedback.models import FeedbackSettings, SurveyState
from feedback.refusals import Conflict, Expired, FeedbackRefused, Missing
from feedback.staff_settings import feedback_settings
from plumbing.events import event_publish

SURVEY_PURPOSE = "surveys"


class SendOutcome(StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"
    NOT_DUE = "not_due"


@dataclass(frozen=True)
class Question:
    """What one kind of question has of its own."""

    name: str  # keys, the links' salt ("feedback.<name>"), the link rate limit's scope
    model: type[models.Model]
    scores: range
    score_refusal: Callable[[], str]
    url_name: str  # the answer page
    event: str  # announced on the first answer
    mail_template: str

    @property
    def salt(self) -> str:
        return f"feedback.{self.name}"


def question_path(question: Question, *, asked_id: int, score: int | None = None) -> str:
    """The signed answer link inside the portal (notices, the thread page)."""
    data: dict[str, int] = {"i": asked_id}
    if score is not None:
        data["s"] = score
    return reverse(question.url_name, args=[signing.dumps(data, salt=question.salt)])


def question_url(question: Question, *, asked_id: int, score: int | None = None) -> str:
    """The same link, absolute, for mails."""
    return absolute(question_path(question, asked_id=asked_id, score=score))


def question_token_read(question: Question, token: str) -> tuple[int, int | None]:
    """Return (id, preselected score); raise ``signing.BadSignature`` if tampered."""
    data = signing.loads(token, salt=question.salt)
    score = data.get("s")
    return int(data["i"]), int(score) if score is not None else None


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


def changeable_until(answered_at: datetime | None, settings: FeedbackSettings) -> datetime | None:
    return None if answered_at is None else answered_at + timedelta(days=settings.survey_edit_days)


@dataclass(frozen=True)
class Notice:
    """The portal notice that carries the question (texts translated when shown)."""

    title: Callable[[], str]
    body: Callable[[], str]


def question_send(
    question: Question,
    *,
    asked: Any,
    context: dict[str, Any],
    notice: Notice,
    now: datetime | None = None,
    **sent: object,
) -> SendOutcome:
    """Send a scheduled question by mail and in the portal (a job's work; idempotent).

    ``asked`` is the question's row, scheduled; ``context`` the mail's (the answer links are
    added); ``sent`` what the row records besides being sent (e.g. the resolving agent).
    """
    key = f"{question.salt}:{asked.pk}"
    outcome = mail_send(
        key=key,
        customer=asked.customer,
        template=question.mail_template,
        context={
            **context,
            "answer_links": [
                (score, question_url(question, asked_id=asked.pk, score=score)) for score in question.scores
            ],
        },
        purpose_key=SURVEY_PURPOSE,
    )
    scheduled = question.model.objects.filter(pk=asked.pk, state=SurveyState.SCHEDULED)  # type: ignore[attr-defined]
    if outcome == MailOutcome.NOT_ALLOWED:
        scheduled.update(state=SurveyState.SKIPPED)
        return SendOutcome.SKIPPED
    notification_create(
        customer=asked.customer,
        key=key,
        title=notice.title,
        body=notice.body,
        url=question_path(question, asked_id=asked.pk),
    )
    scheduled.update(state=SurveyState.SENT, sent_at=now or timezone.now(), **sent)
    return SendOutcome.SENT


def question_answer(
    question: Question,
    *,
    asked_id: int,
    score: int,
    answers: dict[str, object],
    payload: Callable[[Any], dict[str, object]],
    now: datetime | None = None,
    settings: FeedbackSettings | None = None,
) -> Any:
    """Record (or change) an answer: the score and ``answers``; the first answer is announced.

    One fact per question: a changed answer updates the figures, not the trust account twice.
    """
    now = now or timezone.now()
    if score not in question.scores:
        raise FeedbackRefused(question.score_refusal(), code="score")
    with transaction.atomic():
        asked = question.model.objects.select_for_update().filter(pk=asked_id).first()  # type: ignore[attr-defined]
        if asked is None:
            raise Missing(_("This survey does not exist."), code="missing")
        if asked.state != SurveyState.SENT:
            raise Conflict(_("This survey is not open for answers."), code="not_sent")
        if not answer_window_open(
            sent_at=asked.sent_at, answered_at=asked.answered_at, now=now, settings=settings
        ):
            raise Expired(_("The time to answer or change this survey is over. Thank you all the same!"))
        first = asked.answered_at is None
        asked.score, asked.changed_at = score, now
        for field, value in answers.items():
            setattr(asked, field, value)
        asked.answered_at = asked.answered_at or now
        asked.save(update_fields=["score", "changed_at", "answered_at", *answers])
        if first and asked.customer_id is not None:
            event_publish(
                name=question.event,
                customer_id=asked.customer_id,
                key=f"{question.salt}:{asked.pk}:answered",
                about=asked,
                payload=payload(asked),
                occurred_at=now,
            )
    return asked
