"""Staff-edited texts kept in both languages, shown in the active one."""

from __future__ import annotations

from django.utils import translation


def localized(obj: object, field: str) -> str:
    """Return ``obj.<field>_de`` when German is active, else ``obj.<field>_en``.

    An empty German text falls back to the English one, so a half-translated
    record still shows something sensible.
    """
    language = (translation.get_language() or "en")[:2]
    value = getattr(obj, f"{field}_{language}", "") if language == "de" else ""
    return str(value or getattr(obj, f"{field}_en"))
