"""Demo data for the API: a demo system with a fixed, published API key — only with DEBUG on.

The key is printed by ``seed_demo`` and used in the README's curl examples
against ``make run``. It is known to everyone, so it is never created on a
server with DEBUG off (``seed_demo --force`` skips it too).
"""

from __future__ import annotations

import random

from django.conf import settings

from api.keys import secret_hash
from api.models import ApiKey, Scope, System
from customers.models import User

DEMO_SYSTEM = "Demo shop"
DEMO_KEY_PREFIX = "demo00000000"
# Published in the README: a demo key, for a developer's machine only.
DEMO_API_KEY = f"tpk_{DEMO_KEY_PREFIX}_trust-portal-demo-key-for-make-run-only"


def demo_api_key_ensure() -> ApiKey | None:
    """Create (or repair) the demo system's key with every scope; None with DEBUG off."""
    if not settings.DEBUG:
        return None
    system, _created = System.objects.get_or_create(
        name=DEMO_SYSTEM, defaults={"description": "The demo key of `make run` (DEBUG only)."}
    )
    key, _created = ApiKey.objects.update_or_create(
        prefix=DEMO_KEY_PREFIX,
        defaults={
            "system": system,
            "name": "demo key",
            "hashed": secret_hash(DEMO_API_KEY),
            "scopes": list(Scope.values),
            "revoked_at": None,
        },
    )
    return key


def seed(*, customers: list[User], rng: random.Random) -> None:
    """The demo API key (a seeder of ``seed_demo``)."""
    demo_api_key_ensure()
