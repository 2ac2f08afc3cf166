"""What a request is addressed to: a declared family, and for generic netlink its resolved id.

Shared by the sync and asyncio connections: turning ``(family, operation, values)`` into request
bytes, a reader for the replies, a name for messages, and the ext-ack locator; and reading events
of several families on one socket.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ._conversation import RawMessage, Reader, read_raw
from ._declarations import FamilySpec, spec
from ._extack import locate
from ._header import HEADER_SIZE
from ._messages import FamilyCodec, codec

__all__ = ["EventReader", "GenericFamily", "Prepared", "Target", "prepare", "resolve_target"]


@dataclass(frozen=True)
class GenericFamily:
    """A generic netlink family as the kernel's controller reports it (``CTRL_CMD_GETFAMILY``).

    ``operations``: command number -> its flags' names (``cmd-cap-do``, ``admin-perm``...);
    ``groups``: multicast group name -> id; ``spec``: its declaration, when one is given, which
    requests to it are written and its replies read by.
    """

    name: str
    id: int
    version: int = 0
    hdrsize: int = 0
    maxattr: int = 0
    operations: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    groups: Mapping[str, int] = field(default_factory=dict)
    spec: FamilySpec | None = None


#: A request's target: a spec (rtnetlink's, or a generic family with a fixed id), a shipped
#: spec's name (``"rt-link"``), or a resolved generic family.
Target = FamilySpec | GenericFamily | str


def resolve_target(target: Target) -> tuple[FamilySpec, int | None]:
    """The spec and the generic family id (``None`` for netlink-raw families, or fixed ids)."""
    if isinstance(target, str):
        return spec(target), None
    if isinstance(target, GenericFamily):
        if target.spec is None:
            raise ValueError(f"generic netlink family {target.name!r} has no declaration: resolve it with "
                             "its spec (famsock_netlink.genetlink.resolve(conn, spec)) to talk to it")
        return target.spec, target.id
    if isinstance(target, FamilySpec):
        return target, None
    raise TypeError("a netlink request goes to a FamilySpec, a GenericFamily or a shipped spec's name, not "
                    f"{type(target).__name__}")


@dataclass(frozen=True)
class Prepared:
    """A request ready for a conversation: its bytes, its replies' reader, its name, its locator."""

    request: bytes
    kind: Literal["do", "dump"]
    reader: Reader
    what: str
    locate: Callable[[int], str | None] | None


def prepare(target: Target, operation: str, kind: Literal["do", "dump"], fixed: Mapping[str, Any] | None,
            attributes: Mapping[Any, Any] | None, flags: int) -> Prepared:
    family, family_id = resolve_target(target)
    compiled = codec(family)
    request = compiled.encode(operation, kind, fixed=fixed, attributes=attributes, flags=flags,
                              family_id=family_id)
    declared = family.operation(operation)
    body_start = HEADER_SIZE + (4 if family.generic else 0)
    if declared.fixed_header is not None:
        body_start += compiled.struct(declared.fixed_header).size
    names = _namer(compiled)

    def locator(offset: int) -> str | None:
        return locate(request, offset, body_start, declared.attribute_set, names)

    return Prepared(request, kind, compiled.reader(operation), f"{family.name} {operation} {kind}", locator)


def _namer(compiled: FamilyCodec) -> Callable[[str | None, int], tuple[str, str | None]]:
    def names(set_name: str | None, number: int) -> tuple[str, str | None]:
        if set_name is None:
            return str(number), None
        attribute = compiled.spec.attribute_set(set_name).by_value.get(number)
        if attribute is None:
            return str(number), None
        nested = attribute.nested_attributes if attribute.type == "nest" else None
        return attribute.name, nested

    return names


def prepare_raw(message_type: int, payload: bytes, flags: int, kind: Literal["do", "dump"]) -> Prepared:
    from ._header import pack_header  # noqa: PLC0415

    flags |= 0x1 | (0x4 if kind == "do" else 0x300)
    request = pack_header(HEADER_SIZE + len(payload), message_type, flags, 0, 0) + bytes(payload)
    return Prepared(request, kind, read_raw, f"netlink message type {message_type} {kind}", None)


class EventReader:
    """Reads events of several declared families arriving on one socket (``RawMessage`` for
    types none declares). Generic families are told apart by their resolved id."""

    def __init__(self, targets: Iterable[Target]) -> None:
        self._raw: list[FamilyCodec] = []
        self._generic: dict[int, FamilyCodec] = {}
        for target in targets:
            family, family_id = resolve_target(target)
            compiled = codec(family)
            if family.generic:
                self._generic[family_id if family_id is not None else family.fixed_id or -1] = compiled
            else:
                self._raw.append(compiled)

    def __call__(self, data: bytes, kind: int, flags: int, seq: int, pid: int, offset: int,
                 length: int) -> Any:
        generic = self._generic.get(kind)
        if generic is not None:
            command = data[offset + HEADER_SIZE] if length > HEADER_SIZE else None
            reader = generic.event_reader(kind, command)
            if reader is not None:
                return reader(data, kind, flags, seq, pid, offset, length)
        for compiled in self._raw:
            reader = compiled.event_reader(kind)
            if reader is not None:
                return reader(data, kind, flags, seq, pid, offset, length)
        return RawMessage(kind, flags, seq, pid, data[offset + HEADER_SIZE:offset + length])
