"""Fixtures of the API tests."""

from tests.api.webhook_testing import webhook_receiver  # noqa: F401  (the fixture "receiver")
