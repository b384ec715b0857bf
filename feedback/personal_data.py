"""The feedback channel's personal data, for the privacy center's overview, export and erasure.

Erasure keeps what the statistics need and nothing that points to the
person: threads stay with their kind, topic, rating, dates and promise
outcome, but without the customer and with every text scrubbed; survey
and NPS scores stay without the customer; attachments, votes and comments
are deleted; suggestions still awaiting review are deleted, published ideas
stay on the board without their author.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from customers.models import User
from feedback.attachments import attachments_delete_files
from feedback.ideas import idea_recount
from feedback.locks import ideas_lock
from feedback.models import Attachment, Idea, IdeaComment, IdeaVote, Message, NpsSurvey, Survey, Thread
from plumbing.personal_data_registry import PersonalDataSource, personal_data_register


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


# --- Conversations -----------------------------------------------------------------


def _threads_count(user: User) -> int:
    return Thread.objects.filter(customer=user).count()


def _threads_export(user: User) -> list[dict[str, Any]]:
    messages = (
        Message.objects.filter(internal=False).prefetch_related("attachments").order_by("created_at", "pk")
    )
    threads = (
        Thread.objects.filter(customer=user)
        .select_related("topic")
        .prefetch_related(Prefetch("messages", queryset=messages))
        .order_by("pk")
    )
    return [
        {
            "id": thread.pk,
            "kind": thread.kind,
            "topic": thread.topic.name_en,
            "rating": thread.rating,
            "status": thread.status,
            "received_at": _when(thread.created_at),
            "answer_promised_by": _when(thread.due_at),
            "promise": thread.promise,
            "first_answer_at": _when(thread.first_reply_at),
            "resolved_at": _when(thread.resolved_at),
            "messages": [
                {
                    "from": "staff" if message.from_staff else "you",
                    "written_at": _when(message.created_at),
                    "text": message.text,
                    "attachments": [
                        {"name": a.name, "content_type": a.content_type, "size": a.size}
                        for a in message.attachments.all()
                    ],
                }
                for message in thread.messages.all()
            ],
        }
        for thread in threads
    ]


def _threads_erase(user: User) -> None:
    thread_ids = list(Thread.objects.filter(customer=user).values_list("pk", flat=True))
    attachments = Attachment.objects.filter(message__thread_id__in=thread_ids)
    attachments_delete_files([name for name in attachments.values_list("file", flat=True) if name])
    attachments.delete()
    Message.objects.filter(thread_id__in=thread_ids).update(text="")
    Message.objects.filter(thread_id__in=thread_ids, author=user).update(author=None)
    Thread.objects.filter(pk__in=thread_ids, promise=Thread.Promise.OPEN).update(promise=Thread.Promise.VOID)
    Thread.objects.filter(pk__in=thread_ids, resolved_by=user).update(resolved_by=None)
    Thread.objects.filter(pk__in=thread_ids).update(customer=None, summary="")


# --- Survey answers ------------------------------------------------------------------


def _surveys_count(user: User) -> int:
    return Survey.objects.filter(customer=user).count() + NpsSurvey.objects.filter(customer=user).count()


def _surveys_export(user: User) -> dict[str, Any]:
    return {
        "satisfaction_surveys": [
            {
                "thread_id": survey.thread_id,
                "sent_at": _when(survey.sent_at),
                "score": survey.score,
                "solved": survey.solved,
                "answered_at": _when(survey.answered_at),
            }
            for survey in Survey.objects.filter(customer=user).order_by("pk")
        ],
        "recommendation_questions": [
            {"asked_at": _when(nps.created_at), "score": nps.score, "answered_at": _when(nps.answered_at)}
            for nps in NpsSurvey.objects.filter(customer=user).order_by("pk")
        ],
    }


def _surveys_erase(user: User) -> None:
    Survey.objects.filter(customer=user).update(customer=None)
    NpsSurvey.objects.filter(customer=user).update(customer=None)


# --- Ideas ---------------------------------------------------------------------------


def _ideas_count(user: User) -> int:
    return (
        Idea.objects.filter(author=user).count()
        + IdeaVote.objects.filter(customer=user).count()
        + IdeaComment.objects.filter(author=user).count()
    )


def _ideas_export(user: User) -> dict[str, Any]:
    return {
        "ideas_suggested": [
            {
                "title": idea.title,
                "description": idea.description,
                "suggested_at": _when(idea.created_at),
                "published": idea.published,
            }
            for idea in Idea.objects.filter(author=user).order_by("pk")
        ],
        "votes": [
            {"idea": vote.idea.title, "voted_at": _when(vote.created_at)}
            for vote in IdeaVote.objects.filter(customer=user).select_related("idea").order_by("pk")
        ],
        "comments": [
            {"idea": comment.idea.title, "text": comment.text, "written_at": _when(comment.created_at)}
            for comment in IdeaComment.objects.filter(author=user).select_related("idea").order_by("pk")
        ],
    }


def _ideas_erase(user: User) -> None:
    voted = sorted(set(IdeaVote.objects.filter(customer=user).values_list("idea_id", flat=True)))
    for idea in ideas_lock(*voted):
        IdeaVote.objects.filter(idea=idea, customer=user).delete()
        idea_recount(idea)
        idea.save(update_fields=["votes_count", "trending"])
    IdeaComment.objects.filter(author=user).delete()
    Idea.objects.filter(author=user, published=False, duplicates__isnull=True).delete()
    Idea.objects.filter(author=user).update(author=None)


def register() -> None:
    """Register the feedback channel's sources (called from FeedbackConfig.ready)."""
    personal_data_register(
        PersonalDataSource(
            key="feedback_conversations",
            label=_("Feedback conversations"),
            explanation=_(
                "Your feedback threads: kind, topic, rating, status, the promised answer date and "
                "whether we kept it, and every message you and our staff wrote, with the names, "
                "types and sizes of attached files."
            ),
            count=_threads_count,
            export=_threads_export,
            erase=_threads_erase,
            order=40,
        )
    )
    personal_data_register(
        PersonalDataSource(
            key="feedback_surveys",
            label=_("Survey answers"),
            explanation=_(
                "Your answers to satisfaction surveys (1 to 5, and whether your problem was solved) "
                "and to the question whether you would recommend us (0 to 10)."
            ),
            count=_surveys_count,
            export=_surveys_export,
            erase=_surveys_erase,
            order=41,
        )
    )
    personal_data_register(
        PersonalDataSource(
            key="feedback_ideas",
            label=_("Ideas, votes and comments"),
            explanation=_(
                "The ideas you suggested, the ideas you voted for, and your comments on the idea board."
            ),
            count=_ideas_count,
            export=_ideas_export,
            erase=_ideas_erase,
            order=42,
        )
    )
