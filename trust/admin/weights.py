"""Weights and thresholds: the event types and the trust settings, each saved with its what-if."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from trust.configuration import trust_settings
from trust.forms import (
    EventTypeForm,
    TrustSettingsForm,
)
from trust.models import (
    EventType,
    TrustSettings,
)
from trust.settings_changes import event_type_save, trust_settings_save


@admin.register(EventType)
class EventTypeAdmin(admin.ModelAdmin[EventType]):
    form = EventTypeForm
    change_form_template = "admin/trust/whatif_change_form.html"
    list_display = [
        "key",
        "label_in_language",
        "points",
        "half_life_days",
        "nature",
        "cap",
        "api_bookable",
        "active",
        "counts_for_alarm",
    ]
    list_filter = ["nature", "api_bookable", "active", "counts_for_alarm", "touchpoint", "custom_points"]
    search_fields = ["key", "label_en", "label_de"]
    fieldsets = (
        (None, {"fields": ("key", "label_en", "label_de", "active")}),
        (_("Weight"), {"fields": ("points", "half_life_days", "custom_points")}),
        (_("Deed or signal, and its cap"), {"fields": ("nature", "cap_count", "cap_days")}),
        (_("Rules"), {"fields": ("counts_for_alarm", "touchpoint", "api_bookable", "whatif_confirm")}),
    )

    @admin.display(description=_("label"), ordering="key")
    def label_in_language(self, obj: EventType) -> str:
        return obj.label  # in the language of the page; both are in the form

    @admin.display(description=_("cap"))
    def cap(self, obj: EventType) -> str:
        if not obj.cap_count:
            return "—"
        if obj.cap_days is None:
            return gettext("at most %(count)d, ever") % {"count": obj.cap_count}
        return gettext("at most %(count)d in %(days)d days") % {"count": obj.cap_count, "days": obj.cap_days}

    def get_readonly_fields(self, request: HttpRequest, obj: EventType | None = None) -> tuple[str, ...]:
        return ("key",) if obj is not None else ()  # the code and the listeners refer to keys

    def save_model(self, request: HttpRequest, obj: EventType, form: Any, change: bool) -> None:
        event_type_save(event_type=obj)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # entries point at it; deactivate instead


@admin.register(TrustSettings)
class TrustSettingsAdmin(admin.ModelAdmin[TrustSettings]):
    form = TrustSettingsForm
    change_form_template = "admin/trust/whatif_change_form.html"
    fieldsets = (
        (_("Bands"), {"fields": ("healthy_min", "watch_min", "at_risk_min", "score_scale")}),
        (_("Alarm rule"), {"fields": ("alarm_negatives", "alarm_window_days")}),
        (_("Silence and bookings"), {"fields": ("inactivity_days", "max_points")}),
        (
            _("Follow-ups"),
            {
                "fields": (
                    "follow_up_due_days",
                    "assign_round_robin",
                    "care_mail_interval_days",
                    "quiet_hours_start",
                    "quiet_hours_end",
                    "whatif_confirm",
                )
            },
        ),
    )

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        return HttpResponseRedirect(reverse("admin:trust_trustsettings_change", args=[trust_settings().pk]))

    def save_model(self, request: HttpRequest, obj: TrustSettings, form: Any, change: bool) -> None:
        trust_settings_save(changed=obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


# --- The ledger ------------------------------------------------------------------------------------
