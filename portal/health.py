"""``/healthz``: can the portal reach its database and its broker, and is a worker alive?"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from plumbing.workers import workers_alive
from portal.celery import app


def _check_database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor}


def _check_broker() -> dict[str, Any]:
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=1, timeout=2)
            transport = conn.transport_cls
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "transport": str(transport)}


def _check_worker() -> dict[str, Any]:
    try:
        alive = workers_alive().count()
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    if not alive:
        return {"ok": False, "error": "no worker alive"}
    return {"ok": True, "alive": alive}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Report each dependency; answer 503 when any of them is down."""
    # A worker is alive when its node wrote its heartbeat row lately (plumbing/workers.py).
    checks = {"database": _check_database(), "broker": _check_broker(), "worker": _check_worker()}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )
