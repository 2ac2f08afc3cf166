"""Fixtures for the TIPC kernel tests: fresh service types, sockets that close.

Every test here is marked ``family("tipc")`` (skipped, with the reason, where the kernel has no
AF_TIPC) and checked for descriptor leaks. ``./dev test`` runs them through vm/tipc/run.py: here
when this kernel has AF_TIPC, else in a qemu guest that has; where neither can be had, here with
``FAMSOCK_TIPC_VM_UNAVAILABLE`` set to the reason, and they skip with it.

The session runs in a private network namespace (``famsock_netns``), which is a TIPC node of its
own, with no node address (0) until a bearer is enabled: the two-node tests make their own.
"""

from __future__ import annotations

import os
import socket as stdlib
from collections.abc import Callable, Iterator

import pytest
from tipc_kernel import AF_TIPC, BOUNDED

import famsock


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    reason = os.environ.get("FAMSOCK_TIPC_VM_UNAVAILABLE")
    if reason and item.get_closest_marker("family") is not None:
        pytest.skip(f"AF_TIPC: this kernel has none, and no VM with one could be had: {reason}")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.path).startswith(here + os.sep):
            item.add_marker(pytest.mark.family("tipc"))
            item.add_marker(pytest.mark.usefixtures("no_fd_leak"))


@pytest.fixture
def service_type() -> int:
    """A service type no other test uses (64 and up are the users')."""
    return 0x10000 + int.from_bytes(os.urandom(3), "little")


@pytest.fixture
def tipc() -> Iterator[Callable[..., famsock.socket]]:
    """``tipc(kind)``: a famsock AF_TIPC socket with a bounded timeout, closed after the test."""
    made: list[famsock.socket] = []

    def make(kind: int = stdlib.SOCK_RDM) -> famsock.socket:
        sock = famsock.socket(AF_TIPC, kind)
        made.append(sock)
        sock.settimeout(BOUNDED)
        return sock

    yield make
    for sock in made:
        sock.close()


@pytest.fixture
def plain_tipc() -> Iterator[Callable[..., stdlib.socket]]:
    """``plain_tipc(kind)``: the stdlib's own AF_TIPC socket, for side-by-side comparisons."""
    made: list[stdlib.socket] = []

    def make(kind: int = stdlib.SOCK_RDM) -> stdlib.socket:
        sock = stdlib.socket(AF_TIPC, kind)
        made.append(sock)
        sock.settimeout(BOUNDED)
        return sock

    yield make
    for sock in made:
        sock.close()
