"""Decoded messages as JSON-ready dicts, named by their declaration (the CLI's ``--json``).

One flat object per message, as the kernel's own YNL tool prints them: the fixed header's members
then the attributes, with enum values by name (a flag set as the list of its bits' names),
bytes as hex, nests as objects, repeated and indexed attributes as arrays. Undeclared attributes
appear under their number.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._conversation import RawMessage
from ._declarations import AttributeSet, Enum, FamilySpec
from ._messages import Message

__all__ = ["render"]


def render(message: Message | RawMessage) -> dict[str, Any]:
    """A message as a JSON-ready dict."""
    if isinstance(message, RawMessage):
        return {"type": message.type, "flags": message.flags, "seq": message.seq, "pid": message.pid,
                "payload": message.payload.hex()}
    spec = message.spec
    out: dict[str, Any] = {"message": message.operation}
    operation = spec.operations.get(message.operation or "")
    header = None
    if operation is not None:
        header = operation.fixed_header or spec.replied(operation).fixed_header
    members = {member.name: member for member in spec.structs[header].members} if header else {}
    for name, value in message.fixed.items():
        member = members.get(name)
        out[name] = _enum(spec, member.enum, value) if member is not None and member.enum else _plain(value)
    shaped = spec.replied(operation) if operation is not None else None
    set_name = shaped.attribute_set if shaped is not None else None
    out.update(_attributes(spec, spec.attribute_sets.get(set_name or ""), message.attributes))
    return out


def _attributes(spec: FamilySpec, attribute_set: AttributeSet | None,
                values: Mapping[Any, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in values.items():
        attribute = None
        if attribute_set is not None and isinstance(name, str):
            attribute = attribute_set.by_name.get(name)
        if attribute is None:
            out[str(name)] = _plain(value)
            continue
        nested = spec.attribute_sets.get(attribute.nested_attributes or "")
        if attribute.type == "nest" and isinstance(value, Mapping):
            out[name] = _attributes(spec, nested, value)
        elif attribute.type == "indexed-array" and isinstance(value, list):
            out[name] = [_attributes(spec, nested, item) if isinstance(item, Mapping) else _plain(item)
                         for item in value]
        elif attribute.enum and isinstance(value, int):
            out[name] = _enum(spec, attribute.enum, value)
        elif attribute.multi_attr and isinstance(value, list):
            out[name] = [_plain(item) for item in value]
        else:
            out[name] = _plain(value)
    return out


def _enum(spec: FamilySpec, name: str | None, value: Any) -> Any:
    enum: Enum | None = spec.enums.get(name or "")
    return enum.names(value) if enum is not None and isinstance(value, int) else _plain(value)


def _plain(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).hex()
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value
