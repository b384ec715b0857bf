"""The customer's own view of the trust the company owes them: its promises, kept or not."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from customers.models import User
from trust.promises import promises_of, promises_tally


@login_required
@require_GET
def promises(request: HttpRequest) -> HttpResponse:
    """Every promise we made to the signed-in customer, and whether we kept it."""
    assert isinstance(request.user, User)
    made = promises_of(customer=request.user)
    return render(request, "trust/promises.html", {"promises": made, "tally": promises_tally(made)})
