"""The answers to the satisfaction surveys and the NPS question (read-only)."""

from __future__ import annotations

from django.contrib import admin

from feedback.models import (
    NpsSurvey,
    Survey,
)
from plumbing.admin import ReadOnlyAdmin


@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdmin):
    list_display = ["thread", "customer", "agent", "state", "sent_at", "score", "solved", "answered_at"]
    list_filter = ["state", "score", "solved"]
    list_select_related = ["thread", "customer", "agent"]
    search_fields = ["customer__email"]
    ordering = ["-id"]


@admin.register(NpsSurvey)
class NpsSurveyAdmin(ReadOnlyAdmin):
    list_display = ["id", "customer", "state", "created_at", "sent_at", "score", "answered_at"]
    list_filter = ["state", "score"]
    list_select_related = ["customer"]
    search_fields = ["customer__email"]
    ordering = ["-id"]
