"""Settings for the test lanes: the portal's own settings with a few overrides.

``PORTAL_TEST_LANE=fast`` (default): SQLite in memory, Celery eager.
``PORTAL_TEST_LANE=service``: PostgreSQL, Redis and a real worker process,
which loads these same settings with ``PORTAL_TEST_WORKER=1``.
"""

import hashlib
import os
import tempfile
from pathlib import Path

LANE = os.environ.get("PORTAL_TEST_LANE", "fast")
_CHECKOUT = hashlib.sha256(str(Path(__file__).resolve().parent.parent).encode()).hexdigest()[:8]

os.environ.setdefault("SECRET_KEY", "tests-only-" + "k" * 50)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ["DEBUG"] = "0"
os.environ["PORTAL_HTTPS"] = "0"
os.environ.setdefault("PORTAL_VAR_DIR", tempfile.mkdtemp(prefix="portal-test-"))
os.environ.pop("EMAIL_URL", None)
os.environ.pop("CACHE_URL", None)

if LANE == "service":
    if not os.environ.get("PORTAL_TEST_WORKER"):
        os.environ["DATABASE_URL"] = os.environ.get(
            "PORTAL_TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal"
        )
    redis_url = os.environ.get("PORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
    os.environ["CELERY_BROKER_URL"] = redis_url
    os.environ["CELERY_RESULT_BACKEND"] = redis_url
    # One queue per test session, so concurrent runs never take each other's tasks.
    os.environ.setdefault("CELERY_TASK_DEFAULT_QUEUE", f"portal-test-{_CHECKOUT}-{os.getpid()}")
else:
    os.environ["DATABASE_URL"] = "sqlite:///" + os.path.join(os.environ["PORTAL_VAR_DIR"], "unused.sqlite3")
    os.environ["CELERY_BROKER_URL"] = "memory://localhost/"
    os.environ.pop("CELERY_RESULT_BACKEND", None)

from portal.settings import *  # noqa: E402, F403
from portal.settings import DATABASES, STORAGES  # noqa: E402

if LANE == "service":
    DATABASES["default"]["TEST"] = {"NAME": f"test_portal_{_CHECKOUT}"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A TOTP code computed a moment before it is posted must not turn stale at a 30 s step's end.
MFA_TOTP_TOLERANCE = 1
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
