"""Global Privacy Control: a browser's "do not sell or share" signal, honoured once per customer.

The first request of a signed-in customer whose browser sends ``Sec-GPC: 1``
withdraws every purpose marked sale/sharing on every channel, recorded with
the source "GPC", and remembers that it did (:class:`GpcSignal`), so later
requests change nothing — a customer who opts in again afterwards keeps
that choice. The check costs no query once the session knows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse

from customers.consents import ConsentChange, consent_change, consent_matrix
from customers.models import ConsentRecord, GpcSignal, User

SESSION_KEY = "customers.gpc_honoured"
# When the portal's GPC support (/.well-known/gpc.json) last changed.
GPC_LAST_UPDATE = "2026-11-23"


def gpc_sent(request: HttpRequest) -> bool:
    """Does the request carry the Global Privacy Control signal?"""
    return request.headers.get("Sec-GPC", "").strip() == "1"


def gpc_honour(*, customer: User) -> GpcSignal | None:
    """Withdraw the customer's sale/sharing consents once; None if it was done before."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=customer.pk).first()
        if GpcSignal.objects.filter(customer=customer).exists():
            return None
        changes = [
            ConsentChange(purpose=state.purpose.key, channel=state.channel.key, granted=False)
            for state in consent_matrix(customer=customer).states()
            if state.purpose.is_sale_sharing and state.editable
        ]
        records = consent_change(
            customer=customer, changes=changes, source=ConsentRecord.Source.GPC, actor=customer
        )
        return GpcSignal.objects.create(customer=customer, withdrawn=len(records))


def gpc_check(request: HttpRequest) -> None:
    """Honour the signal of a signed-in customer's request (no query once the session knows)."""
    user = getattr(request, "user", None)
    if not isinstance(user, User) or user.is_staff or not gpc_sent(request):
        return
    if request.session.get(SESSION_KEY):
        return
    if not GpcSignal.objects.filter(customer=user).exists():
        gpc_honour(customer=user)
    request.session[SESSION_KEY] = True


def gpc_on_login(sender: object, request: HttpRequest | None = None, user: object = None, **_: Any) -> None:
    """Honour the signal as the customer signs in (connected to ``user_logged_in``)."""
    if request is not None:
        gpc_check(request)


class GlobalPrivacyControlMiddleware:
    """Honour the signal on every page (after authentication and sessions)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        gpc_check(request)
        return self.get_response(request)
