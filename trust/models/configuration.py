"""The trust settings staff edit: band thresholds, the alarm rule, silence, follow-ups."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class TrustSettings(models.Model):
    """One row (pk 1) of company-wide settings; :func:`trust.configuration.trust_settings` reads it."""

    healthy_min = models.PositiveSmallIntegerField(
        _("healthy from score"),
        default=50,
        validators=[MaxValueValidator(100)],
        help_text=_("Scores from this value up are healthy."),
    )
    watch_min = models.PositiveSmallIntegerField(
        _("watch from score"),
        default=30,
        validators=[MaxValueValidator(100)],
        help_text=_("Scores from this value up to the healthy threshold are on watch."),
    )
    at_risk_min = models.PositiveSmallIntegerField(
        _("at risk from score"),
        default=15,
        validators=[MaxValueValidator(100)],
        help_text=_("Scores from this value up to the watch threshold are at risk; below it, critical."),
    )
    score_scale = models.PositiveSmallIntegerField(
        _("score scale (points)"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text=_("How many decayed points move the score from 50 to about 73 (or down to about 27)."),
    )
    alarm_negatives = models.PositiveSmallIntegerField(
        _("alarm after bad experiences"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("This many bad experiences within the window put the account at risk or worse."),
    )
    alarm_window_days = models.PositiveSmallIntegerField(
        _("alarm window (days)"), default=90, validators=[MinValueValidator(1), MaxValueValidator(3650)]
    )
    inactivity_days = models.PositiveSmallIntegerField(
        _("silence costs after (days)"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_(
            "A customer with no touchpoint for this many days gets one inactivity withdrawal per period."
        ),
    )
    max_points = models.PositiveSmallIntegerField(
        _("largest points per entry"),
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(10000)],
        help_text=_("Bookings and event types beyond plus or minus this value are refused."),
    )
    follow_up_due_days = models.PositiveSmallIntegerField(
        _("follow-ups due within (days)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("Critical accounts are due the next day."),
    )
    assign_round_robin = models.BooleanField(
        _("assign follow-ups round-robin"),
        default=True,
        help_text=_(
            "Share new follow-ups among the support agents in turn; otherwise leave them unassigned."
        ),
    )
    care_mail_interval_days = models.PositiveSmallIntegerField(
        _("at most one follow-up mail per customer every (days)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    quiet_hours_start = models.PositiveSmallIntegerField(
        _("quiet hours start (hour)"),
        default=20,
        validators=[MaxValueValidator(23)],
        help_text=_("No follow-up mail leaves from this hour on (local time)."),
    )
    quiet_hours_end = models.PositiveSmallIntegerField(
        _("quiet hours end (hour)"),
        default=8,
        validators=[MaxValueValidator(23)],
        help_text=_("Mails wait until this hour. The same start and end hour means no quiet hours."),
    )
    follow_up_cursor = models.PositiveBigIntegerField(
        _("follow-ups assigned so far"), default=0, editable=False
    )

    class Meta:
        verbose_name = _("trust settings")
        verbose_name_plural = _("trust settings")
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="trust_settings_single_row")]

    def __str__(self) -> str:
        return str(_("Trust settings"))

    THRESHOLD_FIELDS = ("healthy_min", "watch_min", "at_risk_min")
    SCORING_FIELDS = (*THRESHOLD_FIELDS, "score_scale", "alarm_negatives", "alarm_window_days")

    def clean(self) -> None:
        if not 0 < self.at_risk_min < self.watch_min < self.healthy_min <= 100:
            raise ValidationError(
                _(
                    "The thresholds overlap or are out of order: they must rise from at risk (%(at_risk)s) "
                    "over watch (%(watch)s) to healthy (%(healthy)s), each band at least one point wide, "
                    "with critical below at risk and healthy at most 100."
                )
                % {"at_risk": self.at_risk_min, "watch": self.watch_min, "healthy": self.healthy_min},
                code="thresholds",
            )
