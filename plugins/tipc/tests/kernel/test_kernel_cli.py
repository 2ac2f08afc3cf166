"""``famsock tipc watch`` and ``famsock tipc publish`` on the real kernel: JSON lines, a name held
until the command is interrupted."""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import pytest
from famsock_tipc import TipcEventKind, TipcServiceAddress, TipcTopologyWatcher
from tipc_kernel import BOUNDED

import famsock
from famsock.cli import main

Make = Callable[..., Any]


def test_watch_prints_events_as_json_lines(tipc: Make, service_type: int, capsys: pytest.CaptureFixture[str]
                                           ) -> None:
    server = tipc()
    server.bind((famsock.TIPC_ADDR_NAMESEQ, service_type, 3, 7))
    assert main(["tipc", "watch", str(service_type), "0", "9", "--count", "1"]) == 0
    assert main(["tipc", "watch", hex(service_type + 1), "--timeout-ms", "100", "--byteorder", "big"]) == 0
    published, timeout = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    own = server.getsockname()
    assert published == {"event": "published", "type": service_type, "found_lower": 3, "found_upper": 7,
                         "port": famsock.address_to_text(own), "node": own.node, "ref": own.ref,
                         "handle": published["handle"]}
    assert timeout["event"] == "timeout" and timeout["type"] == service_type + 1
    assert (timeout["found_lower"], timeout["found_upper"]) == (0, 0xFFFFFFFF)


def test_watch_refuses_bad_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    for arguments in (["tipc", "watch", "-1"], ["tipc", "watch", "1000", "x"], ["tipc", "watch", str(2**32)]):
        with pytest.raises(SystemExit) as exited:
            main(arguments)
        assert exited.value.code == 2
    assert "must be 0-4294967295" in capsys.readouterr().err


def _line(process: subprocess.Popen[str], deadline: float) -> dict[str, Any]:
    """The command's next JSON line, waiting no longer than ``deadline``."""
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(max(0.0, deadline - time.monotonic())):
            process.kill()
            pytest.fail(f"no output from {process.args!r} in time")
    line = process.stdout.readline()
    assert line, f"{process.args!r} ended: {process.wait()}"
    return json.loads(line)  # type: ignore[no-any-return]


def test_publish_holds_a_name_until_interrupted(tipc: Make, service_type: int) -> None:
    command = [sys.executable, "-m", "famsock", "tipc", "publish", str(service_type), "5", "--upper", "6"]
    deadline = time.monotonic() + 6 * BOUNDED  # a Python start-up, on an emulated CPU
    environment = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with TipcTopologyWatcher(timeout=6 * BOUNDED) as watcher, subprocess.Popen(
            command, stdout=subprocess.PIPE, text=True, env=environment) as process:
        try:
            watcher.subscribe(service_type)
            held = _line(process, deadline)
            assert held["published"] == f"tipc:range:{service_type}:5-6/cluster"
            published = watcher.receive()
            assert published.kind is TipcEventKind.PUBLISHED
            assert (published.found_lower, published.found_upper) == (5, 6)
            assert famsock.address_to_text(published.port) == held["socket"]
            sender = tipc()
            sender.sendto(b"hello", TipcServiceAddress(service_type, 6))
            sent_from = famsock.address_to_text(sender.getsockname())
            assert _line(process, deadline) == {"received": 5, "from": sent_from, "data": "hello"}
            process.send_signal(signal.SIGINT)
            assert _line(process, deadline) == {"withdrawn": held["published"]}
            assert process.wait(timeout=2 * BOUNDED) == 0
            assert watcher.receive() == published._replace(kind=TipcEventKind.WITHDRAWN)
        finally:
            if process.poll() is None:
                process.kill()
