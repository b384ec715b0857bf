"""What the integration endpoints read and write."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

from api.consent_check import Reason
from api.external_ids import CustomerRef
from api.serializers import ID_MAX, StrictSerializer


class CustomerSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField(help_text=gettext_lazy("The portal's id of the customer."))
    email = serializers.EmailField()
    full_name = serializers.CharField()
    language = serializers.CharField(help_text=gettext_lazy("de, en, or empty (not chosen)."))
    external_id = serializers.CharField(
        allow_null=True, help_text=gettext_lazy("Your system's id for this customer, if you stored one.")
    )


class CustomerRefSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """Exactly one way to name the customer: the portal's id, the email address or your external id."""

    customer = serializers.IntegerField(
        required=False, min_value=1, max_value=ID_MAX, help_text=gettext_lazy("The portal's customer id.")
    )
    email = serializers.EmailField(required=False, help_text=gettext_lazy("The customer's email address."))
    external_id = serializers.CharField(
        required=False, max_length=200, help_text=gettext_lazy("Your system's id for the customer.")
    )
    names: tuple[str, ...] = ("customer", "email", "external_id")
    # The field that "name the customer in exactly one way" is reported on; None: the whole input.
    one_of_field: str | None = None

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        given = [name for name in self.names if name in attrs]
        if len(given) != 1:
            message = _("Name the customer in exactly one way: %(names)s.") % {"names": ", ".join(self.names)}
            detail = [message] if self.one_of_field is None else {self.one_of_field: [message]}
            raise serializers.ValidationError(detail, code="one_of")
        return attrs

    @staticmethod
    def ref_of(data: dict[str, Any]) -> CustomerRef:
        return CustomerRef(
            customer_id=data.get("customer"), email=data.get("email"), external_id=data.get("external_id")
        )


class CustomerRefQuerySerializer(CustomerRefSerializer):
    """The customer named in the query string (read it with :meth:`validated`)."""

    _instance: CustomerRefQuerySerializer | None = None

    @classmethod
    def validated(cls, data: Mapping[str, Any]) -> dict[str, Any]:
        """Validate a query string as ``is_valid()`` would, without building a serializer per request.

        The lookup and the consent check are called for every mail other
        systems send; the fields of one instance per class are reused (they
        are only read while validating).
        """
        fields = cls._template().fields
        errors: dict[str, Any] = {
            name: [ErrorDetail(str(_("Unknown parameter.")), code="unknown")]
            for name in data
            if name not in fields
        }
        values: dict[str, Any] = {}
        for name, field in fields.items():
            raw = data.get(name)
            if raw is None:
                if field.required:
                    errors[name] = [ErrorDetail(str(field.error_messages["required"]), code="required")]
                continue
            try:
                values[name] = field.run_validation(raw)
            except serializers.ValidationError as invalid:
                errors[name] = invalid.detail
        if errors:
            raise serializers.ValidationError(errors)
        return cls._template().validate(values)

    @classmethod
    def _template(cls) -> CustomerRefQuerySerializer:
        template = cls.__dict__.get("_instance")
        if template is None:
            template = cls()
            template.fields  # noqa: B018  (binds the fields once)
            cls._instance = template
        return template


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
