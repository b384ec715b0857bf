"""The trust account: one per customer, kept up to date by bookings and recomputes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Band(models.TextChoices):
    """How the relationship stands, best first."""

    HEALTHY = "healthy", _("healthy")
    WATCH = "watch", _("watch")
    AT_RISK = "at_risk", _("at risk")
    CRITICAL = "critical", _("critical")

    @classmethod
    def rank(cls, band: str) -> int:
        """0 for healthy up to 3 for critical."""
        return [cls.HEALTHY, cls.WATCH, cls.AT_RISK, cls.CRITICAL].index(cls(band))


NEUTRAL_SCORE = 50


class Account(models.Model):
    """A customer's trust account.

    ``balance`` and ``entry_count`` change in the transaction that books an
    entry; ``score``, ``band``, ``negatives`` and ``alarm`` are derived from
    the ledger by :mod:`trust.scoring` (at booking and by the recompute).
    """

    customer = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="trust_account",
    )
    balance = models.BigIntegerField(_("balance"), default=0)
    entry_count = models.PositiveIntegerField(_("entries"), default=0)
    score = models.SmallIntegerField(_("score"), default=NEUTRAL_SCORE, db_index=True)
    band = models.CharField(
        _("band"), max_length=10, choices=Band.choices, default=Band.HEALTHY, db_index=True
    )
    negatives = models.SmallIntegerField(_("bad experiences in the alarm window"), default=0)
    negatives_oldest_at = models.DateTimeField(
        _("oldest bad experience in the window"),
        null=True,
        blank=True,
        help_text=_("When it leaves the window, the recompute counts again."),
    )
    alarm = models.BooleanField(_("alarm"), default=False)
    last_touch_at = models.DateTimeField(_("last touchpoint"), null=True, blank=True, db_index=True)
    care_mail_at = models.DateTimeField(_("last follow-up mail"), null=True, blank=True)
    care_mail_key = models.CharField(_("last follow-up mail key"), max_length=255, blank=True)
    changed_at = models.DateTimeField(_("score changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("trust account")
        verbose_name_plural = _("trust accounts")
        indexes = [
            models.Index(
                fields=["negatives_oldest_at"],
                condition=models.Q(negatives_oldest_at__isnull=False),
                name="trust_account_window_idx",
            ),
        ]

    def __str__(self) -> str:
        return str(self.customer)


class AccountDecay(models.Model):
    """The factored decay: an account's entries of one half-life, summed and decayed to ``as_of``.

    Since p * 2^(-(now - t)/h) = [p * 2^(-(as_of - t)/h)] * 2^(-(now - as_of)/h), the
    decayed sum of all entries with half-life h is ``total * 2^(-(now - as_of)/h)`` at
    any later moment: the nightly recompute reads these few rows per account
    instead of the whole ledger. A booking adds its entry here in its own
    transaction; a change of a half-life rebuilds them from the ledger.
    """

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    half_life_days = models.PositiveIntegerField(_("half-life in days"))
    total = models.FloatField(_("decayed sum at as_of"))
    as_of = models.DateTimeField(_("as of"))

    class Meta:
        verbose_name = _("decayed sum")
        verbose_name_plural = _("decayed sums")
        constraints = [
            models.UniqueConstraint(fields=["customer", "half_life_days"], name="trust_decay_per_half_life"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}/{self.half_life_days}: {self.total:.3f}"


class Dashboard(Account):
    """The trust dashboard's place in the admin (a proxy: no table of its own)."""

    class Meta:
        proxy = True
        verbose_name = _("dashboard")
        verbose_name_plural = _("dashboard")
