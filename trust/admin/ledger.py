"""The ledger: every entry with what it counts now and where it came from; reversal with a reason."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from plumbing.admin import ReadOnlyAdmin
from plumbing.sources import source_admin_url
from trust.accounts import BookingRefused
from trust.admin.display import acting_staff
from trust.forms import (
    ReverseForm,
)
from trust.ledger import ledger_reverse
from trust.models import (
    LedgerEntry,
)
from trust.scoring import contribution


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = [
        "occurred_at",
        "customer",
        "event_type",
        "points",
        "current_contribution",
        "source_link",
        "actor",
    ]
    list_filter = ["event_type"]
    search_fields = ["customer__email", "key"]
    list_select_related = ["customer", "event_type", "actor"]
    ordering = ["-id"]
    show_full_result_count = False  # counting a large ledger on every page costs more than the page
    actions = ["reverse_entries"]

    @admin.display(description=_("counts now"))
    def current_contribution(self, obj: LedgerEntry) -> str:
        value = contribution(
            points=obj.points,
            occurred_at=obj.occurred_at,
            half_life_days=obj.event_type.half_life_days,
            now=timezone.now(),
        )
        return f"{value:+.2f}"

    @admin.display(description=_("source"))
    def source_link(self, obj: LedgerEntry) -> object:
        url = source_admin_url(obj.source)
        return format_html('<a href="{}">{}</a>', url, obj.source) if url else obj.source or "—"

    @admin.action(description=_("Reverse the selected entries (with a reason)"), permissions=["add"])
    def reverse_entries(self, request: HttpRequest, queryset: QuerySet[LedgerEntry]) -> HttpResponse | None:
        entries = list(
            queryset.filter(reversal_of__isnull=True).select_related("customer", "event_type")[:100]
        )
        if "apply" in request.POST:
            form = ReverseForm(request.POST)
            if form.is_valid():
                done = 0
                for entry in entries:
                    try:
                        booking = ledger_reverse(
                            entry_id=entry.pk, reason=form.cleaned_data["reason"], actor=acting_staff(request)
                        )
                    except BookingRefused as refusal:
                        self.message_user(request, refusal.message, messages.ERROR)
                        continue
                    done += booking.created
                self.message_user(
                    request,
                    ngettext("%(count)d entry reversed.", "%(count)d entries reversed.", done)
                    % {"count": done},
                )
                return None
        else:
            form = ReverseForm()
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Reverse entries"),
            "entries": entries,
            "form": form,
            "opts": self.opts,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/trust/reverse_entries.html", context)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("trust.add_ledgerentry")


# --- Follow-ups: the agents' work list --------------------------------------------------------------
