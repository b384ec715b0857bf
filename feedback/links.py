"""Signed one-click answer links in survey mails and notices.

A link carries the survey's id (and the score its button stands for),
signed with the secret key: it works without signing in, and a changed
character makes it invalid. Whether an answer is still accepted is decided
by the survey's dates, not by the link.
"""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from customers.links import absolute

SURVEY_SALT = "feedback.survey"
NPS_SALT = "feedback.nps"


def _token(salt: str, pk: int, score: int | None) -> str:
    data: dict[str, int] = {"i": pk}
    if score is not None:
        data["s"] = score
    return signing.dumps(data, salt=salt)


def _read(salt: str, token: str) -> tuple[int, int | None]:
    data = signing.loads(token, salt=salt)
    score = data.get("s")
    return int(data["i"]), int(score) if score is not None else None


def survey_path(*, survey_id: int, score: int | None = None) -> str:
    """The survey's signed answer link inside the portal (notices, the thread page)."""
    return reverse("feedback:survey_answer", args=[_token(SURVEY_SALT, survey_id, score)])


def survey_url(*, survey_id: int, score: int | None = None) -> str:
    """The same link, absolute, for mails."""
    return absolute(survey_path(survey_id=survey_id, score=score))


def survey_token_read(token: str) -> tuple[int, int | None]:
    """Return (survey id, preselected score); raise ``signing.BadSignature`` if tampered."""
    return _read(SURVEY_SALT, token)


def nps_path(*, nps_id: int, score: int | None = None) -> str:
    """The NPS question's signed answer link inside the portal."""
    return reverse("feedback:nps_answer", args=[_token(NPS_SALT, nps_id, score)])


def nps_url(*, nps_id: int, score: int | None = None) -> str:
    """The same link, absolute, for mails."""
    return absolute(nps_path(nps_id=nps_id, score=score))


def nps_token_read(token: str) -> tuple[int, int | None]:
    """Return (NPS survey id, preselected score); raise ``signing.BadSignature`` if tampered."""
    return _read(NPS_SALT, token)
