"""The idea board: publishing, one vote per customer, comments, status news, sorting, merging."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from customers.models import Notification, User
from feedback.ideas import (
    Sort,
    idea_merge,
    idea_status_change,
    idea_status_notify,
    idea_suggest,
    idea_vote,
    ideas_board,
    trending_of,
)
from feedback.models import Idea, IdeaComment, IdeaVote
from feedback.refusals import Conflict, FeedbackRefused, Flooded, Missing, NotAllowed
from plumbing.events import EventName
from plumbing.models import Event, Job
from tests.factories import agent, customer
from tests.feedback.factories import grant_surveys, published_idea

pytestmark = pytest.mark.django_db


def _board(person: User, **kwargs: str) -> list[str]:
    return [idea.title for idea in ideas_board(customer=person, **kwargs)]


def test_only_published_ideas_are_on_the_board() -> None:
    alice = customer()
    published_idea(alice, title="Shown")
    idea_suggest(author=alice, title="Waiting", description="Not reviewed yet")

    assert _board(customer()) == ["Shown"]


def test_one_vote_per_customer_and_taking_it_back() -> None:
    idea, bob = published_idea(customer()), customer()

    idea_vote(idea_id=idea.pk, customer=bob, vote=True)
    with pytest.raises(Conflict):
        idea_vote(idea_id=idea.pk, customer=bob, vote=True)
    idea.refresh_from_db()
    assert idea.votes_count == 1
    idea_vote(idea_id=idea.pk, customer=bob, vote=False)

    idea.refresh_from_db()
    assert (idea.votes_count, idea.trending) == (0, None)
    assert not IdeaVote.objects.exists()


def test_a_vote_is_announced_once_per_customer_and_idea_even_after_toggling() -> None:
    idea, bob = published_idea(customer()), customer()

    for vote in (True, False, True):
        idea_vote(idea_id=idea.pk, customer=bob, vote=vote)

    [event] = Event.objects.filter(name=EventName.IDEA_VOTED)
    assert (event.customer_id, event.payload) == (bob.pk, {"idea_id": idea.pk})


def test_unpublished_ideas_and_staff_cannot_be_voted_on() -> None:
    draft = idea_suggest(author=customer(), title="Draft", description="x")

    with pytest.raises(Missing):
        idea_vote(idea_id=draft.pk, customer=customer(), vote=True)
    with pytest.raises(NotAllowed):
        idea_vote(idea_id=published_idea(customer()).pk, customer=agent(), vote=True)


def test_sorting_by_votes_newest_and_trending() -> None:
    now = timezone.now()
    old_favourite = published_idea(customer(), title="Old favourite")
    Idea.objects.filter(pk=old_favourite.pk).update(published_at=now - timedelta(days=60))
    rising = published_idea(customer(), title="Rising")
    for _ in range(3):
        idea_vote(idea_id=old_favourite.pk, customer=customer(), vote=True, now=now - timedelta(days=50))
    for _ in range(2):
        idea_vote(idea_id=rising.pk, customer=customer(), vote=True, now=now - timedelta(hours=2))
    published_idea(customer(), title="Brand new")
    viewer = customer()

    assert _board(viewer, sort=Sort.VOTES) == ["Old favourite", "Rising", "Brand new"]
    assert _board(viewer, sort=Sort.NEWEST) == ["Brand new", "Rising", "Old favourite"]
    assert _board(viewer, sort=Sort.TRENDING) == ["Rising", "Old favourite", "Brand new"]


def test_the_trending_score_ranks_like_the_decayed_sum_of_votes() -> None:
    now = timezone.now()
    three_old = [now - timedelta(days=21)] * 3  # three votes, three half-lives old: 3/8
    one_new = [now]  # one vote today: 1

    assert trending_of(one_new) > trending_of(three_old)  # type: ignore[operator]
    assert trending_of([now - timedelta(days=21)] * 9) > trending_of(one_new)  # type: ignore[operator]


def test_search_finds_words_in_titles_and_descriptions() -> None:
    published_idea(customer(), title="Dark mode", description="Easier on the eyes")
    published_idea(customer(), title="Packstation", description="Deliver to a parcel locker")

    assert _board(customer(), query="eyes") == ["Dark mode"]
    assert _board(customer(), query="PACK") == ["Packstation"]


def test_a_new_status_notifies_voters_and_author_in_the_portal_and_by_mail_with_consent() -> None:
    author, consenting, silent = customer(), customer(), customer()
    grant_surveys(consenting)
    grant_surveys(author)
    idea = published_idea(author)
    for voter in (consenting, silent):
        idea_vote(idea_id=idea.pk, customer=voter, vote=True)
    staff = agent()

    idea_status_change(
        idea=idea, actor=staff, status=Idea.Status.PLANNED, response_en="Spring", response_de="Frühjahr"
    )
    told = idea_status_notify(idea_id=idea.pk, change=1)

    assert told == 3
    assert set(Notification.objects.values_list("customer_id", flat=True)) == {
        author.pk,
        consenting.pk,
        silent.pk,
    }
    assert sorted(m.to[0] for m in mail.outbox) == sorted([author.email, consenting.email])
    assert all("Spring" in m.body for m in mail.outbox)
    assert not Event.objects.filter(name=EventName.IDEA_SHIPPED).exists()


def test_editing_only_the_response_notifies_nobody() -> None:
    idea = published_idea(customer())

    idea_status_change(
        idea=idea, actor=agent(), status=idea.status, response_en="Still looking", response_de=""
    )

    assert not Job.objects.filter(task="feedback.notify_idea_status").exists()


def test_a_shipped_idea_is_announced_once_for_each_voter() -> None:
    author, voters = customer(), [customer() for _ in range(3)]
    idea = published_idea(author)
    for voter in voters:
        idea_vote(idea_id=idea.pk, customer=voter, vote=True)

    idea_status_change(
        idea=idea, actor=agent(), status=Idea.Status.DONE, response_en="Live", response_de="Live"
    )
    idea_status_notify(idea_id=idea.pk, change=1)
    idea_status_notify(idea_id=idea.pk, change=1)

    shipped = Event.objects.filter(name=EventName.IDEA_SHIPPED)
    assert sorted(shipped.values_list("customer_id", flat=True)) == sorted(v.pk for v in voters)
    assert Notification.objects.count() == 4


def test_a_shipped_idea_is_dispatched_in_one_batch_job_not_one_job_per_voter() -> None:
    idea = published_idea(customer())
    for voter in [customer() for _ in range(3)]:
        idea_vote(idea_id=idea.pk, customer=voter, vote=True)
    idea_status_change(idea=idea, actor=agent(), status=Idea.Status.DONE, response_en="", response_de="")
    votes_dispatched = Job.objects.filter(task="portal.dispatch_event").count()

    idea_status_notify(idea_id=idea.pk, change=1)

    assert Job.objects.filter(task="portal.dispatch_event").count() == votes_dispatched
    assert Job.objects.filter(task="portal.dispatch_events").count() == 1


def test_a_status_change_overtaken_by_a_newer_one_tells_nobody() -> None:
    idea = published_idea(customer())
    staff = agent()
    idea_status_change(idea=idea, actor=staff, status=Idea.Status.DONE, response_en="", response_de="")
    idea_status_change(idea=idea, actor=staff, status=Idea.Status.PLANNED, response_en="", response_de="")

    assert idea_status_notify(idea_id=idea.pk, change=1) == 0
    assert not Event.objects.filter(name=EventName.IDEA_SHIPPED).exists()


def test_merging_moves_votes_without_counting_anyone_twice() -> None:
    original, duplicate = (
        published_idea(customer(), title="Original"),
        published_idea(customer(), title="Copy"),
    )
    both, only_duplicate, only_original = customer(), customer(), customer()
    for voter, ideas in (
        (both, [original, duplicate]),
        (only_duplicate, [duplicate]),
        (only_original, [original]),
    ):
        for idea in ideas:
            idea_vote(idea_id=idea.pk, customer=voter, vote=True)
    IdeaComment.objects.create(idea=duplicate, author=only_duplicate, text="Me too")

    idea_merge(duplicate=duplicate, into=original, actor=agent())

    original.refresh_from_db()
    duplicate.refresh_from_db()
    assert original.votes_count == 3
    assert set(IdeaVote.objects.values_list("idea_id", "customer_id")) == {
        (original.pk, both.pk),
        (original.pk, only_duplicate.pk),
        (original.pk, only_original.pk),
    }
    assert (duplicate.merged_into, duplicate.votes_count) == (original, 0)
    assert original.comments.get().text == "Me too"
    assert _board(customer()) == ["Original"]


def test_merging_into_itself_or_twice_is_refused() -> None:
    first, second = published_idea(customer(), title="A"), published_idea(customer(), title="B")
    staff = agent()

    with pytest.raises(FeedbackRefused, match="itself"):
        idea_merge(duplicate=second, into=second, actor=staff)
    idea_merge(duplicate=first, into=second, actor=staff)
    with pytest.raises(Conflict):
        idea_merge(duplicate=first, into=second, actor=staff)


def test_suggesting_too_many_ideas_in_an_hour_is_flooding() -> None:
    alice = customer()
    for number in range(5):
        idea_suggest(author=alice, title=f"Idea {number}", description="text")

    with pytest.raises(Flooded):
        idea_suggest(author=alice, title="One more", description="text")


# --- pages ----------------------------------------------------------------------------


def test_the_board_page_lists_sorts_and_searches(client: Client) -> None:
    published_idea(customer(), title="Dark mode")
    client.force_login(customer())

    page = client.get("/feedback/ideas/?sort=votes&q=dark").content.decode()

    assert "Dark mode" in page
    assert '<option value="votes" selected>' in page
    assert client.get("/feedback/ideas/?sort=bogus").status_code == HTTPStatus.OK


def test_voting_on_the_page_and_voting_twice_is_a_409(client: Client) -> None:
    idea = published_idea(customer())
    client.force_login(customer())

    first = client.post(f"/feedback/ideas/{idea.pk}/vote/", {"action": "vote", "next": "/feedback/ideas/"})
    second = client.post(f"/feedback/ideas/{idea.pk}/vote/", {"action": "vote"})

    assert first.status_code == HTTPStatus.FOUND
    assert first["Location"] == "/feedback/ideas/"
    assert second.status_code == HTTPStatus.CONFLICT
    assert "already voted" in second.content.decode()
    idea.refresh_from_db()
    assert idea.votes_count == 1


def test_the_vote_button_never_redirects_elsewhere(client: Client) -> None:
    idea = published_idea(customer())
    client.force_login(customer())

    response = client.post(
        f"/feedback/ideas/{idea.pk}/vote/", {"action": "vote", "next": "https://evil.example/"}
    )

    assert response["Location"] == f"/feedback/ideas/{idea.pk}/"


def test_unpublished_ideas_are_404_for_others_but_visible_to_their_author(client: Client) -> None:
    author = customer()
    draft = idea_suggest(author=author, title="Draft", description="x")
    client.force_login(customer())

    assert client.get(f"/feedback/ideas/{draft.pk}/").status_code == HTTPStatus.NOT_FOUND
    assert (
        client.post(f"/feedback/ideas/{draft.pk}/vote/", {"action": "vote"}).status_code
        == HTTPStatus.NOT_FOUND
    )
    assert (
        client.post(f"/feedback/ideas/{draft.pk}/comment/", {"text": "x"}).status_code == HTTPStatus.NOT_FOUND
    )
    client.force_login(author)
    assert "waiting for our review" in client.get(f"/feedback/ideas/{draft.pk}/").content.decode()


def test_a_merged_idea_redirects_to_the_one_it_went_into(client: Client) -> None:
    original, duplicate = (
        published_idea(customer(), title="Original"),
        published_idea(customer(), title="Copy"),
    )
    idea_merge(duplicate=duplicate, into=original, actor=agent())
    client.force_login(customer())

    response = client.get(f"/feedback/ideas/{duplicate.pk}/")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/feedback/ideas/{original.pk}/"


def test_suggesting_and_commenting_on_the_page_escapes_html(client: Client) -> None:
    client.force_login(customer())
    script = "<script>alert(1)</script>"

    suggested = client.post("/feedback/ideas/new/", {"title": script, "description": script})
    idea = Idea.objects.get()
    Idea.objects.filter(pk=idea.pk).update(published=True, published_at=timezone.now())
    commented = client.post(f"/feedback/ideas/{idea.pk}/comment/", {"text": script})

    assert suggested.status_code == commented.status_code == HTTPStatus.FOUND
    for path in ("/feedback/ideas/", f"/feedback/ideas/{idea.pk}/"):
        page = client.get(path).content.decode()
        assert script not in page
        assert "&lt;script&gt;" in page


@pytest.mark.parametrize("fields", [{"title": "", "description": "x"}, {"title": "ok", "description": ""}])
def test_an_empty_suggestion_is_a_400(client: Client, fields: dict[str, str]) -> None:
    client.force_login(customer())

    assert client.post("/feedback/ideas/new/", fields).status_code == HTTPStatus.BAD_REQUEST
    assert not Idea.objects.exists()


@pytest.mark.parametrize("count", [2, 30])
def test_the_board_needs_the_same_queries_however_many_ideas(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, count: int
) -> None:
    staff = agent()
    for number in range(count):
        published_idea(customer(), title=f"Idea {number}", staff=staff)
    client.force_login(customer())

    with django_assert_num_queries(4):
        assert client.get("/feedback/ideas/").status_code == HTTPStatus.OK
