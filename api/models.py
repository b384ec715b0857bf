"""What the API keeps: integrated systems and their keys, customers' own tokens,
external ids per system, idempotent responses and outgoing webhooks."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    """What an API key may do; each integration endpoint names the scopes it needs."""

    CUSTOMERS_READ = "customers:read", _("Look up customers")
    EXTERNAL_IDS_WRITE = "external_ids:write", _("Store the system's external ids")
    CONSENT_CHECK = "consent:check", _("Check consent before contacting a customer")
    TRUST_WRITE = "trust:write", _("Book touchpoints on trust accounts")
    TRUST_READ = "trust:read", _("Read trust accounts and follow-ups")
    FOLLOWUPS_WRITE = "followups:write", _("Record the outcome of follow-ups")


class WebhookEvent(models.TextChoices):
    """The events a system can subscribe to (the domain events behind them: webhooks.py)."""

    CONSENT_WITHDRAWN = "consent.withdrawn", _("Consent withdrawn")
    DATA_REQUEST_COMPLETED = "data_request.completed", _("Data request completed")
    BAND_CHANGED = "band.changed", _("Trust band changed")
    FOLLOWUP_CREATED = "followup.created", _("Follow-up created")


class System(models.Model):
    """Another system of the company that uses the API: the shop, the call center, the mailing tool."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("integrated system")
        verbose_name_plural = _("integrated systems")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Credential(models.Model):
    """A secret shown once and stored as a SHA-256 hash, found by its public prefix.

    The secrets are 256 random bits, so a fast hash is enough: nobody can
    guess one to compare against, unlike a password.
    """

    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    hashed = models.CharField(_("hashed secret"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


class ApiKey(Credential):
    """A key issued in admin to a named system, with the scopes it may use."""

    system = models.ForeignKey(
        System, verbose_name=_("system"), on_delete=models.CASCADE, related_name="api_keys"
    )
    scopes = models.JSONField(_("scopes"), default=list, blank=True)
    event_types = models.ManyToManyField(
        "trust.EventType",
        verbose_name=_("event types it may book"),
        blank=True,
        related_name="+",
        limit_choices_to={"api_bookable": True},
        help_text=_(
            "Empty: every type integrations may book. Otherwise only these (with the trust:write scope)."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["system", "name"]

    def has_scopes(self, scopes: list[str]) -> bool:
        return set(scopes) <= set(self.scopes)


class PersonalToken(Credential):
    """A customer's own token for the customer endpoints, made and revoked by the customer."""

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )

    class Meta:
        verbose_name = _("personal API token")
        verbose_name_plural = _("personal API tokens")
        ordering = ["-created_at", "-id"]


class ExternalId(models.Model):
    """The id a system knows a customer by (one per system and customer)."""

    system = models.ForeignKey(
        System, verbose_name=_("system"), on_delete=models.CASCADE, related_name="external_ids"
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="external_ids",
    )
    value = models.CharField(_("external id"), max_length=200)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("external id")
        verbose_name_plural = _("external ids")
        constraints = [
            models.UniqueConstraint(fields=["system", "value"], name="api_externalid_value_unique"),
            models.UniqueConstraint(fields=["system", "customer"], name="api_externalid_customer_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.system_id}:{self.value}"


class IdempotencyRecord(models.Model):
    """The response to a POST sent with an ``Idempotency-Key``, replayed when the same request comes again.

    It belongs to the API key or the person that sent it, so keys never clash
    between callers.
    """

    api_key = models.ForeignKey(
        ApiKey, verbose_name=_("API key"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    key = models.CharField(_("idempotency key"), max_length=255)
    request_hash = models.CharField(_("request fingerprint"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    response = models.JSONField(_("response body"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("idempotent response")
        verbose_name_plural = _("idempotent responses")
        constraints = [
            models.UniqueConstraint(
                fields=["api_key", "key"], condition=Q(api_key__isnull=False), name="api_idem_key_unique"
            ),
            models.UniqueConstraint(
                fields=["user", "key"], condition=Q(user__isnull=False), name="api_idem_user_unique"
            ),
            models.CheckConstraint(
                condition=Q(api_key__isnull=False, user__isnull=True)
                | Q(api_key__isnull=True, user__isnull=False),
                name="api_idem_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.key


def webhook_secret_new() -> str:
    return secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    """Where a system wants to be told about events, signed with its own secret."""

    system = models.ForeignKey(
        System, verbose_name=_("system"), on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=100, default=webhook_secret_new, editable=False)
    events = models.JSONField(_("events"), default=list)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["system", "url"]

    def __str__(self) -> str:
        return f"{self.system} → {self.url}"

    def clean(self) -> None:
        from urllib.parse import urlsplit

        parts = urlsplit(self.url)
        local = parts.hostname in {"localhost", "127.0.0.1", "::1"}
        if parts.scheme != "https" and not (parts.scheme == "http" and local):
            raise ValidationError({"url": _("Webhooks are sent over https only (http only to localhost).")})
        unknown = set(self.events) - set(WebhookEvent.values)
        if unknown or not self.events:
            raise ValidationError({"events": _("Choose at least one of the offered events.")})


class WebhookDelivery(models.Model):
    """One event sent (or to be sent) to one endpoint; the delivery log staff see in admin."""

    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        DELIVERED = "delivered", _("delivered")
        DEAD = "dead", _("dead (gave up)")

    public_id = models.UUIDField(_("delivery id"), default=uuid.uuid4, unique=True, editable=False)
    endpoint = models.ForeignKey(
        WebhookEndpoint, verbose_name=_("endpoint"), on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(_("event"), max_length=50, choices=WebhookEvent.choices)
    event_key = models.CharField(_("event key"), max_length=255)
    # The customer the payload is about: erasing them erases what was sent about them.
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    payload = models.JSONField(_("payload"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_status = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event_key"], name="api_delivery_once_per_event"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id} [{self.get_state_display()}]"
