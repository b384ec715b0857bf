"""Where an event or a ledger entry came from: ``app_label.model_name:pk``, derived from the
record it is about and read back in one place (the admin page it links to)."""

from __future__ import annotations

from django.apps import apps
from django.db.models import Model
from django.urls import NoReverseMatch, reverse

# Sources written before they were derived from the model, spelled differently.
_RENAMED = {"feedback.nps": "feedback.npssurvey"}


def source_of(about: Model | type[Model], pk: object = None) -> str:
    """The source naming ``about`` (a record, or a model and the ``pk`` of one of its rows)."""
    return f"{about._meta.label_lower}:{about.pk if pk is None and isinstance(about, Model) else pk}"


def source_label(source: str) -> str:
    """The model a source names, as ``app_label.model_name`` ("" if it names none)."""
    label, _, pk = source.partition(":")
    label = _RENAMED.get(label, label)
    return label if "." in label and pk.isdigit() else ""


def source_admin_url(source: str) -> str | None:
    """The admin page of the record a source names, if it has one."""
    label = source_label(source)
    if not label:
        return None
    app_label, _, model_name = label.partition(".")
    try:
        apps.get_model(app_label, model_name)
        return reverse(f"admin:{app_label}_{model_name}_change", args=[source.partition(":")[2]])
    except (LookupError, NoReverseMatch):
        return None
