"""Consent: purposes and channels the privacy officers manage, and the append-only proof."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plumbing.bilingual import localized


class Channel(models.Model):
    """A way the company can reach a customer: email, SMS, phone, post..."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_de = models.CharField(_("name (German)"), max_length=100)
    order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        ordering = ["order", "key"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


class Purpose(models.Model):
    """Something the company wants to use a customer's data for.

    The texts are versioned: each edit of a title or description creates a
    new :class:`PurposeVersion`, and every consent record points at the
    version the customer was shown.
    """

    class LegalBasis(models.TextChoices):
        CONSENT = "consent", _("Consent (Art. 6(1)(a) GDPR)")
        CONTRACT = "contract", _("Contract (Art. 6(1)(b) GDPR)")
        LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation (Art. 6(1)(c) GDPR)")
        LEGITIMATE_INTERESTS = "legitimate_interests", _("Legitimate interests (Art. 6(1)(f) GDPR)")

    key = models.SlugField(_("key"), max_length=40, unique=True)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_de = models.CharField(_("title (German)"), max_length=200)
    description_en = models.TextField(_("description (English)"))
    description_de = models.TextField(_("description (German)"))
    legal_basis = models.CharField(_("legal basis"), max_length=30, choices=LegalBasis.choices)
    required = models.BooleanField(
        _("required for the service"),
        default=False,
        help_text=_("Shown with its reason and cannot be switched off by the customer."),
    )
    required_reason_en = models.TextField(_("why it is required (English)"), blank=True)
    required_reason_de = models.TextField(_("why it is required (German)"), blank=True)
    is_sale_sharing = models.BooleanField(
        _("counts as sale or sharing"),
        default=False,
        help_text=_("Withdrawn automatically when the browser sends a Global Privacy Control signal."),
    )
    is_marketing = models.BooleanField(
        _("marketing"),
        default=False,
        help_text=_("Marketing by email needs double opt-in: a grant waits for the customer's confirmation."),
    )
    default_granted = models.BooleanField(
        _("granted by default"),
        default=False,
        help_text=_("Only for purposes that do not rest on consent: consent is never pre-ticked."),
    )
    channels = models.ManyToManyField(Channel, verbose_name=_("channels"), related_name="purposes")
    order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(_("text version"), default=1, editable=False)

    class Meta:
        verbose_name = _("purpose")
        verbose_name_plural = _("purposes")
        ordering = ["order", "key"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def description(self) -> str:
        return localized(self, "description")

    @property
    def required_reason(self) -> str:
        return localized(self, "required_reason")

    TEXT_FIELDS = ("title_en", "title_de", "description_en", "description_de")

    def clean(self) -> None:
        if self.default_granted and self.legal_basis == self.LegalBasis.CONSENT:
            raise ValidationError(
                {"default_granted": _("Consent is never granted by default: customers must opt in.")}
            )
        if self.required and not (self.required_reason_en and self.required_reason_de):
            raise ValidationError(
                {"required_reason_en": _("Say in both languages why this purpose is required.")}
            )

    def text(self) -> dict[str, Any]:
        """Return the texts a version freezes."""
        return {field: getattr(self, field) for field in self.TEXT_FIELDS}


class PurposeVersion(models.Model):
    """The exact texts of a purpose as customers saw them, frozen."""

    purpose = models.ForeignKey(Purpose, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField(_("version"))
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_de = models.CharField(_("title (German)"), max_length=200)
    description_en = models.TextField(_("description (English)"))
    description_de = models.TextField(_("description (German)"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("purpose text version")
        verbose_name_plural = _("purpose text versions")
        constraints = [
            models.UniqueConstraint(fields=["purpose", "version"], name="customers_purpose_version_unique"),
        ]
        ordering = ["purpose", "-version"]

    def __str__(self) -> str:
        return f"{self.purpose.key} v{self.version}"

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def description(self) -> str:
        return localized(self, "description")


class ConsentRecord(models.Model):
    """One change of one consent: append-only proof of who allowed what, when and how.

    No code path updates or deletes a record; the current state of a
    (purpose, channel) is the newest record for it.
    """

    class State(models.TextChoices):
        GRANTED = "granted", _("granted")
        WITHDRAWN = "withdrawn", _("withdrawn")
        PENDING = "pending", _("waiting for confirmation")

    class Source(models.TextChoices):
        PRIVACY_CENTER = "privacy_center", _("privacy center")
        EMAIL_LINK = "email_link", _("link in an email")
        API = "api", _("API")
        STAFF = "staff", _("staff on the customer's behalf")
        GPC = "gpc", _("browser privacy signal (GPC)")
        IMPORT = "import", _("import")

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="consent_records",
    )
    purpose = models.ForeignKey(
        Purpose, verbose_name=_("purpose"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.ForeignKey(
        Channel, verbose_name=_("channel"), on_delete=models.PROTECT, related_name="+"
    )
    purpose_version = models.ForeignKey(
        PurposeVersion, verbose_name=_("text version shown"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        indexes = [
            models.Index(
                fields=["customer", "purpose", "channel", "-id"], name="customers_consent_latest_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.purpose_id}/{self.channel_id}: {self.state}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("Consent records are append-only; record a new change instead.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("Consent records are append-only; they go only with an erased customer.")


class Suppression(models.Model):
    """An erased customer's address, hashed, so it is never contacted again."""

    email_hash = models.CharField(_("address hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")

    def __str__(self) -> str:
        return self.email_hash[:12]
