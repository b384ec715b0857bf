"""How the feedback pages answer: the signed-in customer, refusals as readable 4xx pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from customers.models import User
from feedback.refusals import FeedbackRefused, Flooded


def customer_of(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def refused(
    request: HttpRequest,
    refusal: FeedbackRefused,
    *,
    template: str = "feedback/refused.html",
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """Render the page again with the reason, under the refusal's HTTP status."""
    if isinstance(refusal, Flooded):
        template = "feedback/refused.html"
    title = _("Too much at once") if isinstance(refusal, Flooded) else _("That did not work")
    return render(
        request,
        template,
        {
            **(context or {}),
            "refusal": refusal.message,
            "refusal_title": title,
            "back_url": back_url(request, reverse("feedback:thread_list")),
        },
        status=refusal.status,
    )


def back_url(request: HttpRequest, default: str) -> str:
    """Where to go back to: a ``next`` of this site, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
