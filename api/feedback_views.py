"""The customer's feedback and the idea board, through the feedback channel's own services.

Same rules as the web pages (``feedback/views``): flooding limits, the
reopen window, one vote per idea; internal notes never leave the admin.
Attachments are not taken through the API (JSON bodies only); the
conversation lists the names of files sent through the portal.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response

from api.customer_views import CustomerView, OwnedListView
from api.feedback_serializers import (
    IdeaSerializer,
    MessageSerializer,
    ReplySerializer,
    ThreadCreateSerializer,
    ThreadDetailSerializer,
    ThreadSerializer,
    TopicSerializer,
)
from api.idempotency import idempotent
from api.pagination import CursorPage
from feedback.ideas import Sort, idea_vote, ideas_board
from feedback.models import Idea, Thread, Topic
from feedback.threads import (
    conversation_of,
    message_post,
    thread_of,
    thread_reopen,
    thread_resolve,
    thread_submit,
    threads_of,
)

FEEDBACK = ["me: feedback"]
IDEAS = ["me: ideas"]


# The request field a refusal of the feedback services is about, by its code.
_REFUSAL_FIELDS = {"kind": "kind", "topic": "topic", "rating": "rating", "*": "text"}


_THREAD = {
    "id": 58,
    "kind": "complaint",
    "topic": "delivery",
    "summary": "The parcel arrived damaged.",
    "rating": 2,
    "status": "answered",
    "created_at": "2026-03-01T10:15:00Z",
    "last_message_at": "2026-03-02T08:00:00Z",
    "answer_due_at": "2026-03-02T17:00:00Z",
    "first_reply_at": "2026-03-02T08:00:00Z",
    "resolved_at": None,
}
_MESSAGES = [
    {
        "id": 301,
        "from_staff": False,
        "text": "The parcel arrived damaged.",
        "created_at": "2026-03-01T10:15:00Z",
        "attachments": ["photo.jpg"],
    },
    {
        "id": 305,
        "from_staff": True,
        "text": "Sorry! A new one is on its way.",
        "created_at": "2026-03-02T08:00:00Z",
        "attachments": [],
    },
]
_DETAIL = {**_THREAD, "messages": _MESSAGES}


class ThreadPage(CursorPage):
    ordering = ("-last_message_at", "-id")  # type: ignore[assignment]


class TopicListView(CustomerView, generics.ListAPIView):  # type: ignore[type-arg]
    serializer_class = TopicSerializer
    pagination_class = None

    @extend_schema(
        tags=FEEDBACK,
        summary="The topics you can give feedback on",
        examples=[OpenApiExample("Topics", value=[{"key": "delivery", "name": "Delivery"}])],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Topic]:
        return Topic.objects.filter(active=True).order_by("order", "pk")


@extend_schema_view(
    get=extend_schema(
        tags=FEEDBACK,
        summary="Your feedback, most recent activity first",
        examples=[OpenApiExample("A page", value={"next": None, "previous": None, "results": [_THREAD]})],
    )
)
class ThreadListView(OwnedListView):
    queryset = Thread.objects.none()  # for the schema; get_queryset is the caller's own
    serializer_class = ThreadSerializer
    pagination_class = ThreadPage
    refusal_fields = _REFUSAL_FIELDS

    def get_queryset(self) -> QuerySet[Thread]:
        return threads_of(customer=self.person())

    @extend_schema(
        tags=FEEDBACK,
        summary="Give feedback",
        description="Praise, a complaint, a question or an idea on one of the topics, with an optional "
        "rating of 1 to 5. We promise a first answer by `answer_due_at`. Attachments can be sent through "
        "the portal's page, not the API. Too many at once is a 429.",
        request=ThreadCreateSerializer,
        responses={201: ThreadDetailSerializer},
        examples=[
            OpenApiExample(
                "A complaint",
                value={
                    "kind": "complaint",
                    "topic": "delivery",
                    "text": "The parcel arrived damaged.",
                    "rating": 2,
                },
                request_only=True,
            ),
            OpenApiExample(
                "Received",
                value={**_DETAIL, "status": "received", "messages": _MESSAGES[:1]},
                response_only=True,
            ),
        ],
    )
    @idempotent
    def post(self, request: Request) -> Response:
        serializer = ThreadCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        topic = Topic.objects.filter(key=data["topic"], active=True).first()
        if topic is None:
            raise ValidationError({"topic": [_("There is no topic with this key.")]}, code="unknown")
        thread = thread_submit(
            customer=self.person(),
            kind=data["kind"],
            topic=topic,
            text=data["text"],
            rating=data.get("rating"),
        )
        return Response(_detail(thread), status=201)


def _detail(thread: Thread) -> Any:
    conversation = conversation_of(thread=thread, for_staff=False)
    return ThreadDetailSerializer(thread, context={"conversation": conversation}).data


class _OwnThread(CustomerView):
    refusal_fields = _REFUSAL_FIELDS

    def thread(self, pk: int) -> Thread:
        thread = thread_of(customer=self.person(), thread_id=pk)
        if thread is None:
            raise NotFound()
        return thread


class ThreadDetailView(_OwnThread):
    @extend_schema(
        tags=FEEDBACK,
        summary="One of your conversations",
        description="The conversation as you see it on the portal, oldest message first.",
        responses={200: ThreadDetailSerializer},
        examples=[OpenApiExample("Conversation", value=_DETAIL)],
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(_detail(self.thread(pk)))


class ThreadReplyView(_OwnThread):
    problem_responses = {"POST": {409: ["conflict"]}}

    @extend_schema(
        tags=FEEDBACK,
        summary="Reply in one of your conversations",
        description="A resolved or closed conversation takes no reply (409): reopen it first.",
        request=ReplySerializer,
        responses={201: MessageSerializer},
        examples=[
            OpenApiExample("Reply", value={"text": "Thank you, it arrived."}, request_only=True),
            OpenApiExample(
                "Sent",
                value={**_MESSAGES[0], "id": 309, "text": "Thank you, it arrived.", "attachments": []},
                response_only=True,
            ),
        ],
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        thread = self.thread(pk)  # the wrong customer gets 404 before anything about the body
        serializer = ReplySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        message = message_post(thread=thread, author=self.person(), text=serializer.validated_data["text"])
        return Response(MessageSerializer(message).data, status=201)


class ThreadResolveView(_OwnThread):
    problem_responses = {"POST": {409: ["conflict"]}}

    @extend_schema(
        tags=FEEDBACK,
        summary="Mark one of your conversations resolved",
        description="A conversation that is already resolved or closed is a 409.",
        request=None,
        responses={200: ThreadDetailSerializer},
        examples=[
            OpenApiExample(
                "Resolved", value={**_DETAIL, "status": "resolved", "resolved_at": "2026-03-03T09:00:00Z"}
            )
        ],
    )
    def post(self, request: Request, pk: int) -> Response:
        thread = thread_resolve(thread=self.thread(pk), actor=self.person())
        return Response(_detail(thread))


class ThreadReopenView(_OwnThread):
    problem_responses = {"POST": {409: ["conflict"], 410: ["gone"]}}

    @extend_schema(
        tags=FEEDBACK,
        summary="Reopen one of your resolved conversations",
        description="Within the reopen window (30 days by default) after it was resolved; later it is a "
        "410 (start a new one), and a conversation that is not resolved is a 409.",
        request=None,
        responses={200: ThreadDetailSerializer},
        examples=[OpenApiExample("Reopened", value={**_DETAIL, "status": "in_progress"})],
    )
    def post(self, request: Request, pk: int) -> Response:
        thread = thread_reopen(thread=self.thread(pk), actor=self.person())
        return Response(_detail(thread))


class IdeaQuerySerializer(serializers.Serializer):  # type: ignore[type-arg]
    sort = serializers.ChoiceField(
        choices=[(sort.value, sort.value) for sort in Sort],
        required=False,
        help_text=gettext_lazy("trending (default), votes or newest."),
    )
    q = serializers.CharField(
        required=False, max_length=100, help_text=gettext_lazy("Search in title and text.")
    )
    limit = serializers.IntegerField(required=False, min_value=1, max_value=200)
    offset = serializers.IntegerField(required=False, min_value=0)


_IDEA = {
    "id": 12,
    "title": "Dark mode",
    "description": "A dark theme for the portal.",
    "status": "planned",
    "votes_count": 41,
    "voted": True,
    "published_at": "2026-02-10T09:00:00Z",
    "response": "Planned for the summer.",
}


class IdeaPage(LimitOffsetPagination):
    default_limit = 50
    max_limit = 200


@extend_schema_view(
    get=extend_schema(
        tags=IDEAS,
        summary="The idea board",
        description="Published ideas, sorted by `trending` (votes fading with a 7-day half-life), `votes` "
        "or `newest`, searched with `q`; `voted` says whether you voted.",
        parameters=[IdeaQuerySerializer],
        examples=[
            OpenApiExample("A page", value={"count": 1, "next": None, "previous": None, "results": [_IDEA]})
        ],
    )
)
class IdeaListView(CustomerView, generics.ListAPIView):  # type: ignore[type-arg]
    queryset = Idea.objects.none()  # for the schema
    serializer_class = IdeaSerializer
    pagination_class = IdeaPage
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Idea]:
        query = IdeaQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return ideas_board(
            customer=self.person(),
            sort=query.validated_data.get("sort", Sort.TRENDING),
            query=query.validated_data.get("q", ""),
        )


class IdeaVoteView(CustomerView):
    problem_responses = {"POST": {409: ["conflict"]}, "DELETE": {409: ["conflict"]}}
    refusal_fields = _REFUSAL_FIELDS

    @extend_schema(
        tags=IDEAS,
        summary="Vote for an idea",
        description="One vote per idea; voting again is a 409.",
        request=None,
        responses={200: IdeaSerializer},
        examples=[OpenApiExample("Voted", value=_IDEA)],
    )
    def post(self, request: Request, pk: int) -> Response:
        return self._vote(pk, vote=True)

    @extend_schema(
        tags=IDEAS,
        summary="Take back your vote for an idea",
        description="Without a vote to take back it is a 409.",
        request=None,
        responses={200: IdeaSerializer},
        examples=[OpenApiExample("Taken back", value={**_IDEA, "voted": False, "votes_count": 40})],
    )
    def delete(self, request: Request, pk: int) -> Response:
        return self._vote(pk, vote=False)

    def _vote(self, pk: int, *, vote: bool) -> Response:
        # An unpublished, merged or unknown idea is the service's Missing: a 404.
        idea = idea_vote(idea_id=pk, customer=self.person(), vote=vote)
        idea.voted = vote  # type: ignore[attr-defined]  # what the board annotates
        return Response(IdeaSerializer(idea).data)
