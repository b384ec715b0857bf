"""Trust accounts: every customer's stored score and band, lowest first; recompute a selection."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from plumbing.admin import ReadOnlyAdmin
from trust.admin.display import acting_staff, band_pill
from trust.models import (
    Account,
)
from trust.recompute_runs import recompute_accounts_start


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["customer", "balance", "score", "band_pill", "negatives", "alarm", "last_touch_at"]
    list_filter = ["band", "alarm"]
    search_fields = ["customer__email", "customer__full_name"]
    list_select_related = ["customer"]
    ordering = ["score", "customer_id"]
    show_full_result_count = False
    actions = ["recompute_selected"]

    @admin.display(description=_("band"), ordering="band")
    def band_pill(self, obj: Account) -> SafeString:
        return band_pill(obj.band)

    @admin.action(description=_("Recompute the selected accounts"), permissions=["change"])
    def recompute_selected(self, request: HttpRequest, queryset: QuerySet[Account]) -> None:
        """Queue a recompute run for the selected accounts (at most 500); the workers do it."""
        ids = list(queryset.order_by("pk").values_list("pk", flat=True)[:500])
        _run, created = recompute_accounts_start(customer_ids=ids, requested_by=acting_staff(request))
        if not created:
            self.message_user(
                request, gettext("A recompute of these accounts is already queued."), messages.WARNING
            )
            return
        self.message_user(
            request,
            ngettext(
                "A recompute of %(count)d account is queued; the recompute runs show its progress.",
                "A recompute of %(count)d accounts is queued; the recompute runs show its progress.",
                len(ids),
            )
            % {"count": len(ids)},
        )

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.has_perm("trust.change_account") and obj is None  # the action, not the form
