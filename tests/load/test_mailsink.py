"""The SMTP sink's records: every delivered mail a line; a Message-ID seen twice is a mail sent twice."""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from lab.load.mailsink import RecordingHandler, mail_counts, mail_duplicates, mail_records

MESSAGE = (
    b"Message-ID: <abc@portal>\r\nSubject: How did we do?\r\n"
    b"List-Unsubscribe: <http://127.0.0.1/u/1/>\r\n\r\nBody\r\n"
)


def _run(coroutine: Any) -> Any:
    """Run a coroutine on a thread of its own: a browser test of the same worker may hold a loop here."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, coroutine).result(timeout=60)


def test_the_sink_records_each_accepted_mail(tmp_path: Path) -> None:
    out = tmp_path / "mails.jsonl"
    handler = RecordingHandler(out)
    envelope = SimpleNamespace(original_content=MESSAGE, content=MESSAGE, rcpt_tos=["a@example.org"])
    for _ in range(2):
        assert _run(handler.handle_DATA(None, None, envelope)).startswith("250")
    records = mail_records(out)
    assert len(records) == 2
    assert records[0]["message_id"] == "<abc@portal>"
    assert records[0]["to"] == ["a@example.org"]
    assert records[0]["subject"] == "How did we do?"
    assert records[0]["unsubscribe"] == "<http://127.0.0.1/u/1/>"
    assert mail_duplicates(records) == {"<abc@portal>": 2}


def test_a_mail_sent_once_is_no_duplicate_and_a_torn_last_line_is_ignored(tmp_path: Path) -> None:
    out = tmp_path / "mails.jsonl"
    out.write_text('{"message_id": "<1@p>"}\n{"message_id": "<2@p>"}\n{"message_id": "<1@p>"}\n{"mess')
    records = mail_records(out)
    assert mail_counts(records) == {"<1@p>": 2, "<2@p>": 1}
    assert mail_duplicates(records) == {"<1@p>": 2}
    assert mail_records(tmp_path / "missing.jsonl") == []
