"""Every feedback test stores uploads in its own folder, so it can see exactly what was kept."""

from pathlib import Path

import pytest
from pytest_django import Settings


@pytest.fixture(autouse=True)
def media(tmp_path: Path, settings: Settings) -> Path:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root
