"""Production settings, loaded in a fresh process from production's environment variables, are secure."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from tests.portal.test_environment import ROOT, _production_env

SHOW = """
import json
from django.conf import settings
names = [
    "DEBUG", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SECURE", "LANGUAGE_COOKIE_SECURE", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "X_FRAME_OPTIONS",
    "SECURE_CONTENT_TYPE_NOSNIFF", "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SAMESITE", "MIDDLEWARE",
]
print(json.dumps({name: getattr(settings, name) for name in names}))
"""


def _settings(**overrides: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup();" + SHOW],
        cwd=ROOT,
        env=_production_env(**overrides),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    loaded: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


def test_production_sends_cookies_only_over_https_and_asks_browsers_to_stay_there() -> None:
    production = _settings()

    assert production["DEBUG"] is False
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["LANGUAGE_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_SAMESITE"] in {"Lax", "Strict"}
    assert production["CSRF_COOKIE_SAMESITE"] in {"Lax", "Strict"}
    assert production["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert production["X_FRAME_OPTIONS"] == "DENY"
    assert "django.middleware.security.SecurityMiddleware" in production["MIDDLEWARE"]
    assert "csp.middleware.CSPMiddleware" in production["MIDDLEWARE"]


def test_only_an_explicit_switch_turns_https_off() -> None:
    plain = _settings(PORTAL_HTTPS="0")

    assert plain["SESSION_COOKIE_SECURE"] is False
    assert plain["SECURE_HSTS_SECONDS"] == 0
    assert plain["SESSION_COOKIE_HTTPONLY"] is True
