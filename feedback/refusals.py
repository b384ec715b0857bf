"""Why a feedback action was refused: a message for the person, and the HTTP status it means."""

from __future__ import annotations

from http import HTTPStatus


class FeedbackRefused(Exception):
    """An action that cannot be done as asked; nothing was written."""

    status = HTTPStatus.BAD_REQUEST

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class NotAllowed(FeedbackRefused):
    """The person may not do this to this object."""

    status = HTTPStatus.FORBIDDEN


class Conflict(FeedbackRefused):
    """The object's state does not allow it (already voted, thread closed...)."""

    status = HTTPStatus.CONFLICT


class Expired(FeedbackRefused):
    """The time for it is over (reopen window, survey answer window)."""

    status = HTTPStatus.GONE


class Flooded(FeedbackRefused):
    """Too many in a short time."""

    status = HTTPStatus.TOO_MANY_REQUESTS


class Missing(FeedbackRefused):
    """There is no such thing (or not for this person)."""

    status = HTTPStatus.NOT_FOUND
