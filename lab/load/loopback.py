"""Simulated people connect each from a loopback address of their own, as real people have their own.

The portal's limits per client address (sign-in, sign-up, mail links) then
count each person apart, as they would in production.
"""

from __future__ import annotations

from itertools import count
from typing import Any

from requests.adapters import HTTPAdapter

_next = count()


class FromAddress(HTTPAdapter):
    """Connect from a given loopback address."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def loopback_address() -> str:
    """The next of 250 loopback addresses (127.0.0.2 to 127.0.0.251), round and round."""
    return f"127.0.0.{2 + next(_next) % 250}"
