"""The idea board: ideas customers suggest, staff publish, everyone votes on and discusses."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from feedback.models.threads import TEXT_MAX
from plumbing.bilingual import localized


class Idea(models.Model):
    """One idea: visible to signed-in customers once staff publish it."""

    class Status(models.TextChoices):
        UNDER_REVIEW = "under_review", _("under review")
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", pgettext_lazy("idea status", "done")
        DECLINED = "declined", _("declined")

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("suggested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback_ideas",
    )
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), max_length=TEXT_MAX)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.UNDER_REVIEW)
    response_en = models.TextField(_("public response (English)"), blank=True, max_length=TEXT_MAX)
    response_de = models.TextField(_("public response (German)"), blank=True, max_length=TEXT_MAX)
    published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("suggested at"), default=timezone.now)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    status_changes = models.PositiveIntegerField(_("status changes"), default=0, editable=False)
    votes_count = models.PositiveIntegerField(_("votes"), default=0, editable=False)
    # log Σ exp((t_vote - epoch) / τ): ranks like the decayed sum of votes at any moment.
    trending = models.FloatField(_("trending score"), null=True, blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
    )

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        indexes = [
            models.Index(fields=["published", "-votes_count"], name="feedback_idea_votes_idx"),
            models.Index(fields=["published", "-trending"], name="feedback_idea_trending_idx"),
            models.Index(fields=["published", "-published_at"], name="feedback_idea_newest_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def response(self) -> str:
        return localized(self, "response")

    @property
    def visible(self) -> bool:
        return self.published and self.merged_into_id is None


class IdeaVote(models.Model):
    """One customer's vote for one idea (at most one per pair)."""

    idea = models.ForeignKey(Idea, verbose_name=_("idea"), on_delete=models.CASCADE, related_name="votes")
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="idea_votes",
    )
    created_at = models.DateTimeField(_("voted at"), default=timezone.now)

    class Meta:
        verbose_name = _("idea vote")
        verbose_name_plural = _("idea votes")
        constraints = [
            models.UniqueConstraint(fields=["idea", "customer"], name="feedback_vote_once_per_idea"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} → {self.idea_id}"


class IdeaComment(models.Model):
    """A comment under a published idea, by a customer or staff."""

    idea = models.ForeignKey(Idea, verbose_name=_("idea"), on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    from_staff = models.BooleanField(_("from staff"), default=False)
    text = models.TextField(_("text"), max_length=TEXT_MAX)
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        verbose_name = _("idea comment")
        verbose_name_plural = _("idea comments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.idea_id}/{self.pk}"
