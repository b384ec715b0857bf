"""Signing a person out everywhere: when their account is erased or disabled.

Django already refuses a session whose user is gone or inactive, but the
sessions themselves would stay, and come back to life if the account were
enabled again. allauth's user-session list knows every session of a
person (every sign-in of the portal, the admin's included, goes through
allauth), so they are deleted from the session store instead.
"""

from __future__ import annotations

from typing import Any

from allauth.usersessions.models import UserSession

from customers.models import User


def sessions_end(*, user_id: int) -> int:
    """Delete every session of the person from the session store; return how many ended."""
    ended = 0
    for session in UserSession.objects.filter(user_id=user_id).order_by("pk"):
        session.end()
        ended += 1
    return ended


def sessions_end_on_deactivation(sender: type[User], instance: User, **kwargs: Any) -> None:
    """``pre_save`` of a user: disabling an active account ends its sessions (in the same transaction).

    A queryset ``update(is_active=False)`` sends no signal: call :func:`sessions_end` after it.
    """
    if instance.pk is None or instance.is_active:
        return
    if User.objects.filter(pk=instance.pk, is_active=True).exists():
        sessions_end(user_id=instance.pk)
