"""Both paths raise the stdlib's audit events, with the caller's address (PEP 578)."""

from __future__ import annotations

import socket as stdlib
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import famsock

_seen: list[tuple[str, Any]] | None = None


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if _seen is not None and event in ("socket.bind", "socket.connect", "socket.sendto", "socket.sendmsg"):
        _seen.append((event, args[1]))


sys.addaudithook(_hook)  # hooks cannot be removed: this one records only inside `events()`


@pytest.fixture
def events() -> Iterator[list[tuple[str, Any]]]:
    global _seen
    _seen = []
    yield _seen
    _seen = None


def calls(make: Callable[..., Any], target: Any) -> None:
    with make(stdlib.AF_INET, stdlib.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.sendto(b"a", target)
        sock.sendto(b"b", 0, target)
        sock.sendmsg([b"c"], [], 0, target)
        sock.connect(target)
        sock.connect_ex(target)
        sock.sendmsg([b"d"])


def test_the_same_events_as_the_stdlib(syscall_path: str, events: list[tuple[str, Any]]) -> None:
    with stdlib.socket(stdlib.AF_INET, stdlib.SOCK_DGRAM) as receiver:
        receiver.bind(("127.0.0.1", 0))
        target = receiver.getsockname()
        events.clear()
        calls(stdlib.socket, target)
        expected = list(events)
        events.clear()
        calls(famsock.socket, target)
    assert events == expected
    assert [event for event, _ in expected] == ["socket.bind", "socket.sendto", "socket.sendto",
                                                "socket.sendmsg", "socket.connect", "socket.connect",
                                                "socket.sendmsg"]


def test_no_event_for_an_address_that_does_not_parse(syscall_path: str,
                                                      events: list[tuple[str, Any]]) -> None:
    with famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM) as sock, pytest.raises(OverflowError):
        sock.bind(("127.0.0.1", 70000))
    assert events == []
