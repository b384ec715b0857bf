"""Moderating the idea board in admin: publish, decide with a public response, merge duplicates."""

from http import HTTPStatus
from typing import Any

import pytest
from django.test import Client

import feedback.admin.ideas
from feedback.ideas import idea_merge, idea_staff_update, idea_suggest, idea_vote
from feedback.models import Idea
from plumbing.models import Job
from tests.factories import agent, customer
from tests.feedback.factories import published_idea

pytestmark = pytest.mark.django_db

IDEAS = "/admin/feedback/idea/"


def _form(idea: Idea, **fields: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": idea.title,
        "description": idea.description,
        "published": "on" if idea.published else "",
        "status": idea.status,
        "response_en": idea.response_en,
        "response_de": idea.response_de,
        "merge_into": "",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
        **fields,
    }
    return {key: value for key, value in data.items() if value != "" or key in ("merge_into",)}


def test_an_agent_publishes_suggestions_with_the_action(client: Client) -> None:
    client.force_login(agent())
    draft = idea_suggest(author=customer(), title="Draft", description="x")

    client.post(IDEAS, {"action": "publish", "_selected_action": [draft.pk]})

    draft.refresh_from_db()
    assert draft.published
    assert draft.published_at is not None


def test_an_agent_sets_the_status_with_a_public_response(client: Client) -> None:
    client.force_login(agent())
    idea = published_idea(customer())

    response = client.post(
        f"{IDEAS}{idea.pk}/change/",
        _form(idea, status="planned", response_en="Spring", response_de="Frühjahr"),
    )

    assert response.status_code == HTTPStatus.FOUND
    idea.refresh_from_db()
    assert (idea.status, idea.response_en, idea.status_changes) == ("planned", "Spring", 1)
    assert Job.objects.filter(task="feedback.notify_idea_status").count() == 1


def test_an_agent_merges_a_duplicate_from_its_page(client: Client) -> None:
    client.force_login(agent())
    original, duplicate = (
        published_idea(customer(), title="Original"),
        published_idea(customer(), title="Copy"),
    )
    idea_vote(idea_id=duplicate.pk, customer=customer(), vote=True)

    client.post(f"{IDEAS}{duplicate.pk}/change/", _form(duplicate, merge_into=str(original.pk)))

    original.refresh_from_db()
    duplicate.refresh_from_db()
    assert duplicate.merged_into == original
    assert original.votes_count == 1


def test_merging_a_suggestion_while_publishing_it_is_refused_before_anything_is_written(
    client: Client,
) -> None:
    client.force_login(agent())
    original = published_idea(customer(), title="Original")
    draft = idea_suggest(author=customer(), title="Draft", description="x")

    response = client.post(
        f"{IDEAS}{draft.pk}/change/", _form(draft, published="on", merge_into=str(original.pk))
    )

    assert response.status_code == HTTPStatus.OK
    assert "A merged idea cannot be published" in response.content.decode()
    draft.refresh_from_db()
    assert (draft.published, draft.merged_into) == (False, None)


def test_adding_an_idea_merged_and_published_at_once_creates_nothing(client: Client) -> None:
    client.force_login(agent())
    original = published_idea(customer(), title="Original")
    blank = Idea(title="New", description="y", published=True)

    response = client.post(f"{IDEAS}add/", _form(blank, merge_into=str(original.pk)))

    assert response.status_code == HTTPStatus.OK
    assert list(Idea.objects.values_list("title", flat=True)) == ["Original"]


def test_idea_text_is_escaped_in_the_admin(client: Client) -> None:
    client.force_login(agent())
    idea = published_idea(customer(), title="<script>alert(1)</script>")

    for path in (IDEAS, f"{IDEAS}{idea.pk}/change/"):
        page = client.get(path).content.decode()
        assert "<script>alert(1)</script>" not in page


def test_customers_are_refused_by_the_idea_admin(client: Client) -> None:
    client.force_login(customer())

    assert client.get(IDEAS).status_code == HTTPStatus.FOUND


def test_adding_an_idea_whose_merge_target_was_merged_meanwhile_creates_nothing_and_says_so(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    alex = agent()
    client.force_login(alex)
    original, older = published_idea(customer(), title="Original"), published_idea(customer(), title="Older")

    def target_merged_meanwhile(**kwargs: Any) -> Idea:
        # Another agent merges the target after the form's check, before this save's write.
        idea_merge(duplicate=original, into=older, actor=alex)
        return idea_staff_update(**kwargs)

    monkeypatch.setattr(feedback.admin.ideas, "idea_staff_update", target_merged_meanwhile)

    response = client.post(
        f"{IDEAS}add/", _form(Idea(title="New", description="y"), merge_into=str(original.pk)), follow=True
    )

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "The target was itself merged" in page
    assert "successfully" not in page
    assert not Idea.objects.filter(
        title="New"
    ).exists()  # the idea created before the refusal was rolled back
