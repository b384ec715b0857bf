"""Follow-ups: when an account falls, someone acts."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trust.models.accounts import Band


class FollowUp(models.Model):
    """One task for customer care about one customer, for one reason."""

    class Reason(models.TextChoices):
        BAND = "band", _("account at risk or critical")
        ALARM = "alarm", _("repeated bad experiences")
        MANUAL = "manual", _("scheduled by staff")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    class Outcome(models.TextChoices):
        CONTACTED = "contacted", _("contacted")
        GOODWILL = "goodwill", _("goodwill granted")
        RESOLVED = "resolved", _("resolved")
        NO_ANSWER = "no_answer", _("no answer")
        RECOVERED = "recovered", _("account recovered by itself")

    class Action(models.TextChoices):
        CALL_TODAY = "call_today", _("Call today and offer a goodwill gesture")
        APOLOGISE = "apologise", _("Review the bad experiences, apologise and say what changed")
        REACH_OUT = "reach_out", _("Reach out personally and ask how we can do better")
        RE_ENGAGE = "re_engage", _("Re-engage: remind them what we offer and ask for feedback")
        AS_NOTED = "as_noted", _("As noted")

    class MailState(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENT = "sent", _("sent")
        NO_CONSENT = "no_consent", _("not sent: no consent")
        NONE = "none", _("no automatic mail")

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="trust_follow_ups",
    )
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    band = models.CharField(_("band when triggered"), max_length=10, choices=Band.choices)
    suggested_action = models.CharField(_("suggested action"), max_length=20, choices=Action.choices)
    due_at = models.DateTimeField(_("due"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    triggers = models.PositiveIntegerField(_("times triggered"), default=1)
    note = models.TextField(_("note"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    mail_state = models.CharField(
        _("follow-up mail"), max_length=10, choices=MailState.choices, default=MailState.PENDING
    )
    mail_key = models.CharField(_("follow-up mail key"), max_length=255, blank=True)
    mailed_at = models.DateTimeField(_("mailed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scheduled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "reason"],
                condition=Q(status="open"),
                name="trust_followup_one_open_per_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["due_at"], condition=Q(status="open"), name="trust_followup_due_idx"),
            models.Index(
                fields=["id"],
                condition=Q(status="open", mail_state="pending"),
                name="trust_followup_mail_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.customer}"

    @property
    def overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_at < timezone.now()

    @classmethod
    def overdue_condition(cls, now: datetime) -> Q:
        """Follow-ups still open after they were due."""
        return Q(status=cls.Status.OPEN, due_at__lt=now)
