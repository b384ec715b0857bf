"""Pages of the privacy center. Thin: they call the services in consents.py & co."""

from __future__ import annotations

from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from customers import links
from customers.consents import (
    EMAIL,
    ConsentChange,
    ConsentRefused,
    StaleConsentForm,
    consent_change,
    consent_confirm,
    consent_matrix,
    consent_withdraw_all,
)
from customers.forms import consent_matrix_changes
from customers.models import ConsentRecord, Purpose, User


def _customer(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@login_required
@require_http_methods(["GET", "POST"])
def privacy_center(request: HttpRequest) -> HttpResponse:
    """Show the consent matrix; save every choice in one action."""
    customer = _customer(request)
    matrix = consent_matrix(customer=customer)
    if request.method == "POST":
        try:
            if "withdraw_all" in request.POST:
                records = consent_withdraw_all(
                    customer=customer, source=ConsentRecord.Source.PRIVACY_CENTER, actor=customer
                )
            else:
                records = consent_change(
                    customer=customer,
                    changes=consent_matrix_changes(matrix, request.POST),
                    source=ConsentRecord.Source.PRIVACY_CENTER,
                    actor=customer,
                )
        except ConsentRefused as refusal:
            status = HTTPStatus.CONFLICT if isinstance(refusal, StaleConsentForm) else HTTPStatus.BAD_REQUEST
            messages.error(request, refusal.message)
            return render(
                request,
                "customers/privacy_center.html",
                {"matrix": consent_matrix(customer=customer)},
                status=status,
            )
        if any(record.state == ConsentRecord.State.PENDING for record in records):
            messages.info(request, _("Please confirm by clicking the link we have just mailed to you."))
        messages.success(request, _("Your choices are saved.") if records else _("Nothing changed."))
        return redirect("customers:privacy_center")
    return render(request, "customers/privacy_center.html", {"matrix": matrix})


@csrf_exempt  # the signed token authorises; RFC 8058 one-click POSTs come without cookies
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: ask (mail scanners follow links, so nothing changes). POST: withdraw, no login needed."""
    try:
        customer_id, purpose_key = links.unsubscribe_token_read(token)
    except signing.BadSignature:
        return render(request, "customers/link_invalid.html", status=HTTPStatus.BAD_REQUEST)
    customer = User.objects.filter(pk=customer_id, is_active=True).first()
    purpose = Purpose.objects.filter(key=purpose_key).first()
    if customer is None or purpose is None:
        return render(request, "customers/link_invalid.html", status=HTTPStatus.NOT_FOUND)
    context = {"purpose": purpose, "token": token}
    if request.method == "GET":
        return render(request, "customers/unsubscribe_confirm.html", context)
    try:
        consent_change(
            customer=customer,
            changes=[ConsentChange(purpose=purpose.key, channel=EMAIL, granted=False)],
            source=ConsentRecord.Source.EMAIL_LINK,
            actor=customer,
        )
    except ConsentRefused as refusal:
        return render(
            request,
            "customers/unsubscribe_confirm.html",
            {**context, "refusal": refusal.message},
            status=HTTPStatus.BAD_REQUEST,
        )
    return render(request, "customers/unsubscribe_done.html", context)


@require_http_methods(["GET", "POST"])
def consent_confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    """GET: ask to confirm (scanners follow links). POST: turn the pending consent into a grant."""
    try:
        record_id = links.consent_confirm_token_read(token)
    except signing.SignatureExpired:
        return render(request, "customers/link_invalid.html", {"expired": True}, status=HTTPStatus.GONE)
    except signing.BadSignature:
        return render(request, "customers/link_invalid.html", status=HTTPStatus.BAD_REQUEST)
    record = ConsentRecord.objects.select_related("purpose_version").filter(pk=record_id).first()
    if record is None:
        return render(request, "customers/link_invalid.html", status=HTTPStatus.NOT_FOUND)
    if request.method == "GET":
        return render(request, "customers/consent_confirm.html", {"record": record, "token": token})
    try:
        granted = consent_confirm(record_id=record_id)
    except ConsentRefused as refusal:
        return render(
            request,
            "customers/link_invalid.html",
            {"message": refusal.message},
            status=HTTPStatus.BAD_REQUEST,
        )
    return render(request, "customers/consent_confirmed.html", {"record": record, "granted": granted})
