"""Data incidents: declare one, name the affected customers, see the notices sent."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from customers.admin.access_log import LogsStaffAccess
from customers.incidents import AddressList, incident_addresses_read, incident_customers_add, incident_declare
from customers.models import (
    Incident,
    IncidentNotice,
    User,
)
from plumbing.admin import ReadOnlyAdmin

CSV_MAX_BYTES = 5 * 1024 * 1024


class IncidentAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    affected_csv = forms.FileField(
        label=_("Affected customers (CSV file of email addresses)"),
        required=False,
        help_text=_(
            "One address per line (the first column counts; a header line is fine). "
            "If one address belongs to no customer, nothing is saved."
        ),
    )

    class Meta:
        model = Incident
        fields = [
            "started_on",
            "title_en",
            "title_de",
            "what_happened_en",
            "what_happened_de",
            "data_concerned_en",
            "data_concerned_de",
            "measures_en",
            "measures_de",
            "advice_en",
            "advice_de",
        ]

    def clean_affected_csv(self) -> AddressList | None:
        upload = self.cleaned_data.get("affected_csv")
        if not upload:
            return None
        if upload.size > CSV_MAX_BYTES:
            raise forms.ValidationError(_("The file is too large (at most 5 MB)."))
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not a UTF-8 text file.")) from None
        addresses = incident_addresses_read(text)
        if addresses.unknown:
            shown = ", ".join(addresses.unknown[:20])
            raise forms.ValidationError(
                ngettext(
                    "%(count)d address belongs to no customer: %(addresses)s. Nothing was saved.",
                    "%(count)d addresses belong to no customer: %(addresses)s. Nothing was saved.",
                    len(addresses.unknown),
                )
                % {
                    "count": len(addresses.unknown),
                    "addresses": shown + (" …" if len(addresses.unknown) > 20 else ""),
                }
            )
        if not addresses.customers:
            raise forms.ValidationError(_("The file names no customer."))
        return addresses


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin[Incident]):
    form = IncidentAdminForm
    list_display = ["title_en", "started_on", "declared_at", "affected", "acknowledged"]
    list_filter = ["declared_at"]
    search_fields = ["title_en", "title_de"]
    readonly_fields = ["declared_at", "declared_by", "affected", "mailed", "acknowledged"]
    actions = ["declare"]
    fieldsets = (
        (None, {"fields": ("started_on", "declared_at", "declared_by")}),
        (
            _("English"),
            {"fields": ("title_en", "what_happened_en", "data_concerned_en", "measures_en", "advice_en")},
        ),
        (
            _("German"),
            {"fields": ("title_de", "what_happened_de", "data_concerned_de", "measures_de", "advice_de")},
        ),
        (_("Affected customers"), {"fields": ("affected_csv", "affected", "mailed", "acknowledged")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Incident]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                affected_count=Count("notices"),
                mailed_count=Count("notices", filter=Q(notices__mailed_at__isnull=False)),
                acknowledged_count=Count("notices", filter=Q(notices__acknowledged_at__isnull=False)),
            )
        )

    @admin.display(description=_("affected customers"))
    def affected(self, obj: Incident) -> int:
        return int(getattr(obj, "affected_count", 0))

    @admin.display(description=_("mailed"))
    def mailed(self, obj: Incident) -> int:
        return int(getattr(obj, "mailed_count", 0))

    @admin.display(description=_("acknowledged"))
    def acknowledged(self, obj: Incident) -> int:
        return int(getattr(obj, "acknowledged_count", 0))

    def save_model(self, request: HttpRequest, obj: Incident, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        addresses = form.cleaned_data.get("affected_csv")
        if addresses is not None:
            added = incident_customers_add(incident=obj, customer_ids=[c.pk for c in addresses.customers])
            self.message_user(
                request,
                ngettext(
                    "%(count)d customer added as affected.", "%(count)d customers added as affected.", added
                )
                % {"count": added},
            )

    def has_delete_permission(self, request: HttpRequest, obj: Incident | None = None) -> bool:
        if obj is not None and obj.declared_at is not None:
            return False  # a declared incident is a record customers were told about
        return super().has_delete_permission(request, obj)

    @admin.action(description=_("Declare and notify the affected customers"), permissions=["change"])
    def declare(self, request: HttpRequest, queryset: QuerySet[Incident]) -> None:
        assert isinstance(request.user, User)
        declared = sum(
            incident_declare(incident_id=pk, staff=request.user)
            for pk in queryset.values_list("pk", flat=True)
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d incident declared; its customers are being notified.",
                "%(count)d incidents declared; their customers are being notified.",
                declared,
            )
            % {"count": declared},
        )


@admin.register(IncidentNotice)
class IncidentNoticeAdmin(LogsStaffAccess, ReadOnlyAdmin):
    access_view = "admin:incident_notice"
    list_display = ["incident", "customer", "added_at", "mailed_at", "acknowledged_at"]
    list_filter = ["incident"]
    search_fields = ["customer__email"]
    list_select_related = ["incident", "customer"]
    ordering = ["-id"]
