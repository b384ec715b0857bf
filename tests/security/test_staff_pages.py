"""Staff pages refuse customers: every admin URL, every registered changelist, the trust dashboard.

The admin URLs are walked from the URL conf, so a model registered
tomorrow (or a custom admin view such as the trust actions) is tried too.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from tests.factories import agent, customer, privacy_officer
from tests.security.urlconf import routes

pytestmark = pytest.mark.django_db

# Pages of the admin that anyone may call: its sign-in (allauth's, with MFA and rate limits)
# and its sign-out (Django lets anyone end their own session there; it shows nothing).
PUBLIC = {"admin:login", "admin:logout"}
# A value for each argument an admin URL can take.
ARGUMENTS = {
    "object_id": "1",
    "id": "1",
    "content_type_id": "1",
    "customer_id": 1,
    "action": "goodwill",
    "app_label": "customers",
}


def _admin_urls() -> list[str]:
    urls = []
    for route in routes():
        if not route.name.startswith("admin:") or route.name in PUBLIC:
            continue
        urls.append(reverse(route.name, kwargs={name: ARGUMENTS[name] for name in route.arguments}))
    return sorted(set(urls))


def _changelists() -> list[str]:
    return sorted(
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    )


def _refused(response: Any) -> bool:
    if response.status_code == HTTPStatus.FORBIDDEN:
        return True
    location = str(response.headers.get("Location", ""))
    return response.status_code == HTTPStatus.FOUND and location.startswith(reverse("admin:login") + "?next=")


def test_the_walk_finds_every_changelist_and_the_custom_admin_views() -> None:
    urls = _admin_urls()

    assert set(_changelists()) <= set(urls)
    assert "/admin/trust/dashboard/" in urls
    assert "/admin/trust/recomputerun/start/" in urls
    assert reverse("admin:trust_customer_goodwill", args=[1]) in urls


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_customer_is_refused_every_admin_page(client: Client, method: str) -> None:
    client.force_login(customer())

    let_in = [url for url in _admin_urls() if not _refused(getattr(client, method)(url))]

    assert not let_in


def test_an_anonymous_visitor_is_sent_to_the_admin_sign_in(client: Client) -> None:
    let_in = [url for url in _admin_urls() if not _refused(client.get(url))]

    assert not let_in


@pytest.mark.parametrize("url", _changelists())
def test_a_customer_is_refused_each_registered_changelist(client: Client, url: str) -> None:
    client.force_login(customer())

    assert _refused(client.get(url))


def test_staff_in_a_role_do_get_in(client: Client) -> None:
    """The refusals above are about who asks: the same pages open for the roles that need them."""
    client.force_login(agent())
    assert client.get("/admin/feedback/thread/").status_code == HTTPStatus.OK
    client.force_login(privacy_officer())
    assert client.get("/admin/customers/incident/").status_code == HTTPStatus.OK
