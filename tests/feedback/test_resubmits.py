"""One submission, one record: a double click, a browser retry or a second tab writes once."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from feedback.ideas import idea_comment, idea_suggest
from feedback.models import FeedbackSettings, Idea, IdeaComment, Kind, Message, Thread
from feedback.resubmits import RESUBMIT_WINDOW
from feedback.threads import message_post
from plumbing.events import EventName
from plumbing.models import Event
from tests.factories import customer
from tests.feedback.factories import published_idea, thread, topic

pytestmark = pytest.mark.django_db


def _form() -> dict[str, object]:
    return {"kind": Kind.COMPLAINT, "topic": topic().pk, "text": "The parcel came open.", "rating": ""}


def test_the_same_feedback_posted_three_times_makes_one_thread_and_one_redirect(client: Client) -> None:
    alice = customer()
    client.force_login(alice)

    answers = [client.post("/feedback/new/", _form()) for _ in range(3)]

    assert {answer.status_code for answer in answers} == {302}
    assert len({answer["Location"] for answer in answers}) == 1
    assert Thread.objects.filter(customer=alice).count() == 1
    assert Event.objects.filter(name=EventName.FEEDBACK_RECEIVED).count() == 1


def test_a_repeat_does_not_count_against_the_flood_limit() -> None:
    FeedbackSettings.objects.update(threads_per_hour=2)
    alice = customer()

    for _ in range(5):
        thread(alice, text="Same words, sent again.")
    thread(alice, text="Something else.")

    assert Thread.objects.filter(customer=alice).count() == 2


def test_the_same_words_after_the_window_are_a_new_thread() -> None:
    alice = customer()
    first = thread(alice, text="Still no parcel.")

    again = thread(
        alice, text="Still no parcel.", now=timezone.now() + RESUBMIT_WINDOW + timedelta(seconds=1)
    )

    assert again.pk != first.pk


def test_the_same_words_on_another_topic_or_kind_are_another_thread() -> None:
    alice = customer()

    one = thread(alice, text="Hello", kind=Kind.QUESTION)
    other = thread(alice, text="Hello", kind=Kind.PRAISE)

    assert one.pk != other.pk


def test_a_reply_sent_twice_is_one_message() -> None:
    alice = customer()
    given = thread(alice)

    first = message_post(thread=given, author=alice, text="Any news?")
    second = message_post(thread=given, author=alice, text="Any news?")

    assert first.pk == second.pk
    assert Message.objects.filter(thread=given).count() == 2  # the feedback and one reply


def test_an_idea_and_a_comment_sent_twice_are_one_each() -> None:
    alice, bob = customer(), customer()
    idea = published_idea(bob)

    ideas = {
        idea_suggest(author=alice, title="Night delivery", description="After 8 pm.").pk for _ in range(2)
    }
    comments = {idea_comment(idea_id=idea.pk, author=alice, text="Yes please").pk for _ in range(2)}

    assert len(ideas) == 1
    assert len(comments) == 1
    assert Idea.objects.filter(author=alice).count() == 1
    assert IdeaComment.objects.filter(author=alice).count() == 1
