"""Trust endpoints for the company's other systems: book touchpoints, read accounts, work follow-ups.

Bookings go through :mod:`trust.ledger` (one booking, or a batch all or
nothing), outcomes through :mod:`trust.outcomes`: the same services as the
admin. A touchpoint is booked once per system and ``reference``; the POSTs
also need an ``Idempotency-Key``.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from api.bookable import may_book
from api.external_ids import customers_find_many
from api.filters import AccountFilter, FollowUpFilter
from api.idempotency import idempotent
from api.integration_views import IntegrationView
from api.models import Scope, System
from api.pagination import CursorPage
from api.problems import Problem, refusal_errors
from api.trust_serializers import (
    BULK_MAX,
    AccountSerializer,
    BookedBulkSerializer,
    BookedOneSerializer,
    FollowUpSerializer,
    OutcomeSerializer,
    TrustEventBulkSerializer,
    TrustEventSerializer,
)
from customers.access import system_access_record
from plumbing.sources import source_of
from trust.ledger import Booking, BookingRequest, BookingsRefused, ledger_book, ledger_book_many
from trust.models import Account, FollowUp
from trust.outcomes import followup_record_outcome
from trust.scoring import NEUTRAL

TRUST = ["trust"]


def _refusal_fields(item: dict[str, Any]) -> dict[str, str]:
    """Which field of a booking request a refused booking is about, by the refusal's code."""
    customer = _customer_field(item)
    return {
        "future": "occurred_at",
        "key": "reference",
        "erased": customer,
        "staff": customer,
        "*": "event_type",
    }


def _customer_field(item: dict[str, Any]) -> str:
    return next((name for name in TrustEventSerializer.names if name in item), "customer")


def _unknown_customer(item: dict[str, Any]) -> dict[str, list[str]]:
    return {_customer_field(item): [_("There is no customer like this.")]}


def _request_of(system: System, customer_id: int, item: dict[str, Any]) -> BookingRequest:
    return BookingRequest(
        customer_id=customer_id,
        event_type=item["event_type"],
        key=f"api:{system.pk}:{item['reference']}",
        occurred_at=item.get("occurred_at"),
        source=source_of(system),
        note=item.get("note", ""),
    )


def _booked(booking: Booking, reference: str) -> dict[str, Any]:
    entry = booking.entry
    return {
        "entry": entry.pk,
        "customer": entry.customer_id,
        "event_type": entry.event_type.key,
        "points": entry.points,
        "occurred_at": entry.occurred_at,
        "reference": reference,
        "created": booking.created,
    }


def _account(customer_id: int) -> Account:
    """The customer's account, or what it would show without entries."""
    account = Account.objects.filter(pk=customer_id).first()
    return account or Account(customer_id=customer_id, score=NEUTRAL, balance=0)


_EVENT = {
    "external_id": "SHOP-100234",
    "event_type": "complaint",
    "occurred_at": "2026-03-01T10:15:00Z",
    "reference": "TICKET-5531",
    "note": "Parcel arrived damaged.",
}
_BOOKED = {
    "entry": 7781,
    "customer": 42,
    "event_type": "complaint",
    "points": -8,
    "occurred_at": "2026-03-01T10:15:00Z",
    "reference": "TICKET-5531",
    "created": True,
}


class TrustEventView(IntegrationView):
    required_scopes = [Scope.TRUST_WRITE]
    idempotency_required = True

    @property
    def refusal_fields(self) -> dict[str, str]:
        return _refusal_fields(self.request.data)

    @extend_schema(
        tags=TRUST,
        summary="Book a touchpoint on a customer's trust account",
        description="Books one ledger entry of the given event type (its points are the weights staff "
        "set). Name the customer in exactly one way: `customer` (the portal's id), `email`, or "
        "`external_id` (your system's id). A `reference` your system booked before is not booked again: "
        "the answer is the first entry with `created: false` (200). An unknown customer or event type, "
        "an inactive type, a type whose points are set per booking, or a time in the future is a 400 "
        "naming the field; nothing is written. A type integrations may not book (staff mark the types "
        "they may, and can narrow them per key) is a 403 `forbidden` problem naming the type.",
        request=TrustEventSerializer,
        responses={201: BookedOneSerializer, 200: BookedOneSerializer},
        examples=[
            OpenApiExample("A complaint", value=_EVENT, request_only=True),
            OpenApiExample(
                "Booked",
                value={**_BOOKED, "account": {"score": 38, "band": "watch", "balance": -8}},
                response_only=True,
                status_codes=["201"],
            ),
            OpenApiExample(
                "Booked before",
                value={**_BOOKED, "created": False, "account": {"score": 38, "band": "watch", "balance": -8}},
                response_only=True,
                status_codes=["200"],
            ),
        ],
    )
    @idempotent
    def post(self, request: Request) -> Response:
        serializer = TrustEventSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item: dict[str, Any] = dict(serializer.validated_data)
        may_book(self.key(), [item["event_type"]])
        system = self.system()
        [customer_id] = customers_find_many(system=system, refs=[TrustEventSerializer.ref_of(item)])
        if customer_id is None:
            raise ValidationError(_unknown_customer(item), code="unknown")
        booking = ledger_book(**asdict(_request_of(system, customer_id, item)))
        account = _account(customer_id)
        body = {
            **_booked(booking, item["reference"]),
            "account": {"score": account.score, "band": account.band, "balance": account.balance},
        }
        return Response(body, status=201 if booking.created else 200)


class TrustEventBulkView(IntegrationView):
    required_scopes = [Scope.TRUST_WRITE]
    idempotency_required = True

    @extend_schema(
        tags=TRUST,
        summary="Book up to 1,000 touchpoints at once, all or none",
        description="Each event as for a single booking. They are booked in one transaction: if any "
        "is wrong, none is booked and the 400 lists every wrong one (`errors[].field` is "
        "`events.<index>.<field>`). More than 1,000 events is a 413.",
        request=TrustEventBulkSerializer,
        responses={201: BookedBulkSerializer},
        examples=[
            OpenApiExample(
                "Two touchpoints",
                value={
                    "events": [
                        _EVENT,
                        {"customer": 42, "event_type": "praise", "reference": "REVIEW-88"},
                    ]
                },
                request_only=True,
            ),
            OpenApiExample(
                "Booked",
                value={
                    "booked": 2,
                    "results": [
                        _BOOKED,
                        {
                            **_BOOKED,
                            "entry": 7782,
                            "event_type": "praise",
                            "points": 5,
                            "reference": "REVIEW-88",
                        },
                    ],
                },
                response_only=True,
            ),
        ],
    )
    @idempotent
    def post(self, request: Request) -> Response:
        events = request.data.get("events") if isinstance(request.data, dict) else None
        if isinstance(events, list) and len(events) > BULK_MAX:
            raise Problem(
                _("At most %(max)s events per request; this one has %(count)s.")
                % {"max": f"{BULK_MAX:,}", "count": f"{len(events):,}"},
                problem="too-large",
            )
        serializer = TrustEventBulkSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        items: list[dict[str, Any]] = [dict(item) for item in serializer.validated_data["events"]]
        may_book(self.key(), [item["event_type"] for item in items])
        system = self.system()
        customer_ids = customers_find_many(
            system=system, refs=[TrustEventSerializer.ref_of(item) for item in items]
        )
        unknown = {
            str(index): _unknown_customer(item)
            for index, (item, customer_id) in enumerate(zip(items, customer_ids, strict=True))
            if customer_id is None
        }
        if unknown:
            raise ValidationError({"events": unknown}, code="unknown")
        requests = [
            _request_of(system, customer_id, item)
            for item, customer_id in zip(items, customer_ids, strict=True)
            if customer_id is not None
        ]
        try:
            bookings = ledger_book_many(requests=requests)
        except BookingsRefused as refused:
            errors = {
                str(index): refusal_errors(refusal, fields=_refusal_fields(items[index]))
                for index, refusal in sorted(refused.refusals.items())
            }
            raise ValidationError({"events": errors}) from None
        results = [_booked(booking, item["reference"]) for booking, item in zip(bookings, items, strict=True)]
        return Response(
            {"booked": sum(1 for booking in bookings if booking.created), "results": results}, status=201
        )


_ACCOUNT = {
    "customer": 42,
    "score": 38,
    "band": "watch",
    "balance": -8,
    "negatives_90d": 1,
    "alarm": False,
    "updated": "2026-03-01T10:15:00Z",
}


class TrustAccountView(IntegrationView):
    required_scopes = [Scope.TRUST_READ]

    @extend_schema(
        tags=TRUST,
        summary="A customer's trust account",
        description="Score (0-100), band, balance (sum of points) and bad experiences in the alarm "
        "window. A customer without entries shows the neutral account. Reading it is written to the "
        "customer's access log.",
        responses={200: AccountSerializer},
        examples=[OpenApiExample("Account", value=_ACCOUNT)],
    )
    def get(self, request: Request, pk: int) -> Response:
        customer = self.customer_or_404(pk)
        system_access_record(system_name=self.system().name, customer=customer, view="api:trust-account")
        return Response(AccountSerializer(_account(customer.pk)).data)


class AccountPage(CursorPage):
    ordering = "customer_id"


@extend_schema_view(
    get=extend_schema(
        tags=TRUST,
        summary="Trust accounts, by customer id",
        description="Every customer with entries; filter by `band`. Cursor pages.",
        examples=[OpenApiExample("A page", value={"next": None, "previous": None, "results": [_ACCOUNT]})],
    )
)
class TrustAccountListView(IntegrationView, generics.ListAPIView):  # type: ignore[type-arg]
    required_scopes = [Scope.TRUST_READ]
    queryset = Account.objects.all()
    serializer_class = AccountSerializer
    filterset_class = AccountFilter
    pagination_class = AccountPage


_FOLLOW_UP = {
    "id": 311,
    "customer": 42,
    "reason": "band",
    "state": "open",
    "band": "at_risk",
    "suggested_action": "reach_out",
    "due_at": "2026-03-04T10:15:00Z",
    "overdue": False,
    "outcome": "",
    "opened_at": "2026-03-01T10:15:00Z",
    "closed_at": None,
}


@extend_schema_view(
    get=extend_schema(
        tags=TRUST,
        summary="Follow-ups, newest first",
        description="Filter by `state` (open, closed), `reason` (band, alarm, manual) and `overdue`. "
        "Cursor pages.",
        examples=[OpenApiExample("A page", value={"next": None, "previous": None, "results": [_FOLLOW_UP]})],
    )
)
class FollowUpListView(IntegrationView, generics.ListAPIView):  # type: ignore[type-arg]
    required_scopes = [Scope.TRUST_READ]
    queryset = FollowUp.objects.all()
    serializer_class = FollowUpSerializer
    filterset_class = FollowUpFilter

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "now": timezone.now()}


class FollowUpOutcomeView(IntegrationView):
    required_scopes = [Scope.FOLLOWUPS_WRITE]
    problem_responses = {"POST": {409: ["conflict"]}}
    refusal_fields = {"*": "outcome"}

    @extend_schema(
        tags=TRUST,
        summary="Record what came of a follow-up",
        description="Closes the open follow-up with the outcome and books the outcome's entry on the "
        "account, as an agent does in the admin. A follow-up that is already closed is a 409.",
        request=OutcomeSerializer,
        responses={200: FollowUpSerializer},
        examples=[
            OpenApiExample(
                "Resolved", value={"outcome": "resolved", "note": "Replaced the parcel."}, request_only=True
            ),
            OpenApiExample(
                "Closed",
                value={
                    **_FOLLOW_UP,
                    "state": "closed",
                    "outcome": "resolved",
                    "closed_at": "2026-03-02T09:00:00Z",
                },
                response_only=True,
            ),
        ],
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        serializer = OutcomeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        follow_up = followup_record_outcome(
            followup_id=pk,
            outcome=serializer.validated_data["outcome"],
            note=serializer.validated_data.get("note", ""),
            actor=None,
        )
        return Response(FollowUpSerializer(follow_up, context={"now": timezone.now()}).data)
