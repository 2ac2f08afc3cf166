"""Small builders shared by the core's tests: fake families and plugins, fd counting, and the
IP families and stdlib views the ecosystem tests (tests/test_ecosystem_*.py) share."""

from __future__ import annotations

import errno
import os
import socket as stdlib
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from famsock.contract import Family, SocketSpec, hookimpl


class DemoAddress(tuple[int, ...]):
    """A one-field address for fake families."""

    __slots__ = ()

    def __str__(self) -> str:
        return f"demo:{self[0]}"


def _parse(value: Any, spec: SocketSpec) -> DemoAddress:
    return DemoAddress((int(value),))


def _encode(address: DemoAddress) -> bytes:
    return address[0].to_bytes(2, "little")


def _decode(data: bytes, spec: SocketSpec) -> DemoAddress:
    return DemoAddress((int.from_bytes(data, "little"),))


def _from_text(text: str) -> DemoAddress:
    return DemoAddress((int(text),))


def make_family(name: str = "demo", number: int = 250, **changes: Any) -> Family:
    fields: dict[str, Any] = {
        "name": name, "number": number, "constant": f"AF_{name.upper()}",
        "address_type": DemoAddress, "socket_types": frozenset({2}), "parse": _parse,
        "encode": _encode, "decode": _decode, "from_text": _from_text,
    }
    fields.update(changes)
    return Family(**fields)


class FakePlugin:
    """A plugin object (not a module) returning the given families."""

    famsock_contract = 1

    def __init__(self, *families: Any) -> None:
        self.families: Sequence[Any] = families

    @hookimpl
    def famsock_families(self) -> Sequence[Any]:
        return list(self.families)


def open_fds() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


@dataclass(frozen=True)
class Ip:
    """An IP family on loopback, for tests that run over IPv4 and IPv6 alike."""

    name: str  # the famsock family
    family: int
    host: str

    @property
    def local(self) -> tuple[str, int]:
        """A loopback address with a port the kernel picks."""
        return (self.host, 0)

    @property
    def address_type(self) -> type:
        """The plugin's typed address class (asked when needed: plugins load on first use)."""
        from famsock.codec import family

        return family(self.name).address_type


IPS = [
    pytest.param(Ip("inet", stdlib.AF_INET, "127.0.0.1"), id="inet", marks=pytest.mark.family("inet")),
    pytest.param(Ip("inet6", stdlib.AF_INET6, "::1"), id="inet6", marks=pytest.mark.family("inet6")),
]


def stdlib_names(sock: stdlib.socket) -> tuple[Any, Any]:
    """The stdlib's own answer for ``sock``: ``(getsockname(), getpeername())``, the peer ``None``
    when not connected, read by a plain ``socket.socket`` on a duplicate of its fd."""
    with stdlib.socket(fileno=os.dup(sock.fileno())) as view:
        try:
            peer = view.getpeername()
        except OSError as exc:
            if exc.errno != errno.ENOTCONN:
                raise
            peer = None
        return view.getsockname(), peer


@contextmanager
def short_tempdir() -> Iterator[Path]:
    """An empty directory directly under /tmp: AF_UNIX paths must fit in 107 bytes."""
    with tempfile.TemporaryDirectory(prefix="famsock-", dir="/tmp") as directory:
        yield Path(directory)


class InterruptedByTestError(Exception):
    """What the ``alarm`` fixture's signal handler raises when asked to."""
