"""The agents' inbox in admin: filters, overdue first, assigning, replying, notes, escaping, speed."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone, translation
from django.utils.formats import date_format
from pytest_django import DjangoAssertNumQueries, DjangoCaptureOnCommitCallbacks

from customers.models import Notification, StaffAccess, User
from feedback.admin.inbox import ThreadAdmin
from feedback.models import Kind, Message, Thread
from feedback.threads import message_post
from tests.factories import agent, customer, privacy_officer
from tests.feedback.factories import thread

pytestmark = pytest.mark.django_db

INBOX = "/admin/feedback/thread/"
SCRIPT = "<script>alert('x')</script>"


def _agent(client: Client) -> User:
    person = agent()
    client.force_login(person)
    return person


def _change(client: Client, given: Thread, **fields: object) -> object:
    data = {
        "status": given.status,
        "assigned_to": given.assigned_to_id or "",
        "reply": "",
        "note": "",
        **fields,
    }
    return client.post(f"{INBOX}{given.pk}/change/", data)


def test_customers_are_refused_by_the_admin(client: Client) -> None:
    client.force_login(customer())

    response = client.get(INBOX)

    assert response.status_code == HTTPStatus.FOUND
    assert "/login/" in response["Location"]


def test_staff_without_the_feedback_role_cannot_open_the_inbox(client: Client) -> None:
    client.force_login(privacy_officer())

    assert client.get(INBOX).status_code == HTTPStatus.FORBIDDEN


def test_overdue_threads_come_first(client: Client) -> None:
    _agent(client)
    recent = thread(customer(), text="Recent and on time")
    overdue = thread(customer(), text="Old and overdue")
    Thread.objects.filter(pk=overdue.pk).update(
        created_at=timezone.now() - timedelta(days=9), due_at=timezone.now() - timedelta(days=5)
    )

    page = client.get(INBOX).content.decode()

    assert page.index("Old and overdue") < page.index("Recent and on time")
    assert page.count('class="feedback-overdue"') == 1
    assert recent.pk != overdue.pk


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("status__exact=received", "Fresh", "Answered one"),
        ("kind__exact=praise", "Answered one", "Fresh"),
        ("agent=me", "Answered one", "Fresh"),
        ("agent=nobody", "Fresh", "Answered one"),
        ("overdue=yes", "Late one", "Fresh"),
    ],
)
def test_the_inbox_filters(client: Client, query: str, shown: str, hidden: str) -> None:
    me = _agent(client)
    thread(customer(), text="Fresh")
    answered = thread(customer(), text="Answered one", kind=Kind.PRAISE)
    message_post(thread=answered, author=me, text="Thanks!")
    late = thread(customer(), text="Late one")
    Thread.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=1))

    page = client.get(f"{INBOX}?{query}").content.decode()

    assert shown in page
    assert hidden not in page


def test_assign_to_me_action(client: Client) -> None:
    me = _agent(client)
    given = thread(customer())

    client.post(INBOX, {"action": "assign_to_me", "_selected_action": [given.pk]})

    given.refresh_from_db()
    assert (given.assigned_to, given.status) == (me, Thread.Status.IN_PROGRESS)


def test_an_agent_replies_from_the_thread_page_and_the_customer_is_told(
    client: Client, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    me = _agent(client)
    alice = customer()
    given = thread(alice)

    with django_capture_on_commit_callbacks(execute=True):
        response = _change(client, given, reply="It is on its way.", note="Checked with the warehouse")

    assert response.status_code == HTTPStatus.FOUND  # type: ignore[attr-defined]
    given.refresh_from_db()
    assert (given.status, given.assigned_to) == (Thread.Status.ANSWERED, me)
    reply = Message.objects.get(thread=given, from_staff=True, internal=False)
    assert reply.author == me
    assert Message.objects.get(thread=given, internal=True).text == "Checked with the warehouse"
    [message] = mail.outbox
    assert "It is on its way." in message.body
    assert "warehouse" not in message.body
    assert Notification.objects.filter(customer=alice, url=f"/feedback/{given.pk}/").exists()


def test_an_agent_resolves_from_the_thread_page(client: Client) -> None:
    _agent(client)
    given = thread(customer())

    _change(client, given, status=Thread.Status.RESOLVED)

    given.refresh_from_db()
    assert given.status == Thread.Status.RESOLVED
    assert given.survey.state == "scheduled"


def test_a_too_long_reply_is_refused_on_the_form_and_nothing_is_written(client: Client) -> None:
    _agent(client)
    given = thread(customer())

    response = _change(client, given, reply="x" * 10_001, note="kept?")

    assert response.status_code == HTTPStatus.OK  # type: ignore[attr-defined]
    assert given.messages.count() == 1


def test_customer_text_is_escaped_in_the_admin(client: Client) -> None:
    _agent(client)
    given = thread(customer(), text=SCRIPT)

    for path in (INBOX, f"{INBOX}{given.pk}/change/"):
        page = client.get(path).content.decode()
        assert SCRIPT not in page
        assert "&lt;script&gt;" in page


def test_opening_a_thread_is_written_to_the_customers_staff_access_log(client: Client) -> None:
    _agent(client)
    alice = customer()
    given = thread(alice)

    client.get(f"{INBOX}{given.pk}/change/")

    assert StaffAccess.objects.filter(customer=alice, view="admin:feedback_thread").exists()


def test_the_thread_page_gives_dates_in_the_agents_language(client: Client) -> None:
    client.force_login(agent(language="de"))
    given = thread(customer())
    written = Message.objects.filter(thread=given).earliest("created_at").created_at

    page = client.get(f"{INBOX}{given.pk}/change/").content.decode()

    with translation.override("de"):
        due = date_format(timezone.localtime(given.due_at), "SHORT_DATETIME_FORMAT")
        sent = date_format(timezone.localtime(written), "SHORT_DATETIME_FORMAT")
    assert f"fällig bis {due}" in page
    assert sent in page
    assert timezone.localtime(written).strftime("%Y-%m-%d") not in page


def test_threads_cannot_be_added_or_deleted_by_hand(client: Client) -> None:
    _agent(client)
    given = thread(customer())

    assert client.get(f"{INBOX}add/").status_code == HTTPStatus.FORBIDDEN
    assert client.get(f"{INBOX}{given.pk}/delete/").status_code == HTTPStatus.FORBIDDEN


def test_the_inbox_stays_extensible_for_other_apps() -> None:
    assert isinstance(ThreadAdmin.list_display, list)

    class Extended(ThreadAdmin):
        list_display = [*ThreadAdmin.list_display, "rating"]

    assert Extended.list_display[-1] == "rating"


def _bulk_threads(count: int, helper: User) -> None:
    first = thread(customer())
    owners = [customer() for _ in range(3)]
    Thread.objects.bulk_create(
        [
            Thread(
                customer=owners[n % 3],
                kind=Kind.QUESTION,
                topic=first.topic,
                summary=f"Question {n}",
                due_at=first.due_at - timedelta(days=n % 7),
                assigned_to=helper if n % 2 else None,
            )
            for n in range(count - 1)
        ]
    )


@pytest.mark.parametrize("count", [5, 120])
def test_the_inbox_needs_the_same_queries_however_many_threads(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, count: int
) -> None:
    _bulk_threads(count, _agent(client))

    # session, user, permissions (2), topics and agents for the filters, count, the nav sidebar
    # asking whether the settings row may be added, the page, and its customers, topics and agents
    # (the trust app adds the bands of the page and the settings: tests/trust/test_inbox_band.py)
    with django_assert_num_queries(14):
        response = client.get(INBOX)

    assert response.status_code == HTTPStatus.OK
