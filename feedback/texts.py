"""What customers and agents write: never empty, never longer than 10,000 characters.

Texts are stored exactly as written (minus surrounding blank lines) and
escaped wherever they are shown; mails are plain text.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from feedback.models import TEXT_MAX
from feedback.refusals import FeedbackRefused


def text_clean(text: str, *, limit: int = TEXT_MAX) -> str:
    """Return the text to store, or raise :class:`FeedbackRefused` with a readable reason."""
    if "\x00" in text:
        raise FeedbackRefused(_("The text contains a character that cannot be saved."), code="null_character")
    cleaned = text.strip("\r\n").rstrip()
    if not cleaned.strip():
        raise FeedbackRefused(_("Please write something: the text is empty."), code="empty")
    if len(cleaned) > limit:
        raise FeedbackRefused(
            _("The text is too long: at most %(limit)s characters, yours has %(length)s.")
            % {"limit": f"{limit:,}", "length": f"{len(cleaned):,}"},
            code="too_long",
        )
    return cleaned


def summary_of(text: str, *, length: int = 120) -> str:
    """One line from the start of a text, for lists."""
    line = " ".join(text.split())
    return line if len(line) <= length else line[: length - 1].rstrip() + "…"
