"""Read the portal's configuration from environment variables.

Every reader fails loudly with ``ImproperlyConfigured`` naming the variable,
so a typo in production stops the process at start-up instead of silently
falling back to a default.
"""

from __future__ import annotations

import os
from typing import Any, overload

import environ
import holidays
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


@overload
def env_str(name: str, default: str) -> str: ...
@overload
def env_str(name: str, default: None = None) -> str | None: ...
def env_str(name: str, default: str | None = None) -> str | None:
    """Return the variable's value, or ``default`` when it is unset or empty."""
    value = _raw(name)
    return default if value is None else value


def env_required(name: str, why: str) -> str:
    """Return the variable's value or stop with a message saying why it is needed."""
    value = _raw(name)
    if value is None:
        raise ImproperlyConfigured(f"{name} is not set: {why}")
    return value


def env_bool(name: str, default: bool) -> bool:
    """Parse a yes/no variable; anything but the usual spellings is an error."""
    value = _raw(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {value!r}.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    """Parse an integer variable, optionally with a lower bound."""
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer; got {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {number}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    """Parse a comma-separated list, dropping blanks."""
    value = _raw(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_database(name: str, default: str) -> dict[str, Any]:
    """Parse a database URL (``postgres://`` or ``sqlite:///``) into Django's form."""
    url = _raw(name) or default
    scheme = url.split(":", 1)[0]
    if scheme not in {"postgres", "postgresql", "pgsql", "sqlite"}:
        raise ImproperlyConfigured(f"{name} must be a postgres:// or sqlite:/// URL; got scheme {scheme!r}.")
    try:
        config: dict[str, Any] = environ.Env.db_url_config(url)
    except Exception as exc:  # environ raises several kinds for a malformed URL
        raise ImproperlyConfigured(f"{name} is not a valid database URL: {exc}") from None
    if config["ENGINE"].endswith("postgresql") and not config.get("NAME"):
        raise ImproperlyConfigured(f"{name} must name a database, e.g. postgres://host/portal.")
    return config


def env_email(name: str) -> dict[str, Any] | None:
    """Parse an email URL (``smtp+tls://user:pass@host:587``...); ``None`` when unset."""
    url = _raw(name)
    if url is None:
        return None
    try:
        config: dict[str, Any] = environ.Env.email_url_config(url)
    except Exception as exc:
        raise ImproperlyConfigured(f"{name} is not a valid email URL: {exc}") from None
    return config


def env_url(name: str, default: str) -> str:
    """Parse an absolute http(s) URL without a trailing slash."""
    value = _raw(name) or default
    if not value.startswith(("http://", "https://")):
        raise ImproperlyConfigured(f"{name} must start with http:// or https://; got {value!r}.")
    return value.rstrip("/")


def env_holidays(country_name: str, default_country: str, subdivision_name: str) -> tuple[str, str]:
    """The public-holiday region (country code, subdivision or ""), checked against ``holidays``."""
    country = (_raw(country_name) or default_country).upper()
    subdivision = _raw(subdivision_name) or ""
    try:
        holidays.country_holidays(country, subdiv=subdivision or None)
    except NotImplementedError:
        supported = holidays.list_supported_countries()
        if country not in supported:
            raise ImproperlyConfigured(
                f"{country_name} must be a country code the holidays package knows (e.g. DE, AT, CH); "
                f"got {country!r}."
            ) from None
        raise ImproperlyConfigured(
            f"{subdivision_name} must be one of {', '.join(supported[country])} for {country}, "
            f"or empty for the nationwide holidays only; got {subdivision!r}."
        ) from None
    return country, subdivision
