"""What the integration endpoints read and write."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

from portal.api.consent_check import Reason
from portal.api.external_ids import CustomerRef
from portal.api.serializers import StrictSerializer


class CustomerSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField(help_text=gettext_lazy("The portal's id of the customer."))
    email = serializers.EmailField()
    full_name = serializers.CharField()
    language = serializers.CharField(help_text=gettext_lazy("de, en, or empty (not chosen)."))
    external_id = serializers.CharField(
        allow_null=True, help_text=gettext_lazy("Your system's id for this customer, if you stored one.")
    )


class CustomerRefQuerySerializer(StrictSerializer):
    """Exactly one way to name the customer, in the query string."""

    customer = serializers.IntegerField(
        required=False, min_value=1, help_text=gettext_lazy("The portal's customer id.")
    )
    email = serializers.EmailField(required=False, help_text=gettext_lazy("The customer's email address."))
    external_id = serializers.CharField(
        required=False, max_length=200, help_text=gettext_lazy("Your system's id for the customer.")
    )
    names: tuple[str, ...] = ("customer", "email", "external_id")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        given = [name for name in self.names if name in attrs]
        if len(given) != 1:
            raise serializers.ValidationError(
                _("Name the customer in exactly one way: %(names)s.") % {"names": ", ".join(self.names)},
                code="one_of",
            )
        return attrs

    def ref(self) -> CustomerRef:
        data = self.validated_data
        return CustomerRef(
            customer_id=data.get("customer"), email=data.get("email"), external_id=data.get("external_id")
        )

    def to_internal_value(self, data: Any) -> Any:
        # Query strings are text: the strict JSON type check does not apply, unknown names still do.
        return serializers.Serializer.to_internal_value(self, self._known(data))

    def _known(self, data: Any) -> dict[str, Any]:
        unknown = [name for name in data if name not in self.fields]
        if unknown:
            raise serializers.ValidationError(
                {name: [ErrorDetail(_("Unknown parameter."), code="unknown")] for name in unknown}
            )
        return {name: data.get(name) for name in data}


class LookupQuerySerializer(CustomerRefQuerySerializer):
    names = ("email", "external_id")
    customer = None  # type: ignore[assignment]


class ConsentCheckQuerySerializer(CustomerRefQuerySerializer):
    purpose = serializers.CharField(
        max_length=40, help_text=gettext_lazy("The purpose's key, e.g. newsletter.")
    )
    channel = serializers.CharField(max_length=40, help_text=gettext_lazy("The channel's key, e.g. email."))


class ConsentAnswerSerializer(serializers.Serializer):  # type: ignore[type-arg]
    allowed = serializers.BooleanField(help_text=gettext_lazy("true: you may contact the customer so now."))
    reason = serializers.ChoiceField(choices=Reason.choices)


class ExternalIdSerializer(StrictSerializer):
    value = serializers.CharField(
        max_length=200, help_text=gettext_lazy("Your system's id for the customer.")
    )


class ExternalIdResultSerializer(serializers.Serializer):  # type: ignore[type-arg]
    customer = serializers.IntegerField()
    value = serializers.CharField()
    updated_at = serializers.DateTimeField()
