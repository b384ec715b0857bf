"""Fixtures of the API tests."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_django import Settings

from api.throttling import throttle_counts_forget
from tests.api.webhook_testing import webhook_receiver  # noqa: F401  (the fixture "receiver")


@pytest.fixture(autouse=True)
def _fresh_throttle_counts() -> Iterator[None]:
    """Start each test with no requests counted (the cache is emptied too, by tests/conftest.py)."""
    throttle_counts_forget()
    yield
    throttle_counts_forget()


@pytest.fixture
def media(tmp_path: Path, settings: Settings) -> None:
    """Uploads and exports of the test go to a folder of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"
