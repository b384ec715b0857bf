"""The embedded broker: a message is taken whole and once; one that cannot be read is set aside."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from kombu import Connection

from portal.broker import Transport


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Connection]:
    with Connection(f"sqlite:///{tmp_path / 'broker.sqlite3'}", transport=Transport) as connection:
        yield connection


def _rows(connection: Connection) -> list[tuple[int, str]]:
    path = str(connection.hostname).removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        return db.execute("SELECT visible, payload FROM kombu_message ORDER BY id").fetchall()


def test_a_message_is_taken_once_and_leaves_the_file(broker: Connection) -> None:
    queue = broker.SimpleQueue("jobs")
    queue.put({"job": 1})

    message = queue.get(timeout=2)
    message.ack()

    assert message.payload == {"job": 1}
    with pytest.raises(queue.Empty):
        queue.get(timeout=0.2)
    assert _rows(broker) == []


def test_a_message_that_cannot_be_read_is_logged_and_set_aside(
    broker: Connection, caplog: pytest.LogCaptureFixture
) -> None:
    queue = broker.SimpleQueue("jobs")  # declares the queue
    path = str(broker.hostname).removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        (queue_id,) = db.execute("SELECT id FROM kombu_queue WHERE name = 'jobs'").fetchone()
        for garbage in ('{"body": "half-writt', '{"not": "an envelope"}', '"a string"'):
            db.execute(
                "INSERT INTO kombu_message (visible, payload, version, queue_id) VALUES (1, ?, 1, ?)",
                (garbage, queue_id),
            )
    queue.put({"job": 2})

    with caplog.at_level(logging.ERROR, logger="portal.broker"):
        message = queue.get(timeout=2)
    message.ack()

    assert message.payload == {"job": 2}
    assert len(caplog.records) == 3
    assert "cannot be read" in caplog.records[0].getMessage()
    assert "set aside" in caplog.records[0].getMessage()
    # Kept for an operator, never delivered again.
    assert [visible for visible, _payload in _rows(broker)] == [0, 0, 0]
