"""Erased addresses that must never be contacted again: kept only as a hash of the address."""

import hashlib

from customers.models import Suppression


def suppression_hash(email: str) -> str:
    """Hash an address the same way however it was typed."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def address_suppressed(email: str) -> bool:
    """Was this address erased (and must never be contacted again)?"""
    return Suppression.objects.filter(email_hash=suppression_hash(email)).exists()


def suppression_clear(email: str) -> bool:
    """Lift an erased address's suppression (its owner signed up again); return whether there was one."""
    deleted, _ = Suppression.objects.filter(email_hash=suppression_hash(email)).delete()
    return deleted > 0
