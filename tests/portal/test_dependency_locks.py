"""The locked pip that `make install` puts in first is the one dev.txt locks."""

import re
from pathlib import Path

REQUIREMENTS = Path(__file__).resolve().parents[2] / "requirements"


def _pinned_block(text: str, package: str) -> str:
    match = re.search(rf"^{package}==\S+(?: \\\n\s+--hash=\S+)+", text, re.MULTILINE)
    assert match, f"{package} is not pinned with hashes"
    return re.sub(r"\s+", " ", match.group(0))


def test_the_pip_installed_first_is_the_pip_that_dev_txt_locks() -> None:
    first = (REQUIREMENTS / "pip.txt").read_text()
    everything = (REQUIREMENTS / "dev.txt").read_text()
    assert _pinned_block(first, "pip") == _pinned_block(everything, "pip")
