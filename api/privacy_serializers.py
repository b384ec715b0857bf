"""What the customer's data request endpoints read and write."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from api.serializers import StrictSerializer
from customers.models import DataRequest


class DataRequestSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    downloadable = serializers.BooleanField(
        read_only=True, help_text=gettext_lazy("true: the copy of your data is ready to download.")
    )
    download = serializers.SerializerMethodField(
        help_text=gettext_lazy("Where to download the ready copy of your data; null otherwise.")
    )

    class Meta:
        model = DataRequest
        fields = [
            "id",
            "kind",
            "status",
            "received_at",
            "due_at",
            "extension_reason",
            "erase_after",
            "completed_at",
            "expires_at",
            "downloadable",
            "download",
        ]

    def get_download(self, obj: DataRequest) -> str | None:
        if not obj.downloadable:
            return None
        return reverse("api:me-data-request-download", args=[obj.pk])


class DataRequestCreateSerializer(StrictSerializer):
    """A copy of your data, or the erasure of your account (with your password or an MFA code)."""

    kind = serializers.ChoiceField(choices=DataRequest.Kind.choices)
    password = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text=gettext_lazy("For an erasure: your password, to confirm it is you."),
    )
    code = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=gettext_lazy(
            "For an erasure, instead of the password: a code from your authenticator app."
        ),
    )
    confirm = serializers.BooleanField(
        required=False,
        help_text=gettext_lazy("For an erasure: true, you understand it cannot be undone."),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["kind"] == DataRequest.Kind.EXPORT and {"password", "code", "confirm"} & set(attrs):
            raise serializers.ValidationError(
                {"kind": [_("A copy of your data needs no password or confirmation.")]}, code="not_needed"
            )
        return attrs
