"""The customer's feedback pages: personas, forms, escaping, flooding, attachments, speed."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from customers.models import StaffAccess, User
from feedback.models import Attachment, Kind, Thread
from feedback.threads import message_post, thread_resolve
from tests.factories import agent, customer, privacy_officer
from tests.feedback.factories import disguised, pdf, png, thread, topic

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'


def _signed_in(client: Client, person: User | None = None) -> User:
    person = person or customer()
    client.force_login(person)
    return person


def _form(**fields: object) -> dict[str, object]:
    return {"kind": Kind.QUESTION, "topic": topic().pk, "text": "Where is my parcel?", "rating": "", **fields}


@pytest.mark.parametrize(
    "path",
    [
        "/feedback/",
        "/feedback/new/",
        "/feedback/1/",
        "/feedback/ideas/",
        "/feedback/ideas/new/",
        "/feedback/ideas/1/",
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(client: Client, path: str) -> None:
    response = client.get(path)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")


def test_the_navigation_links_the_feedback_pages(client: Client) -> None:
    _signed_in(client)

    page = client.get("/").content.decode()

    assert 'href="/feedback/"' in page


def test_giving_feedback_shows_the_thread_and_when_we_will_answer(client: Client) -> None:
    alice = _signed_in(client)

    response = client.post("/feedback/new/", _form(rating="5"))

    given = Thread.objects.get(customer=alice)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/feedback/{given.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "We will answer by" in page
    assert "Where is my parcel?" in page
    assert given.rating == 5


def test_the_promise_is_shown_in_german(client: Client) -> None:
    alice = _signed_in(client, customer(language="de"))
    given = thread(alice)

    page = client.get(f"/feedback/{given.pk}/").content.decode()

    assert "Wir antworten bis" in page


@pytest.mark.parametrize(
    "fields",
    [{"text": ""}, {"text": "x" * 10_001}, {"rating": "6"}, {"kind": "rant"}, {"topic": "999"}],
    ids=["empty", "too-long", "rating", "kind", "topic"],
)
def test_bad_feedback_gets_a_400_with_a_message_and_saves_nothing(
    client: Client, fields: dict[str, str]
) -> None:
    _signed_in(client)

    response = client.post("/feedback/new/", _form(**fields))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert 'class="errorlist' in response.content.decode()
    assert not Thread.objects.exists()


def test_attachments_are_uploaded_with_the_feedback(client: Client) -> None:
    alice = _signed_in(client)

    client.post("/feedback/new/", {**_form(), "attachments": [png(), pdf()]})

    assert Attachment.objects.filter(message__thread__customer=alice).count() == 2


@pytest.mark.parametrize(
    "files",
    [[disguised()], [png(), png("b.png"), png("c.png"), pdf()]],
    ids=["disguised", "four-files"],
)
def test_bad_attachments_get_a_400_and_save_nothing(client: Client, files: list[object]) -> None:
    _signed_in(client)

    response = client.post("/feedback/new/", {**_form(), "attachments": files})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not Thread.objects.exists()


def test_html_in_feedback_is_shown_as_text(client: Client) -> None:
    alice = _signed_in(client)
    given = thread(alice, text=SCRIPT)

    for path in ("/feedback/", f"/feedback/{given.pk}/"):
        page = client.get(path).content.decode()
        assert SCRIPT not in page
        assert "&lt;script&gt;" in page


def test_flooding_gets_a_readable_429_page(client: Client) -> None:
    alice = _signed_in(client)
    for number in range(10):
        thread(alice, text=f"Message {number}")

    response = client.post("/feedback/new/", _form())

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too much at once" in response.content.decode()
    assert Thread.objects.filter(customer=alice).count() == 10


def test_another_customers_thread_is_not_found_for_every_action(client: Client) -> None:
    given = thread(customer(), files=[png()])
    _signed_in(client)
    token = Attachment.objects.get().token

    assert client.get(f"/feedback/{given.pk}/").status_code == HTTPStatus.NOT_FOUND
    for action in ("reply", "resolve", "reopen"):
        response = client.post(f"/feedback/{given.pk}/{action}/", {"text": "hi"})
        assert response.status_code == HTTPStatus.NOT_FOUND
    assert client.get(f"/feedback/attachments/{token}/").status_code == HTTPStatus.NOT_FOUND
    assert given.messages.count() == 1


def test_a_customer_only_lists_their_own_threads(client: Client) -> None:
    thread(customer(), text="Somebody else's secret")
    alice = _signed_in(client)
    thread(alice, text="Mine")

    page = client.get("/feedback/").content.decode()

    assert "Mine" in page
    assert "secret" not in page


def test_the_customer_replies_resolves_and_reopens(client: Client) -> None:
    alice = _signed_in(client)
    given = thread(alice)
    message_post(thread=given, author=agent(), text="Does it work now?")

    replied = client.post(f"/feedback/{given.pk}/reply/", {"text": "Yes, thanks"})
    resolved = client.post(f"/feedback/{given.pk}/resolve/")
    page = client.get(f"/feedback/{given.pk}/").content.decode()
    reopened = client.post(f"/feedback/{given.pk}/reopen/")

    assert [r.status_code for r in (replied, resolved, reopened)] == [HTTPStatus.FOUND] * 3
    assert "You can reopen this conversation until" in page
    given.refresh_from_db()
    assert given.status == Thread.Status.IN_PROGRESS


def test_replying_to_a_resolved_thread_is_a_409(client: Client) -> None:
    alice = _signed_in(client)
    given = thread(alice)
    thread_resolve(thread=given, actor=alice)

    response = client.post(f"/feedback/{given.pk}/reply/", {"text": "More"})

    assert response.status_code == HTTPStatus.CONFLICT
    assert "Reopen it" in response.content.decode()


def test_reopening_after_the_window_is_a_410(client: Client) -> None:
    alice = _signed_in(client)
    given = thread(alice)
    thread_resolve(thread=given, actor=alice, now=timezone.now() - timedelta(days=31))

    response = client.post(f"/feedback/{given.pk}/reopen/")

    assert response.status_code == HTTPStatus.GONE
    assert "can no longer be reopened" in response.content.decode()


def test_internal_notes_never_reach_the_customers_page(client: Client) -> None:
    alice = _signed_in(client)
    given = thread(alice)
    message_post(thread=given, author=agent(), text="Internal: known troublemaker", internal=True)

    page = client.get(f"/feedback/{given.pk}/").content.decode()

    assert "troublemaker" not in page


def test_the_owner_downloads_an_attachment_with_its_real_type(client: Client) -> None:
    alice = _signed_in(client)
    thread(alice, files=[png()])
    attachment = Attachment.objects.get()

    response = client.get(f"/feedback/attachments/{attachment.token}/")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]


def test_an_attachment_whose_file_is_gone_is_a_404_not_a_500(client: Client) -> None:
    alice = _signed_in(client)
    thread(alice, files=[png()])
    attachment = Attachment.objects.get()
    attachment.file.storage.delete(attachment.file.name)

    response = client.get(f"/feedback/attachments/{attachment.token}/")

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_an_agent_downloads_an_attachment_and_it_is_logged_for_the_customer(client: Client) -> None:
    alice = customer()
    thread(alice, files=[pdf()])
    attachment = Attachment.objects.get()
    client.force_login(agent())

    response = client.get(f"/feedback/attachments/{attachment.token}/")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Disposition"].startswith("attachment")
    assert StaffAccess.objects.filter(customer=alice, view="feedback:attachment").exists()


def test_staff_without_feedback_access_and_guessed_tokens_get_404(client: Client) -> None:
    thread(customer(), files=[png()])
    attachment = Attachment.objects.get()
    client.force_login(privacy_officer())

    assert client.get(f"/feedback/attachments/{attachment.token}/").status_code == HTTPStatus.NOT_FOUND
    assert client.get(f"/feedback/attachments/{attachment.pk}/").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/feedback/attachments/not-a-uuid/").status_code == HTTPStatus.NOT_FOUND


def test_pages_have_labels_and_no_inline_scripts_or_styles(client: Client) -> None:
    alice = _signed_in(client)
    given = thread(alice)

    for path in ("/feedback/", "/feedback/new/", f"/feedback/{given.pk}/"):
        page = client.get(path).content.decode()
        assert "<script" not in page
        assert "style=" not in page
        assert '<main id="main"' in page
    form = client.get("/feedback/new/").content.decode()
    assert '<label for="id_text"' in form
    assert "<legend>" in form  # the kind and rating radios are grouped


def _bulk_threads(owner: User, count: int) -> None:
    first = thread(owner)
    Thread.objects.bulk_create(
        [
            Thread(
                customer=owner,
                kind=Kind.QUESTION,
                topic=first.topic,
                summary=f"Question {n}",
                due_at=first.due_at,
            )
            for n in range(count - 1)
        ]
    )


@pytest.mark.parametrize("count", [3, 60])
def test_the_thread_list_needs_the_same_queries_however_many_threads(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, count: int
) -> None:
    alice = _signed_in(client)
    _bulk_threads(alice, count)

    with django_assert_num_queries(4):  # session, user, count, page (with topics)
        response = client.get("/feedback/")

    assert response.status_code == HTTPStatus.OK
