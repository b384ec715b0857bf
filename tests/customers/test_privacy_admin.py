"""The privacy officer's admin pages open; the support agent's role does not reach them."""

from http import HTTPStatus

import pytest
from django.test import Client

from tests.factories import agent, privacy_officer

pytestmark = pytest.mark.django_db

OFFICER_PAGES = [
    "/admin/customers/processingactivity/",
    "/admin/customers/processingactivity/add/",
    "/admin/customers/datarequest/",
    "/admin/customers/incident/",
    "/admin/customers/incident/add/",
    "/admin/customers/incidentnotice/",
    "/admin/customers/gpcsignal/",
]


@pytest.mark.parametrize("path", OFFICER_PAGES)
def test_a_privacy_officer_opens_the_page(client: Client, path: str) -> None:
    client.force_login(privacy_officer())

    assert client.get(path).status_code == HTTPStatus.OK


@pytest.mark.parametrize("path", OFFICER_PAGES)
def test_a_support_agent_is_refused(client: Client, path: str) -> None:
    client.force_login(agent())

    assert client.get(path).status_code == HTTPStatus.FORBIDDEN


def test_the_officer_keeps_the_register_in_both_languages(client: Client) -> None:
    client.force_login(privacy_officer())

    page = client.get("/admin/customers/processingactivity/add/").content.decode()

    for field in ("category_en", "category_de", "retention_en", "retention_de", "recipients_de"):
        assert f'name="{field}"' in page
