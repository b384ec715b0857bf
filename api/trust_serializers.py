"""What the trust endpoints read and write."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from api.integration_serializers import CustomerRefSerializer
from api.serializers import StrictSerializer
from trust.models import Account, Band, FollowUp

BULK_MAX = 1000


class TrustEventSerializer(CustomerRefSerializer, StrictSerializer):
    """One touchpoint to book: who, what, when, and your reference for it."""

    event_type = serializers.SlugField(
        max_length=50, help_text=gettext_lazy("The event type's key, e.g. complaint or praise.")
    )
    occurred_at = serializers.DateTimeField(
        required=False, help_text=gettext_lazy("When it happened (ISO 8601); now if left out.")
    )
    reference = serializers.CharField(
        max_length=200,
        help_text=gettext_lazy(
            "Your system's id for this touchpoint (e.g. the order or ticket number). "
            "A reference booked before is not booked again."
        ),
    )
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text=gettext_lazy("Shown to staff.")
    )

    one_of_field = "customer"


class TrustEventBulkSerializer(StrictSerializer):
    events = TrustEventSerializer(
        many=True, allow_empty=False, help_text=gettext_lazy("Up to 1,000 touchpoints, booked all or none.")
    )


class AccountSummarySerializer(serializers.Serializer):  # type: ignore[type-arg]
    score = serializers.IntegerField(help_text=gettext_lazy("0-100; 50 without entries."))
    band = serializers.ChoiceField(choices=Band.choices)
    balance = serializers.IntegerField(help_text=gettext_lazy("The sum of all points."))


class BookedSerializer(serializers.Serializer):  # type: ignore[type-arg]
    entry = serializers.IntegerField(help_text=gettext_lazy("The ledger entry's id."))
    customer = serializers.IntegerField()
    event_type = serializers.CharField()
    points = serializers.IntegerField()
    occurred_at = serializers.DateTimeField()
    reference = serializers.CharField()
    created = serializers.BooleanField(
        help_text=gettext_lazy("false: this reference was booked before; nothing was booked now.")
    )


class BookedOneSerializer(BookedSerializer):
    account = AccountSummarySerializer()


class BookedBulkSerializer(serializers.Serializer):  # type: ignore[type-arg]
    booked = serializers.IntegerField(help_text=gettext_lazy("How many entries were booked now."))
    results = BookedSerializer(many=True, help_text=gettext_lazy("One per event, in the order sent."))


class AccountSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    customer = serializers.IntegerField(source="customer_id")
    negatives_90d = serializers.IntegerField(
        source="negatives",
        help_text=gettext_lazy("Bad experiences within the alarm window (90 days by default)."),
    )
    updated = serializers.DateTimeField(
        source="changed_at", allow_null=True, help_text=gettext_lazy("When the score last changed.")
    )

    class Meta:
        model = Account
        fields = ["customer", "score", "band", "balance", "negatives_90d", "alarm", "updated"]


class FollowUpSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    customer = serializers.IntegerField(source="customer_id")
    state = serializers.CharField(source="status", help_text=gettext_lazy("open or closed."))
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "customer",
            "reason",
            "state",
            "band",
            "suggested_action",
            "due_at",
            "overdue",
            "outcome",
            "opened_at",
            "closed_at",
        ]

    def get_overdue(self, obj: FollowUp) -> bool:
        now = self.context.get("now")
        return bool(obj.status == FollowUp.Status.OPEN and now is not None and obj.due_at < now)


class OutcomeSerializer(StrictSerializer):
    outcome = serializers.ChoiceField(
        choices=[
            (value, label) for value, label in FollowUp.Outcome.choices if value != FollowUp.Outcome.RECOVERED
        ],
        help_text=gettext_lazy("What came of it; books the outcome's entry on the account."),
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
