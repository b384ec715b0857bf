"""Recompute runs (their progress, chunk by chunk) and the daily figures they leave behind."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RecomputeRun(models.Model):
    """One full recompute, split into id-range chunks that workers take in parallel."""

    key = models.CharField(_("idempotency key"), max_length=100, unique=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    rebuild = models.BooleanField(
        _("rebuilt from the ledger"),
        default=False,
        help_text=_("After a change of half-lives or of the alarm window; otherwise from the stored sums."),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    changed = models.PositiveIntegerField(_("accounts changed"), default=0)

    class Meta:
        verbose_name = _("recompute run")
        verbose_name_plural = _("recompute runs")

    def __str__(self) -> str:
        return self.key


class RecomputeChunk(models.Model):
    """Customers with ids in [first_id, last_id] of one run; done once."""

    run = models.ForeignKey(RecomputeRun, on_delete=models.CASCADE, related_name="chunks")
    first_id = models.BigIntegerField(_("first customer id"))
    last_id = models.BigIntegerField(_("last customer id"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    changed = models.PositiveIntegerField(_("accounts changed"), default=0)

    class Meta:
        verbose_name = _("recompute chunk")
        verbose_name_plural = _("recompute chunks")
        ordering = ["run", "first_id"]

    def __str__(self) -> str:
        return f"{self.run_id}: {self.first_id}-{self.last_id}"


class DailyStat(models.Model):
    """The accounts on one day, for the dashboard's lines over time."""

    day = models.DateField(_("day"), unique=True)
    accounts = models.PositiveIntegerField(_("accounts"), default=0)
    average_score = models.FloatField(_("average score"), default=50.0)
    healthy = models.PositiveIntegerField(_("healthy"), default=0)
    watch = models.PositiveIntegerField(_("watch"), default=0)
    at_risk = models.PositiveIntegerField(_("at risk"), default=0)
    critical = models.PositiveIntegerField(_("critical"), default=0)

    class Meta:
        verbose_name = _("daily figure")
        verbose_name_plural = _("daily figures")
        ordering = ["day"]

    def __str__(self) -> str:
        return str(self.day)
