"""The PostgreSQL backend: a busy connection skips the health check, an idle or dead one does not."""

from __future__ import annotations

import pytest
from django.db import connections
from pytest_django import Settings

connection = connections["default"]

pytestmark = [pytest.mark.service, pytest.mark.django_db(transaction=True)]


def _checks(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Record each health check (the real one: it still runs SELECT 1)."""
    calls: list[bool] = []
    real = type(connection).is_usable

    def counted(self: object) -> bool:
        result = real(self)  # type: ignore[arg-type]
        calls.append(result)
        return result

    monkeypatch.setattr(type(connection), "is_usable", counted)
    return calls


def _request() -> None:
    """What Django does around a request: check the connection at the start and the end."""
    connection.close_at = None  # kept as with CONN_MAX_AGE (the test settings close at once)
    connection.close_if_unusable_or_obsolete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    connection.close_at = None
    connection.close_if_unusable_or_obsolete()


def test_a_busy_connection_skips_the_check_and_an_idle_one_gets_it(
    monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    assert type(connection).__module__ == "portal.database.base"
    monkeypatch.setattr(connection, "health_check_enabled", True)
    connection.ensure_connection()
    calls = _checks(monkeypatch)

    settings.DATABASE_HEALTH_CHECK_IDLE_SECONDS = 60
    _request()
    _request()
    assert calls == []

    settings.DATABASE_HEALTH_CHECK_IDLE_SECONDS = 0
    _request()
    assert calls == [True]


def test_a_connection_closed_under_it_is_replaced_before_the_first_query(
    monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    monkeypatch.setattr(connection, "health_check_enabled", True)
    settings.DATABASE_HEALTH_CHECK_IDLE_SECONDS = 60
    connection.ensure_connection()
    _request()
    old = connection.connection
    assert old is not None
    old.close()  # as if the server had gone away

    _request()

    assert connection.connection is not old
