"""Schemathesis against the live schema, in the service lane (PostgreSQL): every operation of the API,
with generated valid and invalid requests, answers without a server error and as its schema says."""

from __future__ import annotations

from typing import Any

import hypothesis
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, Phase, given
from hypothesis import strategies as st
from pytest_django import Settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from customers.consents import ConsentChange, consent_change
from customers.models import ConsentRecord
from customers.notifications import notification_create
from tests.api.catalogue import consent_catalogue
from tests.api.credentials import api_key, key_auth, token_auth
from tests.factories import customer

pytestmark = [pytest.mark.service, pytest.mark.django_db(transaction=True)]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = {GenerationMode.POSITIVE: 25, GenerationMode.NEGATIVE: 15}


def _fuzz(cases: st.SearchStrategy[Any], *, headers: dict[str, str], examples: int) -> None:
    @given(case=cases)
    @hypothesis.settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,  # the same cases on every run: CI stays reproducible
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def call(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    call()


def test_every_operation_answers_generated_requests_as_documented(settings: Settings) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_key": "100000/min", "person": "100000/min"},
    }
    consent_catalogue()
    alice = customer()
    [record] = consent_change(
        customer=alice, changes=[ConsentChange("surveys", "email", True)], source=ConsentRecord.Source.API
    )
    notice = notification_create(customer=alice, key="n1", title=lambda: "Hello")
    as_customer, as_system = token_auth(alice), key_auth(api_key())
    real_ids = {
        "/api/v1/customers/": alice.pk,
        "/api/v1/me/consents/": record.pk,
        "/api/v1/me/notif": notice.pk,
    }
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", WSGIHandler())
    results = list(schema.get_all_operations())
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert len(operations) == len(results), "the schema has operations schemathesis cannot read"
    assert len(operations) >= 15

    for operation in operations:
        headers = as_customer if operation.path.startswith("/api/v1/me/") else as_system
        real = next((pk for prefix, pk in real_ids.items() if operation.path.startswith(prefix)), None)
        for mode, examples in EXAMPLES.items():
            strategies = [operation.as_strategy(mode)]
            if real is not None and "{id}" in operation.path:
                strategies.append(operation.as_strategy(mode, path_parameters={"id": real}))

            try:
                _fuzz(st.one_of(strategies), headers=headers, examples=examples)
            except hypothesis.errors.Unsatisfiable:
                # Without parameters or a body there is nothing to make invalid.
                assert mode == GenerationMode.NEGATIVE, operation.label
