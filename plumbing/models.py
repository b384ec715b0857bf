"""The two outboxes every app writes to inside its own transactions.

``Job`` is a task to run; ``Event`` is a domain event for other apps to react
to. Both are rows written in the same transaction as the change that causes
them, so a request that commits can never lose its follow-up work, and both
carry a unique key, so asking twice never does the work twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """A Celery task recorded in the transaction that asks for it."""

    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list)
    key = models.CharField(_("idempotency key"), max_length=255, unique=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="portal_job_due_idx",
                condition=Q(state="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task}{self.args} [{self.get_state_display()}]"


class Event(models.Model):
    """Something that happened to a customer, announced for other apps to react to."""

    name = models.CharField(_("name"), max_length=100, db_index=True)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    key = models.CharField(_("idempotency key"), max_length=255, unique=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)

    class Meta:
        verbose_name = _("domain event")
        verbose_name_plural = _("domain events")
        indexes = [
            models.Index(
                fields=["occurred_at"],
                name="portal_event_undispatched_idx",
                condition=Q(dispatched_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.key})"


class Worker(models.Model):
    """A Celery worker node as it last reported itself: alive, and what it runs.

    The node writes its own row every few seconds (``plumbing.workers``), with
    the ids of the tasks it is executing, so the sweep and ``/healthz`` know
    which workers live and what they run on every broker — without Celery's
    broadcast remote control, which the embedded broker does not have. One
    row per start of a node (``boot``), so a node started again under the
    same name does not vouch for the jobs its killed predecessor held.
    """

    boot = models.CharField(_("boot id"), max_length=32, unique=True)
    hostname = models.CharField(_("node"), max_length=200)
    pid = models.PositiveIntegerField(_("process id"))
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    seen_at = models.DateTimeField(_("last seen at"), default=timezone.now, db_index=True)
    running = models.JSONField(_("running tasks"), default=list, blank=True)

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")

    def __str__(self) -> str:
        return f"{self.hostname} (pid {self.pid})"
