"""Data requests: a copy of one's data, or its erasure, with the legal due date."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DataRequest(models.Model):
    """A customer's request under Art. 15, 17 or 20 GDPR.

    It outlives an erased customer (``customer`` becomes empty): then it is
    the non-personal record that the erasure happened, and it still counts
    in the public transparency report.
    """

    class Kind(models.TextChoices):
        EXPORT = "export", _("copy of my data")
        ERASURE = "erasure", _("erasure")

    class Status(models.TextChoices):
        RECEIVED = "received", _("received, in progress")
        SCHEDULED = "scheduled", _("waiting for the grace period")
        COMPLETED = "completed", _("completed")
        CANCELLED = "cancelled", _("cancelled")

    OPEN = (Status.RECEIVED, Status.SCHEDULED)

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="data_requests",
    )
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    due_at = models.DateTimeField(_("legal due date"))
    extended_at = models.DateTimeField(_("extended at"), null=True, blank=True)
    extension_reason = models.TextField(
        _("reason for the extension"), blank=True, help_text=_("The customer sees this text.")
    )
    overdue_at = models.DateTimeField(_("found overdue at"), null=True, blank=True)
    erase_after = models.DateTimeField(_("erase after"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    download_token = models.CharField(_("download token"), max_length=64, blank=True, editable=False)
    file_name = models.CharField(_("export file"), max_length=255, blank=True, editable=False)
    expires_at = models.DateTimeField(_("download expires at"), null=True, blank=True)
    file_deleted_at = models.DateTimeField(_("file deleted at"), null=True, blank=True)
    erased_counts = models.JSONField(
        _("what was erased"), default=dict, blank=True, help_text=_("Records erased per data source.")
    )

    class Meta:
        verbose_name = _("data request")
        verbose_name_plural = _("data requests")
        indexes = [
            models.Index(fields=["customer", "-received_at"], name="customers_request_recent_idx"),
            models.Index(fields=["status", "due_at"], name="customers_request_due_idx"),
        ]
        constraints = [
            # One open request of a kind per customer: a double submit cannot make two.
            models.UniqueConstraint(
                fields=["customer", "kind"],
                condition=Q(status__in=["received", "scheduled"]),
                name="customers_request_one_open_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at < timezone.now()

    @classmethod
    def overdue_condition(cls, now: datetime) -> Q:
        """Requests still open after their legal deadline."""
        return Q(status__in=cls.OPEN, due_at__lt=now)

    @property
    def on_time(self) -> bool | None:
        if self.completed_at is None:
            return None
        return self.completed_at <= self.due_at

    @property
    def downloadable(self) -> bool:
        return (
            self.kind == self.Kind.EXPORT
            and self.status == self.Status.COMPLETED
            and bool(self.file_name)
            and self.expires_at is not None
            and self.expires_at > timezone.now()
        )
