"""Every page carries the Content Security Policy, and no page has a script the policy would not run.

The main pages are rendered for each persona; the policy must forbid
inline scripts (no ``'unsafe-inline'``/``'unsafe-eval'`` for scripts), and
every inline ``<script>`` must carry this response's nonce (JSON data
blocks, which browsers never run, aside).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from http import HTTPStatus

import pytest
from django.test import Client

from customers.models import User
from tests.factories import agent, customer, privacy_officer, staff
from tests.feedback.factories import thread

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["/", "/transparency/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
CUSTOMER_PAGES = [
    "/",
    "/privacy/",
    "/privacy/data/",
    "/privacy/requests/",
    "/privacy/requests/erasure/",
    "/privacy/notifications/",
    "/privacy/profile/",
    "/privacy/staff-access/",
    "/feedback/",
    "/feedback/new/",
    "/feedback/ideas/",
    "/feedback/ideas/new/",
    "/accounts/email/",
    "/accounts/tokens/",
    "/accounts/2fa/",
    "/accounts/sessions/",
    "/api/v1/docs/",
]
AGENT_PAGES = ["/admin/", "/admin/feedback/thread/", "/admin/customers/user/"]
OFFICER_PAGES = ["/admin/", "/admin/customers/incident/", "/admin/customers/incident/add/"]
PERSONAS: dict[str, tuple[Callable[[], User] | None, list[str]]] = {
    "anonymous": (None, PUBLIC_PAGES),
    "customer": (customer, CUSTOMER_PAGES),
    "agent": (agent, AGENT_PAGES),
    "privacy officer": (privacy_officer, OFFICER_PAGES),
    "superuser": (lambda: staff(None), [*AGENT_PAGES, *OFFICER_PAGES, "/admin/trust/dashboard/"]),
}
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)


def _directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_every_page_has_the_policy_and_no_script_it_would_block(client: Client, persona: str) -> None:
    make, pages = PERSONAS[persona]
    if make is not None:
        person = make()
        client.force_login(person)
        if persona == "customer":
            pages = [*pages, f"/feedback/{thread(person).pk}/"]

    for page in pages:
        response = client.get(page)
        assert response.status_code == HTTPStatus.OK, page
        policy = _directives(response["Content-Security-Policy"])
        scripts = policy.get("script-src", policy["default-src"])
        assert "'unsafe-inline'" not in scripts, page
        assert "'unsafe-eval'" not in scripts, page
        assert policy["object-src"] == ["'none'"], page
        assert policy["frame-ancestors"] == ["'none'"], page
        nonces = {value for value in scripts if value.startswith("'nonce-")}
        for attributes in SCRIPT_TAG.findall(response.content.decode()):
            if "src=" in attributes or 'type="application/json"' in attributes:
                continue  # a file of our own origin, or data the browser never runs
            nonce = re.search(r'nonce="([^"]+)"', attributes)
            assert nonce, f"{page}: an inline <script{attributes}> without nonce"
            assert f"'nonce-{nonce.group(1)}'" in nonces, page
