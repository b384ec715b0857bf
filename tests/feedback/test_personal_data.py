"""The feedback channel's personal data: counted, exported, and erased down to anonymous statistics."""

import json
from pathlib import Path

import pytest
from django.db import transaction
from pytest_django import DjangoCaptureOnCommitCallbacks

from customers.models import User
from feedback.ideas import idea_comment, idea_suggest, idea_vote
from feedback.models import Attachment, Idea, IdeaComment, IdeaVote, Message, NpsSurvey, Survey, Thread
from feedback.surveys import survey_answer, survey_send
from feedback.threads import message_post, thread_resolve
from plumbing.personal_data_registry import PersonalDataSource, personal_data_sources
from tests.factories import agent, customer
from tests.feedback.factories import grant_surveys, png, published_idea, thread

pytestmark = pytest.mark.django_db

KEYS = ["feedback_conversations", "feedback_surveys", "feedback_ideas"]


def _sources() -> dict[str, PersonalDataSource]:
    return {source.key: source for source in personal_data_sources() if source.key in KEYS}


def _everything(alice: User) -> tuple[Thread, Idea]:
    grant_surveys(alice)
    given = thread(alice, text="Anna Beispiel, Musterweg 1: parcel lost", rating=2, files=[png()])
    message_post(thread=given, author=agent(), text="Dear Anna, sorry!")
    message_post(thread=given, author=agent(), text="She called", internal=True)
    thread_resolve(thread=given, actor=alice)
    survey_send(survey_id=Survey.objects.get(thread=given).pk)
    survey_answer(survey_id=Survey.objects.get(thread=given).pk, score=4, solved=True)
    NpsSurvey.objects.create(customer=alice, score=9)
    theirs = published_idea(customer(), title="Someone's idea")
    idea_vote(idea_id=theirs.pk, customer=alice, vote=True)
    idea_comment(idea_id=theirs.pk, author=alice, text="Me too, I live in Musterweg")
    published_idea(alice, title="My public idea")
    idea_suggest(author=alice, title="My draft", description="private")
    return given, theirs


def test_every_kind_of_feedback_data_is_registered_and_counted() -> None:
    alice = customer()
    _everything(alice)

    counts = {key: source.count(alice) for key, source in _sources().items()}

    assert counts == {"feedback_conversations": 1, "feedback_surveys": 2, "feedback_ideas": 4}


def test_the_export_holds_the_customers_own_words_but_no_internal_note() -> None:
    alice = customer()
    _everything(alice)

    exported = json.dumps({key: source.export(alice) for key, source in _sources().items()})

    assert "Musterweg 1" in exported
    assert "Dear Anna" in exported
    assert "She called" not in exported
    assert "My draft" in exported
    assert '"score": 4' in exported


def test_erasure_keeps_anonymous_statistics_and_nothing_that_points_to_the_person(
    media: Path, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    alice, bystander = customer(), customer()
    given, theirs = _everything(alice)
    idea_vote(idea_id=theirs.pk, customer=bystander, vote=True)

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for source in _sources().values():
            source.erase(alice)
    assert not Thread.objects.filter(resolved_by=alice).exists()  # nothing left for the user's deletion
    with transaction.atomic():
        alice.delete()

    given.refresh_from_db()
    assert (given.customer, given.summary, given.kind, given.rating) == (None, "", "complaint", 2)
    assert given.resolved_by is None
    assert set(Message.objects.filter(thread=given).values_list("text", flat=True)) == {""}
    assert not Attachment.objects.exists()
    assert [path for path in media.rglob("*") if path.is_file()] == []
    survey = Survey.objects.get(thread=given)
    assert (survey.customer, survey.score, survey.solved) == (None, 4, True)
    assert NpsSurvey.objects.get().customer is None
    theirs.refresh_from_db()
    assert theirs.votes_count == 1
    assert list(IdeaVote.objects.values_list("customer_id", flat=True)) == [bystander.pk]
    assert not IdeaComment.objects.exists()
    assert not Idea.objects.filter(title="My draft").exists()
    assert Idea.objects.get(title="My public idea").author is None
