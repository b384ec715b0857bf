"""Admin branding and the operator's view of the outboxes."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.jobs import job_retry
from portal.models import Event, Job

admin.site.site_header = _("Trust Portal administration")
admin.site.site_title = _("Trust Portal")
admin.site.index_title = _("Customers, feedback and trust accounts")


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """An admin for records nobody edits by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ["id", "task", "args", "state", "attempts", "next_attempt_at", "done_at"]
    list_filter = ["state", "task"]
    search_fields = ["key", "task"]
    ordering = ["-id"]
    actions = ["retry"]

    @admin.action(description=_("Retry the selected jobs"), permissions=["view"])
    def retry(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        if not request.user.is_superuser:
            self.message_user(request, _("Only superusers may retry jobs."), messages.ERROR)
            return
        jobs = list(queryset.exclude(state=Job.State.DONE).values_list("pk", flat=True))
        for job_id in jobs:
            job_retry(job_id=job_id)
        self.message_user(
            request,
            ngettext("%(count)d job queued again.", "%(count)d jobs queued again.", len(jobs))
            % {"count": len(jobs)},
        )


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["id", "name", "customer", "occurred_at", "dispatched_at"]
    list_filter = ["name"]
    search_fields = ["key"]
    list_select_related = ["customer"]
    ordering = ["-id"]
