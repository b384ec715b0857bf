"""Pages of the privacy center. Thin: they call the services in consents.py & co."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from customers import links
from customers.access import staff_accesses_of
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
from customers.data_overview import data_overview
from customers.exports import ExportExpired, export_response
from customers.forms import ErasureForm, ProfileForm, consent_matrix_changes
from customers.gpc import GPC_LAST_UPDATE
from customers.incidents import incident_acknowledge, incident_notices_of, incident_notices_open
from customers.models import (
    ConsentRecord,
    DataRequest,
    GpcSignal,
    IncidentNotice,
    Notification,
    Purpose,
    User,
)
from customers.notifications import (
    notification_mark_read,
    notifications_mark_read,
    notifications_of,
    notifications_unread_count,
)
from customers.profile import profile_update
from customers.proof import consent_history, consent_receipt_response
from customers.requests import (
    DataRequestRefused,
    data_request_cancel,
    data_request_erasure,
    data_request_export,
    data_requests_of,
    erasure_grace,
    export_lifetime,
)
from plumbing.link_limits import link_rate_limited

HISTORY_PAGE_SIZE = 25
STAFF_ACCESS_PREVIEW = 10


def _customer(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _refusal_status(code: str) -> int:
    return HTTPStatus.CONFLICT if code in {"already_open", "not_cancellable"} else HTTPStatus.BAD_REQUEST


def _center_context(request: HttpRequest, customer: User) -> dict[str, Any]:
    """Everything the privacy center shows, in a constant number of queries."""
    history = Paginator(consent_history(customer=customer), HISTORY_PAGE_SIZE).get_page(
        request.GET.get("history")
    )
    accesses = list(staff_accesses_of(customer=customer)[: STAFF_ACCESS_PREVIEW + 1])
    return {
        "matrix": consent_matrix(customer=customer),
        "history": history,
        "staff_accesses": accesses[:STAFF_ACCESS_PREVIEW],
        "more_staff_accesses": len(accesses) > STAFF_ACCESS_PREVIEW,
        "gpc_signal": GpcSignal.objects.filter(customer=customer).first(),
        "incident_notices": list(incident_notices_open(customer=customer)),
        "scheduled_erasure": DataRequest.objects.filter(
            customer=customer, kind=DataRequest.Kind.ERASURE, status=DataRequest.Status.SCHEDULED
        ).first(),
        "unread_notifications": notifications_unread_count(customer=customer),
    }


@login_required
@require_http_methods(["GET", "POST"])
def privacy_center(request: HttpRequest) -> HttpResponse:
    """Show the consent matrix and its proof; save every choice in one action."""
    customer = _customer(request)
    if request.method == "POST":
        try:
            if "withdraw_all" in request.POST:
                records = consent_withdraw_all(
                    customer=customer, source=ConsentRecord.Source.PRIVACY_CENTER, actor=customer
                )
            else:
                records = consent_change(
                    customer=customer,
                    changes=consent_matrix_changes(consent_matrix(customer=customer), request.POST),
                    source=ConsentRecord.Source.PRIVACY_CENTER,
                    actor=customer,
                )
        except ConsentRefused as refusal:
            status = HTTPStatus.CONFLICT if isinstance(refusal, StaleConsentForm) else HTTPStatus.BAD_REQUEST
            messages.error(request, refusal.message)
            return render(
                request, "customers/privacy_center.html", _center_context(request, customer), status=status
            )
        if any(record.state == ConsentRecord.State.PENDING for record in records):
            messages.info(request, _("Please confirm by clicking the link we have just mailed to you."))
        messages.success(request, _("Your choices are saved.") if records else _("Nothing changed."))
        return redirect("customers:privacy_center")
    return render(request, "customers/privacy_center.html", _center_context(request, customer))


@login_required
@require_GET
def consent_receipt_download(request: HttpRequest) -> HttpResponse:
    """Download the consent receipt (JSON, Kantara Consent Receipt fields)."""
    return consent_receipt_response(customer=_customer(request))


@login_required
@require_GET
def data_overview_page(request: HttpRequest) -> HttpResponse:
    """What we hold about you: the processing register next to the customer's stored data."""
    return render(
        request, "customers/data_overview.html", {"areas": data_overview(customer=_customer(request))}
    )


def _requests_context(customer: User) -> dict[str, Any]:
    """What the data-requests page shows, after a success or a refusal alike."""
    return {
        "requests": list(data_requests_of(customer=customer)),
        "export_days": export_lifetime().days,
        "grace_days": erasure_grace().days,
    }


@login_required
@require_http_methods(["GET", "POST"])
def data_requests(request: HttpRequest) -> HttpResponse:
    """List the customer's requests with status and due date; POST asks for a copy of the data."""
    customer = _customer(request)
    status: int = HTTPStatus.OK
    if request.method == "POST":
        try:
            data_request_export(customer=customer)
        except DataRequestRefused as refusal:
            messages.error(request, refusal.message)
            status = _refusal_status(refusal.code)
        else:
            messages.success(
                request, _("We are preparing a copy of your data. We will tell you by mail when it is ready.")
            )
            return redirect("customers:data_requests")
    return render(request, "customers/data_requests.html", _requests_context(customer), status=status)


@login_required
@require_http_methods(["GET", "POST"])
def erasure_request(request: HttpRequest) -> HttpResponse:
    """Ask for erasure: re-enter the password (or an MFA code), then a cancellable grace period starts."""
    customer = _customer(request)
    form = ErasureForm(request.POST or None, user=customer, request=request)
    status: int = HTTPStatus.OK
    if request.method == "POST":
        if form.is_valid():
            try:
                data_request = data_request_erasure(customer=customer)
            except DataRequestRefused as refusal:
                form.add_error(None, refusal.message)
                status = HTTPStatus.CONFLICT if refusal.code == "already_open" else HTTPStatus.FORBIDDEN
                context = {"form": form, "grace_days": erasure_grace().days}
                return render(request, "customers/erasure_request.html", context, status=status)
            assert data_request.erase_after is not None
            messages.warning(
                request,
                _("We will erase your account and your data on %(date)s. Until then you can cancel.")
                % {"date": date_format(timezone.localtime(data_request.erase_after), "DATETIME_FORMAT")},
            )
            return redirect("customers:data_requests")
        status = HTTPStatus.BAD_REQUEST
    return render(
        request,
        "customers/erasure_request.html",
        {"form": form, "grace_days": erasure_grace().days},
        status=status,
    )


@login_required
@require_POST
def data_request_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel a scheduled erasure during its grace period."""
    customer = _customer(request)
    try:
        data_request_cancel(customer=customer, request_id=pk)
    except DataRequestRefused as refusal:
        if refusal.code == "unknown":  # none, or another customer's
            raise Http404 from refusal
        messages.error(request, refusal.message)
        return render(
            request,
            "customers/data_requests.html",
            _requests_context(customer),
            status=_refusal_status(refusal.code),
        )
    messages.success(request, _("Your erasure request is cancelled. Your account stays as it is."))
    return redirect("customers:data_requests")


@never_cache
@login_required
@require_GET
def export_download(request: HttpRequest, pk: int, token: str) -> HttpResponseBase:
    """Send the customer's export, only to them, only while the link is valid, never cached."""
    try:
        return export_response(customer=_customer(request), request_id=pk, token=token)
    except ExportExpired:
        return render(request, "customers/export_expired.html", status=HTTPStatus.GONE)


@login_required
@require_POST
def incident_acknowledge_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm having read an incident notice; it leaves the privacy center."""
    try:
        incident_acknowledge(customer=_customer(request), notice_id=pk)
    except IncidentNotice.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("Thank you. The notice stays available under your notifications."))
    return redirect("customers:privacy_center")


@login_required
@require_http_methods(["GET", "POST"])
def notifications_page(request: HttpRequest) -> HttpResponse:
    """List the customer's notifications; POST marks them all read."""
    customer = _customer(request)
    if request.method == "POST":
        count = notifications_mark_read(customer=customer)
        messages.success(request, _("All notifications are marked read.") if count else _("Nothing changed."))
        return redirect("customers:notifications")
    page = Paginator(notifications_of(customer=customer), 25).get_page(request.GET.get("page"))
    notices = list(incident_notices_of(customer=customer))
    return render(request, "customers/notifications.html", {"page": page, "notices": notices})


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read."""
    try:
        notification_mark_read(customer=_customer(request), notification_id=pk)
    except Notification.DoesNotExist:
        raise Http404 from None
    return redirect("customers:notifications")


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """Rectification: the customer corrects their name, language and time zone."""
    customer = _customer(request)
    initial = {
        "full_name": customer.full_name,
        "language": customer.language or translation.get_language(),
        "time_zone": customer.time_zone,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "customers/profile.html", {"form": form}, status=HTTPStatus.BAD_REQUEST)
        changed = profile_update(
            customer=customer,
            full_name=form.cleaned_data["full_name"],
            language=form.cleaned_data["language"],
            time_zone=form.cleaned_data["time_zone"],
        )
        if "language" in changed:
            translation.activate(customer.language)
        messages.success(request, _("Your profile is saved.") if changed else _("Nothing changed."))
        return redirect("customers:profile")
    return render(request, "customers/profile.html", {"form": form})


@login_required
@require_GET
def staff_access_log(request: HttpRequest) -> HttpResponse:
    """Who at the company looked at the customer's data: the whole log."""
    page = Paginator(staff_accesses_of(customer=_customer(request)), 50).get_page(request.GET.get("page"))
    return render(request, "customers/staff_accesses.html", {"page": page})


@require_GET
def gpc_json(request: HttpRequest) -> JsonResponse:
    """``/.well-known/gpc.json``: the portal honours Global Privacy Control."""
    response = JsonResponse({"gpc": True, "lastUpdate": GPC_LAST_UPDATE})
    response["Access-Control-Allow-Origin"] = "*"
    return response


@csrf_exempt  # the signed token authorises; RFC 8058 one-click POSTs come without cookies
@link_rate_limited("unsubscribe")
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


@link_rate_limited("consent-confirm")
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
