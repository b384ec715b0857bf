"""Strict serializers: unknown fields and wrong JSON types are errors, not silently dropped or coerced.

DRF ignores fields it does not know and turns ``5`` into ``"5"`` or ``"yes"``
into ``True``. A client with a typo would never learn that its field was
ignored, so every API serializer derives from :class:`StrictSerializer` or
:class:`StrictModelSerializer`, which refuse both with a per-field error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.relations import ManyRelatedField, PrimaryKeyRelatedField

# The largest id a BigAutoField holds: a larger one would make the database refuse the query (a 500).
ID_MAX = 2**63 - 1

_EXPECTED: list[tuple[type[serializers.Field[Any, Any, Any, Any]], tuple[type, ...], Any]] = [
    (serializers.BooleanField, (bool,), _("Expected true or false.")),
    (serializers.IntegerField, (int,), _("Expected an integer.")),
    (serializers.FloatField, (int, float), _("Expected a number.")),
    (serializers.MultipleChoiceField, (list,), _("Expected a list.")),
    (serializers.ChoiceField, (str,), _("Expected a string.")),
    (serializers.CharField, (str,), _("Expected a string.")),
    (serializers.DateTimeField, (str,), _("Expected a date and time as a string.")),
    (serializers.DateField, (str,), _("Expected a date as a string.")),
    (serializers.ListField, (list,), _("Expected a list.")),
    (serializers.ListSerializer, (list,), _("Expected a list.")),
    (ManyRelatedField, (list,), _("Expected a list.")),
    (serializers.DictField, (dict,), _("Expected an object.")),
    (serializers.Serializer, (dict,), _("Expected an object.")),
    (PrimaryKeyRelatedField, (int,), _("Expected an integer.")),
]


def _type_error(field: serializers.Field[Any, Any, Any, Any], value: Any) -> str | None:
    if value is None:
        return None  # the field itself says whether null is allowed
    for field_class, types, message in _EXPECTED:
        if isinstance(field, field_class):
            if isinstance(value, bool) and bool not in types:
                return str(message)
            return None if isinstance(value, types) else str(message)
    return None


class StrictSerializerMixin:
    """Refuse unknown and read-only fields and values of the wrong JSON type, field by field."""

    fields: Any

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return super().to_internal_value(data)  # type: ignore[misc]
        errors: dict[str, Any] = {}
        writable = {name: field for name, field in self.fields.items() if not field.read_only}
        for name, value in data.items():
            field = writable.get(name)
            if field is None:
                readonly = name in self.fields
                errors[name] = [
                    ErrorDetail(str(_("This field is read-only.")), code="read_only")
                    if readonly
                    else ErrorDetail(str(_("Unknown field.")), code="unknown")
                ]
                continue
            problem = _type_error(field, value)
            if problem is not None:
                errors[name] = [ErrorDetail(problem, code="wrong_type")]
        try:
            # The known fields of the right type are still checked, so one answer lists every mistake.
            value = super().to_internal_value({k: v for k, v in data.items() if k not in errors})  # type: ignore[misc]
        except serializers.ValidationError as invalid:
            if not isinstance(invalid.detail, dict):
                raise
            errors = {**invalid.detail, **errors}
        if errors:
            raise serializers.ValidationError(errors)
        return value


class StrictSerializer(StrictSerializerMixin, serializers.Serializer):  # type: ignore[type-arg]
    """A plain serializer that refuses unknown fields and wrong types."""


class StrictModelSerializer(StrictSerializerMixin, serializers.ModelSerializer):  # type: ignore[type-arg]
    """A model serializer that refuses unknown fields and wrong types."""
