"""In-portal notifications: written once per key, in the customer's language."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone, translation

from customers.models import Notification, User


def notification_create(
    *,
    customer: User,
    key: str,
    title: Callable[[], str],
    body: Callable[[], str] = lambda: "",
    url: str = "",
) -> Notification:
    """Notify the customer once per ``key``.

    ``title`` and ``body`` are callables (e.g. ``lambda: _("Your export is
    ready")``) evaluated in the customer's language, so a notice written by
    a worker speaks the customer's language, not the worker's.
    """
    with translation.override(customer.language or settings.LANGUAGE_CODE):
        defaults = {"customer": customer, "title": str(title())[:200], "body": str(body()), "url": url}
    notification, _ = Notification.objects.get_or_create(key=key, defaults=defaults)
    return notification


def notifications_of(*, customer: User) -> QuerySet[Notification]:
    """The customer's notifications, newest first."""
    return Notification.objects.filter(customer=customer).order_by("-created_at", "-pk")


def notifications_mark_read(*, customer: User) -> int:
    """Mark all of the customer's notifications read; return how many were unread."""
    return Notification.objects.filter(customer=customer, read_at__isnull=True).update(read_at=timezone.now())


def notification_mark_read(*, customer: User, notification_id: int) -> Notification:
    """Mark one of the customer's notifications read; ``DoesNotExist`` for anyone else's."""
    notification = Notification.objects.get(pk=notification_id, customer=customer)
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
        notification.refresh_from_db()
    return notification


def notifications_unread_count(*, customer: User) -> int:
    return Notification.objects.filter(customer=customer, read_at__isnull=True).count()
