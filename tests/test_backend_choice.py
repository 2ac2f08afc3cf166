"""Which backend a socket gets at its first address call, answered from the table of backends
without the lock (issue 12: it cost a new socket ~5.7 us): still one per (family, type, proto),
still the syscall path asked for, still rebuilt when the registry changes."""

from __future__ import annotations

import dataclasses
import socket as stdlib
from collections.abc import Iterator

import pytest

import famsock
from famsock._registry import registry
from tests.helpers import FakePlugin, use_plugins


@pytest.fixture
def udp_sockets() -> Iterator[list[famsock.socket]]:
    made: list[famsock.socket] = []
    yield made
    for sock in made:
        sock.close()


def new_bound(made: list[famsock.socket]) -> famsock.socket:
    sock = famsock.socket(stdlib.AF_INET, stdlib.SOCK_DGRAM)
    made.append(sock)
    sock.bind(("127.0.0.1", 0))
    return sock


def test_sockets_of_one_kind_share_their_backend_and_follow_the_path_asked_for(
        udp_sockets: list[famsock.socket]) -> None:
    previous = famsock.set_syscall_path("auto")
    try:
        first, second = new_bound(udp_sockets), new_bound(udp_sockets)
        assert first.syscall_path == "native"
        assert first._famsock_backend is second._famsock_backend
        famsock.set_syscall_path("raw")
        third = new_bound(udp_sockets)
        assert third.syscall_path == "raw"
        assert new_bound(udp_sockets)._famsock_backend is third._famsock_backend
    finally:
        famsock.set_syscall_path(previous)
    assert new_bound(udp_sockets).syscall_path == ("native" if previous == "auto" else "raw")


def test_a_registration_gives_new_sockets_a_backend_of_the_new_state(
        monkeypatch: pytest.MonkeyPatch, udp_sockets: list[famsock.socket]) -> None:
    registry.ensure_loaded()
    before = new_bound(udp_sockets)._famsock_backend
    assert before is not None
    inet = registry.lookup(stdlib.AF_INET)
    assert inet is not None
    renamed = dataclasses.replace(inet, summary="the same family, registered anew")
    use_plugins(monkeypatch, ("inet-again", FakePlugin(renamed)))
    after = new_bound(udp_sockets)._famsock_backend
    assert after is not None and after is not before
    assert getattr(after, "family", None) is renamed
