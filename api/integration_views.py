"""Integration endpoints: the company's other systems, with an API key and the scopes it needs.

Each view declares ``required_scopes``; a key without them gets 403, a person
(session or token) gets 403, nobody gets 401. Reading a customer's data is
written to that customer's staff-access log as "System: <name>".
"""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.consent_check import UnknownPurposeOrChannel, consent_check
from api.external_ids import (
    customer_find,
    external_id_of,
    external_id_remove,
    external_id_store,
)
from api.integration_serializers import (
    ConsentAnswerSerializer,
    ConsentCheckQuerySerializer,
    CustomerSerializer,
    ExternalIdResultSerializer,
    ExternalIdSerializer,
    LookupQuerySerializer,
)
from api.models import ApiKey, Scope, System
from api.permissions import HasScope, caller_key
from customers.access import system_access_record
from customers.models import User

CUSTOMERS = ["customers"]
CONSENT = ["consent check"]


class IntegrationView(APIView):
    """Base of the integration endpoints: an API key with the view's ``required_scopes``."""

    permission_classes = [HasScope]

    def key(self) -> ApiKey:
        key = caller_key(self.request)
        assert key is not None  # HasScope let the request in
        return key

    def system(self) -> System:
        return self.key().system

    def customer_or_404(self, pk: int) -> User:
        return get_object_or_404(User.objects.customers(), pk=pk)

    def customer_data(self, customer: User, *, view: str) -> dict[str, Any]:
        """The customer as this system may see them, written to the customer's access log."""
        system_access_record(system_name=self.system().name, customer=customer, view=view)
        return {
            "id": customer.pk,
            "email": customer.email,
            "full_name": customer.full_name,
            "language": customer.language,
            "external_id": external_id_of(system=self.system(), customer=customer),
        }


_CUSTOMER = {
    "id": 42,
    "email": "alex@example.com",
    "full_name": "Alex Example",
    "language": "de",
    "external_id": "SHOP-100234",
}


class CustomerLookupView(IntegrationView):
    required_scopes = [Scope.CUSTOMERS_READ]
    problem_responses = {"GET": {404: ["not-found"]}}

    @extend_schema(
        tags=CUSTOMERS,
        summary="Find a customer by email address or by your external id",
        parameters=[LookupQuerySerializer],
        responses={200: CustomerSerializer},
        examples=[OpenApiExample("Found", value=_CUSTOMER)],
        description="Give exactly one of `email` and `external_id`. Unknown: 404.",
    )
    def get(self, request: Request) -> Response:
        query = LookupQuerySerializer.validated(request.query_params)
        customer = customer_find(system=self.system(), ref=LookupQuerySerializer.ref_of(query))
        if customer is None:
            raise NotFound()
        return Response(self.customer_data(customer, view="api:customer-lookup"))


class CustomerDetailView(IntegrationView):
    required_scopes = [Scope.CUSTOMERS_READ]

    @extend_schema(
        tags=CUSTOMERS,
        summary="A customer by the portal's id",
        responses={200: CustomerSerializer},
        examples=[OpenApiExample("Customer", value=_CUSTOMER)],
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(self.customer_data(self.customer_or_404(pk), view="api:customer"))


class ExternalIdView(IntegrationView):
    required_scopes = [Scope.EXTERNAL_IDS_WRITE]
    problem_responses = {"PUT": {409: ["conflict"]}}

    @extend_schema(
        tags=CUSTOMERS,
        summary="Store your external id for a customer",
        description="Stores or replaces the id your system knows this customer by. Each system has its "
        "own ids: another system never sees yours. An id your system already uses for another "
        "customer is a 409.",
        request=ExternalIdSerializer,
        responses={200: ExternalIdResultSerializer},
        examples=[
            OpenApiExample("Store", value={"value": "SHOP-100234"}, request_only=True),
            OpenApiExample(
                "Stored",
                value={"customer": 42, "value": "SHOP-100234", "updated_at": "2026-03-01T10:15:00Z"},
                response_only=True,
            ),
        ],
    )
    def put(self, request: Request, pk: int) -> Response:
        serializer = ExternalIdSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        customer = self.customer_or_404(pk)
        external = external_id_store(
            system=self.system(), customer=customer, value=serializer.validated_data["value"]
        )
        return Response({"customer": customer.pk, "value": external.value, "updated_at": external.updated_at})

    @extend_schema(
        tags=CUSTOMERS,
        summary="Forget your external id for a customer",
        responses={204: OpenApiResponse(description="Forgotten (or there was none).")},
    )
    def delete(self, request: Request, pk: int) -> Response:
        external_id_remove(system=self.system(), customer=self.customer_or_404(pk))
        return Response(status=204)


class ConsentCheckView(IntegrationView):
    required_scopes = [Scope.CONSENT_CHECK]

    @extend_schema(
        tags=CONSENT,
        summary="May we contact this customer about this purpose on this channel?",
        description="Answered from the current state, the same way the portal decides for its own "
        "mailings. Name the customer in exactly one way (`customer`, `email` or `external_id`). "
        "`allowed` is false for an unknown customer, an erased (suppressed) address, a purpose the "
        "customer has not allowed, withdrawn or not yet confirmed by mail, and a purpose not offered on "
        "the channel; `reason` says which. An unknown purpose or channel key is a 400.",
        parameters=[ConsentCheckQuerySerializer],
        responses={200: ConsentAnswerSerializer},
        examples=[
            OpenApiExample("Allowed", value={"allowed": True, "reason": "granted"}),
            OpenApiExample("Withdrawn", value={"allowed": False, "reason": "not_granted"}),
            OpenApiExample("Erased address", value={"allowed": False, "reason": "suppressed"}),
        ],
    )
    def get(self, request: Request) -> Response:
        query = ConsentCheckQuerySerializer.validated(request.query_params)
        try:
            answer = consent_check(
                system_id=self.key().system_id,
                ref=ConsentCheckQuerySerializer.ref_of(query),
                purpose_key=query["purpose"],
                channel_key=query["channel"],
            )
        except UnknownPurposeOrChannel as unknown:
            raise ValidationError({unknown.field: [_unknown(unknown.field)]}, code="unknown") from None
        return Response({"allowed": answer.allowed, "reason": answer.reason.value})


def _unknown(field: str) -> str:
    if field == "purpose":
        return _("There is no active purpose with this key.")
    return _("There is no active channel with this key.")
