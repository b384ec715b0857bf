"""What the customer endpoints read and write."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.serializers import StrictModelSerializer, StrictSerializer
from customers.models import Channel, ConsentRecord, Notification, Purpose, User


class ProfileSerializer(StrictModelSerializer):
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES,
        allow_blank=True,
        required=False,
        help_text=_("The language of the portal and its mails for this person; empty: the browser's."),
    )

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "language", "date_joined"]
        read_only_fields = ["id", "email", "date_joined"]

    def update(self, instance: User, validated_data: dict[str, Any]) -> User:
        for name, value in validated_data.items():
            setattr(instance, name, value)
        instance.save(update_fields=list(validated_data))
        return instance


class ChannelSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Channel
        fields = ["key", "name"]


class ConsentCellSerializer(serializers.Serializer):  # type: ignore[type-arg]
    channel = serializers.CharField(source="channel.key")
    state = serializers.ChoiceField(choices=ConsentRecord.State.choices)
    allowed = serializers.BooleanField(help_text=_("Whether the company may contact the customer so now."))
    pending = serializers.BooleanField(
        help_text=_("Granted, waiting for the confirmation link (double opt-in).")
    )
    needs_reconfirm = serializers.BooleanField(help_text=_("Granted for an older text: ask to reconfirm."))
    editable = serializers.BooleanField(help_text=_("False for purposes required for the service."))
    granted_version = serializers.IntegerField(
        source="record.purpose_version.version",
        allow_null=True,
        help_text=_("The text version of the last change; null if never changed."),
    )


class PurposeConsentsSerializer(serializers.Serializer):  # type: ignore[type-arg]
    key = serializers.CharField(source="purpose.key")
    title = serializers.CharField(source="purpose.title")
    description = serializers.CharField(source="purpose.description")
    legal_basis = serializers.ChoiceField(source="purpose.legal_basis", choices=Purpose.LegalBasis.choices)
    required = serializers.BooleanField(source="purpose.required")  # type: ignore[assignment]
    required_reason = serializers.CharField(source="purpose.required_reason")
    marketing = serializers.BooleanField(source="purpose.is_marketing")
    version = serializers.IntegerField(
        source="purpose.version", help_text=_("The text version in force; send it back with a change.")
    )
    consents = ConsentCellSerializer(source="states", many=True)


class ConsentMatrixSerializer(serializers.Serializer):  # type: ignore[type-arg]
    channels = ChannelSerializer(many=True)
    purposes = PurposeConsentsSerializer(source="rows", many=True)


class ConsentChangeSerializer(StrictSerializer):
    purpose = serializers.CharField(max_length=40, help_text=_("The purpose's key, e.g. newsletter."))
    channel = serializers.CharField(max_length=40, help_text=_("The channel's key, e.g. email."))
    granted = serializers.BooleanField(help_text=_("true to allow, false to withdraw."))
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_("The text version the person saw; if it changed since, the change is refused (409)."),
    )


class ConsentChangesSerializer(StrictSerializer):
    changes = serializers.ListField(child=ConsentChangeSerializer(), min_length=1, max_length=200)


class TextVersionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    version = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()


class ConsentRecordSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    purpose = serializers.CharField(source="purpose.key")
    channel = serializers.CharField(source="channel.key")
    text_version = TextVersionSerializer(source="purpose_version")

    class Meta:
        model = ConsentRecord
        fields = ["id", "purpose", "channel", "state", "source", "created_at", "text_version"]


class ConsentChangeResultSerializer(serializers.Serializer):  # type: ignore[type-arg]
    recorded = ConsentRecordSerializer(
        many=True,
        help_text=_("The changes that changed something (pending: a confirmation link was mailed)."),
    )


class NotificationSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Notification
        fields = ["id", "title", "body", "url", "created_at", "read_at"]


class MarkReadSerializer(StrictSerializer):
    """No fields: the body is empty or ``{}``."""


class MarkedReadSerializer(serializers.Serializer):  # type: ignore[type-arg]
    marked = serializers.IntegerField(help_text=_("How many notifications were unread."))
