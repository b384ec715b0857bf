"""The trust account is personal data: shown, exported and erased with the customer.

An inferred score is personal data too (GDPR Art. 4(1)), so the export
carries the score, band and every entry, and the erasure removes the
ledger, the account and the follow-ups.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from customers.models import User
from plumbing.personal_data_registry import PersonalDataSource, personal_data_register
from trust.accounts import accounts_lock
from trust.models import Account, AccountDecay, FollowUp, LedgerEntry
from trust.selectors import account_explanation


def _count(customer: User) -> int:
    return LedgerEntry.objects.filter(customer=customer).count()


def _export(customer: User) -> dict[str, Any]:
    explanation = account_explanation(customer=customer)
    account = explanation.account
    return {
        "account": {
            "balance": account.balance if account else 0,
            "score": explanation.score,
            "band": explanation.band.value,
            "bad_experiences_in_window": explanation.negatives,
            "alarm": explanation.alarm,
            "computed_at": explanation.now.isoformat(),
        },
        "entries": [
            {
                "occurred_at": item.entry.occurred_at.isoformat(),
                "type": item.entry.event_type.key,
                "label": item.entry.event_type.label_en,
                "points": item.entry.points,
                "current_contribution": round(item.contribution, 4),
                "source": item.entry.source,
                "note": item.entry.note,
                "reverses": item.entry.reversal_of.key if item.entry.reversal_of else None,
            }
            for item in explanation.entries
        ],
        "follow_ups": [
            {
                "reason": follow_up.reason,
                "status": follow_up.status,
                "opened_at": follow_up.opened_at.isoformat(),
                "outcome": follow_up.outcome,
                "note": follow_up.note,
            }
            for follow_up in FollowUp.objects.filter(customer=customer).order_by("opened_at")
        ],
    }


def trust_account_erase(customer: User) -> None:
    """Delete the follow-ups, stored sums, ledger and account (inside the erasure's transaction)."""
    with transaction.atomic():
        accounts_lock(customer_ids=[customer.pk])
        FollowUp.objects.filter(customer=customer).delete()
        AccountDecay.objects.filter(customer=customer).delete()
        LedgerEntry.objects.filter(customer=customer, reversal_of__isnull=False).delete()
        LedgerEntry.objects.filter(customer=customer).delete()
        Account.objects.filter(pk=customer.pk).delete()


def personal_data_connect() -> None:
    """Register the trust account with the privacy center (called from the app's ready())."""
    personal_data_register(
        PersonalDataSource(
            key="trust_account",
            label=_("Trust account"),
            explanation=_(
                "Your trust account: every touchpoint we recorded (entries with their date, type, points "
                "and what each adds to your score today), the balance (sum of points), the score from 0 to "
                "100 we inferred from them, its band, and the follow-ups our customer care opened."
            ),
            count=_count,
            export=_export,
            erase=trust_account_erase,
            order=50,
        )
    )
