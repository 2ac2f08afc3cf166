"""Builders specific to the core's tests: fake families and plugins, a private set of plugins for
one test, structs laid out by C, and the IP families the cross-family tests run over.

Generic helpers (fd counting, same outcome as the stdlib, stdlib views of a socket, the kernel's
sockaddr bytes) are famsock.testing's, for plugins' tests too."""

from __future__ import annotations

import socket as stdlib
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from famsock._registry import Registry
from famsock.contract import Family, SocketSpec, hookimpl
from famsock.testing import c_vectors

#: Layouts of the structs these tests build by hand, printed by tests/vectors/kernel_structs.c.
STRUCTS: dict[str, Any] = c_vectors.load(Path(__file__).parent / "vectors" / "kernel_structs.c")


class DemoAddress(tuple[int, ...]):
    """A one-field address for fake families."""

    __slots__ = ()


def _parse(value: Any, spec: SocketSpec) -> DemoAddress:
    return DemoAddress((int(value),))


def _encode(address: DemoAddress, spec: SocketSpec) -> bytes:
    return spec.family.to_bytes(2, sys.byteorder) + address[0].to_bytes(2, "big")


def _decode(data: bytes, spec: SocketSpec) -> DemoAddress:
    if len(data) != 4:
        raise ValueError(f"a demo sockaddr is 4 bytes, got {len(data)}")
    return DemoAddress((int.from_bytes(data[2:], "big"),))


def _to_text(address: DemoAddress) -> str:
    return str(address[0])


def _from_text(text: str) -> DemoAddress:
    return DemoAddress((int(text),))


def make_family(name: str = "demo", number: int = 250, **changes: Any) -> Family[Any]:
    fields: dict[str, Any] = {
        "name": name, "number": number, "constant": f"AF_{name.upper()}",
        "address_type": DemoAddress, "socket_types": frozenset({2}), "parse": _parse,
        "encode": _encode, "decode": _decode, "to_text": _to_text, "from_text": _from_text,
    }
    fields.update(changes)
    return Family(**fields)


class FakePlugin:
    """A plugin object (not a module) returning the given families, and the other registrations
    given by hook (``loopbacks=[...]``, ``control_messages=[...]``...); every hook is implemented."""

    famsock_contract = 2

    def __init__(self, *families: Any, loopbacks: Sequence[Any] = (), control_messages: Sequence[Any] = (),
                 socket_options: Sequence[Any] = (), commands: Sequence[Any] = (),
                 inet_texts: Sequence[Any] = (), server_setups: Sequence[Any] = ()) -> None:
        self.families: Sequence[Any] = families
        self.loopbacks, self.control_messages = loopbacks, control_messages
        self.socket_options, self.commands = socket_options, commands
        self.inet_texts, self.server_setups = inet_texts, server_setups

    @hookimpl
    def famsock_families(self) -> Sequence[Any]:
        return list(self.families)

    @hookimpl
    def famsock_loopbacks(self) -> Sequence[Any]:
        return list(self.loopbacks)

    @hookimpl
    def famsock_control_messages(self) -> Sequence[Any]:
        return list(self.control_messages)

    @hookimpl
    def famsock_socket_options(self) -> Sequence[Any]:
        return list(self.socket_options)

    @hookimpl
    def famsock_commands(self) -> Sequence[Any]:
        return list(self.commands)

    @hookimpl
    def famsock_inet_texts(self) -> Sequence[Any]:
        return list(self.inet_texts)

    @hookimpl
    def famsock_server_setups(self) -> Sequence[Any]:
        return list(self.server_setups)


def use_plugins(monkeypatch: pytest.MonkeyPatch, *plugins: tuple[str, object]) -> Registry:
    """Make famsock answer from these ``(name, plugin)`` only, for this test: sockets, the codec,
    the CLI... (every module asks ``famsock._registry.registry``, whose published state is swapped
    for a private registry's); sockets choose their backend afresh. Returns the private registry."""
    from famsock import _backends, _registry as module

    private = Registry(find=list, environ={})
    for name, plugin in plugins:
        private.register(plugin, name)
    monkeypatch.setattr(module.registry, "_state", private._state or private._load())
    monkeypatch.setattr(_backends, "_backends", {})
    monkeypatch.setattr(_backends, "_backends_generation", -1)
    return private


def struct_image(name: str, **fields: int | bytes) -> bytes:
    """Struct ``name`` of :data:`STRUCTS` with these fields set, the others zero: an int in host
    byte order, bytes (a field in network order, an array) as they are."""
    layout = STRUCTS[name]
    image = bytearray(layout["size"])
    for field, value in fields.items():
        offset, size = layout["fields"][field]
        data = value if isinstance(value, bytes) else value.to_bytes(size, sys.byteorder, signed=value < 0)
        if len(data) > size:
            raise ValueError(f"{name}.{field} is {size} bytes, got {len(data)}")
        image[offset:offset + len(data)] = data
    return bytes(image)


def struct_fields(name: str, data: bytes) -> dict[str, int]:
    """The integer fields of struct ``name`` read from ``data`` (host byte order, unsigned)."""
    return {field: int.from_bytes(data[offset:offset + size], sys.byteorder)
            for field, (offset, size) in STRUCTS[name]["fields"].items()}


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


@contextmanager
def short_tempdir() -> Iterator[Path]:
    """An empty directory directly under /tmp: AF_UNIX paths must fit in 107 bytes."""
    with tempfile.TemporaryDirectory(prefix="famsock-", dir="/tmp") as directory:
        yield Path(directory)


class InterruptedByTestError(Exception):
    """What the ``alarm`` fixture's signal handler raises when asked to."""
