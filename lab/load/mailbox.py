"""The soak's mailbox: the mails of the file backend, each matched to the action that must cause it.

Django's file backend writes every message of one connection into one file
of ``var/mail``, each followed by a line of dashes. The soak reads the folder
again and again and matches every mail by its recipient and its kind, which
the link it carries tells (a confirmation link, a double opt-in link...).
"""

from __future__ import annotations

import email
import email.policy
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

_END = "\n" + "-" * 79 + "\n"
_LINK = re.compile(r"http://127\.0\.0\.1:\d+/[^\s\"'<>]*")
# Each kind of mail an action causes, by the path of the link it carries.
KINDS = {
    "confirm": re.compile(r"/accounts/confirm-email/[^/]+/$"),
    "doi": re.compile(r"/privacy/confirm/[^/]+/$"),
    "export": re.compile(r"/privacy/requests/$"),
    "reply": re.compile(r"/feedback/\d+/$"),
}
# Incidents are told apart by the soak's own titles; their link is the privacy center.
INCIDENT_TITLE = "Soak incident"


@dataclass
class Mail:
    to: str
    subject: str
    links: list[str]
    arrived: float

    def kind_and_link(self) -> tuple[str, str | None]:
        """Which action this mail answers, and the link its recipient would click."""
        if INCIDENT_TITLE in self.subject:
            return "incident", next((link for link in self.links if link.endswith("/privacy/")), None)
        for kind, pattern in KINDS.items():
            for link in self.links:
                if pattern.search(link):
                    return kind, link
        return "other", None


def mails_read(path: Path) -> list[Mail]:
    """The messages of one file that are written whole (the last may still be on its way)."""
    arrived = path.stat().st_mtime
    mails = []
    for chunk in path.read_text(encoding="utf-8", errors="replace").split(_END)[:-1]:
        message = email.message_from_string(chunk.rstrip("\n"), policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        content = body.get_content() if body is not None else ""
        to, subject = str(message["To"] or "").strip().lower(), str(message["Subject"] or "")
        mails.append(Mail(to=to, subject=subject, links=_LINK.findall(content), arrived=arrived))
    return mails


@dataclass
class Expected:
    """A mail an action must cause: to whom, of which kind, since when; what its link answered."""

    kind: str
    to: str
    acted: float
    mails: list[Mail] = field(default_factory=list)
    opened: int | None = None

    @property
    def link(self) -> str | None:
        return self.mails[0].kind_and_link()[1] if self.mails else None


class Ledger:
    """What the simulated people did and what it must cause, shared with the mail reader."""

    def __init__(self, mail_dir: Path) -> None:
        self.mail_dir = mail_dir
        self.lock = threading.Condition()
        self.expected: dict[tuple[str, str], Expected] = {}
        self.unexpected: list[Mail] = []
        self.read: dict[str, tuple[int, int]] = {}  # file name -> (its size, messages of it read)
        self.statuses: Counter[int] = Counter()
        self.actions: Counter[str] = Counter()
        self.errors: list[str] = []

    def expect(self, kind: str, to: str, acted: float) -> None:
        """Expect a mail; one that came already (sent inside the request) is taken from the unmatched."""
        key = (kind, to.lower())
        with self.lock:
            found = self.expected.setdefault(key, Expected(kind=kind, to=key[1], acted=acted))
            early = [mail for mail in self.unexpected if (mail.kind_and_link()[0], mail.to) == key]
            if early:
                found.mails.extend(early)
                self.unexpected = [mail for mail in self.unexpected if mail not in early]
                self.lock.notify_all()

    def scan(self) -> None:
        """Read the mails that arrived since the last look and match each to its action."""
        fresh = []
        for path in sorted(self.mail_dir.glob("*.log")):
            size, done = self.read.get(path.name, (-1, 0))
            now = path.stat().st_size  # before reading: a message written meanwhile is read next time
            if now == size:
                continue
            mails = mails_read(path)
            fresh += mails[done:]
            self.read[path.name] = (now, len(mails))
        if not fresh:
            return
        with self.lock:
            for mail in fresh:
                found = self.expected.get((mail.kind_and_link()[0], mail.to))
                if found is None:
                    self.unexpected.append(mail)
                else:
                    found.mails.append(mail)
            self.lock.notify_all()

    def wait(self, kind: str, to: str, seconds: float) -> Expected | None:
        """Wait up to ``seconds`` for the expected mail, as its recipient waits for it."""
        deadline = time.monotonic() + seconds
        with self.lock:
            while True:
                found = self.expected.get((kind, to.lower()))
                if found is not None and found.mails:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.lock.wait(left)
