"""A real SMTP server on 127.0.0.1 that keeps a line per delivered mail, and the counting of them.

``python -m lab.load.mailsink --port N --out mails.jsonl`` runs aiosmtpd
and appends, for every message it accepts, its Message-ID, recipients,
subject and the unsubscribe header (one JSON object a line, flushed at once,
so a count is right whatever stops the sink). :func:`mail_counts` and
:func:`mail_duplicates` read those lines back: a Message-ID seen twice is a
mail sent twice (the portal derives it from the mail's idempotency key).
"""

from __future__ import annotations

import argparse
import json
import signal
import threading
from collections import Counter
from collections.abc import Iterable
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Any


class RecordingHandler:
    """aiosmtpd handler: accept every message and record one line for it."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content = envelope.original_content or envelope.content
        raw = content if isinstance(content, bytes) else str(content).encode()
        headers = BytesHeaderParser().parsebytes(raw)
        line = {
            "message_id": (headers.get("Message-ID") or "").strip(),
            "to": list(envelope.rcpt_tos),
            "subject": str(headers.get("Subject") or ""),
            "unsubscribe": str(headers.get("List-Unsubscribe") or ""),
        }
        with self.lock, self.out.open("a", encoding="utf-8") as sink:
            sink.write(json.dumps(line) + "\n")
            sink.flush()
        return "250 Message accepted for delivery"


def mail_records(path: Path) -> list[dict[str, Any]]:
    """The recorded mails (an unfinished last line is ignored)."""
    if not path.exists():
        return []
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return records


def mail_counts(records: Iterable[dict[str, Any]]) -> Counter[str]:
    """How often each Message-ID was delivered."""
    return Counter(str(record.get("message_id", "")) for record in records)


def mail_duplicates(records: Iterable[dict[str, Any]]) -> dict[str, int]:
    """The Message-IDs delivered more than once (a mail without one counts as its own problem)."""
    return {message_id: count for message_id, count in mail_counts(records).items() if count > 1}


def main() -> None:
    from aiosmtpd.controller import Controller

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    options = parser.parse_args()
    controller = Controller(RecordingHandler(options.out), hostname="127.0.0.1", port=options.port)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait(timeout=3 * 3600)  # bounded even if nobody stops it
    controller.stop()


if __name__ == "__main__":
    main()
