"""Answer pages behind the signed links of survey mails and notices (no sign-in needed).

A GET shows the question with the score of the clicked button already
chosen and changes nothing (mail scanners follow links); one click on
"Send" records it. Answering again changes the answer.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from http import HTTPStatus

from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from feedback.forms import NpsAnswerForm, SurveyAnswerForm
from feedback.links import nps_token_read, survey_token_read
from feedback.models import FeedbackSettings, NpsSurvey, Survey
from feedback.nps import nps_answer
from feedback.refusals import FeedbackRefused
from feedback.staff_settings import feedback_settings
from feedback.surveys import answer_window_open, survey_answer
from plumbing.link_limits import link_rate_limited


def _invalid(request: HttpRequest, status: int = HTTPStatus.BAD_REQUEST) -> HttpResponse:
    return render(request, "feedback/link_invalid.html", status=status)


def _changeable_until(answered_at: datetime | None, settings: FeedbackSettings) -> datetime | None:
    if answered_at is None:
        return None
    return answered_at + timedelta(days=settings.survey_edit_days)


@link_rate_limited("survey")
@require_http_methods(["GET", "POST"])
def survey_answer_view(request: HttpRequest, token: str) -> HttpResponse:
    """Ask or record the satisfaction survey's answer."""
    try:
        survey_id, chosen = survey_token_read(token)
    except signing.BadSignature:
        return _invalid(request)
    survey = Survey.objects.select_related("thread__topic").filter(pk=survey_id).first()
    if survey is None:
        return _invalid(request, HTTPStatus.NOT_FOUND)
    context: dict[str, object] = {"survey": survey, "token": token}
    if request.method == "GET":
        initial = {
            "score": chosen or survey.score,
            "solved": {True: "yes", False: "no"}.get(survey.solved) if survey.solved is not None else None,
        }
        open_now = answer_window_open(
            sent_at=survey.sent_at, answered_at=survey.answered_at, now=timezone.now()
        )
        context.update(form=SurveyAnswerForm(initial=initial), closed=not open_now)
        return render(request, "feedback/survey_answer.html", context)
    form = SurveyAnswerForm(request.POST)
    context["form"] = form
    if not form.is_valid():
        return render(request, "feedback/survey_answer.html", context, status=HTTPStatus.BAD_REQUEST)
    settings = feedback_settings()
    try:
        survey = survey_answer(
            survey_id=survey.pk,
            score=form.cleaned_data["score"],
            solved=form.cleaned_data["solved"],
            settings=settings,
        )
    except FeedbackRefused as refusal:
        context["refusal"] = refusal.message
        return render(request, "feedback/survey_answer.html", context, status=refusal.status)
    context.update(survey=survey, changeable_until=_changeable_until(survey.answered_at, settings))
    return render(request, "feedback/survey_thanks.html", context)


@link_rate_limited("nps")
@require_http_methods(["GET", "POST"])
def nps_answer_view(request: HttpRequest, token: str) -> HttpResponse:
    """Ask or record the answer to "would you recommend us?"."""
    try:
        nps_id, chosen = nps_token_read(token)
    except signing.BadSignature:
        return _invalid(request)
    survey = NpsSurvey.objects.filter(pk=nps_id).first()
    if survey is None:
        return _invalid(request, HTTPStatus.NOT_FOUND)
    context: dict[str, object] = {"survey": survey, "token": token}
    if request.method == "GET":
        score = chosen if chosen is not None else survey.score
        open_now = answer_window_open(
            sent_at=survey.sent_at, answered_at=survey.answered_at, now=timezone.now()
        )
        context.update(form=NpsAnswerForm(initial={"score": score}), closed=not open_now)
        return render(request, "feedback/nps_answer.html", context)
    form = NpsAnswerForm(request.POST)
    context["form"] = form
    if not form.is_valid():
        return render(request, "feedback/nps_answer.html", context, status=HTTPStatus.BAD_REQUEST)
    settings = feedback_settings()
    try:
        survey = nps_answer(nps_id=survey.pk, score=form.cleaned_data["score"], settings=settings)
    except FeedbackRefused as refusal:
        context["refusal"] = refusal.message
        return render(request, "feedback/nps_answer.html", context, status=refusal.status)
    context.update(survey=survey, changeable_until=_changeable_until(survey.answered_at, settings))
    return render(request, "feedback/survey_thanks.html", context)
