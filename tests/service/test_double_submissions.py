"""Identical submissions at the same moment on PostgreSQL: one record, whichever request wins."""

import importlib

import pytest
from django.apps import apps
from django.db import connection

from feedback.ideas import idea_comment
from feedback.models import IdeaComment, Kind, Message, Thread
from feedback.threads import message_post, thread_submit
from tests.factories import customer
from tests.feedback.factories import published_idea, topic
from tests.service.conftest import in_parallel

pytestmark = [pytest.mark.service, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _feedback_world() -> None:
    """Topics and settings as the migration seeds them (transactional tests empty the tables)."""
    importlib.import_module("feedback.migrations.0002_defaults_roles_schedules").seed(apps, None)


def test_the_same_feedback_sent_at_once_from_four_tabs_makes_one_thread() -> None:
    assert connection.vendor == "postgresql"
    alice, orders = customer(), topic()

    def send(_: int) -> None:
        thread_submit(customer=alice, kind=Kind.COMPLAINT, topic=orders, text="Broken on arrival.")

    errors = in_parallel(4, send)

    assert not errors
    assert Thread.objects.filter(customer=alice).count() == 1


def test_the_same_reply_and_comment_sent_at_once_are_one_each() -> None:
    alice = customer()
    given = thread_submit(customer=alice, kind=Kind.QUESTION, topic=topic(), text="Where is it?")
    idea = published_idea(customer())

    def send(worker: int) -> None:
        if worker % 2:
            message_post(thread=given, author=alice, text="Any news?")
        else:
            idea_comment(idea_id=idea.pk, author=alice, text="Me too")

    errors = in_parallel(6, send)

    assert not errors
    assert Message.objects.filter(thread=given, text="Any news?").count() == 1
    assert IdeaComment.objects.filter(idea=idea, author=alice).count() == 1
