"""The one way mail reaches a customer.

:func:`mail_send` is used by every sender of the portal, so no mail can
forget what every mail needs:

- a unique ``key`` claimed in the mail log *before* sending, so a retried
  task or two workers running the same job send it once (a deterministic
  ``Message-ID`` derived from the key lets a receiving system see it too);
- for non-transactional mail (``purpose_key`` set): the customer's consent
  for that purpose by email, checked at sending time, and a signed
  per-recipient, per-purpose one-click unsubscribe link in the body and in
  the RFC 8058 headers (``List-Unsubscribe`` + ``List-Unsubscribe-Post``);
- the customer's language.

Call it outside any transaction (from a task): the claim must be committed
before the mail leaves, or another worker could not see it.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from customers.consents import EMAIL, consent_allows
from customers.links import absolute, unsubscribe_url
from customers.models import OutgoingMail, User

# A claim older than this belongs to an attempt that died; a new attempt may take it over.
CLAIM_TIMEOUT = timedelta(seconds=90)


class MailOutcome(StrEnum):
    SENT = "sent"
    ALREADY_SENT = "already_sent"
    NOT_ALLOWED = "not_allowed"


class MailBeingSent(Exception):
    """Another attempt claimed this mail moments ago; retry later (the job outbox will)."""


def message_id_for(key: str) -> str:
    domain = urlsplit(settings.PORTAL_BASE_URL).hostname or "localhost"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@{domain}>"


def _claim(*, key: str, customer: User, template: str, purpose_key: str | None) -> OutgoingMail | None:
    now = timezone.now()
    mail, created = OutgoingMail.objects.get_or_create(
        key=key,
        defaults={
            "customer": customer,
            "template": template,
            "purpose_key": purpose_key or "",
            "message_id": message_id_for(key),
            "claimed_at": now,
        },
    )
    if created:
        return mail
    if mail.sent_at is not None:
        return None
    took_over = OutgoingMail.objects.filter(
        pk=mail.pk, sent_at__isnull=True, claimed_at__lt=now - CLAIM_TIMEOUT
    ).update(claimed_at=now)
    if took_over != 1:
        raise MailBeingSent(key)
    return mail


def _render(template: str, context: dict[str, Any]) -> tuple[str, str, str | None]:
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    body = render_to_string(f"{template}.txt", context)
    try:
        html: str | None = render_to_string(f"{template}.html", context)
    except TemplateDoesNotExist:
        html = None
    return subject, body, html


def mail_send(
    *,
    key: str,
    customer: User,
    template: str,
    context: dict[str, Any] | None = None,
    purpose_key: str | None = None,
) -> MailOutcome:
    """Send ``template`` to the customer once per ``key``; see the module's doc.

    ``template`` names ``<template>_subject.txt``, ``<template>.txt`` and an
    optional ``<template>.html``. Transactional mail (``purpose_key=None``)
    needs no consent and carries no unsubscribe link.
    """
    if purpose_key and not consent_allows(
        customer_id=customer.pk, purpose_key=purpose_key, channel_key=EMAIL
    ):
        return MailOutcome.NOT_ALLOWED
    mail = _claim(key=key, customer=customer, template=template, purpose_key=purpose_key)
    if mail is None:
        return MailOutcome.ALREADY_SENT

    full_context = {
        "customer": customer,
        "portal_url": settings.PORTAL_BASE_URL,
        "privacy_center_url": absolute(reverse("customers:privacy_center")),
        **(context or {}),
    }
    headers = {"Message-ID": mail.message_id}
    if purpose_key:
        link = unsubscribe_url(customer_id=customer.pk, purpose_key=purpose_key)
        full_context["unsubscribe_url"] = link
        headers["List-Unsubscribe"] = f"<{link}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    with translation.override(customer.language or settings.LANGUAGE_CODE), timezone.override(customer.zone):
        subject, body, html = _render(template, full_context)
    message = EmailMultiAlternatives(subject=subject, body=body, to=[customer.email], headers=headers)
    if html is not None:
        message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception:
        # Let the next attempt send it at once instead of waiting for the claim to age.
        OutgoingMail.objects.filter(pk=mail.pk, sent_at__isnull=True).update(
            claimed_at=timezone.now() - CLAIM_TIMEOUT * 2
        )
        raise
    OutgoingMail.objects.filter(pk=mail.pk).update(sent_at=timezone.now())
    return MailOutcome.SENT
