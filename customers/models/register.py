"""The processing register: what the company does with which data, kept by privacy officers."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from customers.models.consents import Purpose
from plumbing.bilingual import localized


class ProcessingActivity(models.Model):
    """One entry of the register (Art. 30 GDPR), in both languages.

    ``source_key`` ties the entry to a registered personal-data source, so
    the customer sees the entry next to what is actually stored about them.
    """

    source_key = models.SlugField(
        _("personal-data source"),
        max_length=60,
        blank=True,
        help_text=_("Key of the data source shown next to this entry (e.g. profile, consents)."),
    )
    category_en = models.CharField(_("data category (English)"), max_length=200)
    category_de = models.CharField(_("data category (German)"), max_length=200)
    fields_en = models.TextField(_("fields (English)"))
    fields_de = models.TextField(_("fields (German)"))
    purpose_en = models.TextField(_("purpose (English)"))
    purpose_de = models.TextField(_("purpose (German)"))
    legal_basis = models.CharField(_("legal basis"), max_length=30, choices=Purpose.LegalBasis.choices)
    retention_en = models.CharField(_("retention period (English)"), max_length=300)
    retention_de = models.CharField(_("retention period (German)"), max_length=300)
    recipients_en = models.CharField(_("recipients (English)"), max_length=300, blank=True)
    recipients_de = models.CharField(_("recipients (German)"), max_length=300, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("processing register entry")
        verbose_name_plural = _("processing register")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.category

    @property
    def category(self) -> str:
        return localized(self, "category")

    @property
    def fields(self) -> str:
        return localized(self, "fields")

    @property
    def purpose(self) -> str:
        return localized(self, "purpose")

    @property
    def retention(self) -> str:
        return localized(self, "retention")

    @property
    def recipients(self) -> str:
        return localized(self, "recipients")
