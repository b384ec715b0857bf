"""The privacy officers' queue of data requests: overdue first, then by due date."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Case, Value, When
from django.db.models.functions import Now
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from customers.admin.access_log import LogsStaffAccess
from customers.models import (
    DataRequest,
)
from customers.requests import DataRequestRefused, data_request_extend
from plumbing.admin import OverdueFilter

DATA_REQUEST_FIELDS: tuple[str, ...] = (
    "kind",
    "status",
    "customer",
    "received_at",
    "due_at",
    "extended_at",
    "extension_reason",
    "erase_after",
    "cancelled_at",
    "completed_at",
    "expires_at",
    "file_deleted_at",
    "erased_counts",
)


class DataRequestAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = DataRequest
        fields = ["extension_reason"]

    def clean_extension_reason(self) -> str:
        reason = str(self.cleaned_data.get("extension_reason") or "").strip()
        if reason and not self.instance.is_open:
            raise forms.ValidationError(_("Only an open request can be extended."))
        return reason


@admin.register(DataRequest)
class DataRequestAdmin(LogsStaffAccess, admin.ModelAdmin[DataRequest]):
    """The privacy officers' queue: overdue first, then by due date."""

    access_view = "admin:data_request"
    form = DataRequestAdminForm
    list_display = [
        "__str__",
        "kind",
        "status",
        "customer_label",
        "received_at",
        "due_at",
        "overdue",
        "extended",
    ]
    list_filter = ["kind", "status", OverdueFilter]
    search_fields = ["customer__email"]
    list_select_related = ["customer"]
    fields = DATA_REQUEST_FIELDS

    def get_ordering(self, request: HttpRequest) -> list[Any]:
        """Overdue first, then the other open ones, then the closed ones; each by due date."""
        rank = Case(
            When(status__in=DataRequest.OPEN, due_at__lt=Now(), then=Value(0)),
            When(status__in=DataRequest.OPEN, then=Value(1)),
            default=Value(2),
        )
        return [rank.asc(), "due_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: DataRequest | None = None) -> list[str]:
        editable = obj is not None and obj.is_open and obj.extended_at is None
        return [field for field in DATA_REQUEST_FIELDS if not (editable and field == "extension_reason")]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=_("customer"), ordering="customer__email")
    def customer_label(self, obj: DataRequest) -> str:
        return obj.customer.email if obj.customer else str(_("— erased —"))

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, obj: DataRequest) -> bool:
        return obj.is_overdue

    @admin.display(description=_("extended"), boolean=True)
    def extended(self, obj: DataRequest) -> bool:
        return obj.extended_at is not None

    def save_model(self, request: HttpRequest, obj: DataRequest, form: Any, change: bool) -> None:
        reason = form.cleaned_data.get("extension_reason", "")
        if not reason or "extension_reason" not in form.changed_data:
            return
        try:
            data_request_extend(request_id=obj.pk, reason=reason)
        except DataRequestRefused as refusal:
            self.message_user(request, refusal.message, messages.ERROR)
        else:
            self.message_user(request, _("The due date is extended; the customer sees the reason."))
