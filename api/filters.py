"""Filters of the API's lists (django-filter); a bad value is a 400 with the parameter named."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField

from customers.models import ConsentRecord, Notification
from trust.models import Account, Band, FollowUp


class UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 time, in UTC: PostgreSQL refuses offsets beyond ±15:59 that Python accepts."""

    def to_python(self, value: Any) -> datetime | None:
        parsed: datetime | None = super().to_python(value)
        if parsed is None:
            return None
        try:
            return parsed.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError(_("This time is out of range."), code="invalid") from None


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


class ConsentHistoryFilter(django_filters.FilterSet):
    purpose = django_filters.CharFilter(field_name="purpose__key", help_text=_("Only this purpose (key)."))
    channel = django_filters.CharFilter(field_name="channel__key", help_text=_("Only this channel (key)."))
    state = django_filters.ChoiceFilter(choices=ConsentRecord.State.choices)
    source = django_filters.ChoiceFilter(choices=ConsentRecord.Source.choices)
    since = UtcDateTimeFilter(
        field_name="created_at", lookup_expr="gte", help_text=_("Only changes at or after this time.")
    )

    class Meta:
        model = ConsentRecord
        fields = ["purpose", "channel", "state", "source", "since"]


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(
        field_name="read_at", lookup_expr="isnull", help_text=_("true: only unread; false: only read.")
    )

    class Meta:
        model = Notification
        fields = ["unread"]


class AccountFilter(django_filters.FilterSet):
    band = django_filters.ChoiceFilter(choices=Band.choices, help_text=_("Only accounts in this band."))

    class Meta:
        model = Account
        fields = ["band"]


class FollowUpFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        field_name="status", choices=FollowUp.Status.choices, help_text=_("open or closed.")
    )
    reason = django_filters.ChoiceFilter(choices=FollowUp.Reason.choices)
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        help_text=_("true: only open follow-ups past their due date; false: the others."),
    )

    class Meta:
        model = FollowUp
        fields = ["state", "reason", "overdue"]

    def filter_overdue(
        self, queryset: QuerySet[FollowUp], name: str, value: bool | None
    ) -> QuerySet[FollowUp]:
        if value is None:
            return queryset
        overdue = {"status": FollowUp.Status.OPEN, "due_at__lt": timezone.now()}
        return queryset.filter(**overdue) if value else queryset.exclude(**overdue)
