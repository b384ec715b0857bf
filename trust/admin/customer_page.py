"""The trust account on a customer's admin page: score and band in the list, the account section
(chart, follow-ups, ledger) on the page, and its four actions, each a view of its own.

A mixin for customers' user admin; ``desk`` composes the two into the customer page staff see,
and includes ``admin/trust/customer_section.html`` where the section belongs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from typing import Any

from django.contrib import admin, messages
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from customers.models import User
from plumbing.sources import source_of
from trust.accounts import BookingRefused
from trust.admin.display import acting_staff, band_pill, neutral_band
from trust.charts import line_chart
from trust.followups import followup_schedule
from trust.forms import AdjustmentForm, GoodwillForm, ScheduleFollowUpForm
from trust.ledger import ledger_book
from trust.models import Band
from trust.recompute import recompute_customer
from trust.score_moves import band_crossings, score_moves
from trust.scoring import NEUTRAL
from trust.selectors import account_explanation, open_follow_ups, score_history

Action = Callable[[HttpRequest, User], str]


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
        if value == neutral_band():
            matching |= Q(trust_account__isnull=True, is_staff=False)
        return queryset.filter(matching)


class _InvalidForm(Exception):
    def __init__(self, form: Form) -> None:
        super().__init__("invalid form")
        self.form = form


class TrustOnCustomerPage(admin.ModelAdmin):  # type: ignore[type-arg]
    """Adds score and band to a user admin's list and the trust account to each customer's page."""

    def get_list_display(self, request: HttpRequest) -> Any:
        return [*super().get_list_display(request), "trust_score", "trust_band"]

    def get_list_filter(self, request: HttpRequest) -> Any:
        return [BandFilter, *super().get_list_filter(request)]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        customers: QuerySet[User] = super().get_queryset(request)
        return customers.annotate(
            trust_score_value=Coalesce("trust_account__score", Value(NEUTRAL)),
            trust_band_value=Coalesce("trust_account__band", Value(neutral_band().value)),
        )

    @admin.display(description=_("score"), ordering="trust_score_value")
    def trust_score(self, obj: User) -> object:
        return "—" if obj.is_staff else obj.trust_score_value  # type: ignore[attr-defined]

    @admin.display(description=_("band"), ordering="trust_score_value")
    def trust_band(self, obj: User) -> object:
        return "—" if obj.is_staff else band_pill(obj.trust_band_value)  # type: ignore[attr-defined]

    def get_urls(self) -> list[URLPattern]:
        def action(name: str, act: Action, permission: str) -> URLPattern:
            def view(request: HttpRequest, customer_id: int) -> HttpResponse:
                return self._trust_action(request, customer_id, act, permission)

            return path(
                f"<int:customer_id>/trust/{name}/",
                self.admin_site.admin_view(view),
                name=f"trust_customer_{name}",
            )

        def unknown(request: HttpRequest, customer_id: int, name: str) -> HttpResponse:
            raise Http404(gettext("Unknown action."))

        return [
            action("goodwill", self._grant_goodwill, "trust.add_ledgerentry"),
            action("adjust", self._adjust, "trust.add_ledgerentry"),
            action("schedule", self._schedule, "trust.add_followup"),
            action("recompute", self._recompute, "trust.change_account"),
            path("<int:customer_id>/trust/<slug:name>/", self.admin_site.admin_view(unknown)),
            *super().get_urls(),
        ]

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
            "trust_moves": score_moves(explanation=explanation),
            "trust_crossings": band_crossings(customer=customer),
            "trust_can_book": user.has_perm("trust.add_ledgerentry"),
            "trust_can_schedule": user.has_perm("trust.add_followup"),
            "trust_can_recompute": user.has_perm("trust.change_account"),
            "trust_goodwill_form": forms.get("goodwill") or GoodwillForm(prefix="goodwill"),
            "trust_adjust_form": forms.get("adjust") or AdjustmentForm(prefix="adjust"),
            "trust_schedule_form": forms.get("schedule") or ScheduleFollowUpForm(prefix="schedule"),
            "trust_ledger_url": reverse("admin:trust_ledgerentry_changelist")
            + f"?customer__id__exact={customer.pk}",
        }

    def _trust_action(
        self, request: HttpRequest, customer_id: int, act: Action, permission: str
    ) -> HttpResponse:
        """One action from the customer page: POST only, for customers only, with its permission."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        customer = get_object_or_404(User, pk=customer_id, is_staff=False)
        if not request.user.has_perm(permission):
            return self._refused(request, customer, gettext("You may not do this."), status=403)
        try:
            message = act(request, customer)
        except BookingRefused as refusal:
            return self._refused(request, customer, refusal.message)
        except _InvalidForm as invalid:
            return self._refused(
                request, customer, gettext("Please correct the errors below."), form=invalid.form
            )
        messages.success(request, message)
        return redirect(reverse("admin:customers_user_change", args=[customer.pk]) + "#trust")

    def _recompute(self, request: HttpRequest, customer: User) -> str:
        recompute_customer(customer=customer)
        return gettext("The trust account was recomputed.")

    def _schedule(self, request: HttpRequest, customer: User) -> str:
        schedule = ScheduleFollowUpForm(request.POST, prefix="schedule")
        if not schedule.is_valid():
            raise _InvalidForm(schedule)
        followup_schedule(
            customer=customer,
            due_at=timezone.make_aware(datetime.combine(schedule.cleaned_data["due"], time(17))),
            note=schedule.cleaned_data["note"],
            actor=acting_staff(request),
            assigned_to=schedule.cleaned_data["assigned_to"],
        )
        return gettext("The follow-up is scheduled.")

    def _grant_goodwill(self, request: HttpRequest, customer: User) -> str:
        return self._book(request, customer, GoodwillForm(request.POST, prefix="goodwill"), "goodwill")

    def _adjust(self, request: HttpRequest, customer: User) -> str:
        return self._book(request, customer, AdjustmentForm(request.POST, prefix="adjust"), "adjustment")

    def _book(self, request: HttpRequest, customer: User, form: Form, event_type: str) -> str:
        if not form.is_valid():
            raise _InvalidForm(form)
        data = form.cleaned_data
        action = "goodwill" if event_type == "goodwill" else "adjust"  # the keys bookings already have
        booking = ledger_book(
            customer_id=customer.pk,
            event_type=event_type,
            key=f"{action}:{customer.pk}:{data['token']}",
            points=data.get("points"),
            note=data["note"],
            actor=acting_staff(request),
            source=source_of(customer),
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
