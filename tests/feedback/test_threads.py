"""Threads: giving feedback, replies from both sides, resolving and reopening, with their events."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from pytest_django import DjangoCaptureOnCommitCallbacks

from customers.models import Notification
from feedback.models import Attachment, Kind, Message, Survey, Thread
from feedback.refusals import Conflict, Expired, FeedbackRefused, Flooded, NotAllowed
from feedback.threads import message_post, thread_assign, thread_reopen, thread_resolve, thread_status_set
from plumbing.events import EventName
from plumbing.models import Event, Job
from tests.factories import agent, customer, privacy_officer
from tests.feedback.factories import BERLIN, MONDAY, disguised, pdf, png, settings_reads, thread, topic

pytestmark = pytest.mark.django_db


def _events(name: str) -> list[Event]:
    return list(Event.objects.filter(name=name).order_by("pk"))


def test_feedback_is_recorded_with_its_promise_and_announced_with_kind_and_rating() -> None:
    alice = customer()

    given = thread(alice, kind=Kind.QUESTION, rating=4, now=MONDAY)

    assert given.status == Thread.Status.RECEIVED
    assert given.promise == Thread.Promise.OPEN
    assert given.promise_days == 2  # questions on "orders": 2 business days
    assert given.due_at.astimezone(BERLIN).date() == date(2026, 11, 25)
    [event] = _events(EventName.FEEDBACK_RECEIVED)
    assert event.customer_id == alice.pk
    assert event.payload == {"thread_id": given.pk, "kind": "question", "rating": 4}
    assert [m.text for m in given.messages.all()] == ["My parcel did not arrive."]


def test_a_topic_without_its_own_promise_uses_the_default_setting() -> None:
    other = topic("other")
    other.promises.all().delete()

    given = thread(customer(), topic=other, now=MONDAY)

    assert given.promise_days == 2


def test_giving_feedback_reads_the_staff_settings_once_for_the_flood_limit_and_the_promise() -> None:
    other = topic("other")
    other.promises.all().delete()

    with settings_reads() as reads:
        thread(customer(), topic=other, now=MONDAY)

    assert reads() == 1


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"text": ""}, "empty"),
        ({"text": " \n\t "}, "empty"),
        ({"text": "x" * 10_001}, "too_long"),
        ({"text": "nul\x00byte"}, "null_character"),
        ({"rating": 0}, "rating"),
        ({"rating": 6}, "rating"),
        ({"kind": "rant"}, "kind"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(fields: dict[str, object], code: str) -> None:
    with pytest.raises(FeedbackRefused) as refusal:
        thread(customer(), **fields)  # type: ignore[arg-type]

    assert refusal.value.code == code
    assert not Thread.objects.exists()
    assert not Event.objects.exists()


def test_exactly_ten_thousand_characters_are_accepted() -> None:
    assert thread(customer(), text="x" * 10_000).messages.get().text == "x" * 10_000


def test_an_inactive_topic_is_refused() -> None:
    closed = topic("billing")
    closed.active = False
    closed.save()

    with pytest.raises(FeedbackRefused):
        thread(customer(), topic=closed)


def test_the_eleventh_thread_within_an_hour_is_refused_as_flooding() -> None:
    alice = customer()
    for number in range(10):
        thread(alice, text=f"Message {number}", now=MONDAY + timedelta(minutes=number))

    with pytest.raises(Flooded):
        thread(alice, now=MONDAY + timedelta(minutes=30))

    assert Thread.objects.count() == 10
    # An hour later it is accepted again; another customer was never limited.
    thread(alice, now=MONDAY + timedelta(minutes=61))
    thread(customer(), now=MONDAY + timedelta(minutes=30))


def test_images_and_pdfs_are_stored_under_random_names_with_their_real_type() -> None:
    given = thread(customer(), files=[png("holiday photo.png"), pdf()])

    attachments = list(Attachment.objects.filter(message__thread=given).order_by("pk"))
    assert [(a.name, a.content_type) for a in attachments] == [
        ("holiday photo.png", "image/png"),
        ("invoice.pdf", "application/pdf"),
    ]
    assert all("holiday" not in (a.file.name or "") for a in attachments)
    assert attachments[0].file.name.endswith(".png")
    assert all(default_storage.exists(a.file.name) for a in attachments)


def test_a_disguised_file_refuses_the_whole_message_and_keeps_no_file(media: Path) -> None:
    with pytest.raises(FeedbackRefused, match="only images"):
        thread(customer(), files=[png(), disguised("cat.png")])

    assert not Thread.objects.exists()
    assert [path for path in media.rglob("*") if path.is_file()] == []


def test_a_message_refused_after_its_files_were_stored_removes_them(media: Path) -> None:
    alice = customer()
    given = thread(alice)
    thread_resolve(thread=given, actor=alice)

    with pytest.raises(Conflict):
        message_post(thread=given, author=alice, text="Look", files=[png()])

    assert [path for path in media.rglob("*") if path.is_file()] == []


def test_a_customer_reply_goes_into_the_thread_and_an_answered_thread_is_back_in_progress() -> None:
    alice = customer()
    given = thread(alice)
    message_post(thread=given, author=agent(), text="We are on it.")

    message_post(thread=given, author=alice, text="Any news?")

    given.refresh_from_db()
    assert given.status == Thread.Status.IN_PROGRESS
    assert [m.text for m in given.messages.order_by("pk")] == [
        "My parcel did not arrive.",
        "We are on it.",
        "Any news?",
    ]


def test_another_customer_cannot_write_in_a_thread() -> None:
    given = thread(customer())

    with pytest.raises(NotAllowed):
        message_post(thread=given, author=customer(), text="Let me in")
    with pytest.raises(NotAllowed):
        thread_resolve(thread=given, actor=customer())


def test_staff_without_the_feedback_permission_cannot_reply() -> None:
    given = thread(customer())

    with pytest.raises(NotAllowed):
        message_post(thread=given, author=privacy_officer(), text="Hello")


def test_only_agents_write_internal_notes_and_a_note_changes_nothing_for_the_customer() -> None:
    alice = customer()
    given = thread(alice)

    with pytest.raises(NotAllowed):
        message_post(thread=given, author=alice, text="secret", internal=True)
    message_post(thread=given, author=agent(), text="Customer called twice", internal=True)

    given.refresh_from_db()
    assert given.status == Thread.Status.RECEIVED
    assert given.first_reply_at is None
    assert not Job.objects.filter(task="feedback.notify_reply").exists()


def test_the_first_agent_reply_answers_assigns_settles_the_promise_and_notifies(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    alice, bob_the_agent = customer(), agent()
    given = thread(alice, now=MONDAY)

    with django_capture_on_commit_callbacks(execute=True):
        message_post(
            thread=given,
            author=bob_the_agent,
            text="Your parcel arrives tomorrow.",
            now=MONDAY + timedelta(hours=3),
        )

    given.refresh_from_db()
    assert given.status == Thread.Status.ANSWERED
    assert given.assigned_to == bob_the_agent
    assert given.promise == Thread.Promise.KEPT
    assert [e.name for e in Event.objects.order_by("pk")] == [
        EventName.FEEDBACK_RECEIVED,
        EventName.FEEDBACK_FIRST_REPLY,
        EventName.PROMISE_KEPT,
    ]
    [message] = mail.outbox
    assert message.to == [alice.email]
    assert "Your parcel arrives tomorrow." in message.body
    assert Notification.objects.get(customer=alice).url == f"/feedback/{given.pk}/"


def test_a_late_first_reply_records_the_promise_as_broken() -> None:
    given = thread(customer(), now=MONDAY)  # complaint: due by the end of Tuesday

    message_post(thread=given, author=agent(), text="Sorry for the wait.", now=MONDAY + timedelta(days=3))

    given.refresh_from_db()
    assert given.promise == Thread.Promise.BROKEN
    assert given.promise_settled_at == given.due_at
    assert _events(EventName.PROMISE_BROKEN)[0].payload["thread_id"] == given.pk
    assert not _events(EventName.PROMISE_KEPT)


def test_a_second_agent_reply_is_not_a_first_reply_again() -> None:
    given = thread(customer())
    helper = agent()

    message_post(thread=given, author=helper, text="One")
    message_post(thread=given, author=helper, text="Two")

    assert len(_events(EventName.FEEDBACK_FIRST_REPLY)) == 1
    assert Job.objects.filter(task="feedback.notify_reply").count() == 2


def test_the_customer_resolves_and_a_survey_is_scheduled_once() -> None:
    alice = customer()
    given = thread(alice, now=MONDAY)
    message_post(thread=given, author=agent(), text="Done.", now=MONDAY)

    thread_resolve(thread=given, actor=alice, now=MONDAY + timedelta(hours=1))

    given.refresh_from_db()
    assert (given.status, given.resolved_by, given.times_resolved) == (Thread.Status.RESOLVED, alice, 1)
    [event] = _events(EventName.FEEDBACK_RESOLVED)
    assert event.key == f"feedback.thread:{given.pk}:resolved:1"
    assert Survey.objects.filter(thread=given).count() == 1
    with pytest.raises(Conflict):
        thread_resolve(thread=given, actor=alice)


def test_resolving_before_any_answer_means_no_promise_is_owed() -> None:
    alice = customer()
    given = thread(alice)

    thread_resolve(thread=given, actor=alice)

    given.refresh_from_db()
    assert given.promise == Thread.Promise.VOID


def test_reopening_within_thirty_days_works_and_is_announced_each_time() -> None:
    alice = customer()
    given = thread(alice, now=MONDAY)
    thread_resolve(thread=given, actor=alice, now=MONDAY)

    thread_reopen(thread=given, actor=alice, now=MONDAY + timedelta(days=30))
    thread_resolve(thread=given, actor=alice, now=MONDAY + timedelta(days=31))
    thread_reopen(thread=given, actor=alice, now=MONDAY + timedelta(days=32))

    keys = [e.key for e in _events(EventName.FEEDBACK_REOPENED)]
    assert keys == [f"feedback.thread:{given.pk}:reopened:1", f"feedback.thread:{given.pk}:reopened:2"]
    assert Survey.objects.filter(thread=given).count() == 1


def test_reopening_after_thirty_days_is_refused() -> None:
    alice = customer()
    given = thread(alice, now=MONDAY)
    thread_resolve(thread=given, actor=alice, now=MONDAY)

    with pytest.raises(Expired):
        thread_reopen(thread=given, actor=alice, now=MONDAY + timedelta(days=30, minutes=1))

    given.refresh_from_db()
    assert given.status == Thread.Status.RESOLVED


def test_a_customer_cannot_reply_to_a_resolved_thread_without_reopening() -> None:
    alice = customer()
    given = thread(alice)
    thread_resolve(thread=given, actor=alice)

    with pytest.raises(Conflict):
        message_post(thread=given, author=alice, text="One more thing")

    assert Message.objects.filter(thread=given).count() == 1


def test_an_agent_can_assign_close_and_reopen_a_closed_thread() -> None:
    given, helper = thread(customer()), agent()

    thread_assign(thread=given, agent=helper, actor=helper)
    thread_status_set(thread=given, status=Thread.Status.CLOSED, actor=helper)
    thread_status_set(thread=given, status=Thread.Status.IN_PROGRESS, actor=helper)

    given.refresh_from_db()
    assert (given.assigned_to, given.status) == (helper, Thread.Status.IN_PROGRESS)
    assert len(_events(EventName.FEEDBACK_REOPENED)) == 1


def test_customers_cannot_be_assigned_threads() -> None:
    helper = agent()

    with pytest.raises(NotAllowed):
        thread_assign(thread=thread(customer()), agent=customer(), actor=helper)


def test_reply_mails_are_plain_text_so_html_in_a_reply_cannot_run(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    given = thread(customer(), text="<b>bold</b>")

    with django_capture_on_commit_callbacks(execute=True):
        message_post(thread=given, author=agent(), text='Try <script>alert("x")</script> & "quotes"')

    [message] = mail.outbox
    assert message.content_subtype == "plain"
    assert not getattr(message, "alternatives", None)
    assert 'Try <script>alert("x")</script> & "quotes"' in message.body  # shown as typed, never as markup
    assert "\n" not in message.subject


def test_an_agent_resolving_a_closed_thread_reads_the_staff_settings_once() -> None:
    alice, helper = customer(), agent()
    given = thread(alice, now=MONDAY)
    thread_status_set(thread=given, status=Thread.Status.CLOSED, actor=helper, now=MONDAY)

    with settings_reads() as reads:
        thread_status_set(thread=given, status=Thread.Status.RESOLVED, actor=helper, now=MONDAY)

    assert reads() == 1
