"""Django's PostgreSQL backend, health-checking a reused connection only after it sat idle.

With ``CONN_HEALTH_CHECKS`` Django sends ``SELECT 1`` before the first query
of every request on a reused connection: on the API's hottest path (the
consent check) that is one round trip out of three. Connections go bad while
they sit unused (a restarted or failed-over server, an idle timeout on the
way), so here the round trip is made only when the connection has been idle
for more than ``DATABASE_HEALTH_CHECK_IDLE_SECONDS`` (default 1) since the
last request that used it ended without a database error, and psycopg's own
view (closed or broken) is consulted always. A connection that fails in
between is still caught the Django way: the failing request gets its error,
the connection is checked and dropped at the end of that request.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    _idle_since: float | None = None
    health_check_enabled: bool
    health_check_done: bool

    def close_if_unusable_or_obsolete(self) -> None:
        # Called at the start and at the end of every request.
        fine = self.connection is not None and not self.errors_occurred
        super().close_if_unusable_or_obsolete()
        self._idle_since = time.monotonic() if fine and self.connection is not None else None

    def close_if_health_check_failed(self) -> None:
        connection: Any = self.connection
        if (
            connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and not connection.closed
            and not connection.broken
            and self._idle_since is not None
            and time.monotonic() - self._idle_since < settings.DATABASE_HEALTH_CHECK_IDLE_SECONDS
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()
