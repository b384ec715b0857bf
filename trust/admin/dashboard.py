"""The trust dashboard: customers per band, the average score over time, what needs staff today."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from plumbing.admin import ReadOnlyAdmin
from trust.charts import bar_chart, line_chart
from trust.configuration import trust_settings
from trust.dashboard import dashboard_figures
from trust.models import (
    Dashboard,
)
from trust.score_moves import scores_moved
from trust.scoring import Rules
from trust.time_to_action import time_to_action


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
            "moved": scores_moved(now=timezone.now()),
            "weeks": time_to_action(),
            "followups_url": reverse("admin:trust_followup_changelist"),
            "customers_url": reverse("admin:customers_user_changelist"),
        }
        return TemplateResponse(request, "admin/trust/dashboard.html", context)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.has_perm("trust.view_dashboard")
