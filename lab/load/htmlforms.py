"""What a browser would submit: read a page's forms (inputs, checkboxes, selects, textareas).

The load generator uses it to fill the privacy center and the admin's thread
form as a person would, without knowing every field in advance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    action: str
    method: str
    # Every successful control's name and value, in document order (a browser's form data set).
    fields: list[tuple[str, str]] = field(default_factory=list)
    # Checkboxes that can be changed: name -> ticked now.
    checkboxes: dict[str, bool] = field(default_factory=dict)
    buttons: list[tuple[str, str]] = field(default_factory=list)
    # Radio groups: name -> every value offered.
    radios: dict[str, list[str]] = field(default_factory=dict)

    def values(self) -> dict[str, str]:
        return dict(self.fields)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._option_value: str | None = None
        self._option_selected = False
        self._option_text = ""
        self._textarea: str | None = None
        self._textarea_text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        present = {key for key, _value in attrs}
        if tag == "form":
            self.forms.append(
                Form(action=attributes.get("action", ""), method=attributes.get("method", "get").lower())
            )
            return
        if not self.forms:
            return
        form = self.forms[-1]
        name = attributes.get("name")
        if tag == "input" and name and "disabled" not in present:
            kind = attributes.get("type", "text").lower()
            if kind in {"checkbox", "radio"}:
                if kind == "checkbox":
                    form.checkboxes[name] = "checked" in present
                else:
                    form.radios.setdefault(name, []).append(attributes.get("value", "on"))
                if "checked" in present:
                    form.fields.append((name, attributes.get("value", "on")))
            elif kind in {"submit", "button", "image"}:
                form.buttons.append((name, attributes.get("value", "")))
            elif kind not in {"file", "reset"}:
                form.fields.append((name, attributes.get("value", "")))
        elif tag == "button" and name:
            form.buttons.append((name, attributes.get("value", "")))
        elif tag == "select" and name and "disabled" not in present:
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select is not None:
            self._option_value = attributes.get("value")
            self._option_selected = "selected" in present
            self._option_text = ""
        elif tag == "textarea" and name and "disabled" not in present:
            self._textarea, self._textarea_text = name, ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea_text += data
        elif self._option_value is None and self._select is not None:
            self._option_text += data

    def handle_endtag(self, tag: str) -> None:
        if not self.forms:
            return
        form = self.forms[-1]
        if tag == "option" and self._select is not None:
            value = self._option_value if self._option_value is not None else self._option_text.strip()
            if self._select_first is None:
                self._select_first = value
            if self._option_selected and not self._select_chosen:
                form.fields.append((self._select, value))
                self._select_chosen = True
            self._option_value = None
        elif tag == "select" and self._select is not None:
            if not self._select_chosen and self._select_first is not None:
                form.fields.append((self._select, self._select_first))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            form.fields.append((self._textarea, self._textarea_text.removeprefix("\n")))
            self._textarea = None


def forms_of(html: str) -> list[Form]:
    """Every form of the page, with what submitting it unchanged would send."""
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def form_with(html: str, *, action: str = "", field_name: str = "") -> Form | None:
    """The first form whose action ends with ``action`` and that has a control named ``field_name``."""
    for form in forms_of(html):
        names = {name for name, _value in form.fields} | set(form.checkboxes)
        if form.action.endswith(action) and (not field_name or field_name in names):
            return form
    return None
