"""The customer's feedback and the idea board through the API: the feedback channel's own rules."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from feedback.models import Idea, IdeaVote, Message, Thread
from feedback.threads import message_post
from tests.api.credentials import signed_in, token_auth
from tests.factories import agent, customer
from tests.feedback.factories import published_idea, thread

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

THREADS = "/api/v1/me/feedback/threads/"


def test_feedback_is_given_on_a_topic_and_listed(client: Client) -> None:
    alice = signed_in(client)
    topics = client.get("/api/v1/me/feedback/topics/").json()

    created = client.post(
        THREADS,
        {"kind": "complaint", "topic": topics[0]["key"], "text": "The parcel was late.", "rating": 2},
        content_type="application/json",
    )
    listed = client.get(THREADS).json()

    assert created.status_code == HTTPStatus.CREATED, created.content
    body = created.json()
    assert (body["kind"], body["rating"], body["status"]) == ("complaint", 2, "received")
    assert [message["text"] for message in body["messages"]] == ["The parcel was late."]
    assert [row["id"] for row in listed["results"]] == [body["id"]]
    assert Thread.objects.get().customer == alice


def test_bad_feedback_is_a_400_naming_the_field_and_nothing_is_written(client: Client) -> None:
    signed_in(client)
    good = {"kind": "question", "topic": "orders", "text": "Where is it?"}

    bad: list[tuple[dict[str, object], str]] = [
        ({"kind": "rant"}, "kind"),
        ({"topic": "nope"}, "topic"),
        ({"rating": 6}, "rating"),
        ({"text": "   "}, "text"),
        ({"attachments": []}, "attachments"),
    ]
    for change, field in bad:
        response = client.post(THREADS, {**good, **change}, content_type="application/json")

        assert response.status_code == HTTPStatus.BAD_REQUEST, change
        assert field in {error["field"] for error in response.json()["errors"]}, response.json()
    assert not Thread.objects.exists()


def test_a_text_the_service_refuses_is_named_with_the_services_reason(client: Client) -> None:
    signed_in(client)

    response = client.post(
        THREADS, {"kind": "question", "topic": "orders", "text": "   "}, content_type="application/json"
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"] == [
        {"field": "text", "detail": "Please write something: the text is empty.", "code": "empty"}
    ]
    assert not Thread.objects.exists()


def test_the_conversation_never_shows_internal_notes(client: Client) -> None:
    alice = signed_in(client)
    given = thread(alice)
    helper = agent()
    message_post(thread=given, author=helper, text="Checked the courier's log.", internal=True)
    message_post(thread=given, author=helper, text="Sorry! A new one is on its way.")

    detail = client.get(f"{THREADS}{given.pk}/").json()

    texts = [message["text"] for message in detail["messages"]]
    assert texts == ["My parcel did not arrive.", "Sorry! A new one is on its way."]
    assert detail["messages"][1]["from_staff"] is True


def test_reading_a_conversation_reads_the_thread_once(client: Client) -> None:
    alice = signed_in(client)
    given = thread(alice)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{THREADS}{given.pk}/")

    assert response.status_code == HTTPStatus.OK
    thread_reads = [query["sql"] for query in queries if 'FROM "feedback_thread"' in query["sql"]]
    assert len(thread_reads) == 1, thread_reads


def test_reply_resolve_and_reopen_follow_the_web_rules(client: Client) -> None:
    alice = customer()
    given = thread(alice)
    headers = token_auth(alice)

    replied = client.post(
        f"{THREADS}{given.pk}/replies/",
        {"text": "Any news?"},
        content_type="application/json",
        headers=headers,
    )
    resolved = client.post(f"{THREADS}{given.pk}/resolve/", headers=headers)
    closed_reply = client.post(
        f"{THREADS}{given.pk}/replies/", {"text": "Hello?"}, content_type="application/json", headers=headers
    )
    reopened = client.post(f"{THREADS}{given.pk}/reopen/", headers=headers)
    again = client.post(f"{THREADS}{given.pk}/reopen/", headers=headers)

    assert replied.status_code == HTTPStatus.CREATED
    assert resolved.json()["status"] == "resolved"
    assert closed_reply.status_code == HTTPStatus.CONFLICT
    assert reopened.status_code == HTTPStatus.OK
    assert again.status_code == HTTPStatus.CONFLICT
    assert Message.objects.filter(thread=given).count() == 2


def test_a_thread_resolved_long_ago_cannot_be_reopened(client: Client) -> None:
    alice = signed_in(client)
    given = thread(alice)
    client.post(f"{THREADS}{given.pk}/resolve/")
    Thread.objects.filter(pk=given.pk).update(resolved_at=timezone.now() - timedelta(days=31))

    response = client.post(f"{THREADS}{given.pk}/reopen/")

    assert response.status_code == HTTPStatus.GONE


def test_another_customers_thread_is_a_404_everywhere(client: Client) -> None:
    others = thread(customer())
    signed_in(client)

    assert client.get(f"{THREADS}{others.pk}/").status_code == HTTPStatus.NOT_FOUND
    for action in ("replies", "resolve", "reopen"):
        response = client.post(
            f"{THREADS}{others.pk}/{action}/", {"text": "x"}, content_type="application/json"
        )

        assert response.status_code == HTTPStatus.NOT_FOUND, action
    assert Message.objects.count() == 1
    assert client.get(THREADS).json()["results"] == []


def test_the_idea_board_lists_published_ideas_sorted_and_searched(client: Client) -> None:
    author = customer()
    popular = published_idea(author, title="Delivery time windows")
    fresh = published_idea(author, title="Dark mode")
    published_idea(author, title="Gift wrapping")
    Idea.objects.filter(pk=popular.pk).update(votes_count=9)
    Idea.objects.create(author=author, title="Not yet published", description="Hidden.")
    signed_in(client)

    by_votes = client.get("/api/v1/me/ideas/?sort=votes").json()["results"]
    found = client.get("/api/v1/me/ideas/?q=dark").json()["results"]
    bad = client.get("/api/v1/me/ideas/?sort=loudest")

    assert by_votes[0]["id"] == popular.pk
    assert len(by_votes) == 3
    assert [idea["id"] for idea in found] == [fresh.pk]
    assert bad.status_code == HTTPStatus.BAD_REQUEST


def test_a_vote_is_cast_once_and_taken_back(client: Client) -> None:
    idea = published_idea(customer())
    alice = signed_in(client)
    path = f"/api/v1/me/ideas/{idea.pk}/vote/"

    voted = client.post(path)
    twice = client.post(path)
    taken_back = client.delete(path)
    unpublished = Idea.objects.create(author=customer(), title="Hidden", description="Not on the board.")

    assert (voted.json()["voted"], voted.json()["votes_count"]) == (True, 1)
    assert twice.status_code == HTTPStatus.CONFLICT
    assert (taken_back.json()["voted"], taken_back.json()["votes_count"]) == (False, 0)
    assert not IdeaVote.objects.filter(customer=alice).exists()
    assert client.post(f"/api/v1/me/ideas/{unpublished.pk}/vote/").status_code == HTTPStatus.NOT_FOUND


def test_a_vote_answers_with_the_idea_it_locked_without_reading_it_again(client: Client) -> None:
    idea = published_idea(customer())
    signed_in(client)

    with CaptureQueriesContext(connection) as queries:
        voted = client.post(f"/api/v1/me/ideas/{idea.pk}/vote/")

    assert (voted.json()["id"], voted.json()["voted"], voted.json()["votes_count"]) == (idea.pk, True, 1)
    idea_reads = [
        query["sql"]
        for query in queries
        if query["sql"].startswith("SELECT") and 'FROM "feedback_idea"' in query["sql"]
    ]
    assert len(idea_reads) == 1, idea_reads


def test_a_vote_for_a_merged_or_unknown_idea_is_a_404_and_records_nothing(client: Client) -> None:
    target = published_idea(customer())
    merged = published_idea(customer())
    Idea.objects.filter(pk=merged.pk).update(merged_into=target)
    signed_in(client)

    assert client.post(f"/api/v1/me/ideas/{merged.pk}/vote/").status_code == HTTPStatus.NOT_FOUND
    assert client.delete(f"/api/v1/me/ideas/{merged.pk}/vote/").status_code == HTTPStatus.NOT_FOUND
    assert client.post("/api/v1/me/ideas/987654/vote/").status_code == HTTPStatus.NOT_FOUND
    assert not IdeaVote.objects.exists()
