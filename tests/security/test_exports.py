"""A data export is only ever handed to its owner's session, as a download nobody caches.

No URL maps to the files (not MEDIA_URL, not static): the only door is
the download view, which needs the owner signed in, the request's id and
its random token; the id alone, or the id and token in another customer's
session, get 404 (the latter is in test_object_access.py).
"""

from __future__ import annotations

from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from customers.exports import export_build, export_path
from customers.models import DataRequest, User
from customers.requests import data_request_export
from tests.factories import customer

pytestmark = pytest.mark.django_db


def _export(owner: User) -> DataRequest:
    request = data_request_export(customer=owner)
    assert export_build(request_id=request.pk)
    request.refresh_from_db()
    return request


def test_the_owner_downloads_it_as_an_attachment_that_is_never_cached(client: Client) -> None:
    alice = customer()
    request = _export(alice)
    client.force_login(alice)

    response = client.get(reverse("customers:export_download", args=[request.pk, request.download_token]))

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"PK")  # type: ignore[attr-defined]


@pytest.mark.parametrize("token", ["", "0", "x" * 43])
def test_the_request_id_without_its_token_gets_404_even_for_the_owner(client: Client, token: str) -> None:
    alice = customer()
    request = _export(alice)
    client.force_login(alice)

    response = client.get(f"/privacy/requests/{request.pk}/download/{token}/")

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_the_token_is_random_and_long_enough_not_to_be_guessed() -> None:
    tokens = {_export(customer()).download_token for _person in range(5)}

    assert len(tokens) == 5
    assert all(len(token) >= 43 for token in tokens)  # 32 random bytes


def test_no_url_leads_to_the_file_itself(client: Client) -> None:
    alice = customer()
    path = export_path(_export(alice))
    client.force_login(alice)
    relative = path.relative_to(Path(settings.MEDIA_ROOT)).as_posix()

    assert path.exists()
    assert not path.is_relative_to(Path(settings.STATIC_ROOT))
    for guess in [
        f"/media/{relative}",
        f"/{relative}",
        f"/static/{relative}",
        f"{settings.MEDIA_URL}{relative}",
    ]:
        with pytest.raises(Resolver404):
            resolve(guess if guess.startswith("/") else f"/{guess}")
        assert client.get(guess if guess.startswith("/") else f"/{guess}").status_code == HTTPStatus.NOT_FOUND
