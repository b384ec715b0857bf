"""The ledger: append-only, every touchpoint a deposit or a withdrawal."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from trust.models.event_types import EventType


class CoveringIndex(models.Index):
    """An index that carries ``covering`` columns (INCLUDE) where the database can, a plain one elsewhere.

    Django's own ``include`` does the same but warns on SQLite (models.W040)
    at every command of the embedded default.
    """

    def __init__(self, *args: Any, covering: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.covering = tuple(covering)

    def deconstruct(self) -> Any:
        path, args, kwargs = super().deconstruct()
        kwargs["covering"] = list(self.covering)
        return path, args, kwargs

    def create_sql(
        self,
        model: type[models.Model],
        schema_editor: BaseDatabaseSchemaEditor,
        using: str = "",
        **kwargs: Any,
    ) -> Any:
        index = self
        if self.covering and schema_editor.connection.features.supports_covering_indexes:
            index = copy.copy(self)
            index.include = self.covering
        return models.Index.create_sql(index, model, schema_editor, using, **kwargs)


class LedgerEntry(models.Model):
    """One booked touchpoint. Never edited: a correction is a reversing entry.

    ``points`` are the event type's points at booking time (or the points
    staff entered for an adjustment). ``alarm_weight`` is +1 for a bad
    experience that counts for the alarm rule, -1 for the reversal of one,
    0 otherwise, so the number of bad experiences in a window is a plain sum.
    """

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="trust_entries",
        db_index=False,  # the covering index below leads with customer_id
    )
    event_type = models.ForeignKey(
        EventType,
        verbose_name=_("event type"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # types are never deleted (deactivated instead)
    )
    points = models.IntegerField(_("points"))
    alarm_weight = models.SmallIntegerField(_("counts for the alarm rule"), default=0)
    occurred_at = models.DateTimeField(_("occurred at"))
    booked_at = models.DateTimeField(_("booked at"), default=timezone.now)
    key = models.CharField(_("idempotency key"), max_length=255)
    source = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("What caused it, as app_label.model:id (e.g. feedback.thread:42)."),
    )
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    cap_scope = models.CharField(
        _("cap counted per"),
        max_length=100,
        blank=True,
        default="",
        db_default="",  # the set-based writers (inactivity, demo, benchmarks) insert without it
        help_text=_("What a cap counts within besides the customer and type (e.g. a purpose and channel)."),
    )
    capped_points = models.IntegerField(
        _("left out by the cap (points)"),
        null=True,
        blank=True,
        help_text=_("Set when the entry was over its type's cap: what it was worth; its points are 0."),
    )
    cap_limit = models.PositiveSmallIntegerField(_("cap (times)"), null=True, blank=True)
    cap_days = models.PositiveSmallIntegerField(_("cap window (days)"), null=True, blank=True)
    reversal_of = models.ForeignKey(
        "self",
        verbose_name=_("reverses"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reversals",
        db_index=False,
    )

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            # A constraint, not unique=True: on PostgreSQL that would add a second (LIKE) index.
            models.UniqueConstraint(fields=["key"], name="trust_entry_key_unique"),
            models.UniqueConstraint(
                fields=["reversal_of"],
                condition=Q(reversal_of__isnull=False),
                name="trust_entry_reversed_once",
            ),
        ]
        indexes = [
            # The recompute reads only this index (an index-only scan on PostgreSQL).
            CoveringIndex(
                fields=["customer"],
                covering=["event_type", "occurred_at", "points", "alarm_weight"],
                name="trust_entry_customer_cov_idx",
            ),
            # This month's withdrawals for the dashboard.
            CoveringIndex(
                fields=["occurred_at"],
                covering=["event_type", "points"],
                condition=Q(points__lt=0),
                name="trust_entry_withdrawal_idx",
            ),
            models.Index(fields=["actor"], condition=Q(actor__isnull=False), name="trust_entry_actor_idx"),
            # The dashboard's recent entries (what moved scores this week, deeds and signals this month).
            CoveringIndex(fields=["occurred_at"], covering=["points"], name="trust_entry_occurred_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.points:+d} ({self.key})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("Ledger entries are append-only; book a reversing entry instead.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("Ledger entries are append-only; they go only with an erased customer.")

    @property
    def cap_reason(self) -> str:
        """Why the entry counts nothing, if its type's cap left it out ("" otherwise)."""
        if self.capped_points is None:
            return ""
        values = {"points": self.capped_points, "limit": self.cap_limit or 0, "days": self.cap_days}
        if self.cap_days is None:
            text = gettext("Not counted (worth %(points)+d): already counted %(limit)d of %(limit)d.")
        else:
            text = gettext(
                "Not counted (worth %(points)+d): counted %(limit)d of %(limit)d in %(days)d days."
            )
        return text % values
