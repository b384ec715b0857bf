"""Configuration from the environment: bad values stop the start, naming the variable."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.environment import env_bool, env_database, env_email, env_holidays, env_int, env_list, env_url

ROOT = Path(__file__).resolve().parents[2]


def _production_env(**overrides: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PORTAL_", "DATABASE_", "CELERY_", "EMAIL_", "CACHE_", "DJANGO_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "portal.example.com",
            "PORTAL_BASE_URL": "https://portal.example.com",
            "DATABASE_URL": "postgres://portal@db.internal:5432/portal",
            "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
            "CACHE_URL": "redis://redis.internal:6379/1",
            "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.com:587",
        }
    )
    env.update(overrides)
    return env


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_a_yes_no_variable_with_another_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be one of"):
        env_bool("DEBUG", False)


@pytest.mark.parametrize(("value", "expected"), [("1", True), ("yes", True), ("off", False), ("", False)])
def test_yes_no_variables_accept_the_usual_spellings(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: bool
) -> None:
    monkeypatch.setenv("FLAG", value)
    assert env_bool("FLAG", False) is expected


def test_a_number_variable_rejects_words_and_values_below_its_minimum(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WORKERS", "two")
    with pytest.raises(ImproperlyConfigured, match="WORKERS must be an integer"):
        env_int("WORKERS", 1)
    monkeypatch.setenv("WORKERS", "0")
    with pytest.raises(ImproperlyConfigured, match="WORKERS must be at least 1"):
        env_int("WORKERS", 1, minimum=1)


def test_lists_are_comma_separated_and_ignore_blanks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLOWED_HOSTS", " a.example, ,b.example ")
    assert env_list("ALLOWED_HOSTS", []) == ["a.example", "b.example"]


def test_a_database_url_of_another_kind_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://root@localhost/portal")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL must be a postgres:// or sqlite:/// URL"):
        env_database("DATABASE_URL", "sqlite:///x")


def test_a_postgres_url_without_a_database_name_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://portal@db.internal:5432")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL must name a database"):
        env_database("DATABASE_URL", "sqlite:///x")


def test_an_email_url_is_parsed_into_smtp_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMAIL_URL", "smtp+tls://mailer:secret@smtp.example.com:587")
    config = env_email("EMAIL_URL")
    assert config is not None
    assert config["EMAIL_HOST"] == "smtp.example.com"
    assert config["EMAIL_PORT"] == 587
    assert config["EMAIL_USE_TLS"] is True


def test_the_base_url_must_be_http_or_https(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_BASE_URL", "portal.example.com")
    with pytest.raises(ImproperlyConfigured, match="PORTAL_BASE_URL must start with http"):
        env_url("PORTAL_BASE_URL", "http://127.0.0.1:8000")


def test_production_without_a_secret_key_does_not_start() -> None:
    env = _production_env()
    del env["SECRET_KEY"]
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_without_allowed_hosts_does_not_start() -> None:
    env = _production_env()
    del env["ALLOWED_HOSTS"]
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is not set" in result.stderr


def test_a_malformed_variable_stops_the_start_naming_it() -> None:
    result = _manage("check", env=_production_env(DEBUG="sometimes"))
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


def test_production_settings_pass_the_deployment_checklist_without_a_warning() -> None:
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env())
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("cache_url", "options"),
    [
        ("redis://redis.internal:6379/1", "{}"),
        ("redis://redis.internal:6379/1?socket_timeout=2", "{'socket_timeout': 2}"),
    ],
)
def test_a_redis_cache_url_selects_the_fail_soft_backend(cache_url: str, options: str) -> None:
    # django-environ names django-redis for redis:// once that package is installed.
    show = (
        "from django.conf import settings; c = settings.CACHES['default'];"
        " print(c['BACKEND'], c['LOCATION'], c.get('OPTIONS', {}))"
    )
    result = _manage("shell", "--no-imports", "-c", show, env=_production_env(CACHE_URL=cache_url))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split(None, 2) == [
        "portal.cache_backends.FailSoftRedisCache",
        "redis://redis.internal:6379/1",
        options + "\n",
    ]


def test_the_holiday_region_defaults_to_germany_and_takes_a_land(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PORTAL_HOLIDAYS_COUNTRY", raising=False)
    monkeypatch.setenv("PORTAL_HOLIDAYS_SUBDIVISION", "BY")

    assert env_holidays("PORTAL_HOLIDAYS_COUNTRY", "DE", "PORTAL_HOLIDAYS_SUBDIVISION") == ("DE", "BY")


@pytest.mark.parametrize(
    ("country", "subdivision", "named"),
    [("XX", "", "PORTAL_HOLIDAYS_COUNTRY"), ("DE", "XX", "PORTAL_HOLIDAYS_SUBDIVISION")],
)
def test_an_unknown_holiday_region_stops_the_start_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, country: str, subdivision: str, named: str
) -> None:
    monkeypatch.setenv("PORTAL_HOLIDAYS_COUNTRY", country)
    monkeypatch.setenv("PORTAL_HOLIDAYS_SUBDIVISION", subdivision)

    with pytest.raises(ImproperlyConfigured, match=named):
        env_holidays("PORTAL_HOLIDAYS_COUNTRY", "DE", "PORTAL_HOLIDAYS_SUBDIVISION")
