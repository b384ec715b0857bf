"""The customer's data requests and consent receipt, through the privacy center's own services.

Same rules as the web pages (``customers/views.py``): one open request of
each kind, erasure only with the password (or an MFA code) again and a
cancellable grace period, the copy of the data served only to its owner,
as an attachment, never cached.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from api.customer_views import CustomerView, OwnedListView
from api.idempotency import idempotent
from api.privacy_serializers import DataRequestCreateSerializer, DataRequestSerializer
from customers.exports import export_response
from customers.forms import ErasureForm
from customers.models import DataRequest
from customers.proof import consent_receipt_response
from customers.requests import (
    data_request_cancel,
    data_request_erasure,
    data_request_export,
    data_requests_of,
)

REQUESTS = ["me: data requests"]

_REQUEST = {
    "id": 17,
    "kind": "export",
    "status": "completed",
    "received_at": "2026-03-01T10:15:00Z",
    "due_at": "2026-04-01T10:15:00Z",
    "extension_reason": "",
    "erase_after": None,
    "completed_at": "2026-03-01T10:17:00Z",
    "expires_at": "2026-03-08T10:17:00Z",
    "downloadable": True,
    "download": "/api/v1/me/data-requests/17/download/",
}


@extend_schema_view(
    get=extend_schema(
        tags=REQUESTS,
        summary="Your data requests",
        description="Every copy of your data and erasure you asked for, newest first, with its status "
        "and legal due date.",
        examples=[OpenApiExample("A page", value={"next": None, "previous": None, "results": [_REQUEST]})],
    )
)
class DataRequestListView(OwnedListView):
    queryset = DataRequest.objects.none()  # for the schema; get_queryset is the caller's own
    serializer_class = DataRequestSerializer
    problem_responses = {"POST": {409: ["conflict"]}}
    refusal_fields = {"*": "kind"}

    def get_queryset(self) -> QuerySet[DataRequest]:
        return data_requests_of(customer=self.person())

    @extend_schema(
        tags=REQUESTS,
        summary="Ask for a copy of your data, or for the erasure of your account",
        description="`export`: a worker builds a ZIP of all your data; you get a mail when it is ready "
        "(then `download`). `erasure`: give your `password` (or an MFA `code`) and `confirm: true`; your "
        "account is erased after a grace period during which you can cancel. One open request of each "
        "kind: a second is a 409.",
        request=DataRequestCreateSerializer,
        responses={201: DataRequestSerializer},
        examples=[
            OpenApiExample("A copy of my data", value={"kind": "export"}, request_only=True),
            OpenApiExample(
                "Erase my account",
                value={"kind": "erasure", "password": "my password", "confirm": True},
                request_only=True,
            ),
            OpenApiExample(
                "Received",
                value={
                    **_REQUEST,
                    "status": "received",
                    "completed_at": None,
                    "expires_at": None,
                    "downloadable": False,
                    "download": None,
                },
                response_only=True,
            ),
        ],
    )
    @idempotent
    def post(self, request: Request) -> Response:
        serializer = DataRequestCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(serializer.validated_data)
        person = self.person()
        if data["kind"] == DataRequest.Kind.EXPORT:
            created = data_request_export(customer=person)
        else:
            form = ErasureForm(
                {key: data[key] for key in ("password", "code", "confirm") if key in data},
                user=person,
                request=request._request,
            )
            if not form.is_valid():
                errors = {
                    ("password" if field == "__all__" else field): [str(message) for message in messages]
                    for field, messages in form.errors.items()
                }
                raise ValidationError(errors, code="reauthentication")
            created = data_request_erasure(customer=person)
        return Response(DataRequestSerializer(created).data, status=201)


class DataRequestDetailView(CustomerView):
    @extend_schema(
        tags=REQUESTS,
        summary="One of your data requests",
        responses={200: DataRequestSerializer},
        examples=[OpenApiExample("Ready", value=_REQUEST)],
    )
    def get(self, request: Request, pk: int) -> Response:
        data_request = get_object_or_404(DataRequest, pk=pk, customer=self.person())
        return Response(DataRequestSerializer(data_request).data)


class DataRequestCancelView(CustomerView):
    problem_responses = {"POST": {409: ["conflict"]}}

    @extend_schema(
        tags=REQUESTS,
        summary="Cancel a scheduled erasure",
        description="Possible during the grace period only; afterwards (or for a copy of your data) a 409.",
        request=None,
        responses={200: DataRequestSerializer},
        examples=[
            OpenApiExample(
                "Cancelled",
                value={
                    **_REQUEST,
                    "kind": "erasure",
                    "status": "cancelled",
                    "completed_at": None,
                    "expires_at": None,
                    "downloadable": False,
                    "download": None,
                },
            )
        ],
    )
    def post(self, request: Request, pk: int) -> Response:
        cancelled = data_request_cancel(customer=self.person(), request_id=pk)
        return Response(DataRequestSerializer(cancelled).data)


class DataRequestDownloadView(CustomerView):
    problem_responses = {"GET": {410: ["gone"]}}

    @extend_schema(
        tags=REQUESTS,
        summary="Download the copy of your data (ZIP)",
        description="Only yours, only while the link is valid (see `expires_at`); sent as an attachment "
        "and never cached. An export that is not ready is a 404; an expired one a 410.",
        responses={
            (200, "application/zip"): OpenApiResponse(
                response=OpenApiTypes.BINARY,
                description="The ZIP file.",
                examples=[OpenApiExample("ZIP", value="(binary)")],
            )
        },
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        person = self.person()
        own = get_object_or_404(DataRequest, pk=pk, customer=person, kind=DataRequest.Kind.EXPORT)
        return export_response(customer=person, request_id=pk, token=own.download_token or "-")


_RECEIPT = {
    "version": "KI-CR-v1.1.0",
    "jurisdiction": "EU",
    "consentTimestamp": 1772360100,
    "collectionMethod": "Trust Portal privacy center",
    "consentReceiptID": "5f0c…",
    "services": [],
}


class ConsentReceiptView(CustomerView):
    @extend_schema(
        tags=["me"],
        summary="Your consent receipt (Kantara Consent Receipt fields)",
        description="The current state of every purpose with its proof, as the privacy center's "
        "download: JSON, as an attachment, never cached.",
        responses={200: OpenApiTypes.OBJECT},
        examples=[OpenApiExample("Receipt", value=_RECEIPT)],
    )
    def get(self, request: Request) -> HttpResponse:
        return consent_receipt_response(customer=self.person())
