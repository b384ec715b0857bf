"""The local servers' start-up wait: it ends when the port answers, and refuses when the process is gone."""

import socket
import subprocess
import sys
import time

import pytest
from django.core.management.base import CommandError

from lab.localservers import free_port, port_wait, process_stop


def _python(code: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", code], start_new_session=True)


def test_waiting_for_a_port_ends_when_it_accepts() -> None:
    server = _python("import time; time.sleep(30)")
    try:
        with socket.socket() as listener:
            listener.bind(("127.0.0.1", 0))
            listener.listen()
            port_wait(listener.getsockname()[1], server, seconds=5, failure="not up")
    finally:
        process_stop(server, timeout=5)


def test_waiting_for_a_port_refuses_at_once_when_the_process_exits() -> None:
    server = _python("pass")
    started = time.monotonic()
    with pytest.raises(CommandError, match="the sink did not start"):
        port_wait(free_port(), server, seconds=30, failure="the sink did not start")
    assert time.monotonic() - started < 10
