"""Messages of a declared family <-> bytes: the sans-I/O codec (pure functions of bytes and values).

:func:`codec` compiles a :class:`FamilySpec` once into lookup tables (attribute number -> name,
decoder, repeats) and keeps them; decoding a message is then a walk over its bytes with no
per-message classes. A decoded :class:`Message` holds the header's fields, the operation it
belongs to, the fixed header's members (``fixed``) and the attributes (``attributes``:
name -> value; a nest is a dict, a repeated or indexed attribute a list, an attribute the spec
does not declare is kept as ``{number: bytes}``).

Bounded: every walk is bounded by the enclosing message or nest (see :mod:`._attributes`),
nesting deeper than :data:`MAX_DEPTH` (possible only with a recursive spec) is refused, and every
error is a :class:`MalformedMessageError` naming the family, the message and the attribute path.
"""

from __future__ import annotations

import struct
import weakref
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Literal

from ._attributes import NLA_F_NESTED, pack_attribute, walk
from ._declarations import Attribute, FamilySpec, Operation
from ._errors import MalformedMessageError
from ._header import HEADER_SIZE, pack_header
from ._structs import StructCodec
from ._values import Decoder, Encoder, codec_for

__all__ = ["MAX_DEPTH", "FamilyCodec", "Message", "Reader", "codec"]

MAX_DEPTH = 16
_NLA = struct.Struct("=HH")
_unpack_nla = _NLA.unpack_from
_GENL = struct.Struct("=BBH")
_NLM_F_REQUEST, _NLM_F_ACK, _NLM_F_DUMP = 0x1, 0x4, 0x300
Kind = Literal["do", "dump"]
Table = dict[int, tuple[str, Decoder | None, bool]]


class Message:
    """A decoded netlink message of a declared family."""

    __slots__ = ("attributes", "command", "fixed", "flags", "operation", "pid", "seq", "spec", "type")

    def __init__(self, kind: int, flags: int, seq: int, pid: int, spec: FamilySpec, operation: str | None,
                 command: int | None, fixed: dict[str, Any], attributes: dict[Any, Any]) -> None:
        self.type = kind
        self.flags = flags
        self.seq = seq
        self.pid = pid
        self.spec = spec
        self.operation = operation
        self.command = command
        self.fixed = fixed
        self.attributes = attributes

    @property
    def family(self) -> str:
        """The name of the declared family (``"rt-link"``)."""
        return self.spec.name

    def __getitem__(self, name: str) -> Any:
        return self.attributes[name]

    def __contains__(self, name: object) -> bool:
        return name in self.attributes

    def get(self, name: str, default: Any = None) -> Any:
        """An attribute's value, else a fixed-header member's, else ``default``."""
        if name in self.attributes:
            return self.attributes[name]
        return self.fixed.get(name, default)

    def __repr__(self) -> str:
        return (f"Message({self.spec.name} {self.operation or self.type}, seq={self.seq}, pid={self.pid}, "
                f"flags={self.flags:#x}, fixed={self.fixed!r}, attributes={self.attributes!r})")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Message):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.__slots__)

    __hash__ = None  # type: ignore[assignment]  # mutable dicts inside


#: ``reader(data, type, flags, seq, pid, offset, length) -> Message``: one message's decoder.
Reader = Callable[[bytes, int, int, int, int, int, int], Message]


# -- attribute walks (the hot path) ----------------------------------------------------------------


def _decode_set(table: Table, data: bytes, start: int, end: int) -> dict[Any, Any]:
    result: dict[Any, Any] = {}
    offset = start
    while offset < end:
        if end - offset < 4:
            raise MalformedMessageError(f"an attribute at byte {offset} is truncated: {end - offset} bytes "
                                        "left, a header is 4")
        length, kind = _unpack_nla(data, offset)
        if length < 4 or length > end - offset:
            raise MalformedMessageError(f"attribute type {kind & 0x3FFF} at byte {offset} claims nla_len "
                                        f"{length}; {end - offset} bytes are left where it is")
        entry = table.get(kind & 0x3FFF)
        if entry is None:
            result[kind & 0x3FFF] = data[offset + 4:offset + length]
        else:
            name, decode, multi = entry
            if decode is not None:
                try:
                    value = decode(data, offset + 4, offset + length)
                except MalformedMessageError as exc:
                    raise MalformedMessageError(f"{name}: {exc}") from None
                if multi:
                    result.setdefault(name, []).append(value)
                else:
                    result[name] = value
        offset += (length + 3) & ~3
    return result


def _decode_indexed(item: Decoder, data: bytes, start: int, end: int) -> list[Any]:
    values = []
    for _kind, payload, stop in walk(data, start, end):
        values.append(item(data, payload, stop))
    return values


def _decode_keyed(levels: int, inner: Decoder, data: bytes, start: int, end: int) -> dict[int, Any]:
    values: dict[int, Any] = {}
    for kind, payload, stop in walk(data, start, end):
        values[kind & 0x3FFF] = (inner(data, payload, stop) if levels == 1
                                 else _decode_keyed(levels - 1, inner, data, payload, stop))
    return values


# -- the compiled family ---------------------------------------------------------------------------


class FamilyCodec:
    """A :class:`FamilySpec` compiled for reading and writing its messages."""

    def __init__(self, spec: FamilySpec) -> None:
        self.spec = spec
        self._tables: dict[tuple[str, int], Table] = {}
        self._structs: dict[str, StructCodec] = {}
        self._readers: dict[tuple[str, str], Reader] = {}
        self._events: dict[int, Reader] = {}
        self._events_built = False

    # -- reading ----------------------------------------------------------------------------------

    def table(self, set_name: str, depth: int = 0) -> Table:
        """Number -> (name, decoder or None for padding, repeats) for one attribute set."""
        key = (set_name, depth)
        table = self._tables.get(key)
        if table is None:
            if depth > MAX_DEPTH:
                raise MalformedMessageError(f"attributes nested more than {MAX_DEPTH} deep ({set_name})")
            attribute_set = self.spec.attribute_set(set_name)
            table = {attribute.value: (attribute.name, self._decoder(attribute, depth), attribute.multi_attr)
                     for attribute in attribute_set.attributes}
            self._tables[key] = table
        return table

    def struct(self, name: str) -> StructCodec:
        found = self._structs.get(name)
        if found is None:
            found = self._structs[name] = StructCodec(self.spec.struct(name))
        return found

    def _decoder(self, attribute: Attribute, depth: int) -> Decoder | None:
        kind = attribute.type
        if kind in ("pad", "unused"):
            return None
        if kind == "nest":
            return self._nested(attribute, depth)
        if kind == "indexed-array":
            if attribute.sub_type == "nest":
                item = self._nested(attribute, depth)
            else:
                sub_type = attribute.sub_type or "binary"
                item = codec_for(sub_type, attribute.byte_order, attribute.display_hint)[0]
            return lambda data, start, end: _decode_indexed(item, data, start, end)
        if kind == "nest-type-value":
            inner = self._nested(attribute, depth + len(attribute.type_value) - 1)
            levels = max(len(attribute.type_value), 1)
            return lambda data, start, end: _decode_keyed(levels, inner, data, start, end)
        if kind == "binary" and attribute.struct is not None:
            reader = self.struct(attribute.struct).read
            return lambda data, start, end: reader(data, start, end, False)
        if kind == "sub-message":  # chosen by a sibling's value: not modelled, kept as bytes
            return codec_for("binary")[0]
        return codec_for(kind, attribute.byte_order, attribute.display_hint, attribute.sub_type)[0]

    def _nested(self, attribute: Attribute, depth: int) -> Decoder:
        if attribute.nested_attributes is None:
            return codec_for("binary")[0]
        set_name = attribute.nested_attributes
        compiled: list[Table] = []

        def decode(data: bytes, start: int, end: int) -> dict[Any, Any]:
            if not compiled:  # compiled on first use: a recursive spec compiles only as deep as it is used
                compiled.append(self.table(set_name, depth + 1))
            return _decode_set(compiled[0], data, start, end)

        return decode

    def reader(self, operation: str | Operation, role: str = "reply") -> Reader:
        """The decoder of one operation's messages (``role``: ``"reply"``, or ``"request"``)."""
        name = operation if isinstance(operation, str) else operation.name
        key = (name, role)
        reader = self._readers.get(key)
        if reader is None:
            reader = self._readers[key] = self._build_reader(self.spec.operation(name), role)
        return reader

    def _build_reader(self, operation: Operation, role: str) -> Reader:
        shaped = self.spec.replied(operation)
        table = self.table(shaped.attribute_set) if shaped.attribute_set else {}
        header_name = operation.fixed_header or shaped.fixed_header
        header = self.struct(header_name) if header_name is not None else None
        spec, family, generic, op_name = self.spec, self.spec.name, self.spec.generic, operation.name
        skip = 4 if generic else 0
        fixed_size = header.size if header is not None else 0
        read_header = header.whole_reader() if header is not None else None
        minimum = HEADER_SIZE + skip + fixed_size

        def read(data: bytes, kind: int, flags: int, seq: int, pid: int, offset: int, length: int) -> Message:
            end = offset + length
            if length < minimum:
                raise MalformedMessageError(f"{family} {op_name} message at byte {offset} is {length} bytes, "
                                            f"its headers need {minimum}")
            start = offset + HEADER_SIZE
            command = data[start] if generic else None
            start += skip
            fixed = read_header(data, start) if read_header is not None else {}
            try:
                attributes = _decode_set(table, data, start + fixed_size, end)
            except MalformedMessageError as exc:
                raise MalformedMessageError(f"{family} {op_name} message at byte {offset}: {exc}") from None
            return Message(kind, flags, seq, pid, spec, op_name, command, fixed, attributes)

        return read

    def event_reader(self, kind: int, command: int | None = None) -> Reader | None:
        """The decoder of a notification (or an unsolicited message) of this type (``command``:
        its generic-netlink command), or ``None`` when the spec declares no such message."""
        if not self._events_built:
            self._build_events()
        if self.spec.generic:
            return self._events.get(command) if command is not None else None
        return self._events.get(kind)

    def _build_events(self) -> None:
        """Message type (or command) -> reader: notifications first, then requests and replies of
        the same shape (netlink-raw requests are what the kernel broadcasts: RTM_NEWLINK)."""
        ranked: list[tuple[int, int, Operation]] = []
        for operation in self.spec.operations.values():
            candidates = [(0, operation.event), (1, operation.do_request), (2, operation.do_reply),
                          (2, operation.dump_reply)]
            for rank, direction in candidates:
                if direction is not None:
                    ranked.append((rank, direction.value, operation))
        for _rank, value, operation in sorted(ranked, key=lambda item: item[0]):
            if value not in self._events:
                self._events[value] = self.reader(operation)
        self._events_built = True

    def messages(self, data: bytes, operation: str | None = None) -> Iterator[Message]:
        """Every message of a datagram of this family, by ``operation``'s shape or as events."""
        from ._header import split  # noqa: PLC0415 - a small helper for tests and tools

        for length, kind, flags, seq, pid, offset in split(data):
            if kind < 16:
                continue  # control messages (NLMSG_DONE, NLMSG_ERROR): the conversation's
            command = data[offset + HEADER_SIZE] if self.spec.generic and length > HEADER_SIZE else None
            reader = self.reader(operation) if operation is not None else self.event_reader(kind, command)
            if reader is None:
                raise MalformedMessageError(f"{self.spec.name}: no declared message of type {kind}"
                                       + (f", command {command}" if command is not None else ""))
            yield reader(data, kind, flags, seq, pid, offset, length)

    # -- writing ----------------------------------------------------------------------------------

    def encode_attributes(self, set_name: str, values: Mapping[Any, Any], path: str = "") -> bytes:
        """The attributes of ``values`` (name -> value; an int key and bytes: an undeclared one)."""
        attribute_set = self.spec.attribute_set(set_name)
        parts = []
        for name, value in values.items():
            if value is None:
                continue
            if isinstance(name, int) and not isinstance(name, bool):
                parts.append(pack_attribute(name, bytes(value)))
                continue
            attribute = attribute_set.by_name.get(name)
            if attribute is None:
                raise ValueError(f"{self.spec.name} attribute set {set_name!r} has no attribute "
                                 f"{path + name!r}")
            where = f"{path}{name}"
            if attribute.multi_attr:
                if isinstance(value, (str, bytes, Mapping)) or not hasattr(value, "__iter__"):
                    raise TypeError(f"{self.spec.name} attribute {where} repeats: give a list of values")
                parts.extend(self._encode_one(attribute, item, where) for item in value)
            elif not (attribute.type == "flag" and value is False):
                parts.append(self._encode_one(attribute, value, where))
        return b"".join(parts)

    def _encode_one(self, attribute: Attribute, value: Any, where: str) -> bytes:
        kind = attribute.type
        if kind in ("nest", "indexed-array"):  # what is inside names its own path when it is wrong
            if kind == "nest" and isinstance(value, Mapping) and attribute.nested_attributes is not None:
                inner = self.encode_attributes(attribute.nested_attributes, value, where + ".")
                return pack_attribute(attribute.value | NLA_F_NESTED, inner)
            if kind == "indexed-array" and not isinstance(value, (str, bytes, Mapping)) and \
                    hasattr(value, "__iter__"):
                entries = self._encode_array(attribute, value, where)
                return pack_attribute(attribute.value | NLA_F_NESTED, entries)
            shape = "a mapping of attributes" if kind == "nest" else "a list of entries"
            raise TypeError(f"{self.spec.name} attribute {where} ({kind}) needs {shape}, not "
                            f"{type(value).__name__}")
        try:
            if kind == "binary" and attribute.struct is not None:
                return pack_attribute(attribute.value, self.struct(attribute.struct).write(value))
            if kind in ("pad", "unused", "nest-type-value", "sub-message"):
                raise ValueError(f"attributes of type {kind} are not written by this layer")
            hint, order = attribute.display_hint, attribute.byte_order
            encode: Encoder = codec_for(kind, order, hint, attribute.sub_type)[1]
            return pack_attribute(attribute.value, encode(value))
        except (TypeError, ValueError) as exc:  # OverflowError is an ArithmeticError: kept as is
            raise type(exc)(f"{self.spec.name} attribute {where} ({kind}): {exc}") from None
        except OverflowError as exc:
            raise OverflowError(f"{self.spec.name} attribute {where} ({kind}): {exc}") from None

    def _encode_array(self, attribute: Attribute, values: Any, where: str) -> bytes:
        parts = []
        for position, value in enumerate(values, 1):
            if attribute.sub_type == "nest" and attribute.nested_attributes is not None:
                inner = self.encode_attributes(attribute.nested_attributes, value, f"{where}[{position}].")
                parts.append(pack_attribute(position | NLA_F_NESTED, inner))
            else:
                sub_type = attribute.sub_type or "binary"
                encode = codec_for(sub_type, attribute.byte_order, attribute.display_hint)[1]
                try:
                    parts.append(pack_attribute(position, encode(value)))
                except (TypeError, ValueError, OverflowError) as exc:
                    raise type(exc)(f"{self.spec.name} attribute {where}[{position}] ({sub_type}): {exc}") \
                        from None
        return b"".join(parts)

    def encode(self, operation: str, kind: Kind = "do", *, fixed: Mapping[str, Any] | None = None,
               attributes: Mapping[Any, Any] | None = None, flags: int = 0, seq: int = 0, pid: int = 0,
               family_id: int | None = None) -> bytes:
        """A request: ``NLM_F_REQUEST`` and ``NLM_F_ACK`` (``do``) or ``NLM_F_DUMP`` (``dump``) are
        added to ``flags``. A generic family needs its resolved ``family_id`` (nlctrl's is fixed)."""
        declared = self.spec.operation(operation)
        direction = declared.do_request if kind == "do" else declared.dump_request
        if direction is None:
            raise ValueError(f"{self.spec.name} operation {operation!r} has no {kind} request")
        body = b""
        header_name = declared.fixed_header
        if header_name is not None:
            body = self.struct(header_name).write(fixed)
        elif fixed:
            raise ValueError(f"{self.spec.name} operation {operation!r} has no fixed header")
        if attributes:
            if declared.attribute_set is None:
                raise ValueError(f"{self.spec.name} operation {operation!r} has no attributes")
            body += self.encode_attributes(declared.attribute_set, attributes)
        if self.spec.generic:
            family_id = family_id if family_id is not None else self.spec.fixed_id
            if family_id is None:
                raise ValueError(f"{self.spec.name} is a generic netlink family: resolve its id first "
                                 "(famsock_netlink.genetlink.resolve)")
            body = _GENL.pack(direction.value, self.spec.version, 0) + body
            message_type = family_id
        else:
            message_type = direction.value
        flags |= _NLM_F_REQUEST | (_NLM_F_ACK if kind == "do" else _NLM_F_DUMP)
        return pack_header(HEADER_SIZE + len(body), message_type, flags, seq, pid) + body


_codecs: weakref.WeakKeyDictionary[FamilySpec, FamilyCodec] = weakref.WeakKeyDictionary()


def codec(spec: FamilySpec) -> FamilyCodec:
    """The compiled codec of a spec, made once per spec object (and dropped with it)."""
    found = _codecs.get(spec)
    if found is None:
        found = _codecs[spec] = FamilyCodec(spec)
    return found
