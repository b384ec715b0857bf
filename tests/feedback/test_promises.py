"""Response promises: the periodic check records broken ones, once, with their event."""

from datetime import timedelta

import pytest

from feedback.models import Thread
from feedback.promises import promises_check
from feedback.threads import message_post, thread_resolve
from plumbing.events import EventName
from plumbing.models import Event, Job
from tests.factories import agent, customer
from tests.feedback.factories import MONDAY, thread

pytestmark = pytest.mark.django_db


def test_an_unanswered_thread_past_its_due_time_is_broken_once() -> None:
    late = thread(customer(), now=MONDAY)  # due by the end of Tuesday
    on_time = thread(customer(), now=MONDAY + timedelta(days=2))
    after_due = late.due_at + timedelta(seconds=1)

    assert promises_check(now=after_due) == 1
    assert promises_check(now=after_due) == 0

    late.refresh_from_db()
    on_time.refresh_from_db()
    assert (late.promise, late.promise_settled_at) == (Thread.Promise.BROKEN, late.due_at)
    assert on_time.promise == Thread.Promise.OPEN
    [event] = Event.objects.filter(name=EventName.PROMISE_BROKEN)
    assert event.key == f"feedback.thread:{late.pk}:promise_broken"
    assert event.occurred_at == late.due_at


def test_nothing_is_broken_before_the_due_time_or_after_an_answer_or_without_a_promise() -> None:
    answered = thread(customer(), now=MONDAY)
    message_post(thread=answered, author=agent(), text="Hi", now=MONDAY)
    alice = customer()
    self_resolved = thread(alice, now=MONDAY)
    thread_resolve(thread=self_resolved, actor=alice, now=MONDAY)
    pending = thread(customer(), now=MONDAY)

    assert promises_check(now=pending.due_at) == 0
    assert promises_check(now=MONDAY + timedelta(days=10)) == 1


def test_a_late_reply_after_the_check_does_not_announce_the_promise_again() -> None:
    late = thread(customer(), now=MONDAY)
    promises_check(now=MONDAY + timedelta(days=3))

    message_post(thread=late, author=agent(), text="Sorry!", now=MONDAY + timedelta(days=4))

    assert Event.objects.filter(name=EventName.PROMISE_BROKEN).count() == 1
    assert not Event.objects.filter(name=EventName.PROMISE_KEPT).exists()
    late.refresh_from_db()
    assert late.first_reply_at is not None


def test_the_promises_one_run_breaks_are_announced_together_each_with_its_thread_and_due_time() -> None:
    late = [thread(customer(), now=MONDAY + timedelta(days=days)) for days in (0, 0, 1)]
    jobs_before = Job.objects.count()

    assert promises_check(now=MONDAY + timedelta(days=7)) == 3

    assert list(Job.objects.order_by("pk")[jobs_before:].values_list("task", flat=True)) == [
        "portal.dispatch_events"
    ]
    assert sorted(
        Event.objects.filter(name=EventName.PROMISE_BROKEN).values_list("source", "occurred_at")
    ) == [(f"feedback.thread:{t.pk}", t.due_at) for t in late]
