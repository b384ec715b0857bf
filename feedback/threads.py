"""Feedback threads: give feedback, talk about it, resolve and reopen it.

The customer's pages and the agents' inbox call the same services, so a
reply is a reply whoever writes it. Every write locks its thread (one row,
through :func:`feedback.locks.thread_lock`) and records its domain events and
jobs in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Case, Exists, OuterRef, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.links import absolute
from customers.mailing import mail_send
from customers.models import User
from customers.notifications import notification_create
from feedback.attachments import attachments_check, attachments_save, files_removed_on_failure
from feedback.flooding import Writing, flood_check
from feedback.locks import thread_lock, writer_lock
from feedback.models import FeedbackSettings, Kind, Message, Survey, SurveyState, Thread, Topic
from feedback.promises import promise_due, promise_settle_on_reply, promise_void
from feedback.refusals import Conflict, Expired, FeedbackRefused, NotAllowed
from feedback.resubmits import reply_resubmitted, thread_resubmitted
from feedback.staff_settings import feedback_settings
from feedback.surveys import survey_schedule
from feedback.texts import summary_of, text_clean
from plumbing.events import EventName, event_publish
from plumbing.jobs import job_enqueue

AGENT_PERMISSION = "feedback.change_thread"


def _is_agent(user: User) -> bool:
    return user.is_staff and user.has_perm(AGENT_PERMISSION)


def _publish(thread: Thread, name: str, key: str, at: datetime, **payload: object) -> None:
    if thread.customer_id is None:
        return  # anonymised: nobody's account to tell
    event_publish(
        name=name,
        customer_id=thread.customer_id,
        key=f"feedback.thread:{thread.pk}:{key}",
        about=thread,
        payload={"thread_id": thread.pk, **payload},
        occurred_at=at,
    )


def _rating_clean(rating: int | None) -> int | None:
    if rating is not None and not 1 <= rating <= 5:
        raise FeedbackRefused(_("A rating goes from 1 to 5 stars."), code="rating")
    return rating


def thread_submit(
    *,
    customer: User,
    kind: str,
    topic: Topic,
    text: str,
    rating: int | None = None,
    files: Sequence[UploadedFile] = (),
    now: datetime | None = None,
) -> Thread:
    """Record a customer's feedback and the promise of a first answer; announce it."""
    now = now or timezone.now()
    if kind not in Kind.values:
        raise FeedbackRefused(_("Please choose what kind of feedback this is."), code="kind")
    if not topic.active:
        raise FeedbackRefused(_("This topic is no longer offered; please choose another."), code="topic")
    text = text_clean(text)
    rating = _rating_clean(rating)
    checked = attachments_check(files)
    settings = feedback_settings()
    days, due_at = promise_due(topic=topic, kind=kind, start=now, settings=settings)
    with files_removed_on_failure() as stored, transaction.atomic():
        writer_lock(customer)
        again = thread_resubmitted(customer=customer, kind=kind, topic=topic, text=text, now=now)
        if again is not None:
            return again
        flood_check(customer=customer, what=Writing.THREAD, now=now, settings=settings)
        thread = Thread.objects.create(
            customer=customer,
            kind=kind,
            topic=topic,
            summary=summary_of(text),
            rating=rating,
            created_at=now,
            last_message_at=now,
            promise_days=days,
            due_at=due_at,
        )
        message = Message.objects.create(thread=thread, author=customer, text=text, created_at=now)
        attachments_save(message=message, files=checked, stored=stored)
        _publish(thread, EventName.FEEDBACK_RECEIVED, "received", now, kind=kind, rating=rating)
    return thread


def message_post(
    *,
    thread: Thread,
    author: User,
    text: str,
    internal: bool = False,
    files: Sequence[UploadedFile] = (),
    now: datetime | None = None,
) -> Message:
    """Add a message to a thread: the customer's reply, an agent's reply, or an internal note.

    An agent's first reply settles the response promise and is announced;
    every agent reply is sent to the customer by mail and in the portal.
    """
    now = now or timezone.now()
    staff = _is_agent(author)
    if not staff and thread.customer_id != author.pk:
        raise NotAllowed(_("You cannot write in this conversation."), code="not_yours")
    if internal and not staff:
        raise NotAllowed(_("Only staff can write internal notes."), code="not_staff")
    text = text_clean(text)
    checked = attachments_check(files)
    with files_removed_on_failure() as stored, transaction.atomic():
        thread = thread_lock(thread.pk)
        again = reply_resubmitted(thread=thread, author=author, text=text, internal=internal, now=now)
        if again is not None:
            return again
        if not staff and not thread.is_open:
            raise Conflict(
                _("This conversation is resolved or closed. Reopen it to write again."), code="not_open"
            )
        if not staff:
            flood_check(customer=author, what=Writing.REPLY, now=now)
        message = Message.objects.create(
            thread=thread, author=author, from_staff=staff, internal=internal, text=text, created_at=now
        )
        attachments_save(message=message, files=checked, stored=stored)
        if internal:
            return message
        changes: dict[str, object] = {"last_message_at": now}
        if staff:
            changes.update(_after_agent_reply(thread, author, now))
            job_enqueue(task="feedback.notify_reply", args=[message.pk], key=f"feedback.reply:{message.pk}")
        elif thread.status == Thread.Status.ANSWERED:
            changes["status"] = Thread.Status.IN_PROGRESS
        Thread.objects.filter(pk=thread.pk).update(**changes)
    return message


def _after_agent_reply(thread: Thread, agent: User, now: datetime) -> dict[str, object]:
    changes: dict[str, object] = {}
    if thread.is_open:
        changes["status"] = Thread.Status.ANSWERED
    if thread.assigned_to_id is None:
        changes["assigned_to"] = agent
    if thread.first_reply_at is None:
        changes["first_reply_at"] = now
        _publish(thread, EventName.FEEDBACK_FIRST_REPLY, "first_reply", now)
        promise_settle_on_reply(thread=thread, replied_at=now)
    return changes


def thread_resolve(
    *, thread: Thread, actor: User, now: datetime | None = None, settings: FeedbackSettings | None = None
) -> Thread:
    """Mark a thread resolved (by its customer or an agent) and schedule its satisfaction survey."""
    now = now or timezone.now()
    staff = _is_agent(actor)
    if not staff and thread.customer_id != actor.pk:
        raise NotAllowed(_("You cannot change this conversation."), code="not_yours")
    with transaction.atomic():
        thread = thread_lock(thread.pk)
        if not thread.is_open:
            raise Conflict(_("This conversation is already resolved or closed."), code="not_open")
        if not staff:
            promise_void(thread=thread, at=now)
        thread.status, thread.resolved_at, thread.resolved_by = Thread.Status.RESOLVED, now, actor
        thread.times_resolved += 1
        thread.save(update_fields=["status", "resolved_at", "resolved_by", "times_resolved"])
        _publish(
            thread,
            EventName.FEEDBACK_RESOLVED,
            f"resolved:{thread.times_resolved}",
            now,
            by="staff" if staff else "customer",
        )
        survey_schedule(thread=thread, now=now, settings=settings)
    return thread


def thread_reopen(
    *, thread: Thread, actor: User, now: datetime | None = None, settings: FeedbackSettings | None = None
) -> Thread:
    """Reopen a resolved thread: its customer within the reopen window, an agent at any time."""
    now = now or timezone.now()
    staff = _is_agent(actor)
    if not staff and thread.customer_id != actor.pk:
        raise NotAllowed(_("You cannot change this conversation."), code="not_yours")
    window = timedelta(days=(settings or feedback_settings()).reopen_days)
    with transaction.atomic():
        thread = thread_lock(thread.pk)
        reopenable = (Thread.Status.RESOLVED, Thread.Status.CLOSED) if staff else (Thread.Status.RESOLVED,)
        if thread.status not in reopenable:
            raise Conflict(_("Only a resolved conversation can be reopened."), code="not_resolved")
        if not staff and thread.resolved_at is not None and thread.resolved_at + window < now:
            raise Expired(
                _(
                    "This conversation was resolved more than %(days)d days ago and can no longer be "
                    "reopened. Please start a new one."
                )
                % {"days": window.days},
                code="reopen_window",
            )
        thread.status = Thread.Status.IN_PROGRESS if thread.first_reply_at else Thread.Status.RECEIVED
        thread.times_reopened += 1
        thread.save(update_fields=["status", "times_reopened"])
        _publish(
            thread,
            EventName.FEEDBACK_REOPENED,
            f"reopened:{thread.times_reopened}",
            now,
            by="staff" if staff else "customer",
        )
    return thread


def thread_assign(*, thread: Thread, agent: User | None, actor: User) -> Thread:
    """Give the thread to an agent (or to nobody); a received thread is then in progress."""
    if not _is_agent(actor) or (agent is not None and not _is_agent(agent)):
        raise NotAllowed(_("Only support agents can take on feedback."), code="not_staff")
    with transaction.atomic():
        thread = thread_lock(thread.pk)
        thread.assigned_to = agent
        fields = ["assigned_to"]
        if agent is not None and thread.status == Thread.Status.RECEIVED:
            thread.status = Thread.Status.IN_PROGRESS
            fields.append("status")
        thread.save(update_fields=fields)
    return thread


def thread_status_set(*, thread: Thread, status: str, actor: User, now: datetime | None = None) -> Thread:
    """Set the status an agent chose: resolving and reopening go through their own services."""
    if not _is_agent(actor):
        raise NotAllowed(_("Only support agents can change the status."), code="not_staff")
    if status not in Thread.Status.values:
        raise FeedbackRefused(_("Unknown status."), code="status")
    with transaction.atomic():
        thread = thread_lock(thread.pk)
        if status == thread.status:
            return thread
        if status == Thread.Status.RESOLVED:
            settings = feedback_settings()
            if not thread.is_open:
                thread_reopen(thread=thread, actor=actor, now=now, settings=settings)
            return thread_resolve(thread=thread, actor=actor, now=now, settings=settings)
        if not thread.is_open and status != Thread.Status.CLOSED:
            thread_reopen(thread=thread, actor=actor, now=now)
        thread = thread_lock(thread.pk)
        thread.status = status
        thread.save(update_fields=["status"])
    return thread


def thread_agent_update(
    *,
    thread: Thread,
    agent: User,
    status: str | None = None,
    assigned_to: User | None,
    reply: str = "",
    note: str = "",
) -> Thread:
    """Apply what an agent did on the inbox's thread page, in one transaction.

    ``status`` is None when the agent left it as it was: a reply then makes
    the thread "answered" by itself.
    """
    with transaction.atomic():
        if (assigned_to.pk if assigned_to else None) != thread.assigned_to_id:
            thread_assign(thread=thread, agent=assigned_to, actor=agent)
        if note.strip():
            message_post(thread=thread, author=agent, text=note, internal=True)
        if reply.strip():
            message_post(thread=thread, author=agent, text=reply)
        thread = Thread.objects.get(pk=thread.pk)
        if status is not None:
            thread = thread_status_set(thread=thread, status=status, actor=agent)
    return thread


def reply_notify(*, message_id: int) -> None:
    """Tell the customer an agent replied: by mail (transactional) and in the portal (task)."""
    message = (
        Message.objects.select_related("thread__customer", "thread__topic", "author")
        .filter(pk=message_id, from_staff=True, internal=False)
        .first()
    )
    if message is None or message.thread.customer is None:
        return
    thread, customer = message.thread, message.thread.customer
    path = reverse("feedback:thread_detail", args=[thread.pk])
    notification_create(
        customer=customer,
        key=f"feedback.reply:{message.pk}",
        title=lambda: _("We answered your feedback"),
        body=lambda: _("Read the answer to “%(summary)s”.") % {"summary": thread.summary},
        url=path,
    )
    mail_send(
        key=f"feedback.reply:{message.pk}",
        customer=customer,
        template="feedback/mail/reply",
        context={"thread": thread, "message": message, "thread_url": absolute(path)},
        purpose_key=None,
    )


def threads_of(*, customer: User) -> QuerySet[Thread]:
    """The customer's threads, most recent activity first, ready for a list."""
    survey_open = Survey.objects.filter(
        thread=OuterRef("pk"), state=SurveyState.SENT, answered_at__isnull=True
    )
    return (
        Thread.objects.filter(customer=customer)
        .select_related("topic")
        .annotate(survey_waiting=Exists(survey_open))
        .order_by("-last_message_at", "-pk")
    )


def thread_of(*, customer: User, thread_id: int) -> Thread | None:
    """One of the customer's own threads, or None (another customer's thread does not exist for them)."""
    return Thread.objects.select_related("topic").filter(pk=thread_id, customer=customer).first()


def conversation_of(*, thread: Thread, for_staff: bool) -> list[Message]:
    """The thread's messages with their attachments; internal notes only for staff."""
    messages = thread.messages.select_related("author").prefetch_related("attachments")
    if not for_staff:
        messages = messages.filter(internal=False)
    return list(messages)


def inbox(*, now: datetime | None = None) -> QuerySet[Thread]:
    """All threads for the agents' inbox, annotated with whether each is overdue."""
    return Thread.objects.annotate(
        is_overdue=Case(
            When(Thread.overdue_condition(now or timezone.now()), then=Value(True)), default=Value(False)
        )
    )
