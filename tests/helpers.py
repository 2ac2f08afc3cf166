"""Small builders shared by the core's tests: fake families and plugins, fd counting."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

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
