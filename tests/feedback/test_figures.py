"""Public figures for the transparency report: promises kept per month, average satisfaction."""

from datetime import datetime, timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from feedback.figures import promise_figures, satisfaction_figure, transparency_context
from feedback.models import Survey, SurveyState, Thread
from plumbing.transparency import transparency_sections
from tests.factories import customer
from tests.feedback.factories import BERLIN, thread

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=BERLIN)


def _settled(promise: str, at: datetime) -> Thread:
    given = thread(customer())
    Thread.objects.filter(pk=given.pk).update(promise=promise, promise_settled_at=at)
    return given


def _answered(score: int, solved: bool) -> None:
    given = thread(customer())
    Survey.objects.create(
        thread=given,
        state=SurveyState.SENT,
        sent_at=NOW,
        score=score,
        solved=solved,
        answered_at=NOW - timedelta(days=1),
    )


def test_promises_kept_are_counted_per_month_of_settlement() -> None:
    _settled(Thread.Promise.KEPT, datetime(2026, 10, 5, tzinfo=BERLIN))
    _settled(Thread.Promise.BROKEN, datetime(2026, 10, 31, 23, 30, tzinfo=BERLIN))
    _settled(Thread.Promise.KEPT, datetime(2026, 11, 2, tzinfo=BERLIN))
    _settled(Thread.Promise.KEPT, datetime(2025, 1, 2, tzinfo=BERLIN))  # older than 12 months
    thread(customer())  # still open: not counted

    figures = promise_figures(now=NOW)

    assert [(f.month.isoformat(), f.kept, f.total, f.share_kept) for f in figures] == [
        ("2026-10-01", 1, 2, 50),
        ("2026-11-01", 1, 1, 100),
    ]


def test_average_satisfaction_and_share_solved() -> None:
    _answered(5, True)
    _answered(4, True)
    _answered(2, False)

    figure = satisfaction_figure(now=NOW)

    assert (figure.answers, figure.average, figure.share_solved) == (3, 3.67, 67)


def test_the_section_is_registered_and_renders_in_both_languages() -> None:
    _settled(Thread.Promise.KEPT, NOW - timedelta(days=3))
    _answered(5, True)
    [section] = [s for s in transparency_sections() if s.template == "feedback/transparency_section.html"]

    english = render_to_string(section.template, section.context())
    with translation.override("de"):
        german = render_to_string(section.template, transparency_context())

    assert "100 %" in english
    assert "5.0 of 5" in english
    assert "von 5" in german
