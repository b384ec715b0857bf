"""Data incidents: declared by privacy officers, notified to each affected customer once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plumbing.bilingual import localized


class Incident(models.Model):
    """A personal-data breach the company admits to the customers it affects (Art. 34 GDPR)."""

    title_en = models.CharField(_("title (English)"), max_length=200)
    title_de = models.CharField(_("title (German)"), max_length=200)
    what_happened_en = models.TextField(_("what happened (English)"))
    what_happened_de = models.TextField(_("what happened (German)"))
    data_concerned_en = models.TextField(_("which data (English)"))
    data_concerned_de = models.TextField(_("which data (German)"))
    started_on = models.DateField(_("since when"))
    measures_en = models.TextField(_("what we did (English)"))
    measures_de = models.TextField(_("what we did (German)"))
    advice_en = models.TextField(_("what customers should do (English)"))
    advice_de = models.TextField(_("what customers should do (German)"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    declared_at = models.DateTimeField(
        _("declared at"),
        null=True,
        blank=True,
        help_text=_("Empty while a draft: affected customers are told once it is declared."),
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("declared by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("data incident")
        verbose_name_plural = _("data incidents")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def what_happened(self) -> str:
        return localized(self, "what_happened")

    @property
    def data_concerned(self) -> str:
        return localized(self, "data_concerned")

    @property
    def measures(self) -> str:
        return localized(self, "measures")

    @property
    def advice(self) -> str:
        return localized(self, "advice")


class IncidentNotice(models.Model):
    """One affected customer of one incident: mailed once, shown until acknowledged."""

    incident = models.ForeignKey(
        Incident, verbose_name=_("incident"), on_delete=models.CASCADE, related_name="notices"
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="incident_notices",
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)
    mailed_at = models.DateTimeField(_("mailed at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    class Meta:
        verbose_name = _("incident notice")
        verbose_name_plural = _("incident notices")
        constraints = [
            models.UniqueConstraint(fields=["incident", "customer"], name="customers_notice_once"),
        ]
        indexes = [
            models.Index(fields=["customer", "acknowledged_at"], name="customers_notice_open_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} → {self.customer_id}"
