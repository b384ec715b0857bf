"""The customer's feedback: give it, follow the conversation, resolve or reopen it."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from customers.access import staff_access_record
from feedback.asking import answer_window_open, question_path
from feedback.attachments import attachment_for
from feedback.forms import FeedbackForm, ReplyForm
from feedback.models import Survey, SurveyState, Thread
from feedback.refusals import FeedbackRefused
from feedback.staff_settings import feedback_settings
from feedback.surveys import CSAT
from feedback.threads import (
    conversation_of,
    message_post,
    thread_of,
    thread_reopen,
    thread_resolve,
    thread_submit,
    threads_of,
)
from feedback.views.responses import customer_of, refused

PAGE_SIZE = 20


@login_required
def thread_list(request: HttpRequest) -> HttpResponse:
    """List the customer's feedback, most recent activity first."""
    page = Paginator(threads_of(customer=customer_of(request)), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "feedback/thread_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def thread_new(request: HttpRequest) -> HttpResponse:
    """Give feedback: kind, topic, text, an optional rating and up to three files."""
    form = FeedbackForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return render(request, "feedback/thread_new.html", {"form": form})
    if not form.is_valid():
        return render(request, "feedback/thread_new.html", {"form": form}, status=HTTPStatus.BAD_REQUEST)
    try:
        thread = thread_submit(
            customer=customer_of(request),
            kind=form.cleaned_data["kind"],
            topic=form.cleaned_data["topic"],
            text=form.cleaned_data["text"],
            rating=form.cleaned_data["rating"],
            files=form.cleaned_data["attachments"],
        )
    except FeedbackRefused as refusal:
        return refused(request, refusal, template="feedback/thread_new.html", context={"form": form})
    messages.success(request, _("Thank you! We have received your feedback."))
    return redirect("feedback:thread_detail", pk=thread.pk)


def _detail(
    request: HttpRequest, thread: Thread, form: ReplyForm | None = None, status: int = 200
) -> HttpResponse:
    now = timezone.now()
    survey = Survey.objects.filter(thread=thread, state=SurveyState.SENT).first()
    settings = feedback_settings()
    reopen_until = (
        thread.resolved_at + timedelta(days=settings.reopen_days)
        if thread.status == Thread.Status.RESOLVED and thread.resolved_at
        else None
    )
    context = {
        "now": now,
        "thread": thread,
        "conversation": conversation_of(thread=thread, for_staff=False),
        "form": form or ReplyForm(),
        "reopen_until": reopen_until if reopen_until and reopen_until >= now else None,
        "survey": survey,
        "survey_link": question_path(CSAT, asked_id=survey.pk)
        if survey
        and answer_window_open(
            sent_at=survey.sent_at, answered_at=survey.answered_at, now=now, settings=settings
        )
        else None,
    }
    return render(request, "feedback/thread_detail.html", context, status=status)


def _own_thread(request: HttpRequest, pk: int) -> Thread:
    thread = thread_of(customer=customer_of(request), thread_id=pk)
    if thread is None:
        raise Http404
    return thread


@login_required
def thread_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one thread: its status, the promise, the whole conversation, and what can be done."""
    return _detail(request, _own_thread(request, pk))


@login_required
@require_POST
def thread_reply(request: HttpRequest, pk: int) -> HttpResponse:
    """Add the customer's reply to their thread."""
    thread = _own_thread(request, pk)
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, thread, form, status=HTTPStatus.BAD_REQUEST)
    try:
        message = message_post(
            thread=thread,
            author=customer_of(request),
            text=form.cleaned_data["text"],
            files=form.cleaned_data["attachments"],
        )
    except FeedbackRefused as refusal:
        messages.error(request, refusal.message)
        return _detail(request, thread, form, status=refusal.status)
    messages.success(request, _("Your reply was sent."))
    return redirect(reverse("feedback:thread_detail", args=[thread.pk]) + f"#message-{message.pk}")


@login_required
@require_POST
def thread_resolve_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The customer marks their thread resolved."""
    thread = _own_thread(request, pk)
    try:
        thread_resolve(thread=thread, actor=customer_of(request))
    except FeedbackRefused as refusal:
        messages.error(request, refusal.message)
        return _detail(request, thread, status=refusal.status)
    messages.success(request, _("Marked as resolved. Thank you for letting us know!"))
    return redirect("feedback:thread_detail", pk=thread.pk)


@login_required
@require_POST
def thread_reopen_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The customer reopens their resolved thread (within the reopen window)."""
    thread = _own_thread(request, pk)
    try:
        thread_reopen(thread=thread, actor=customer_of(request))
    except FeedbackRefused as refusal:
        messages.error(request, refusal.message)
        return _detail(request, thread, status=refusal.status)
    messages.success(request, _("The conversation is open again. Tell us what is still missing."))
    return redirect("feedback:thread_detail", pk=thread.pk)


@login_required
def attachment_download(request: HttpRequest, token: str) -> FileResponse:
    """Stream an attachment to its customer or to staff; everyone else gets a 404."""
    user = customer_of(request)
    attachment = attachment_for(token=token, user=user)
    if attachment is None:
        raise Http404
    customer = attachment.message.thread.customer
    if user.is_staff and customer is not None:
        staff_access_record(staff=user, customer=customer, view="feedback:attachment")
    try:
        stream = attachment.file.open("rb")
    except FileNotFoundError:  # the row outlived its file (restored backup, manual clean-up)
        raise Http404 from None
    response = FileResponse(
        stream,
        content_type=attachment.content_type,
        as_attachment=not attachment.is_image,
        filename=attachment.name,
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
