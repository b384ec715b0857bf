"""Closing the loop: the satisfaction survey after a thread, and the periodic NPS question."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from feedback.models.threads import Thread


class SurveyState(models.TextChoices):
    SCHEDULED = "scheduled", _("scheduled")
    SENT = "sent", _("sent")
    SKIPPED = "skipped", _("not sent (no consent)")


class Survey(models.Model):
    """The one satisfaction survey (CSAT 1-5, solved yes/no) of a resolved thread."""

    thread = models.OneToOneField(
        Thread, verbose_name=_("thread"), on_delete=models.CASCADE, related_name="survey"
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback_surveys",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolving agent"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=SurveyState.choices, default=SurveyState.SCHEDULED
    )
    created_at = models.DateTimeField(_("scheduled at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("satisfaction (1-5)"), null=True, blank=True)
    solved = models.BooleanField(_("problem solved"), null=True, blank=True)
    answered_at = models.DateTimeField(_("first answered at"), null=True, blank=True)
    changed_at = models.DateTimeField(_("last changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5),
                name="feedback_survey_score_1_to_5",
            ),
        ]
        indexes = [models.Index(fields=["answered_at"], name="feedback_survey_answered_idx")]

    def __str__(self) -> str:
        return f"#{self.thread_id}: {self.score or '-'}"


class NpsSurvey(models.Model):
    """One "would you recommend us?" question (0-10) to one customer."""

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="nps_surveys",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=SurveyState.choices, default=SurveyState.SCHEDULED
    )
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("score (0-10)"), null=True, blank=True)
    answered_at = models.DateTimeField(_("first answered at"), null=True, blank=True)
    changed_at = models.DateTimeField(_("last changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("NPS survey")
        verbose_name_plural = _("NPS surveys")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=10),
                name="feedback_nps_score_0_to_10",
            ),
        ]
        indexes = [models.Index(fields=["customer", "-created_at"], name="feedback_nps_recent_idx")]

    def __str__(self) -> str:
        return f"NPS {self.pk}: {self.score if self.score is not None else '-'}"
