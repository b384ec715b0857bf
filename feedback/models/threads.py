"""Feedback threads: what a customer told us, the conversation, and the promise we made."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from feedback.models.settings import Kind, Topic

TEXT_MAX = 10_000


class Thread(models.Model):
    """One piece of feedback and everything said about it since."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        IN_PROGRESS = "in_progress", _("in progress")
        ANSWERED = "answered", _("answered")
        RESOLVED = "resolved", _("resolved")
        CLOSED = "closed", _("closed")

    class Promise(models.TextChoices):
        OPEN = "open", _("open")
        KEPT = "kept", _("kept")
        BROKEN = "broken", _("broken")
        VOID = "void", _("not needed")

    OPEN_STATUSES = (Status.RECEIVED, Status.IN_PROGRESS, Status.ANSWERED)

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback_threads",
        help_text=_("Empty once the customer's data was erased; the thread stays for the statistics."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="threads"
    )
    summary = models.CharField(_("summary"), max_length=120, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned agent"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_feedback_threads",
        limit_choices_to={"is_staff": True},
    )
    created_at = models.DateTimeField(_("received at"), default=timezone.now)
    last_message_at = models.DateTimeField(_("last message at"), default=timezone.now)
    promise_days = models.PositiveSmallIntegerField(_("promised business days"), default=0)
    due_at = models.DateTimeField(_("first answer due by"))
    promise = models.CharField(
        _("response promise"), max_length=10, choices=Promise.choices, default=Promise.OPEN
    )
    promise_settled_at = models.DateTimeField(_("promise settled at"), null=True, blank=True)
    first_reply_at = models.DateTimeField(_("first answer at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    times_resolved = models.PositiveIntegerField(_("times resolved"), default=0)
    times_reopened = models.PositiveIntegerField(_("times reopened"), default=0)

    class Meta:
        verbose_name = _("feedback thread")
        verbose_name_plural = _("feedback threads")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="feedback_thread_rating_1_to_5",
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "-last_message_at"], name="feedback_thread_customer_idx"),
            models.Index(fields=["-created_at"], name="feedback_thread_recent_idx"),
            models.Index(fields=["due_at"], name="feedback_thread_promise_idx", condition=Q(promise="open")),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.summary}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @classmethod
    def overdue_condition(cls, now: datetime) -> Q:
        """Threads still waiting for their first answer after the promised time."""
        return Q(first_reply_at__isnull=True, due_at__lt=now, status__in=cls.OPEN_STATUSES)


class Message(models.Model):
    """One contribution to a thread: the customer's, an agent's reply, or an internal note."""

    thread = models.ForeignKey(
        Thread, verbose_name=_("thread"), on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    from_staff = models.BooleanField(_("from staff"), default=False)
    internal = models.BooleanField(
        _("internal note"), default=False, help_text=_("Only staff see it; never the customer.")
    )
    text = models.TextField(_("text"), max_length=TEXT_MAX)
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(internal=False) | Q(from_staff=True), name="feedback_message_notes_by_staff"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.thread_id}/{self.pk}"


def _attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name is random and carries no part of the customer's file name.
    return f"feedback/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{filename[filename.rfind('.') :]}"


class Attachment(models.Model):
    """A file sent with a message: an image or a PDF, checked by its content.

    Files live under the private MEDIA_ROOT, which no URL maps to; the
    download view checks who asks and streams the file.
    """

    message = models.ForeignKey(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="attachments"
    )
    token = models.UUIDField(_("download token"), default=uuid.uuid4, unique=True, editable=False)
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
