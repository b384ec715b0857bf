"""Answer pages behind the signed links of survey mails and notices (no sign-in needed).

A GET shows the question with the score of the clicked button already
chosen and changes nothing (mail scanners follow links); one click on
"Send" records it. Answering again changes the answer. The satisfaction
survey and the NPS question are answered the same way (``feedback.asking``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from django import forms
from django.core import signing
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from feedback.asking import Question, answer_window_open, changeable_until, question_token_read
from feedback.forms import NpsAnswerForm, SurveyAnswerForm
from feedback.models import NpsSurvey, Survey
from feedback.nps import NPS, nps_answer
from feedback.refusals import FeedbackRefused
from feedback.staff_settings import feedback_settings
from feedback.surveys import CSAT, survey_answer
from plumbing.link_limits import link_rate_limited


@dataclass(frozen=True)
class AnswerPage:
    """What one question's answer page has of its own."""

    question: Question
    rows: Callable[[], QuerySet[Any]]
    form: type[forms.Form]
    template: str
    initial: Callable[[Any, int | None], dict[str, object]]
    answer: Callable[..., Any]  # (asked_id, cleaned data, settings) -> the answered row


def _solved_choice(survey: Survey) -> str | None:
    return None if survey.solved is None else ("yes" if survey.solved else "no")


CSAT_PAGE = AnswerPage(
    question=CSAT,
    rows=lambda: Survey.objects.select_related("thread__topic"),
    form=SurveyAnswerForm,
    template="feedback/survey_answer.html",
    initial=lambda survey, chosen: {"score": chosen or survey.score, "solved": _solved_choice(survey)},
    answer=lambda asked_id, data, settings: survey_answer(
        survey_id=asked_id, score=data["score"], solved=data["solved"], settings=settings
    ),
)
NPS_PAGE = AnswerPage(
    question=NPS,
    rows=lambda: NpsSurvey.objects.all(),
    form=NpsAnswerForm,
    template="feedback/nps_answer.html",
    initial=lambda survey, chosen: {"score": chosen if chosen is not None else survey.score},
    answer=lambda asked_id, data, settings: nps_answer(
        nps_id=asked_id, score=data["score"], settings=settings
    ),
)


def _invalid(request: HttpRequest, status: int = HTTPStatus.BAD_REQUEST) -> HttpResponse:
    return render(request, "feedback/link_invalid.html", status=status)


def _answer_page(request: HttpRequest, token: str, page: AnswerPage) -> HttpResponse:
    try:
        asked_id, chosen = question_token_read(page.question, token)
    except signing.BadSignature:
        return _invalid(request)
    asked = page.rows().filter(pk=asked_id).first()
    if asked is None:
        return _invalid(request, HTTPStatus.NOT_FOUND)
    context: dict[str, object] = {"survey": asked, "token": token, "answer_url_name": page.question.url_name}
    if request.method == "GET":
        open_now = answer_window_open(
            sent_at=asked.sent_at, answered_at=asked.answered_at, now=timezone.now()
        )
        context.update(form=page.form(initial=page.initial(asked, chosen)), closed=not open_now)
        return render(request, page.template, context)
    form = page.form(request.POST)
    context["form"] = form
    if not form.is_valid():
        return render(request, page.template, context, status=HTTPStatus.BAD_REQUEST)
    settings = feedback_settings()
    try:
        asked = page.answer(asked.pk, form.cleaned_data, settings)
    except FeedbackRefused as refusal:
        context["refusal"] = refusal.message
        return render(request, page.template, context, status=refusal.status)
    context.update(survey=asked, changeable_until=changeable_until(asked.answered_at, settings))
    return render(request, "feedback/survey_thanks.html", context)


@link_rate_limited("survey")
@require_http_methods(["GET", "POST"])
def survey_answer_view(request: HttpRequest, token: str) -> HttpResponse:
    """Ask or record the satisfaction survey's answer."""
    return _answer_page(request, token, CSAT_PAGE)


@link_rate_limited("nps")
@require_http_methods(["GET", "POST"])
def nps_answer_view(request: HttpRequest, token: str) -> HttpResponse:
    """Ask or record the answer to "would you recommend us?"."""
    return _answer_page(request, token, NPS_PAGE)
