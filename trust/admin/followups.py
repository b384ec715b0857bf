"""Follow-ups: the agents' work list, open and overdue first; the outcome closes one and books it."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from plumbing.admin import OverdueFilter, RefusableSaveAdmin
from trust.accounts import BookingRefused
from trust.admin.display import acting_staff, band_pill
from trust.followups import followup_update, followups_assign
from trust.forms import (
    FollowUpForm,
)
from trust.models import (
    FollowUp,
)
from trust.outcomes import followup_record_outcome


class AssignedFilter(admin.SimpleListFilter):
    title = _("assigned to")
    parameter_name = "assigned"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("me", _("me")), ("nobody", _("nobody"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "me":
            return queryset.filter(assigned_to=request.user)
        if self.value() == "nobody":
            return queryset.filter(assigned_to__isnull=True)
        return queryset


class DueFilter(OverdueFilter):
    """Overdue, not overdue, or due later today."""

    title = _("due")

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [*super().lookups(request, model_admin), ("today", _("due today"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() != "today":
            return super().queryset(request, queryset)
        now = timezone.now()
        end = timezone.localtime(now).replace(hour=23, minute=59, second=59)
        return queryset.filter(status=FollowUp.Status.OPEN, due_at__gte=now, due_at__lte=end)


@admin.register(FollowUp)
class FollowUpAdmin(RefusableSaveAdmin[FollowUp]):
    """Open follow-ups first, overdue at the top; the outcome closes one and books its entry."""

    form = FollowUpForm
    refusals = (BookingRefused,)
    list_display = ["due", "customer", "reason", "band_pill", "suggested_action", "assigned_to", "status"]
    list_filter = ["status", DueFilter, AssignedFilter, "reason", "band", "mail_state"]
    search_fields = ["customer__email", "customer__full_name"]
    list_select_related = ["customer", "assigned_to"]
    actions = ["assign_to_me"]
    readonly_fields = [
        "customer_link",
        "reason",
        "status",
        "band",
        "suggested_action",
        "triggers",
        "note",
        "outcome",
        "mail_state",
        "mailed_at",
        "opened_at",
        "closed_at",
    ]
    fieldsets = (
        (
            None,
            {"fields": ("customer_link", "reason", "band", "suggested_action", "status", "triggers", "note")},
        ),
        (_("Work"), {"fields": ("assigned_to", "due_at", "record_outcome", "outcome_note")}),
        (_("History"), {"fields": ("outcome", "mail_state", "mailed_at", "opened_at", "closed_at")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[FollowUp]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                closed_last=Case(
                    When(status=FollowUp.Status.OPEN, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
            .order_by("closed_last", "due_at", "pk")
        )

    @admin.display(description=_("due"), ordering="due_at")
    def due(self, obj: FollowUp) -> object:
        when = date_format(timezone.localtime(obj.due_at), "SHORT_DATETIME_FORMAT")
        if obj.overdue:
            return format_html('<strong class="trust-overdue">{} ({})</strong>', when, gettext("overdue"))
        return when

    @admin.display(description=_("band"), ordering="band")
    def band_pill(self, obj: FollowUp) -> SafeString:
        return band_pill(obj.band)

    @admin.display(description=_("customer"))
    def customer_link(self, obj: FollowUp) -> SafeString:
        url = reverse("admin:customers_user_change", args=[obj.customer_id])
        return format_html('<a href="{}#trust">{}</a>', url, obj.customer)

    @admin.action(description=_("Assign the selected follow-ups to me"), permissions=["change"])
    def assign_to_me(self, request: HttpRequest, queryset: QuerySet[FollowUp]) -> None:
        try:
            count = followups_assign(
                followup_ids=list(queryset.values_list("pk", flat=True)), assigned_to=acting_staff(request)
            )
        except BookingRefused as refusal:
            self.message_user(request, refusal.message, messages.ERROR)
            return
        self.message_user(
            request,
            ngettext("%(count)d follow-up assigned to you.", "%(count)d follow-ups assigned to you.", count)
            % {"count": count},
        )

    def save_model(self, request: HttpRequest, obj: FollowUp, form: Any, change: bool) -> None:
        """Reassign, move and close through the services; the form asked their checks first.

        A refusal only the write can know (closed by someone else meanwhile) is raised on:
        the whole save rolls back, the reassignment too, and the form shows it.
        """
        outcome = form.cleaned_data.get("record_outcome")
        if obj.status == FollowUp.Status.OPEN:
            followup_update(follow_up=obj, assigned_to=obj.assigned_to, due_at=obj.due_at)
        if outcome:
            followup_record_outcome(
                followup_id=obj.pk,
                outcome=outcome,
                note=form.cleaned_data.get("outcome_note", ""),
                actor=acting_staff(request),
            )

    def get_readonly_fields(self, request: HttpRequest, obj: FollowUp | None = None) -> list[str]:
        if obj is not None and obj.status != FollowUp.Status.OPEN:
            return [*self.readonly_fields, "assigned_to", "due_at"]
        return self.readonly_fields

    def get_fieldsets(self, request: HttpRequest, obj: FollowUp | None = None) -> Any:
        if obj is not None and obj.status != FollowUp.Status.OPEN:
            return (self.fieldsets[0], (_("Work"), {"fields": ("assigned_to", "due_at")}), self.fieldsets[2])
        return self.fieldsets

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # scheduled from the customer's page

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


# --- Accounts, runs and the dashboard ------------------------------------------------------------
