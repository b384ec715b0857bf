"""What staff set for the feedback channel: topics with their response promises, days off, settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext

from feedback.models import (
    FeedbackSettings,
    Holiday,
    ResponsePromise,
    Topic,
)


class ResponsePromiseInline(admin.TabularInline[ResponsePromise, Topic]):
    model = ResponsePromise
    extra = 0


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin[Topic]):
    list_display = ["key", "name_en", "name_de", "order", "active"]
    list_editable = ["order", "active"]
    search_fields = ["key", "name_en", "name_de"]
    inlines = [ResponsePromiseInline]

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # threads point at it; deactivate instead


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin[Holiday]):
    """The company's own days off; the public holidays of the region need no entry."""

    list_display = ["date", "name_en", "name_de"]
    date_hierarchy = "date"
    ordering = ["-date"]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        region = "-".join(
            filter(None, [settings.PORTAL_HOLIDAYS_COUNTRY, settings.PORTAL_HOLIDAYS_SUBDIVISION])
        )
        messages.info(
            request,
            gettext(
                "The public holidays of %(region)s count by themselves; list here only the company's own "
                "days off."
            )
            % {"region": region},
        )
        return super().changelist_view(request, extra_context)


@admin.register(FeedbackSettings)
class FeedbackSettingsAdmin(admin.ModelAdmin[FeedbackSettings]):
    list_display = [
        "__str__",
        "survey_delay_hours",
        "survey_edit_days",
        "nps_interval_days",
        "reopen_days",
        "default_promise_days",
        "threads_per_hour",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not FeedbackSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
