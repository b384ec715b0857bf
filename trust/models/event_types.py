"""Event types: the company's own weights for every kind of touchpoint."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from plumbing.bilingual import localized

MAX_HALF_LIFE_DAYS = 3650


class Nature(models.TextChoices):
    """Whose doing an entry is: what the company did, or what the customer signalled."""

    DEED = "deed", _("deed")
    SIGNAL = "signal", _("signal")


class EventType(models.Model):
    """A kind of touchpoint: what it is worth and how fast its effect fades.

    Entries keep the points they were booked with; the half-life is read when
    a score is computed, so changing it re-weighs the past (see the what-if).
    """

    key = models.SlugField(_("key"), max_length=50, unique=True)
    label_en = models.CharField(_("label (English)"), max_length=200)
    label_de = models.CharField(_("label (German)"), max_length=200)
    points = models.IntegerField(
        _("points"),
        help_text=_("Positive: a deposit. Negative: a withdrawal."),
    )
    half_life_days = models.PositiveIntegerField(
        _("half-life in days"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_HALF_LIFE_DAYS)],
        help_text=_("After this many days an entry counts half in the score, after twice as many a quarter."),
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive types book nothing new; their entries stay.")
    )
    custom_points = models.BooleanField(
        _("points set per booking"),
        default=False,
        help_text=_("For manual adjustments: staff enter the points (and a reason) each time."),
    )
    counts_for_alarm = models.BooleanField(
        _("counts for the alarm rule"),
        default=True,
        help_text=_("A negative entry of this type counts as a bad experience for the alarm rule."),
    )
    touchpoint = models.BooleanField(
        _("is a touchpoint"),
        default=True,
        help_text=_("Ends a customer's silence (inactivity withdrawals and adjustments do not)."),
    )
    nature = models.CharField(
        _("deed or signal"),
        max_length=10,
        choices=Nature.choices,
        default=Nature.DEED,
        help_text=_("Something the company did, or a signal from the customer: both sums are shown apart."),
    )
    cap_count = models.PositiveSmallIntegerField(
        _("counts at most (times)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Per customer: entries beyond this are still written, with no effect. Empty: no cap. "
            "Applies to entries booked from now on."
        ),
    )
    cap_days = models.PositiveSmallIntegerField(
        _("within (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_HALF_LIFE_DAYS)],
        help_text=_("The window the cap counts in. Empty: ever."),
    )
    api_bookable = models.BooleanField(
        _("integrations may book it"),
        default=False,
        help_text=_("Other systems may book this type through the API (each key can be narrowed further)."),
    )

    class Meta:
        verbose_name = _("event type")
        verbose_name_plural = _("event types")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return localized(self, "label")
