"""What staff set for the feedback channel: topics, response promises, holidays, timings."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from plumbing.bilingual import localized


class Kind(models.TextChoices):
    """What a customer's message is about, in their words."""

    PRAISE = "praise", _("praise")
    COMPLAINT = "complaint", _("complaint")
    QUESTION = "question", _("question")
    IDEA = "idea", _("idea")


class FeedbackSettings(models.Model):
    """The channel's timings, one row (created by a migration, edited in admin)."""

    SINGLETON_PK = 1

    survey_delay_hours = models.PositiveIntegerField(
        _("survey delay (hours)"),
        default=24,
        validators=[MaxValueValidator(24 * 30)],
        help_text=_("How long after a thread is resolved the satisfaction survey is sent."),
    )
    survey_edit_days = models.PositiveIntegerField(
        _("survey answer window (days)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_(
            "A survey can be answered for this many days after it was sent, "
            "and an answer changed for this many days after it was first given."
        ),
    )
    nps_interval_days = models.PositiveIntegerField(
        _("NPS interval (days)"),
        default=90,
        validators=[MinValueValidator(1)],
        help_text=_("A customer is asked whether they would recommend us at most once in this many days."),
    )
    reopen_days = models.PositiveIntegerField(
        _("reopen window (days)"),
        default=30,
        validators=[MinValueValidator(1)],
        help_text=_("How long after it was resolved a customer can reopen a thread."),
    )
    default_promise_days = models.PositiveIntegerField(
        _("default response promise (business days)"),
        default=2,
        validators=[MaxValueValidator(60)],
        help_text=_("Used for a topic and kind without a promise of their own."),
    )
    threads_per_hour = models.PositiveIntegerField(
        _("new threads per customer and hour"),
        default=10,
        validators=[MinValueValidator(1)],
        help_text=_("More are refused (HTTP 429) until the hour is over: protection against flooding."),
    )

    class Meta:
        verbose_name = _("feedback settings")
        verbose_name_plural = _("feedback settings")

    def __str__(self) -> str:
        return str(_("Feedback settings"))


class Topic(models.Model):
    """What feedback can be about: a staff-managed list in both languages."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_de = models.CharField(_("name (German)"), max_length=100)
    order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True, help_text=_("Offered to customers."))

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["order", "key"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


class ResponsePromise(models.Model):
    """How many business days we promise for a first answer on a topic and kind."""

    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="promises"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    business_days = models.PositiveIntegerField(
        _("first answer within (business days)"),
        validators=[MaxValueValidator(60)],
        help_text=_("Weekends, public holidays and the company's own days off do not count."),
    )

    class Meta:
        verbose_name = _("response promise")
        verbose_name_plural = _("response promises")
        ordering = ["topic", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "kind"], name="feedback_promise_topic_kind_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.topic}: {self.get_kind_display()} ({self.business_days})"


class Holiday(models.Model):
    """A day off of the company's own on which the response clock stops (besides weekends and the
    public holidays, which come from the ``holidays`` package)."""

    date = models.DateField(_("date"), unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_de = models.CharField(_("name (German)"), max_length=100)

    class Meta:
        verbose_name = _("company day off")
        verbose_name_plural = _("company days off")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.name}"

    @property
    def name(self) -> str:
        return localized(self, "name")
