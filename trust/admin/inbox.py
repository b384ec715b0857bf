"""The trust band beside each thread of the feedback inbox, and a filter by band.

A mixin for feedback's thread admin; ``desk`` composes the two into the inbox staff see.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from trust.admin.display import band_pill, neutral_band
from trust.models import Band
from trust.selectors import bands_for


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
        if value == neutral_band():
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


class TrustBandOnInbox(admin.ModelAdmin):  # type: ignore[type-arg]
    """Adds a "trust band" column after the customer and a filter by band to a thread admin."""

    def get_list_display(self, request: HttpRequest) -> Any:
        return [
            name
            for field in super().get_list_display(request)
            for name in ((field, "trust_band") if field == "customer" else (field,))
        ]

    def get_list_filter(self, request: HttpRequest) -> Any:
        return [*super().get_list_filter(request), ThreadBandFilter]

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return _BandedChangeList

    @admin.display(description=_("trust band"))
    def trust_band(self, obj: Any) -> object:
        band = getattr(obj, "trust_band_value", None)
        return "—" if band is None else band_pill(band)
