"""What the portal recorded: staff access, outgoing mail, and the register of processing."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from customers.admin.access_log import LogsStaffAccess
from customers.models import (
    OutgoingMail,
    ProcessingActivity,
    StaffAccess,
)
from plumbing.admin import ReadOnlyAdmin


@admin.register(StaffAccess)
class StaffAccessAdmin(ReadOnlyAdmin):
    list_display = ["accessed_at", "staff_name", "by_system", "customer", "view"]
    list_filter = ["view", "by_system"]
    search_fields = ["customer__email", "staff_name"]
    list_select_related = ["customer"]
    ordering = ["-id"]


@admin.register(OutgoingMail)
class OutgoingMailAdmin(LogsStaffAccess, ReadOnlyAdmin):
    access_view = "admin:mail"
    list_display = ["claimed_at", "customer", "template", "purpose_key", "sent_at"]
    list_filter = ["template", "purpose_key"]
    search_fields = ["customer__email", "key"]
    list_select_related = ["customer"]
    ordering = ["-id"]


@admin.register(ProcessingActivity)
class ProcessingActivityAdmin(admin.ModelAdmin[ProcessingActivity]):
    list_display = ["category_en", "source_key", "legal_basis", "retention_en", "order", "active"]
    list_editable = ["order", "active"]
    list_filter = ["legal_basis", "active"]
    search_fields = ["category_en", "category_de", "source_key"]
    fieldsets = (
        (None, {"fields": ("source_key", "order", "active", "legal_basis")}),
        (
            _("English"),
            {"fields": ("category_en", "fields_en", "purpose_en", "retention_en", "recipients_en")},
        ),
        (
            _("German"),
            {"fields": ("category_de", "fields_de", "purpose_de", "retention_de", "recipients_de")},
        ),
    )
