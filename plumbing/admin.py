"""Admin branding, the admins' shared behaviour, and the operator's view of the outboxes."""

from typing import Any, TypeVar

from django import forms
from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from plumbing.jobs import job_retry
from plumbing.models import Event, Job, Worker
from plumbing.workers import workers_alive_since

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


M = TypeVar("M", bound=Model)
_REFUSED = "_portal_save_refused"


class OverdueFilter(admin.SimpleListFilter):
    """Overdue or not: still open past its deadline, as the model says in ``overdue_condition(now)``."""

    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("overdue")), ("no", _("not overdue"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() not in ("yes", "no"):
            return queryset
        overdue = queryset.model.overdue_condition(timezone.now())
        return queryset.filter(overdue) if self.value() == "yes" else queryset.exclude(overdue)


class RefusableSaveAdmin(admin.ModelAdmin[M]):
    """An admin whose saves go through services that may refuse.

    Its form's ``clean()`` asks the services' own checks first, so a refusal
    normally shows on the form and nothing is written. A refusal only the
    write itself can know (someone changed the record since the check) is
    raised out of ``save_model``/``save_related``: the admin's transaction
    then rolls back the whole save, and the form is shown again with the
    reason and without the success message.
    """

    refusals: tuple[type[Exception], ...] = ()

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except self.refusals as refusal:
            setattr(request, _REFUSED, str(refusal))
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(
        self, request: HttpRequest, obj: M | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[M]]:
        form: type[forms.ModelForm[M]] = super().get_form(request, obj, change, **kwargs)
        found: str | None = getattr(request, _REFUSED, None)
        if found is None:
            return form
        reason: str = found

        class RefusedForm(form):  # type: ignore[valid-type,misc]
            def clean(self) -> dict[str, Any]:
                super().clean()
                raise forms.ValidationError(reason)

        return RefusedForm


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


@admin.register(Worker)
class WorkerAdmin(ReadOnlyAdmin):
    """The worker nodes as they last reported themselves (plumbing/workers.py); gone ones stay a day."""

    list_display = ["hostname", "pid", "started_at", "seen_at", "alive", "running_now"]
    ordering = ["-seen_at"]

    @admin.display(boolean=True, description=_("alive"))
    def alive(self, obj: Worker) -> bool:
        return obj.seen_at >= workers_alive_since()

    @admin.display(description=_("running now"))
    def running_now(self, obj: Worker) -> str:
        return ", ".join(str(task.get("task")) for task in obj.running if isinstance(task, dict)) or "-"
