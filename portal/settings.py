"""Settings for the Trust Portal.

One story for every environment: every value comes from an environment
variable (see ``.env.example`` and the README), and when nothing is set the
portal runs on embedded defaults — SQLite under ``var/``, Celery on kombu's
filesystem transport, mail written to files — so a fresh clone needs no
servers. Production sets ``DATABASE_URL``, ``CELERY_BROKER_URL``,
``CACHE_URL``, ``EMAIL_URL``, ``SECRET_KEY`` and ``ALLOWED_HOSTS``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import django_stubs_ext
import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from portal import api_settings
from portal.environment import (
    env_bool,
    env_database,
    env_email,
    env_holidays,
    env_int,
    env_list,
    env_str,
    env_url,
)

# Lets admin classes and querysets be subscripted at runtime (ModelAdmin[User]).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("PORTAL_VAR_DIR", str(BASE_DIR / "var")) or BASE_DIR / "var")

# --- Core ---------------------------------------------------------------------

DEBUG = env_bool("DEBUG", False)

_secret = env_str("SECRET_KEY")
if _secret is None:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set: production needs a long random value "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'). "
            "Set DEBUG=1 for the embedded development defaults."
        )
    _secret = "django-insecure-development-only-never-use-this-key-in-production"  # noqa: S105
SECRET_KEY: str = _secret

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is not set: list the host names the portal answers to, "
        "comma-separated (e.g. portal.example.com)."
    )

PORTAL_BASE_URL = env_url("PORTAL_BASE_URL", "http://127.0.0.1:8000")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [PORTAL_BASE_URL])

INSTALLED_APPS = [
    "plumbing",
    "portal",
    "customers",
    "feedback",
    "trust",
    "api",
    "desk",
    "lab",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "api.middleware.ApiProblemMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "portal.middleware.ProfileLanguageMiddleware",
    "customers.gpc.GlobalPrivacyControlMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------

DATABASES: dict[str, dict[str, Any]] = {
    "default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Web, worker and beat share one file: WAL lets readers run beside the
    # writer, IMMEDIATE takes the write lock up front (no upgrade deadlock) and
    # the timeout waits for it instead of answering "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Django's backend with a health check only for connections that sat idle (portal/database).
        DATABASES["default"]["ENGINE"] = "portal.database"
# Seconds a reused PostgreSQL connection may sit idle and still skip its health check.
DATABASE_HEALTH_CHECK_IDLE_SECONDS = float(env_int("DATABASE_HEALTH_CHECK_IDLE_MS", 1000, minimum=0)) / 1000

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts (django-allauth) ------------------------------------------------

AUTH_USER_MODEL = "customers.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "customers.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Trust Portal] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = urlsplit(PORTAL_BASE_URL).scheme
# allauth's rate limits are on by default (login failures, sign-up, password
# reset, confirmation mails); ACCOUNT_RATE_LIMITS stays at those defaults.

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "Trust Portal"
# WebAuthn needs a secure origin; plain-http localhost is allowed while developing.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG

# --- Internationalisation -----------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("de", _("German"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "Europe/Berlin")
USE_TZ = True
# Response promises skip the public holidays of this region (the holidays package; "" for the
# nationwide ones only, e.g. BY for Bavaria) and the company's own days off kept in admin.
PORTAL_HOLIDAYS_COUNTRY, PORTAL_HOLIDAYS_SUBDIVISION = env_holidays(
    "PORTAL_HOLIDAYS_COUNTRY", "DE", "PORTAL_HOLIDAYS_SUBDIVISION"
)

# --- Static files, uploads and mail -------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")) or "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "portal" / "static"]
# Uploaded and generated files (attachments, exports) are private: no URL maps
# to MEDIA_ROOT; views check ownership and stream them.
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

_email = env_email("EMAIL_URL")
if _email is None:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
else:
    EMAIL_BACKEND = _email["EMAIL_BACKEND"]
    EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
    EMAIL_PORT = _email.get("EMAIL_PORT") or 25
    EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
    EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
    EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS"))
    EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL"))
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Trust Portal <portal@example.com>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# --- Cache ----------------------------------------------------------------------

# Rate limits live in the cache, so every process must share it: Redis in
# production, files under var/ for the embedded default.
_cache_url = env_str("CACHE_URL")
_DJANGO_REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"
if _cache_url is None:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
else:
    try:
        CACHES = {"default": environ.Env.cache_url_config(_cache_url)}
    except Exception as exc:
        raise ImproperlyConfigured(f"CACHE_URL is not a valid cache URL: {exc}") from None
    # django-environ names django-redis for redis:// once that is installed; the portal
    # keeps Django's own client, with options spelt as Django's expects them.
    if CACHES["default"]["BACKEND"] in {_DJANGO_REDIS_CACHE, "django_redis.cache.RedisCache"}:
        CACHES = {"default": environ.Env.cache_url_config(_cache_url, backend=_DJANGO_REDIS_CACHE)}
        # While Redis is unreachable, answer like an empty cache instead of failing the request.
        CACHES["default"]["BACKEND"] = "portal.cache_backends.FailSoftRedisCache"

# --- Security -------------------------------------------------------------------

# PORTAL_HTTPS switches the transport-security settings as one: redirect to
# https, secure cookies, HSTS. It is on unless DEBUG is.
PORTAL_HTTPS = env_bool("PORTAL_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = PORTAL_HTTPS
SESSION_COOKIE_SECURE = PORTAL_HTTPS
CSRF_COOKIE_SECURE = PORTAL_HTTPS
LANGUAGE_COOKIE_SECURE = PORTAL_HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000, minimum=0) if PORTAL_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
    }
}

# --- Celery ---------------------------------------------------------------------

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
# The embedded broker's file, when no broker is configured.
PORTAL_EMBEDDED_BROKER: Path | None = None
if CELERY_BROKER_URL is None:
    # The embedded broker (portal/broker.py): a SQLite file of its own, so
    # the embedded default runs a real worker and beat with no server at all.
    # SQLite has no broadcast: Celery's remote control is off on it, and
    # workers report themselves through their heartbeats (plumbing/workers.py).
    PORTAL_EMBEDDED_BROKER = VAR_DIR / "celery" / "broker.sqlite3"
    CELERY_BROKER_URL = f"sqlite:///{PORTAL_EMBEDDED_BROKER}"
    CELERY_BROKER_TRANSPORT = "portal.broker:Transport"
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = False
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, Any] = {}
else:
    # Above the longest task's time limit, so a running task is never
    # redelivered to a second worker while the first is still on it.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 7200, minimum=60)
    }
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND")
CELERY_TASK_IGNORE_RESULT = CELERY_RESULT_BACKEND is None
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 29 * 60
# Every task of the portal is idempotent (a unique key or a claim-by-UPDATE),
# so a message is acknowledged only after the task ran, and a worker killed
# mid-task hands it back to the queue instead of losing it.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "portal")
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = False

# --- REST API -------------------------------------------------------------------

# REST framework and the OpenAPI schema (portal/api_settings.py).
REST_FRAMEWORK = api_settings.REST_FRAMEWORK
SPECTACULAR_SETTINGS = api_settings.SPECTACULAR_SETTINGS

# --- The portal's own settings ---------------------------------------------------

# Data requests: how long an erasure waits (and can be cancelled), and how
# long an export can be downloaded before it is deleted.
PORTAL_ERASURE_GRACE_DAYS = env_int("PORTAL_ERASURE_GRACE_DAYS", 14, minimum=0)
PORTAL_EXPORT_DAYS = env_int("PORTAL_EXPORT_DAYS", 7, minimum=1)

# Who the data controller is: named in consent receipts and exports.
PORTAL_CONTROLLER_NAME = env_str("PORTAL_CONTROLLER_NAME", "Example Company GmbH")
PORTAL_CONTROLLER_CONTACT = env_str("PORTAL_CONTROLLER_CONTACT", "privacy@example.com")
# Seconds between two heartbeats of a worker node (plumbing/workers.py); a node
# that missed three is gone for /healthz and the job sweep.
PORTAL_WORKER_HEARTBEAT_SECONDS = env_int("PORTAL_WORKER_HEARTBEAT_SECONDS", 5, minimum=1)
# Job outbox (plumbing/jobs.py): a job sent but not started within this many
# seconds is presumed lost with its broker message and sent again, and so is
# a job started that long ago that no live worker reports running; a failed
# job is retried with exponential backoff and parked as failed after the
# maximum number of attempts, for an operator to look at.
PORTAL_JOB_START_GRACE = env_int("PORTAL_JOB_START_GRACE", 120, minimum=1)
PORTAL_JOB_MAX_ATTEMPTS = env_int("PORTAL_JOB_MAX_ATTEMPTS", 8, minimum=1)
# REST API (portal/api): the largest request body accepted (bigger ones get
# 413), how long an Idempotency-Key's response is kept for replay, and
# outgoing webhooks: per-request timeout, first retry delay (doubling per
# failure, at most an hour) and the attempts after which a delivery is dead.
PORTAL_API_MAX_BODY_BYTES = env_int("PORTAL_API_MAX_BODY_BYTES", 1_048_576, minimum=1024)
PORTAL_API_IDEMPOTENCY_HOURS = env_int("PORTAL_API_IDEMPOTENCY_HOURS", 24, minimum=1)
# How long a web process trusts an API key it verified without reading it again:
# a revoked key stops working in every process within this many seconds (0: at once).
PORTAL_API_KEY_CACHE_SECONDS = env_int("PORTAL_API_KEY_CACHE_SECONDS", 5, minimum=0)
PORTAL_WEBHOOK_TIMEOUT_SECONDS = env_int("PORTAL_WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1)
PORTAL_WEBHOOK_RETRY_SECONDS = env_int("PORTAL_WEBHOOK_RETRY_SECONDS", 60, minimum=1)
PORTAL_WEBHOOK_MAX_ATTEMPTS = env_int("PORTAL_WEBHOOK_MAX_ATTEMPTS", 8, minimum=1)

# --- Logging ----------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
