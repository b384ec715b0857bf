"""Test data: people with verified addresses, in every role."""

from __future__ import annotations

from itertools import count
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.contrib.auth.models import Group

from customers.models import User
from plumbing.roles import PRIVACY_OFFICER, SUPPORT_AGENT

PASSWORD = "correct-horse-battery-2026"
_numbers = count(1)


def person(*, email: str | None = None, verified: bool = True, **fields: Any) -> User:
    """Create someone who can sign in with ``PASSWORD``."""
    number = next(_numbers)
    fields.setdefault("full_name", f"Person {number}")
    fields.setdefault("language", "en")
    user = User.objects.create_user(email or f"person{number}@example.com", PASSWORD, **fields)
    if verified:
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def customer(**fields: Any) -> User:
    """Create a customer."""
    return person(**fields)


def staff(role: str | None, **fields: Any) -> User:
    """Create a staff member in the given role (group), or a superuser when ``role`` is None."""
    if role is None:
        return person(is_staff=True, is_superuser=True, **fields)
    user = person(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=role))
    return user


def agent(**fields: Any) -> User:
    """Create a support agent."""
    return staff(SUPPORT_AGENT, **fields)


def privacy_officer(**fields: Any) -> User:
    """Create a privacy officer."""
    return staff(PRIVACY_OFFICER, **fields)


def totp_code(secret: str) -> str:
    """The authenticator app's code for this 30 s step (the test settings accept one step either side)."""
    _previous, now, _next = yield_hotp_counters_from_time()
    return str(format_hotp_value(hotp_value(secret, now)))
