"""Security tests store generated files (exports, attachments) in their own folder."""

from pathlib import Path

import pytest
from pytest_django import Settings


@pytest.fixture(autouse=True)
def media(tmp_path: Path, settings: Settings) -> Path:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root
