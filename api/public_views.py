"""Endpoints that need no credentials: a liveness ping and the catalogue of problem types."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.problems import PROBLEM_TYPES

ABOUT = ["about the API"]


class PublicView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = []


class PingView(PublicView):
    @extend_schema(
        tags=ABOUT,
        summary="Is the API up?",
        description="Answers without touching the database: for load balancers and for a first try.",
        responses={
            200: inline_serializer(
                "Ping", {"status": serializers.CharField(), "version": serializers.CharField()}
            )
        },
        examples=[OpenApiExample("Up", value={"status": "ok", "version": "1"})],
    )
    def get(self, request: Request) -> Response:
        return Response({"status": "ok", "version": "1"})


class ProblemTypeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    description = serializers.CharField()


class ProblemTypeView(PublicView):
    @extend_schema(
        tags=ABOUT,
        summary="What a problem type means",
        description="The `type` of every error the API returns is this URL.",
        responses={200: ProblemTypeSerializer},
        examples=[
            OpenApiExample(
                "Invalid input",
                value={
                    "type": "/api/v1/problems/invalid/",
                    "title": "Invalid input",
                    "status": 400,
                    "description": "A field or query parameter is missing, unknown or wrong; "
                    "`errors` says which and why.",
                },
            )
        ],
    )
    def get(self, request: Request, slug: str) -> Response:
        problem = PROBLEM_TYPES.get(slug)
        if problem is None:
            raise NotFound()
        return Response(
            {
                "type": problem.uri,
                "title": str(problem.title),
                "status": problem.status,
                "description": str(problem.description),
            }
        )
