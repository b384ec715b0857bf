"""The trust account in the admin: the customer page's account section, the agents' work list,
the dashboard, and the weights and thresholds with their what-if. Thin: every write is a service.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.views.main import ChangeList
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from customers.admin import UserAdmin as CustomerAdmin
from customers.models import User
from feedback.admin import ThreadAdmin
from feedback.models import Thread
from plumbing.admin import ReadOnlyAdmin, RefusableSaveAdmin
from trust.accounts import BookingRefused
from trust.charts import bar_chart, line_chart
from trust.configuration import event_type_save, trust_settings, trust_settings_save
from trust.dashboard import dashboard_figures
from trust.followups import followup_schedule, followup_update, followups_assign
from trust.forms import (
    AdjustmentForm,
    EventTypeForm,
    FollowUpForm,
    GoodwillForm,
    ReverseForm,
    ScheduleFollowUpForm,
    TrustSettingsForm,
)
from trust.ledger import ledger_book, ledger_reverse
from trust.models import (
    Account,
    Band,
    Dashboard,
    EventType,
    FollowUp,
    LedgerEntry,
    RecomputeRun,
    TrustSettings,
)
from trust.outcomes import followup_record_outcome
from trust.recompute import recompute_customer
from trust.recompute_runs import recompute_accounts_start, recompute_send_again, recompute_start
from trust.scoring import NEUTRAL, Rules, band_of, contribution
from trust.selectors import account_explanation, bands_for, open_follow_ups, score_history, source_url


def _band_pill(band: str) -> SafeString:
    return format_html('<span class="trust-band trust-band-{}">{}</span>', band, Band(band).label)


def _neutral_band() -> Band:
    return band_of(NEUTRAL, alarm=False, rules=Rules.of(trust_settings()))


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


# --- The feedback inbox: each thread with its customer's band --------------------------------


class ThreadBandFilter(admin.SimpleListFilter):
    title = _("trust band")
    parameter_name = "trust_band"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [(band.value, band.label) for band in Band]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value not in Band.values:
            return queryset
        matching = Q(customer__trust_account__band=value)
        if value == _neutral_band():
            matching |= Q(customer__isnull=False, customer__trust_account__isnull=True)
        return queryset.filter(matching)


class _BandedChangeList(ChangeList):
    """The inbox's page of threads, each given its customer's band in one query for the page."""

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        threads = list(self.result_list)
        bands = bands_for({thread.customer_id for thread in threads if thread.customer_id is not None})
        for thread in threads:
            thread.trust_band_value = bands.get(thread.customer_id)


admin.site.unregister(Thread)


@admin.register(Thread)
class TrustThreadAdmin(ThreadAdmin):
    """The feedback inbox of ``feedback``, with the customer's trust band next to each thread."""

    list_display = [
        *(
            name
            for field in ThreadAdmin.list_display
            for name in ((field, "trust_band") if field == "customer" else (field,))
        )
    ]
    list_filter = [*ThreadAdmin.list_filter, ThreadBandFilter]

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return _BandedChangeList

    @admin.display(description=_("trust band"))
    def trust_band(self, obj: Thread) -> object:
        band = getattr(obj, "trust_band_value", None)
        return "—" if band is None else _band_pill(band)


# --- The customer page -----------------------------------------------------------------------


class BandFilter(admin.SimpleListFilter):
    title = _("trust band")
    parameter_name = "trust_band"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [(band.value, band.label) for band in Band] + [("none", _("no entries yet"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value is None:
            return queryset
        if value == "none":
            return queryset.filter(trust_account__isnull=True, is_staff=False)
        matching = Q(trust_account__band=value)
        if value == _neutral_band():
            matching |= Q(trust_account__isnull=True, is_staff=False)
        return queryset.filter(matching)


admin.site.unregister(User)


@admin.register(User)
class TrustCustomerAdmin(CustomerAdmin):
    """The customer admin of ``customers``, with the trust account on every customer's page."""

    change_form_template = "admin/trust/customer_change_form.html"
    list_display = [*CustomerAdmin.list_display, "trust_score", "trust_band"]
    list_filter = [BandFilter, *CustomerAdmin.list_filter]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        customers: QuerySet[User] = super().get_queryset(request)
        return customers.annotate(
            trust_score_value=Coalesce("trust_account__score", Value(NEUTRAL)),
            trust_band_value=Coalesce("trust_account__band", Value(_neutral_band().value)),
        )

    @admin.display(description=_("score"), ordering="trust_score_value")
    def trust_score(self, obj: User) -> object:
        return "—" if obj.is_staff else obj.trust_score_value  # type: ignore[attr-defined]

    @admin.display(description=_("band"), ordering="trust_score_value")
    def trust_band(self, obj: User) -> object:
        return "—" if obj.is_staff else _band_pill(obj.trust_band_value)  # type: ignore[attr-defined]

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        own = [
            path(
                "<int:customer_id>/trust/<str:action>/", wrap(self.trust_action), name="trust_customer_action"
            ),
        ]
        return own + super().get_urls()

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        customer = User.objects.filter(pk=object_id).first() if object_id.isdigit() else None
        if (
            request.method == "GET"
            and customer is not None
            and not customer.is_staff
            and request.user.has_perm("trust.view_account")
        ):
            extra_context = {**(extra_context or {}), **self._trust_context(request, customer)}
        return super().change_view(request, object_id, form_url, extra_context)

    def _trust_context(self, request: HttpRequest, customer: User, **forms: Form) -> dict[str, Any]:
        explanation = account_explanation(customer=customer)
        history = score_history(customer=customer)
        first, last = history[0][1], history[-1][1]
        chart = line_chart(
            chart_id="trust-trend",
            title=gettext("Score over the last 12 months"),
            description=gettext("Monthly score, from %(first)s twelve months ago to %(last)s now.")
            % {"first": first, "last": last},
            points=[(date_format(moment, "M y"), score) for moment, score in history],
            rules=explanation.rules,
        )
        user = request.user
        return {
            "trust": explanation,
            "trust_history": [(date_format(moment, "F Y"), score) for moment, score in history],
            "trust_chart": chart,
            "trust_follow_ups": open_follow_ups(customer=customer),
            "trust_can_book": user.has_perm("trust.add_ledgerentry"),
            "trust_can_schedule": user.has_perm("trust.add_followup"),
            "trust_can_recompute": user.has_perm("trust.change_account"),
            "trust_goodwill_form": forms.get("goodwill") or GoodwillForm(prefix="goodwill"),
            "trust_adjust_form": forms.get("adjust") or AdjustmentForm(prefix="adjust"),
            "trust_schedule_form": forms.get("schedule") or ScheduleFollowUpForm(prefix="schedule"),
            "trust_ledger_url": reverse("admin:trust_ledgerentry_changelist")
            + f"?customer__id__exact={customer.pk}",
        }

    def trust_action(self, request: HttpRequest, customer_id: int, action: str) -> HttpResponse:
        """Grant goodwill, adjust, schedule a follow-up or recompute now (POST from the customer page)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        customer = get_object_or_404(User, pk=customer_id, is_staff=False)
        permission = {
            "goodwill": "trust.add_ledgerentry",
            "adjust": "trust.add_ledgerentry",
            "schedule": "trust.add_followup",
            "recompute": "trust.change_account",
        }.get(action)
        if permission is None:
            return self._refused(request, customer, gettext("Unknown action."), status=404)
        if not request.user.has_perm(permission):
            return self._refused(request, customer, gettext("You may not do this."), status=403)
        try:
            message = self._act(request, customer, action)
        except BookingRefused as refusal:
            return self._refused(request, customer, refusal.message)
        except _InvalidForm as invalid:
            return self._refused(
                request, customer, gettext("Please correct the errors below."), form=invalid.form
            )
        messages.success(request, message)
        return redirect(reverse("admin:customers_user_change", args=[customer.pk]) + "#trust")

    def _act(self, request: HttpRequest, customer: User, action: str) -> str:
        staff = _user(request)
        if action == "recompute":
            recompute_customer(customer=customer)
            return gettext("The trust account was recomputed.")
        if action == "schedule":
            schedule = ScheduleFollowUpForm(request.POST, prefix="schedule")
            if not schedule.is_valid():
                raise _InvalidForm(schedule)
            due = timezone.make_aware(datetime.combine(schedule.cleaned_data["due"], time(17)))
            followup_schedule(
                customer=customer,
                due_at=due,
                note=schedule.cleaned_data["note"],
                actor=staff,
                assigned_to=schedule.cleaned_data["assigned_to"],
            )
            return gettext("The follow-up is scheduled.")
        form: GoodwillForm | AdjustmentForm = (
            GoodwillForm(request.POST, prefix="goodwill")
            if action == "goodwill"
            else AdjustmentForm(request.POST, prefix="adjust")
        )
        if not form.is_valid():
            raise _InvalidForm(form)
        data = form.cleaned_data
        booking = ledger_book(
            customer_id=customer.pk,
            event_type="goodwill" if action == "goodwill" else "adjustment",
            key=f"{action}:{customer.pk}:{data['token']}",
            points=data.get("points"),
            note=data["note"],
            actor=staff,
            source=f"customers.user:{customer.pk}",
        )
        if not booking.created:
            return gettext("This was booked already.")
        return gettext("Booked: %(type)s, %(points)+d points.") % {
            "type": booking.entry.event_type.label,
            "points": booking.entry.points,
        }

    def _refused(
        self,
        request: HttpRequest,
        customer: User,
        message: str,
        *,
        status: int = 400,
        form: Form | None = None,
    ) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Not done"),
            "customer": customer,
            "message": message,
            "form": form,
            "back_url": reverse("admin:customers_user_change", args=[customer.pk]) + "#trust",
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/trust/action_refused.html", context, status=status)


class _InvalidForm(Exception):
    def __init__(self, form: Form) -> None:
        super().__init__("invalid form")
        self.form = form


# --- Weights and thresholds, with their what-if -------------------------------------------------


@admin.register(EventType)
class EventTypeAdmin(admin.ModelAdmin[EventType]):
    form = EventTypeForm
    change_form_template = "admin/trust/whatif_change_form.html"
    list_display = ["key", "label_en", "label_de", "points", "half_life_days", "active", "counts_for_alarm"]
    list_filter = ["active", "counts_for_alarm", "touchpoint", "custom_points"]
    search_fields = ["key", "label_en", "label_de"]
    fieldsets = (
        (None, {"fields": ("key", "label_en", "label_de", "active")}),
        (_("Weight"), {"fields": ("points", "half_life_days", "custom_points")}),
        (_("Rules"), {"fields": ("counts_for_alarm", "touchpoint", "whatif_confirm")}),
    )

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
        url = source_url(obj.source)
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
                            entry_id=entry.pk, reason=form.cleaned_data["reason"], actor=_user(request)
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


class OverdueFilter(admin.SimpleListFilter):
    title = _("due")
    parameter_name = "due"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("overdue", _("overdue")), ("today", _("due today"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        now = timezone.now()
        if self.value() == "overdue":
            return queryset.filter(status=FollowUp.Status.OPEN, due_at__lt=now)
        if self.value() == "today":
            end = timezone.localtime(now).replace(hour=23, minute=59, second=59)
            return queryset.filter(status=FollowUp.Status.OPEN, due_at__gte=now, due_at__lte=end)
        return queryset


@admin.register(FollowUp)
class FollowUpAdmin(RefusableSaveAdmin[FollowUp]):
    """Open follow-ups first, overdue at the top; the outcome closes one and books its entry."""

    form = FollowUpForm
    refusals = (BookingRefused,)
    list_display = ["due", "customer", "reason", "band_pill", "suggested_action", "assigned_to", "status"]
    list_filter = ["status", OverdueFilter, AssignedFilter, "reason", "band", "mail_state"]
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
        return _band_pill(obj.band)

    @admin.display(description=_("customer"))
    def customer_link(self, obj: FollowUp) -> SafeString:
        url = reverse("admin:customers_user_change", args=[obj.customer_id])
        return format_html('<a href="{}#trust">{}</a>', url, obj.customer)

    @admin.action(description=_("Assign the selected follow-ups to me"), permissions=["change"])
    def assign_to_me(self, request: HttpRequest, queryset: QuerySet[FollowUp]) -> None:
        try:
            count = followups_assign(
                followup_ids=list(queryset.values_list("pk", flat=True)), assigned_to=_user(request)
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
                actor=_user(request),
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
        return _band_pill(obj.band)

    @admin.action(description=_("Recompute the selected accounts"), permissions=["change"])
    def recompute_selected(self, request: HttpRequest, queryset: QuerySet[Account]) -> None:
        """Queue a recompute run for the selected accounts (at most 500); the workers do it."""
        ids = list(queryset.order_by("pk").values_list("pk", flat=True)[:500])
        _run, created = recompute_accounts_start(customer_ids=ids, requested_by=_user(request))
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
            key=f"manual:{timezone.now().isoformat()}", reason="manual", requested_by=_user(request)
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


@admin.register(Dashboard)
class DashboardAdmin(ReadOnlyAdmin):
    """The trust dashboard (the proxy model only gives it a place and a permission)."""

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if not self.has_view_permission(request):
            return HttpResponse(gettext("You may not see the dashboard."), status=403)
        figures = dashboard_figures()
        band_chart = bar_chart(
            chart_id="trust-bands",
            title=gettext("Customers per band"),
            description=", ".join(f"{band.label}: {count}" for band, count in figures.bands),
            bars=[(str(band.label), band.value, count) for band, count in figures.bands],
        )
        history = [(date_format(stat.day, "d M"), stat.average_score) for stat in figures.history]
        average_chart = (
            line_chart(
                chart_id="trust-average",
                title=gettext("Average score over time"),
                description=gettext("Average score per day, from %(first)s to %(last)s.")
                % {
                    "first": date_format(figures.history[0].day),
                    "last": date_format(figures.history[-1].day),
                },
                points=history,
                rules=Rules.of(trust_settings()),
            )
            if figures.history
            else None
        )
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Trust dashboard"),
            "opts": self.opts,
            "figures": figures,
            "band_chart": band_chart,
            "average_chart": average_chart,
            "history_rows": figures.history[-12:],
            "followups_url": reverse("admin:trust_followup_changelist"),
            "customers_url": reverse("admin:customers_user_changelist"),
        }
        return TemplateResponse(request, "admin/trust/dashboard.html", context)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.has_perm("trust.view_dashboard")
