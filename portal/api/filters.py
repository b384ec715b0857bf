"""Filters of the API's lists (django-filter); a bad value is a 400 with the parameter named."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from customers.models import ConsentRecord, Notification


class ConsentHistoryFilter(django_filters.FilterSet):
    purpose = django_filters.CharFilter(field_name="purpose__key", help_text=_("Only this purpose (key)."))
    channel = django_filters.CharFilter(field_name="channel__key", help_text=_("Only this channel (key)."))
    state = django_filters.ChoiceFilter(choices=ConsentRecord.State.choices)
    source = django_filters.ChoiceFilter(choices=ConsentRecord.Source.choices)
    since = django_filters.IsoDateTimeFilter(
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
