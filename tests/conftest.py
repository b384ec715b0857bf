"""Shared fixtures, and the rules that keep the lanes honest.

Service tests (marker ``service``) run only in the service lane
(``PORTAL_TEST_LANE=service``). There they need PostgreSQL and Redis: when a
server is unreachable they are skipped with the reason shown, unless
``PORTAL_REQUIRE_SERVICES=1`` (CI), which makes it a failure. Browser tests
(marker ``browser``) need Debian's chromium the same way.
"""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from pytest_django import Settings

from tests.database_template import template_copy_into, template_path

LANE = os.environ.get("PORTAL_TEST_LANE", "fast")
REQUIRE_SERVICES = os.environ.get("PORTAL_REQUIRE_SERVICES") == "1"
CHROMIUM = "/usr/bin/chromium"


def _reachable(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 0), timeout=2):
            return True
    except OSError:
        return False


def _services_problem() -> str | None:
    database = settings.DATABASES["default"]
    db_url = f"postgres://{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
    if not _reachable(db_url):
        return f"PostgreSQL is not reachable at {db_url}"
    if not _reachable(str(settings.CELERY_BROKER_URL)):
        return f"Redis is not reachable at {settings.CELERY_BROKER_URL}"
    return None


def _browser_problem() -> str | None:
    if not shutil.which(CHROMIUM):
        return f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed"
    return None


if LANE == "fast":

    @pytest.fixture(scope="session")
    def django_db_setup(django_db_blocker: Any, django_db_modify_db_settings: None) -> Iterator[None]:
        """The worker's in-memory test database, copied from the migrated template (database_template)."""
        from django.db import connection

        with django_db_blocker.unblock():
            template = template_path()  # on the settings' file database, before the test database opens
            # create_test_db() without its migrate step: the template brings the migrated schema and data.
            creation: Any = connection.creation
            old_name = connection.settings_dict["NAME"]
            test_name = creation._create_test_db(verbosity=0, autoclobber=True, keepdb=False)
            connection.close()
            settings.DATABASES["default"]["NAME"] = test_name
            connection.settings_dict["NAME"] = test_name
            template_copy_into(template)
        yield
        with django_db_blocker.unblock():
            creation.destroy_test_db(old_name, verbosity=0, keepdb=False)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    service_items = [item for item in items if item.get_closest_marker("service")]
    browser_items = [item for item in items if item.get_closest_marker("browser")]
    if service_items and LANE != "service":
        skip = pytest.mark.skip(reason="service test: runs in the service lane (make test-service)")
        for item in service_items:
            item.add_marker(skip)
    elif service_items:
        problem = _services_problem()
        if problem and REQUIRE_SERVICES:
            raise pytest.UsageError(f"PORTAL_REQUIRE_SERVICES=1 but {problem}. See DEVELOPERS.md.")
        if problem:
            skip = pytest.mark.skip(reason=f"{problem}; see DEVELOPERS.md to start it")
            for item in service_items:
                item.add_marker(skip)
    if browser_items:
        problem = _browser_problem()
        if problem and REQUIRE_SERVICES:
            raise pytest.UsageError(f"PORTAL_REQUIRE_SERVICES=1 but {problem}.")
        if problem:
            skip = pytest.mark.skip(reason=problem)
            for item in browser_items:
                item.add_marker(skip)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    stats = terminalreporter.stats
    passed = [r for r in stats.get("passed", []) if "service" in r.keywords]
    if LANE == "service":
        terminalreporter.write_line(
            f"service lane: {len(passed)} tests passed against PostgreSQL, Redis and a real Celery worker"
        )


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Start each test with empty rate-limit counters."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def unreachable_cache(settings: Settings) -> None:
    """Make the shared cache (as production configures it) a Redis nothing listens on: Redis is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache_backends.FailSoftRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
        }
    }


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Start each test in the default language: a request as a German-speaking person leaves German active."""
    translation.deactivate()
    yield
    translation.deactivate()
