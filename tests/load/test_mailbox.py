"""The soak's mailbox: every mail of the file backend read once, whole, and matched to its action."""

from __future__ import annotations

from pathlib import Path

from lab.load.mailbox import Ledger, mails_read

SEPARATOR = "-" * 79


def _message(to: str, subject: str, body: str) -> str:
    return (
        'Content-Type: text/plain; charset="utf-8"\nMIME-Version: 1.0\nContent-Transfer-Encoding: 8bit\n'
        f"Subject: {subject}\nFrom: portal@example.com\nTo: {to}\n\n{body}\n{SEPARATOR}\n"
    )


CONFIRM = _message(
    "a@example.org", "Please Confirm", "Go to http://127.0.0.1:9000/accounts/confirm-email/MjA:1x:ab/"
)
REPLY = _message(
    "b@example.org", "We answered your feedback", "Read it: http://127.0.0.1:9000/feedback/12/\n"
)
HALF = 'Content-Type: text/plain; charset="utf-8"\nSubject: Your copy of your data is re'


def test_a_file_with_two_messages_gives_both_and_one_being_written_gives_none_yet(tmp_path: Path) -> None:
    path = tmp_path / "1.log"
    path.write_text(CONFIRM + REPLY + HALF)

    mails = mails_read(path)

    assert [(mail.to, mail.kind_and_link()) for mail in mails] == [
        ("a@example.org", ("confirm", "http://127.0.0.1:9000/accounts/confirm-email/MjA:1x:ab/")),
        ("b@example.org", ("reply", "http://127.0.0.1:9000/feedback/12/")),
    ]


def test_a_mail_sent_inside_the_request_is_matched_when_it_is_expected(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path)
    (tmp_path / "1.log").write_text(CONFIRM)
    ledger.scan()  # the mail is read before the action that caused it is recorded

    ledger.expect("confirm", "A@example.org", acted=0.0)

    found = ledger.wait("confirm", "a@example.org", seconds=0)
    assert found is not None
    assert len(found.mails) == 1
    assert ledger.unexpected == []


def test_a_message_written_after_a_look_is_read_on_the_next_one_and_none_twice(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path)
    ledger.expect("confirm", "a@example.org", acted=0.0)
    ledger.expect("reply", "b@example.org", acted=0.0)
    path = tmp_path / "1.log"
    path.write_text(CONFIRM + HALF)
    ledger.scan()

    path.write_text(CONFIRM + REPLY)
    ledger.scan()
    ledger.scan()

    assert [len(item.mails) for item in ledger.expected.values()] == [1, 1]
