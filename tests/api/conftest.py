"""Fixtures of the API tests."""

from tests.api.webhook_testing import receiver

__all__ = ["receiver"]
