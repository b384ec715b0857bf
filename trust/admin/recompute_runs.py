"""Recompute runs: their progress by chunk; a full run started by hand, unfinished chunks sent again."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from plumbing.admin import ReadOnlyAdmin
from trust.admin.display import acting_staff
from trust.models import (
    RecomputeRun,
)
from trust.recompute_runs import recompute_send_again, recompute_start


@admin.register(RecomputeRun)
class RecomputeRunAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "reason", "progress", "changed", "finished_at", "requested_by"]
    ordering = ["-id"]
    actions = ["send_again"]
    change_list_template = "admin/trust/recomputerun_change_list.html"

    @admin.display(description=_("chunks done"))
    def progress(self, obj: RecomputeRun) -> str:
        chunks = obj.chunks.all()
        return f"{sum(1 for chunk in chunks if chunk.done_at)} / {len(chunks)}"

    def get_queryset(self, request: HttpRequest) -> QuerySet[RecomputeRun]:
        return super().get_queryset(request).prefetch_related("chunks")

    def get_urls(self) -> list[URLPattern]:
        start = self.admin_site.admin_view(self.start_view)
        return [path("start/", start, name="trust_recomputerun_start"), *super().get_urls()]

    def start_view(self, request: HttpRequest) -> HttpResponse:
        """Start a full recompute now (superusers; it is a heavy job on a large ledger)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.is_superuser:
            return HttpResponse(gettext("Only superusers may start a full recompute."), status=403)
        run = recompute_start(
            key=f"manual:{timezone.now().isoformat()}", reason="manual", requested_by=acting_staff(request)
        )
        self.message_user(
            request,
            gettext("A full recompute of %(chunks)d chunks has started.") % {"chunks": run.chunks.count()},
        )
        return redirect("admin:trust_recomputerun_changelist")

    @admin.action(description=_("Send the unfinished chunks again"), permissions=["view"])
    def send_again(self, request: HttpRequest, queryset: QuerySet[RecomputeRun]) -> None:
        if not request.user.is_superuser:
            self.message_user(request, gettext("Only superusers may do this."), messages.ERROR)
            return
        runs = list(queryset.filter(finished_at__isnull=True).order_by("pk").values_list("pk", flat=True))
        sent = sum(recompute_send_again(run_id=run_id) for run_id in runs)
        if sent < len(runs):
            # A click again before the workers took the first: one send is enough.
            self.message_user(
                request,
                gettext("A send of these chunks is already waiting; nothing was added."),
                messages.WARNING,
            )
        if sent:
            self.message_user(request, gettext("The unfinished chunks are sent again."))
