"""The idea board: suggest, publish, vote (once), comment, decide, merge duplicates.

Votes are counted on the idea in the transaction that casts them, under the
idea's row lock, so counts never drift and a double click cannot vote twice.
"Trending" ranks ideas by the sum of their votes, each worth less as it ages
(half-life :data:`TRENDING_HALF_LIFE`). The stored score is
``log Σ exp((t_vote - epoch) / τ)``: as every vote decays at the same rate,
the order it gives equals the order of the decayed sums at any moment, so a
vote only adds to its idea's score and nothing is ever recomputed on a timer.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.links import absolute
from customers.mailing import mail_send
from customers.models import User
from customers.notifications import notification_create
from feedback.asking import SURVEY_PURPOSE
from feedback.flooding import Writing, flood_check
from feedback.locks import ideas_lock, writer_lock
from feedback.models import Idea, IdeaComment, IdeaVote
from feedback.refusals import Conflict, FeedbackRefused, Missing, NotAllowed
from feedback.resubmits import comment_resubmitted, idea_resubmitted
from feedback.texts import text_clean
from plumbing.events import EventName, event_publish, events_publish_many
from plumbing.jobs import job_enqueue

TITLE_MAX = 150
TRENDING_HALF_LIFE = timedelta(days=7)
_EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
_TAU = TRENDING_HALF_LIFE.total_seconds() / math.log(2)
NOTIFY_BATCH = 500
IDEA_PERMISSION = "feedback.change_idea"


class Sort(StrEnum):
    VOTES = "votes"
    TRENDING = "trending"
    NEWEST = "newest"


def _vote_weight(at: datetime) -> float:
    return (at - _EPOCH).total_seconds() / _TAU


def _log_add(total: float | None, weight: float) -> float:
    if total is None:
        return weight
    high, low = max(total, weight), min(total, weight)
    return high + math.log1p(math.exp(low - high))


def trending_of(vote_times: list[datetime]) -> float | None:
    """The trending score of votes cast at these times (None without votes)."""
    if not vote_times:
        return None
    weights = [_vote_weight(at) for at in vote_times]
    high = max(weights)
    return high + math.log(sum(math.exp(weight - high) for weight in weights))


def idea_recount(idea: Idea) -> None:
    """Count the idea's votes and trending score again from its vote rows (caller holds the lock)."""
    times = list(IdeaVote.objects.filter(idea=idea).values_list("created_at", flat=True))
    idea.votes_count, idea.trending = len(times), trending_of(times)


def _is_idea_staff(user: User) -> bool:
    return user.is_staff and user.has_perm(IDEA_PERMISSION)


def _title_clean(title: str) -> str:
    title = " ".join(title.split())
    if not title:
        raise FeedbackRefused(_("Please give your idea a title."), code="empty_title")
    if len(title) > TITLE_MAX:
        raise FeedbackRefused(
            _("The title is too long: at most %(limit)d characters.") % {"limit": TITLE_MAX},
            code="title_long",
        )
    return title


def idea_suggest(*, author: User, title: str, description: str, now: datetime | None = None) -> Idea:
    """Record a customer's idea; it shows on the board once staff publish it."""
    now = now or timezone.now()
    title, description = _title_clean(title), text_clean(description)
    with transaction.atomic():
        writer_lock(author)
        again = idea_resubmitted(author=author, title=title, description=description, now=now)
        if again is not None:
            return again
        flood_check(customer=author, what=Writing.IDEA, now=now)
        return Idea.objects.create(author=author, title=title, description=description, created_at=now)


def idea_vote(*, idea_id: int, customer: User, vote: bool, now: datetime | None = None) -> Idea:
    """Cast (``vote=True``) or take back the customer's one vote for a published idea."""
    now = now or timezone.now()
    if customer.is_staff:
        raise NotAllowed(_("Staff cannot vote on ideas."), code="staff")
    with transaction.atomic():
        locked = ideas_lock(idea_id)
        if not locked or not locked[0].visible:
            raise Missing(_("This idea does not exist."), code="missing")
        idea = locked[0]
        existing = IdeaVote.objects.filter(idea=idea, customer=customer).first()
        if vote:
            if existing is not None:
                raise Conflict(_("You already voted for this idea."), code="voted")
            IdeaVote.objects.create(idea=idea, customer=customer, created_at=now)
            idea.votes_count += 1
            idea.trending = _log_add(idea.trending, _vote_weight(now))
            event_publish(
                name=EventName.IDEA_VOTED,
                customer_id=customer.pk,
                key=f"feedback.idea:{idea.pk}:voted:{customer.pk}",
                about=idea,
                payload={"idea_id": idea.pk},
                occurred_at=now,
            )
        else:
            if existing is None:
                raise Conflict(_("You have not voted for this idea."), code="not_voted")
            existing.delete()
            idea_recount(idea)
        idea.save(update_fields=["votes_count", "trending"])
    return idea


def idea_comment(*, idea_id: int, author: User, text: str, now: datetime | None = None) -> IdeaComment:
    """Add a comment under a published idea."""
    now = now or timezone.now()
    staff = _is_idea_staff(author)
    text = text_clean(text)
    with transaction.atomic():
        locked = ideas_lock(idea_id)
        if not locked or not (locked[0].visible or staff):
            raise Missing(_("This idea does not exist."), code="missing")
        idea = locked[0]
        again = comment_resubmitted(idea=idea, author=author, text=text, now=now)
        if again is not None:
            return again
        flood_check(customer=author, what=Writing.COMMENT, now=now)
        return IdeaComment.objects.create(
            idea=idea, author=author, from_staff=staff, text=text, created_at=now
        )


def idea_publish(*, idea: Idea, actor: User, published: bool = True, now: datetime | None = None) -> Idea:
    """Show an idea on the board (or take it off)."""
    if not _is_idea_staff(actor):
        raise NotAllowed(_("Only staff can publish ideas."), code="not_staff")
    with transaction.atomic():
        [idea] = ideas_lock(idea.pk)
        if published and idea.merged_into_id is not None:
            raise Conflict(_("A merged idea cannot be published; publish the one it was merged into."))
        idea.published = published
        if published and idea.published_at is None:
            idea.published_at = now or timezone.now()
        idea.save(update_fields=["published", "published_at"])
    return idea


def idea_status_change(
    *,
    idea: Idea,
    actor: User,
    status: str,
    response_en: str,
    response_de: str,
    now: datetime | None = None,
) -> Idea:
    """Set the idea's status and public response; a new status is told to its voters and author."""
    if not _is_idea_staff(actor):
        raise NotAllowed(_("Only staff can decide on ideas."), code="not_staff")
    if status not in Idea.Status.values:
        raise FeedbackRefused(_("Unknown status."), code="status")
    now = now or timezone.now()
    response_en, response_de = response_en.strip(), response_de.strip()
    for response in (response_en, response_de):
        if response:
            text_clean(response)
    with transaction.atomic():
        [idea] = ideas_lock(idea.pk)
        idea.response_en, idea.response_de = response_en, response_de
        fields = ["response_en", "response_de"]
        if status != idea.status:
            idea.status, idea.status_changed_at = status, now
            idea.status_changes += 1
            fields += ["status", "status_changed_at", "status_changes"]
            job_enqueue(
                task="feedback.notify_idea_status",
                args=[idea.pk, idea.status_changes],
                key=f"feedback.idea:{idea.pk}:status:{idea.status_changes}",
            )
        idea.save(update_fields=fields)
    return idea


def idea_merge(*, duplicate: Idea, into: Idea, actor: User) -> Idea:
    """Merge a duplicate into another idea: votes move (no one counts twice), comments follow."""
    if not _is_idea_staff(actor):
        raise NotAllowed(_("Only staff can merge ideas."), code="not_staff")
    if duplicate.pk == into.pk:
        raise FeedbackRefused(_("An idea cannot be merged into itself."), code="self_merge")
    with transaction.atomic():
        locked = {idea.pk: idea for idea in ideas_lock(duplicate.pk, into.pk)}
        duplicate, into = locked[duplicate.pk], locked[into.pk]
        if duplicate.merged_into_id is not None:
            raise Conflict(_("This idea was already merged into another one."), code="merged")
        if into.merged_into_id is not None:
            raise Conflict(
                _("The target was itself merged; merge into the idea it went into."), code="merged"
            )
        target_voters = IdeaVote.objects.filter(idea=into).values("customer_id")
        IdeaVote.objects.filter(idea=duplicate).exclude(customer_id__in=target_voters).update(idea=into)
        IdeaVote.objects.filter(idea=duplicate).delete()  # those who had voted for both
        IdeaComment.objects.filter(idea=duplicate).update(idea=into)
        Idea.objects.filter(merged_into=duplicate).update(merged_into=into)
        duplicate.merged_into = into
        duplicate.votes_count, duplicate.trending = 0, None
        duplicate.save(update_fields=["merged_into", "votes_count", "trending"])
        idea_recount(into)
        into.save(update_fields=["votes_count", "trending"])
    return into


def idea_create_by_staff(*, actor: User, title: str, description: str, now: datetime | None = None) -> Idea:
    """Staff add an idea of the company's own (not yet published)."""
    if not _is_idea_staff(actor):
        raise NotAllowed(_("Only staff can add ideas here."), code="not_staff")
    return Idea.objects.create(
        title=_title_clean(title), description=text_clean(description), created_at=now or timezone.now()
    )


def idea_staff_update(
    *,
    idea: Idea,
    actor: User,
    title: str,
    description: str,
    published: bool,
    status: str,
    response_en: str,
    response_de: str,
    merge_into: Idea | None = None,
) -> Idea:
    """Apply what staff did on an idea's admin page, in one transaction."""
    if not _is_idea_staff(actor):
        raise NotAllowed(_("Only staff can change ideas."), code="not_staff")
    title, description = _title_clean(title), text_clean(description)
    with transaction.atomic():
        # Both ideas of a merge at once and in pk order, as idea_merge takes them: the
        # services below lock them again, and then wait for nobody.
        ideas_lock(idea.pk, *([merge_into.pk] if merge_into is not None else []))
        Idea.objects.filter(pk=idea.pk).update(title=title, description=description)
        if merge_into is not None:
            idea_merge(duplicate=idea, into=merge_into, actor=actor)
        idea = Idea.objects.get(pk=idea.pk)
        if published != idea.published:
            idea = idea_publish(idea=idea, actor=actor, published=published)
        return idea_status_change(
            idea=idea, actor=actor, status=status, response_en=response_en, response_de=response_de
        )


def _voters_and_author(idea: Idea) -> Iterator[list[User]]:
    """The people to tell about an idea, in batches, each once."""
    people = User.objects.filter(
        Q(idea_votes__idea=idea) | Q(pk=idea.author_id or 0), is_active=True
    ).distinct()
    last = 0
    while True:
        batch = list(people.filter(pk__gt=last).order_by("pk")[:NOTIFY_BATCH])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def idea_status_notify(*, idea_id: int, change: int) -> int:
    """Tell voters and the author about status change number ``change`` (the job's work).

    When an idea is done, each voter's account is also told it shipped (one
    event per voter). A change overtaken by a newer one is left to that one.
    Returns how many people were told now.
    """
    idea = Idea.objects.filter(pk=idea_id, status_changes=change).first()
    if idea is None:
        return 0
    shipped = idea.status == Idea.Status.DONE
    status_label = idea.get_status_display
    path = reverse("feedback:idea_detail", args=[idea.pk])
    told = 0
    for batch in _voters_and_author(idea):
        if shipped:
            voters = set(
                IdeaVote.objects.filter(idea=idea, customer__in=batch).values_list("customer_id", flat=True)
            )
            with transaction.atomic():
                events_publish_many(
                    name=EventName.IDEA_SHIPPED,
                    events=[
                        (customer_id, f"feedback.idea:{idea.pk}:shipped:{customer_id}", {"idea_id": idea.pk})
                        for customer_id in sorted(voters)
                    ],
                    about=idea,
                    occurred_at=idea.status_changed_at or timezone.now(),
                )
        for person in batch:
            notification_create(
                customer=person,
                key=f"feedback.idea:{idea.pk}:status:{change}:{person.pk}",
                title=lambda: _("News on an idea you follow: %(status)s") % {"status": status_label()},
                body=lambda: idea.title,
                url=path,
            )
            mail_send(
                key=f"feedback.idea:{idea.pk}:status:{change}:{person.pk}",
                customer=person,
                template="feedback/mail/idea_status",
                context={"idea": idea, "idea_url": absolute(path)},
                purpose_key=SURVEY_PURPOSE,
            )
            told += 1
    return told


def ideas_board(*, customer: User, sort: str = Sort.TRENDING, query: str = "") -> QuerySet[Idea]:
    """Published ideas for the board, with whether ``customer`` voted, sorted and searched."""
    ideas = Idea.objects.filter(published=True, merged_into__isnull=True).annotate(
        voted=Exists(IdeaVote.objects.filter(idea=OuterRef("pk"), customer=customer))
    )
    query = " ".join(query.split())[:100]
    if query:
        ideas = ideas.filter(Q(title__icontains=query) | Q(description__icontains=query))
    if sort == Sort.VOTES:
        return ideas.order_by("-votes_count", "-published_at", "-pk")
    if sort == Sort.NEWEST:
        return ideas.order_by("-published_at", "-pk")
    return ideas.order_by(F("trending").desc(nulls_last=True), "-published_at", "-pk")


def idea_for(*, idea_id: int, customer: User) -> Idea | None:
    """An idea the customer may open: a published one, or their own suggestion awaiting review."""
    return (
        Idea.objects.filter(Q(published=True) | Q(author=customer), pk=idea_id)
        .annotate(voted=Exists(IdeaVote.objects.filter(idea=OuterRef("pk"), customer=customer)))
        .select_related("merged_into")
        .first()
    )


def comments_of(*, idea: Idea) -> QuerySet[IdeaComment]:
    return idea.comments.select_related("author").order_by("created_at", "pk")
