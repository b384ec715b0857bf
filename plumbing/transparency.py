"""The public transparency report: each app adds its own section.

An app registers a section in its ``AppConfig.ready()``; the report page in
``portal`` renders every section in order, so the report grows with the apps
without any of them importing another.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Section:
    order: int
    template: str
    context: Callable[[], dict[str, Any]]


_sections: dict[str, Section] = {}


def transparency_section_register(
    *, name: str, order: int, template: str, context: Callable[[], dict[str, Any]]
) -> None:
    """Add (or replace) the report section ``name``."""
    _sections[name] = Section(order, template, context)


def transparency_sections() -> list[Section]:
    """The registered sections, in order."""
    return sorted(_sections.values(), key=lambda section: section.order)
