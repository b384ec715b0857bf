"""The embedded Celery broker: kombu's SQLAlchemy transport on a SQLite file of its own.

``make run`` needs a broker with no server to install. kombu's filesystem
transport (the first choice) lets a consumer read a message file that a
producer has created but not yet written, and keeps its exchange tables in
files that several processes rewrite — an empty or half-written message is an
``Unrecoverable error: JSONDecodeError`` that kills the worker (kombu issue
#1551). A SQLite file is transactional: a message is in the queue whole, or
not at all. README "Decisions" has the measurements.

Three things are added to kombu's transport:

- the file runs in WAL mode with a busy timeout, and every session opens its
  own connection (no pool), so no SQLite connection crosses the worker's fork;
- a delivered message is deleted in the transaction that takes it (kombu keeps
  it, invisible, forever; its acknowledgements live in the consumer's memory);
- a message that cannot be read — not JSON, or not an envelope a consumer
  could build — is logged and set aside (left invisible), never raised into the
  worker's consumer, where any exception is fatal.

SQLite has no broadcast, so Celery's remote control is off on this broker;
workers report themselves through :mod:`plumbing.workers` on every broker.
"""

from __future__ import annotations

import logging
from json import loads
from queue import Empty
from typing import Any

from kombu.transport import sqlalchemy
from kombu.utils.encoding import bytes_to_str
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

logger = logging.getLogger(__name__)

# Seconds a writer waits for another process's transaction on the file.
BUSY_TIMEOUT = 20
# Seconds between two looks into an empty queue (kombu's default is 1 s,
# which caps a worker at about one task per second per pool slot).
POLLING_INTERVAL = 0.05


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class Channel(sqlalchemy.Channel):
    """A channel whose messages leave the file when taken, and never crash the consumer."""

    def _engine_from_config(self) -> Engine:
        client = self.connection.client
        assert client is not None
        engine = create_engine(
            str(client.hostname),
            poolclass=NullPool,
            connect_args={"timeout": BUSY_TIMEOUT},
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine

    def _get(self, queue: str, timeout: float | None = None) -> Any:
        """Take the oldest readable message of ``queue``; set aside those that cannot be read."""
        queue_row = self._get_or_create(queue)  # type: ignore[attr-defined]  # kombu's SQLAlchemy channel
        message_cls = self.message_cls
        session = self.session
        while True:
            # One writer at a time takes a message, so two consumers never take the same one.
            session.execute(text("BEGIN IMMEDIATE"))
            try:
                row = (
                    session.query(message_cls)
                    .filter(message_cls.queue_id == queue_row.id, message_cls.visible.is_(True))
                    .order_by(message_cls.id)
                    .first()
                )
                if row is None:
                    raise Empty()
                payload = self._readable(queue, row.id, row.payload)
                if payload is None:
                    row.visible = False
                else:
                    session.delete(row)
            finally:
                session.commit()
            if payload is not None:
                return payload

    def _readable(self, queue: str, message_id: int, raw: str | bytes) -> dict[str, Any] | None:
        """The message's envelope, or None (logged) if a consumer could not build a message from it."""
        try:
            payload = loads(bytes_to_str(raw))
            self.Message(payload, channel=self)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            logger.error(
                "broker message %s in queue %r cannot be read (%s: %s); set aside, the worker goes on: "
                "%.200r",
                message_id, queue, exc.__class__.__name__, exc, raw,
            )  # fmt: skip
            return None
        return payload  # type: ignore[no-any-return]


class Transport(sqlalchemy.Transport):
    """kombu's SQLAlchemy transport with :class:`Channel`, polling often enough to drain a backlog."""

    Channel = Channel
    polling_interval = POLLING_INTERVAL
