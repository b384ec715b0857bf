"""For webhook tests: a real HTTP server on 127.0.0.1 that records what it receives, and an event to send."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from customers.consents import ConsentChange, consent_change
from customers.models import ConsentRecord, User
from plumbing.events import EventName
from plumbing.models import Event


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str = ""
    received: list[Received] = field(default_factory=list)
    # Statuses to answer with, in order; 200 once they are used up.
    statuses: deque[int] = field(default_factory=deque)


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            receiver.received.append(Received(self.path, dict(self.headers.items()), body))
            status = receiver.statuses.popleft() if receiver.statuses else 200
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", receiver.url + "elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep the test output quiet

    return Handler


@pytest.fixture(name="receiver")
def webhook_receiver() -> Iterator[Receiver]:
    """Start a webhook receiver for one test; stop it afterwards."""
    receiver = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def withdrawn_event(person: User) -> Event:
    """Have the person grant and then withdraw surveys by email; return the withdrawal's event."""
    for granted in (True, False):
        consent_change(
            customer=person,
            changes=[ConsentChange("surveys", "email", granted)],
            source=ConsentRecord.Source.PRIVACY_CENTER,
        )
    return Event.objects.get(name=EventName.CONSENT_WITHDRAWN, customer=person)
