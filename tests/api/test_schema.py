"""The OpenAPI schema and the interactive docs: complete, valid, and served by the portal itself."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db


def _schema(client: Client) -> dict[str, Any]:
    response = client.get("/api/v1/schema/", headers={"Accept": "application/vnd.oai.openapi+json"})
    assert response.status_code == HTTPStatus.OK
    schema: dict[str, Any] = response.json()
    return schema


def test_the_schema_is_valid_openapi_without_a_single_warning(tmp_path: object) -> None:
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", f"{tmp_path}/schema.yaml")


def test_every_operation_has_a_summary_examples_and_its_problems(client: Client) -> None:
    schema = _schema(client)

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            assert operation.get("summary"), where
            success = [code for code in operation["responses"] if code.startswith("2")]
            assert success, where
            for code, response in operation["responses"].items():
                for media_type, content in response.get("content", {}).items():
                    assert content.get("examples"), f"{where} {code} {media_type} has no example"
                    if not code.startswith("2"):
                        assert media_type == "application/problem+json", where
            if operation.get("security") != [{}]:
                assert {"401", "403", "429"} <= set(operation["responses"]), where


def test_the_schema_declares_the_three_ways_to_sign_in(client: Client) -> None:
    schemes = _schema(client)["components"]["securitySchemes"]

    assert schemes["ApiKey"] == schemes["ApiKey"] | {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
    }
    assert schemes["PersonalToken"] | {"type": "http", "scheme": "bearer"} == schemes["PersonalToken"]
    assert schemes["cookieAuth"]["in"] == "cookie"


def test_integration_operations_name_their_scope_and_idempotent_ones_their_header(client: Client) -> None:
    paths = _schema(client)["paths"]

    check = paths["/api/v1/consent-check/"]["get"]
    consents = paths["/api/v1/me/consents/"]["post"]

    assert check["security"] == [{"ApiKey": []}]
    assert "`consent:check`" in check["description"]
    assert "Idempotency-Key" in [parameter["name"] for parameter in consents["parameters"]]
    assert "409" in consents["responses"]


def test_the_schema_is_served_as_yaml_by_default(client: Client) -> None:
    response = client.get("/api/v1/schema/")

    assert yaml.safe_load(response.content)["info"]["title"] == "Trust Portal API"


def test_the_docs_load_everything_from_the_portal_with_no_inline_script_or_style(client: Client) -> None:
    response = client.get("/api/v1/docs/")

    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "<style" not in page
    assert "<script>" not in page
    assert '<script src="/' in page
    assert "http://" not in page
    assert "https://" not in page
    csp = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == HTTPStatus.OK
    assert "/api/v1/schema/" in script.content.decode()
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        url = page.split(asset)[0].rsplit('"', 1)[1] + asset
        assert client.get(url).status_code == HTTPStatus.OK, url
