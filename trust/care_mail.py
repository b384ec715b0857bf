"""Automatic follow-up mails from customer care.

A follow-up that opens by itself (alarm or band) gets one mail, through
:func:`customers.mailing.mail_send` (consent for the purpose "care" by
email at sending time, one-click unsubscribe, the customer's language), and:

- **never in quiet hours** (a setting, in the customer's own time zone): the mail waits for their end;
- **at most one per customer per interval** (a setting, 14 days), whatever the
  reason: the account's slot is claimed by a conditional UPDATE that only the
  same mail key may repeat;
- **exactly once**, even when the task is retried or runs on two workers at
  once: the mail key (customer, reason and period) is claimed in the mail log
  before the mail leaves.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from enum import StrEnum
from typing import Any

from django.db.models import F, Q
from django.utils import timezone

from customers.consents import EMAIL, consent_allows
from customers.mailing import CLAIM_TIMEOUT, MailBeingSent, MailOutcome, mail_send
from plumbing.jobs import job_enqueue
from trust.configuration import trust_settings
from trust.models import Account, FollowUp, LedgerEntry, TrustSettings

CARE_PURPOSE = "care"
TEMPLATE_RE_ENGAGE = "trust/mail/care_re_engage"
TEMPLATE_RECOVERY = "trust/mail/care_recovery"


class CareMailOutcome(StrEnum):
    SENT = "sent"
    ALREADY_SENT = "already_sent"
    NO_CONSENT = "no_consent"
    QUIET_HOURS = "quiet_hours"
    TOO_SOON = "too_soon"
    NOT_NEEDED = "not_needed"


def in_quiet_hours(settings: TrustSettings, now: datetime, zone: tzinfo | None = None) -> bool:
    """Is ``now`` within the quiet hours, in ``zone`` (the customer's; default the portal's)?"""
    start, end = settings.quiet_hours_start, settings.quiet_hours_end
    if start == end:
        return False
    hour = timezone.localtime(now, zone).hour
    if start < end:
        return start <= hour < end
    return hour >= start or hour < end


def quiet_hours_end(settings: TrustSettings, now: datetime, zone: tzinfo | None = None) -> datetime | None:
    """When mails may go again, or None if they may go now."""
    if not in_quiet_hours(settings, now, zone):
        return None
    local = timezone.localtime(now, zone)
    end = local.replace(hour=settings.quiet_hours_end, minute=0, second=0, microsecond=0)
    return end if end > local else end + timedelta(days=1)


def followup_quiet_end(*, followup_id: int, now: datetime) -> datetime | None:
    """When the follow-up's customer's quiet hours end, or None if they are awake now."""
    follow_up = FollowUp.objects.select_related("customer").filter(pk=followup_id).first()
    zone = follow_up.customer.zone if follow_up is not None else None
    return quiet_hours_end(trust_settings(), now, zone)


def care_mail_key(follow_up: FollowUp, settings: TrustSettings) -> str:
    """The mail's key: one per customer, reason and period of ``care_mail_interval_days``."""
    period = int(follow_up.opened_at.timestamp() // (settings.care_mail_interval_days * 86400))
    return f"trust.care:{follow_up.customer_id}:{follow_up.reason}:{period}"


def _context(follow_up: FollowUp, settings: TrustSettings, now: datetime) -> tuple[str, dict[str, Any]]:
    account = Account.objects.filter(pk=follow_up.customer_id).first()
    silent_since = now - timedelta(days=settings.inactivity_days)
    if account is None or account.last_touch_at is None or account.last_touch_at < silent_since:
        return TEMPLATE_RE_ENGAGE, {}
    window = now - timedelta(days=settings.alarm_window_days)
    recent = (
        LedgerEntry.objects.filter(customer_id=follow_up.customer_id, occurred_at__gte=window)
        .select_related("event_type")
        .order_by("occurred_at", "pk")
    )
    withdrawals = [entry for entry in recent if entry.points < 0 and entry.reversal_of_id is None]
    first_bad = withdrawals[0].occurred_at if withdrawals else window
    deposits = [
        entry
        for entry in recent
        if entry.points > 0 and entry.occurred_at >= first_bad and entry.reversal_of_id is None
    ]
    return TEMPLATE_RECOVERY, {"withdrawals": withdrawals, "deposits": deposits}


def followup_mail_send(*, followup_id: int, now: datetime | None = None) -> CareMailOutcome:
    """Send a follow-up's automatic mail if the rules allow it now; safe to call any number of times."""
    now = now or timezone.now()
    follow_up = FollowUp.objects.select_related("customer").filter(pk=followup_id).first()
    if (
        follow_up is None
        or follow_up.status != FollowUp.Status.OPEN
        or follow_up.mail_state != FollowUp.MailState.PENDING
    ):
        return CareMailOutcome.NOT_NEEDED
    settings = trust_settings()
    customer = follow_up.customer
    if in_quiet_hours(settings, now, customer.zone):
        return CareMailOutcome.QUIET_HOURS
    pending = FollowUp.objects.filter(pk=follow_up.pk, mail_state=FollowUp.MailState.PENDING)
    if not consent_allows(customer_id=customer.pk, purpose_key=CARE_PURPOSE, channel_key=EMAIL):
        pending.update(mail_state=FollowUp.MailState.NO_CONSENT)
        return CareMailOutcome.NO_CONSENT
    key = care_mail_key(follow_up, settings)
    pending.update(mail_key=key)
    interval = timedelta(days=settings.care_mail_interval_days)
    slot = Account.objects.filter(pk=customer.pk).filter(
        Q(care_mail_key=key) | Q(care_mail_at__isnull=True) | Q(care_mail_at__lte=now - interval)
    )
    if slot.update(care_mail_at=now, care_mail_key=key) != 1:
        return CareMailOutcome.TOO_SOON  # stays pending: the next run after the interval sends it
    template, context = _context(follow_up, settings, now)
    outcome = mail_send(
        key=key,
        customer=customer,
        template=template,
        context={"follow_up": follow_up, **context},
        purpose_key=CARE_PURPOSE,
    )
    if outcome == MailOutcome.NOT_ALLOWED:
        Account.objects.filter(pk=customer.pk, care_mail_key=key).update(care_mail_at=None, care_mail_key="")
        pending.update(mail_state=FollowUp.MailState.NO_CONSENT)
        return CareMailOutcome.NO_CONSENT
    pending.update(mail_state=FollowUp.MailState.SENT, mailed_at=now)
    return CareMailOutcome.SENT if outcome == MailOutcome.SENT else CareMailOutcome.ALREADY_SENT


def followup_mails_send(*, now: datetime | None = None, limit: int = 200) -> int:
    """Send the mails of open follow-ups that wait for one (the beat's task); return how many went."""
    now = now or timezone.now()
    settings = trust_settings()  # quiet hours are each customer's own: followup_mail_send asks them
    recently = now - timedelta(days=settings.care_mail_interval_days)
    slot_free = (
        Q(customer__trust_account__care_mail_at__isnull=True)
        | Q(customer__trust_account__care_mail_at__lte=recently)
        # its own earlier attempt holds the slot: try again (the mail log sends it once)
        | Q(customer__trust_account__care_mail_key=F("mail_key"))
    )
    waiting = list(
        FollowUp.objects.filter(slot_free, status=FollowUp.Status.OPEN, mail_state=FollowUp.MailState.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for followup_id in waiting:
        try:
            outcome = followup_mail_send(followup_id=followup_id, now=now)
        except MailBeingSent:
            _try_after_claim(followup_id, now)
            continue
        sent += outcome == CareMailOutcome.SENT
    return sent


def _try_after_claim(followup_id: int, now: datetime) -> None:
    """Another attempt holds this mail's claim: try again, through the outbox, once the claim expires.

    A live attempt will have sent it by then (the retry finds it sent); a
    killed one leaves the claim to expire, and the mail would otherwise
    wait for the next batch.
    """
    job_enqueue(
        task="trust.send_follow_up_mail",
        args=[followup_id],
        key=f"trust.follow-up-mail:{followup_id}:after-claim:{now:%Y%m%d%H%M%S}",
        run_after=now + CLAIM_TIMEOUT,
    )
