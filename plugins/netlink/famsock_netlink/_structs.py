"""Declared C structs (fixed headers, binary attributes) <-> ``{member: value}``: pure functions.

A struct is read with one ``struct.Struct`` when every member is in host order (members packed
as declared: YNL specs write the C padding as ``pad`` members), else member by member. A fixed
header must be complete; an attribute's struct may be shorter or longer than declared (the
kernel's structs grow: ``rtnl_link_stats64`` did), so the members that fit are read and the
rest left out.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping
from typing import Any

from ._declarations import Struct
from ._errors import MalformedMessageError
from ._values import INTEGER_TYPES, integer_range

__all__ = ["StructCodec", "compile_struct"]


class StructCodec:
    """A compiled struct: ``size``, ``read(data, start, end, whole)`` and ``write(values)``."""

    __slots__ = ("_fields", "_names", "_single", "name", "size")

    def __init__(self, declaration: Struct) -> None:
        self.name = declaration.name
        formats: list[str] = []
        fields: list[tuple[str, str, int, str]] = []  # name, kind, offset, format of one member
        offset = 0
        host_order = True
        for member in declaration.members:
            if member.type == "pad":
                formats.append(f"{member.length}x")
                offset += member.length
                continue
            if member.type == "binary":
                letter = f"{member.length}s"
            elif member.type in INTEGER_TYPES:
                letter = INTEGER_TYPES[member.type]
            else:
                raise ValueError(f"struct {declaration.name!r}: member {member.name!r} has type "
                                 f"{member.type!r} (an integer type, binary or pad)")
            big = member.byte_order == "big-endian"
            host_order = host_order and not big
            fields.append((member.name, member.type, offset, (">" if big else "=") + letter))
            formats.append(letter)
            offset += struct.calcsize("=" + letter)
        self._fields = tuple(fields)
        self._names = tuple(field[0] for field in fields)
        self.size = offset
        self._single = struct.Struct("=" + "".join(formats)).unpack_from if host_order else None

    def whole_reader(self) -> Callable[[bytes, int], dict[str, Any]]:
        """``read(data, start)`` of a complete struct (the caller checked its size): the fast path
        for fixed headers."""
        single, names = self._single, self._names
        if single is None:
            size = self.size
            return lambda data, start: self.read(data, start, start + size, True)
        return lambda data, start: dict(zip(names, single(data, start), strict=False))

    def read(self, data: bytes, start: int, end: int, whole: bool = True) -> dict[str, Any]:
        available = end - start
        if available >= self.size and self._single is not None:
            return dict(zip(self._names, self._single(data, start), strict=False))
        if whole and available < self.size:
            raise MalformedMessageError(f"struct {self.name} is {self.size} bytes, got {available}")
        values: dict[str, Any] = {}
        for name, _kind, offset, layout in self._fields:
            size = struct.calcsize(layout)
            if offset + size > available:
                break
            values[name] = struct.unpack_from(layout, data, start + offset)[0]
        return values

    def write(self, values: Mapping[str, Any] | None) -> bytes:
        """The struct's bytes; missing members are 0 (or empty bytes)."""
        values = dict(values or {})
        unknown = set(values) - set(self._names)
        if unknown:
            raise ValueError(f"struct {self.name} has no member {', '.join(sorted(unknown))} (it has "
                             f"{', '.join(self._names)})")
        out = bytearray(self.size)
        for name, kind, offset, layout in self._fields:
            value = values.get(name, b"" if kind == "binary" else 0)
            if kind != "binary":
                low, high = integer_range(kind)
                if isinstance(value, bool) or not isinstance(value, int):
                    raise TypeError(f"struct {self.name} member {name} ({kind}) needs an int, got "
                                    f"{value!r:.60}")
                if not low <= value <= high:
                    raise OverflowError(f"struct {self.name} member {name} ({kind}) must be {low}-{high}, "
                                        f"got {value}")
            elif not isinstance(value, (bytes, bytearray)):
                raise TypeError(f"struct {self.name} member {name} needs bytes, got {value!r:.60}")
            elif len(value) > struct.calcsize(layout):
                raise ValueError(f"struct {self.name} member {name} holds {struct.calcsize(layout)} bytes, "
                                 f"got {len(value)}")
            struct.pack_into(layout, out, offset, value)
        return bytes(out)


def compile_struct(declaration: Struct) -> StructCodec:
    return StructCodec(declaration)
