"""Customer endpoints (``/api/v1/me/...``): a signed-in person's own data, nobody else's.

Session or personal token. Every queryset is filtered by the caller, so
another customer's ids answer 404. The views call the privacy center's own
services, so the API and the web pages follow the same rules.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import filters, generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.customer_serializers import (
    ConsentChangeResultSerializer,
    ConsentChangesSerializer,
    ConsentMatrixSerializer,
    ConsentRecordSerializer,
    MarkedReadSerializer,
    MarkReadSerializer,
    NotificationSerializer,
    ProfileSerializer,
)
from api.filters import ConsentHistoryFilter, NotificationFilter
from api.idempotency import idempotent
from api.permissions import IsCustomer, caller_person
from customers.consents import ConsentChange, consent_change, consent_matrix
from customers.models import ConsentRecord, Notification, User
from customers.notifications import notifications_mark_read, notifications_of

ME = ["me"]


class CustomerView(APIView):
    """Base of the customer endpoints: a signed-in person, acting for themselves."""

    permission_classes = [IsCustomer]

    def get_authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'

    def person(self) -> User:
        person = caller_person(self.request)
        assert person is not None  # IsCustomer let the request in
        return person


_PROFILE = {"id": 42, "email": "alex@example.com", "full_name": "Alex Example", "language": "de"}
_PROFILE_EXAMPLE = OpenApiExample("Profile", value={**_PROFILE, "date_joined": "2026-01-05T09:30:00Z"})


@extend_schema_view(
    get=extend_schema(
        tags=ME, summary="Your profile", responses=ProfileSerializer, examples=[_PROFILE_EXAMPLE]
    ),
    patch=extend_schema(
        tags=ME,
        summary="Change your name or language",
        description="Only `full_name` and `language` can be changed; the email address is changed "
        "in the account settings, with a confirmation mail.",
        examples=[
            OpenApiExample("Switch to German", value={"language": "de"}, request_only=True),
            _PROFILE_EXAMPLE,
        ],
    ),
)
class ProfileView(CustomerView, generics.RetrieveUpdateAPIView):  # type: ignore[type-arg]
    serializer_class = ProfileSerializer
    http_method_names = ["get", "patch"]

    def get_object(self) -> User:
        return self.person()


_MATRIX_EXAMPLE = {
    "channels": [{"key": "email", "name": "Email"}, {"key": "sms", "name": "SMS"}],
    "purposes": [
        {
            "key": "newsletter",
            "title": "Newsletter",
            "description": "News about our products and services, at most twice a month.",
            "legal_basis": "consent",
            "required": False,
            "required_reason": "",
            "marketing": True,
            "version": 1,
            "consents": [
                {
                    "channel": "email",
                    "state": "pending",
                    "allowed": False,
                    "pending": True,
                    "needs_reconfirm": False,
                    "editable": True,
                    "granted_version": 1,
                }
            ],
        }
    ],
}
_RECORD_EXAMPLE = {
    "id": 981,
    "purpose": "surveys",
    "channel": "email",
    "state": "granted",
    "source": "api",
    "created_at": "2026-03-01T10:15:00Z",
    "text_version": {
        "version": 2,
        "title": "Surveys and research",
        "description": "Short questions after we helped you.",
    },
}


class ConsentsView(CustomerView):
    """Your consents: what the company may contact you about, on which channel."""

    problem_responses = {"POST": {409: ["stale-version"]}}
    refusal_fields = {"*": "changes"}

    @extend_schema(
        tags=ME,
        summary="Your consent matrix",
        description="Every active purpose with its channels and the current state of each: granted, "
        "withdrawn or pending (waiting for the confirmation link), and whether a newer text needs "
        "your reconfirmation.",
        responses=ConsentMatrixSerializer,
        examples=[OpenApiExample("Matrix", value=_MATRIX_EXAMPLE)],
    )
    def get(self, request: Request) -> Response:
        return Response(ConsentMatrixSerializer(consent_matrix(customer=self.person())).data)

    @extend_schema(
        tags=ME,
        summary="Change consents",
        description="Grants and withdrawals, all or nothing, with the same rules as the privacy center: "
        "marketing by email stays pending until the confirmation link mailed to you is followed "
        "(double opt-in); a purpose required for the service cannot be withdrawn; an unknown purpose or "
        "channel is a 400; a `version` older than the purpose's current text is a 409. Recorded with "
        "the source API. Changes that change nothing record nothing.",
        request=ConsentChangesSerializer,
        responses={200: ConsentChangeResultSerializer},
        examples=[
            OpenApiExample(
                "Allow surveys by email, withdraw offers by SMS",
                value={
                    "changes": [
                        {"purpose": "surveys", "channel": "email", "granted": True, "version": 2},
                        {"purpose": "offers", "channel": "sms", "granted": False},
                    ]
                },
                request_only=True,
            ),
            OpenApiExample("Recorded", value={"recorded": [_RECORD_EXAMPLE]}, response_only=True),
        ],
    )
    @idempotent
    def post(self, request: Request) -> Response:
        serializer = ConsentChangesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        person = self.person()
        changes = [
            ConsentChange(
                purpose=change["purpose"],
                channel=change["channel"],
                granted=change["granted"],
                shown_version=change.get("version"),
            )
            for change in serializer.validated_data["changes"]
        ]
        records = consent_change(
            customer=person, changes=changes, source=ConsentRecord.Source.API, actor=person
        )
        return Response(ConsentChangeResultSerializer({"recorded": records}).data)


class OwnedListView(CustomerView, generics.ListAPIView):  # type: ignore[type-arg]
    """A cursor-paginated list of the caller's own rows."""


@extend_schema_view(
    get=extend_schema(
        tags=ME,
        summary="Your consent history",
        description="Every change of every consent, newest first (`ordering=id`: oldest first), with "
        "the exact text version that was shown. Append-only: nothing in it is ever changed.",
        examples=[
            OpenApiExample("A page", value={"next": None, "previous": None, "results": [_RECORD_EXAMPLE]})
        ],
    )
)
class ConsentHistoryView(OwnedListView):
    queryset = ConsentRecord.objects.none()  # for the schema; get_queryset is the caller's own
    serializer_class = ConsentRecordSerializer
    filterset_class = ConsentHistoryFilter
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    ordering_fields = ["id"]

    def get_queryset(self) -> QuerySet[ConsentRecord]:
        return ConsentRecord.objects.filter(customer=self.person()).select_related(
            "purpose", "channel", "purpose_version"
        )


@extend_schema_view(
    get=extend_schema(
        tags=ME,
        summary="One change of your consents",
        examples=[OpenApiExample("Record", value=_RECORD_EXAMPLE)],
    )
)
class ConsentRecordView(CustomerView, generics.RetrieveAPIView):  # type: ignore[type-arg]
    queryset = ConsentRecord.objects.none()
    serializer_class = ConsentRecordSerializer

    def get_queryset(self) -> QuerySet[ConsentRecord]:
        return ConsentRecord.objects.filter(customer=self.person()).select_related(
            "purpose", "channel", "purpose_version"
        )


_NOTIFICATION_EXAMPLE = {
    "id": 7,
    "title": "Your export is ready",
    "body": "Download it within 7 days.",
    "url": "/privacy/requests/12/",
    "created_at": "2026-03-02T08:00:00Z",
    "read_at": None,
}


@extend_schema_view(
    get=extend_schema(
        tags=ME,
        summary="Your notifications",
        description="Newest first (`ordering=id`: oldest first); `unread=true` for the unread ones only.",
        examples=[
            OpenApiExample(
                "A page", value={"next": None, "previous": None, "results": [_NOTIFICATION_EXAMPLE]}
            )
        ],
    )
)
class NotificationListView(OwnedListView):
    queryset = Notification.objects.none()
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    ordering_fields = ["id"]

    def get_queryset(self) -> QuerySet[Notification]:
        return notifications_of(customer=self.person())


@extend_schema_view(
    get=extend_schema(
        tags=ME,
        summary="One notification",
        examples=[OpenApiExample("Notification", value=_NOTIFICATION_EXAMPLE)],
    )
)
class NotificationDetailView(CustomerView, generics.RetrieveAPIView):  # type: ignore[type-arg]
    queryset = Notification.objects.none()
    serializer_class = NotificationSerializer

    def get_queryset(self) -> QuerySet[Notification]:
        return notifications_of(customer=self.person())


class NotificationsMarkReadView(CustomerView):
    @extend_schema(
        tags=ME,
        summary="Mark all your notifications read",
        request=MarkReadSerializer,
        responses={200: MarkedReadSerializer},
        examples=[OpenApiExample("Marked", value={"marked": 3}, response_only=True)],
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        MarkReadSerializer(data=request.data).is_valid(raise_exception=True)
        return Response({"marked": notifications_mark_read(customer=self.person())})
