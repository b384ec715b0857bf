"""Channels, purposes (each text edit a new version) and the consent records they hold."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from customers.admin.access_log import LogsStaffAccess
from customers.models import (
    Channel,
    ConsentRecord,
    GpcSignal,
    Purpose,
    PurposeVersion,
)
from customers.purposes import purpose_save
from plumbing.admin import ReadOnlyAdmin


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin[Channel]):
    list_display = ["key", "name_en", "name_de", "order", "active"]
    list_editable = ["order", "active"]


class PurposeVersionInline(admin.TabularInline[PurposeVersion, Purpose]):
    model = PurposeVersion
    extra = 0
    can_delete = False
    fields = ("version", "title_en", "title_de", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Purpose)
class PurposeAdmin(admin.ModelAdmin[Purpose]):
    list_display = [
        "key",
        "title_en",
        "legal_basis",
        "required",
        "is_marketing",
        "is_sale_sharing",
        "version",
        "active",
    ]
    list_filter = ["legal_basis", "required", "is_marketing", "is_sale_sharing", "active"]
    search_fields = ["key", "title_en", "title_de"]
    filter_horizontal = ["channels"]
    readonly_fields = ["version"]
    inlines = [PurposeVersionInline]
    fieldsets = (
        (None, {"fields": ("key", "order", "active", "version")}),
        (
            _("Texts (each edit is a new version customers reconfirm)"),
            {"fields": ("title_en", "title_de", "description_en", "description_de")},
        ),
        (
            _("Rules"),
            {
                "fields": (
                    "legal_basis",
                    "required",
                    "required_reason_en",
                    "required_reason_de",
                    "is_marketing",
                    "is_sale_sharing",
                    "default_granted",
                    "channels",
                )
            },
        ),
    )

    def save_model(self, request: HttpRequest, obj: Purpose, form: Any, change: bool) -> None:
        purpose_save(purpose=obj)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # records point at it; deactivate instead


@admin.register(ConsentRecord)
class ConsentRecordAdmin(LogsStaffAccess, ReadOnlyAdmin):
    access_view = "admin:consent_record"
    list_display = ["created_at", "customer", "purpose", "channel", "state", "source", "actor"]
    list_filter = ["state", "source", "purpose", "channel"]
    search_fields = ["customer__email"]
    list_select_related = ["customer", "purpose", "channel", "actor"]
    date_hierarchy = "created_at"
    ordering = ["-id"]


@admin.register(GpcSignal)
class GpcSignalAdmin(LogsStaffAccess, ReadOnlyAdmin):
    access_view = "admin:gpc_signal"
    list_display = ["honoured_at", "customer", "withdrawn"]
    search_fields = ["customer__email"]
    list_select_related = ["customer"]
    ordering = ["-id"]
