"""Build a :class:`FamilySpec` from a YNL-shaped mapping, or read one from a file.

The mapping has the shape of the kernel's ``Documentation/netlink/specs/*.yaml`` (see
``Documentation/userspace-api/netlink/specs.rst``), so a spec file the kernel ships works as is:

- ``definitions``: ``struct`` (``members``), ``enum`` and ``flags`` (``entries``, ``value-start``),
  ``const`` (ignored: only C code needs it);
- ``attribute-sets``: ``attributes`` numbered from 1 unless a ``value`` says otherwise (each
  next one follows the previous), ``subset-of`` another set (types taken from it);
- ``operations``: ``enum-model`` ``unified`` (one ``value`` per operation, numbered from 1) or
  ``directional`` (a value per ``request``/``reply``), ``fixed-header``, ``do``/``dump``/``notify``/
  ``event``, ``mcgrp``;
- ``mcast-groups``.

Keys it does not use (``doc``, ``checks``, ``c-*``, ``uapi-header``...) are ignored; a missing
or wrong key it needs is a ``ValueError`` naming the spec and where. Reading ``.json`` needs
nothing; reading ``.yaml`` needs PyYAML (``pip install famsock-netlink[yaml]``), an optional
dependency the plugin never needs otherwise.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from typing import Any, cast

from ._model import (
    Attribute,
    AttributeSet,
    Direction,
    Enum,
    FamilySpec,
    McastGroup,
    Member,
    Operation,
    Protocol,
    Struct,
)

__all__ = ["load_spec", "read_spec"]

_PROTOCOLS = ("genetlink", "genetlink-legacy", "genetlink-c", "netlink-raw")


def read_spec(path: str | os.PathLike[str]) -> FamilySpec:
    """A spec from a file: JSON, or YAML (``.yaml``/``.yml``, with PyYAML installed)."""
    name = os.fspath(path)
    with open(name, encoding="utf-8") as file:
        text = file.read()
    if name.endswith((".yaml", ".yml")):
        try:
            import yaml  # type: ignore[import-untyped]  # noqa: PLC0415 - optional
        except ImportError:
            raise ImportError(f"reading the YAML spec {name!r} needs PyYAML (pip install "
                              "'famsock-netlink[yaml]'), or convert it to JSON") from None
        data = yaml.safe_load(text)
    else:
        data = json.loads(text)
    return load_spec(data, fixed_id=None)


def load_spec(data: Mapping[str, Any], fixed_id: int | None = None) -> FamilySpec:
    """A :class:`FamilySpec` from a YNL-shaped mapping (``fixed_id``: a generic family whose id
    is not resolved by name)."""
    if not isinstance(data, Mapping):
        raise ValueError(f"a netlink spec is a mapping, not {type(data).__name__}")
    name = _text(data, "name", "spec")
    where = f"netlink spec {name!r}"
    protocol = data.get("protocol", "genetlink")
    if protocol not in _PROTOCOLS:
        raise ValueError(f"{where}: protocol must be one of {', '.join(_PROTOCOLS)}, got {protocol!r}")
    protonum = data.get("protonum", 16 if protocol != "netlink-raw" else None)
    if not isinstance(protonum, int):
        raise ValueError(f"{where}: a netlink-raw spec needs protonum (the NETLINK_* protocol number)")
    structs, enums = _definitions(data.get("definitions") or [], where)
    attribute_sets = _attribute_sets(data.get("attribute-sets") or [], enums, where)
    operations = _operations(data.get("operations") or {}, attribute_sets, structs, where)
    groups = {group["name"]: McastGroup(group["name"], group.get("value"))
              for group in _list((data.get("mcast-groups") or {}).get("list"), f"{where}: mcast-groups")}
    return FamilySpec(name=name, protocol=cast(Protocol, protocol), protonum=protonum,
                      version=int(data.get("version", 1)), structs=structs, enums=enums,
                      attribute_sets=attribute_sets, operations=operations, mcast_groups=groups,
                      fixed_id=fixed_id, doc=str(data.get("doc", "")).strip())


# -- definitions ------------------------------------------------------------------------------------


def _definitions(items: Any, where: str) -> tuple[dict[str, Struct], dict[str, Enum]]:
    structs: dict[str, Struct] = {}
    enums: dict[str, Enum] = {}
    for item in _list(items, f"{where}: definitions"):
        name = _text(item, "name", f"{where}: a definition")
        kind = item.get("type")
        if kind == "struct":
            structs[name] = Struct(name, tuple(_member(member, f"{where}: struct {name}")
                                               for member in _list(item.get("members"), f"{where}: {name}")))
        elif kind in ("enum", "flags"):
            enums[name] = _enum(item, name, kind)
        elif kind != "const":
            raise ValueError(f"{where}: definition {name!r} has type {kind!r} (struct, enum, flags or const)")
    return structs, enums


def _member(item: Any, where: str) -> Member:
    name = _text(item, "name", where)
    kind = _text(item, "type", f"{where}.{name}")
    return Member(name=name, type=kind, length=int(item.get("len", 0)), byte_order=item.get("byte-order"),
                  enum=item.get("enum"), enum_as_flags=bool(item.get("enum-as-flags", False)),
                  display_hint=item.get("display-hint"))


def _enum(item: Mapping[str, Any], name: str, kind: str) -> Enum:
    entries: dict[str, int] = {}
    start = int(item.get("value-start", 0))
    for position, entry in enumerate(item.get("entries") or []):
        entry_name = entry if isinstance(entry, str) else entry["name"]
        default = (1 << (start + position)) if kind == "flags" else start + position
        value = entry.get("value", default) if isinstance(entry, Mapping) else default
        entries[entry_name] = int(value)
    return Enum(name, "flags" if kind == "flags" else "enum", entries)


# -- attribute sets ---------------------------------------------------------------------------------


def _attribute_sets(items: Any, enums: Mapping[str, Enum], where: str) -> dict[str, AttributeSet]:
    raw = {_text(item, "name", f"{where}: an attribute set"): item
           for item in _list(items, f"{where}: attribute-sets")}
    sets: dict[str, AttributeSet] = {}
    for name, item in raw.items():
        parent = item.get("subset-of")
        parent_items: dict[str, Any] = {}
        if parent is not None:
            if parent not in raw:
                raise ValueError(f"{where}: attribute set {name!r} is a subset of {parent!r}, which it lacks")
            parent_items = {entry["name"]: entry for entry in _numbered(raw[parent], where)}
        attributes = []
        for entry in _numbered(item, where):
            merged = {**parent_items.get(entry["name"], {}), **entry}
            attributes.append(_attribute(merged, f"{where}: attribute {name}.{entry['name']}"))
        sets[name] = AttributeSet(name, tuple(attributes))
    for attribute_set in sets.values():
        for attribute in attribute_set.attributes:
            if attribute.nested_attributes is not None and attribute.nested_attributes not in sets:
                raise ValueError(f"{where}: attribute {attribute_set.name}.{attribute.name} nests "
                                 f"{attribute.nested_attributes!r}, which is not an attribute set")
            if attribute.enum is not None and attribute.enum not in enums:
                raise ValueError(f"{where}: attribute {attribute_set.name}.{attribute.name} names enum "
                                 f"{attribute.enum!r}, which is not defined")
    return sets


def _numbered(item: Mapping[str, Any], where: str) -> list[dict[str, Any]]:
    """The set's attributes with their ``value`` filled in: from 1, each the previous plus one,
    unless given (a subset's attributes keep their parent's numbers, filled in by the merge)."""
    entries = []
    following = 1
    subset = item.get("subset-of") is not None
    for given in _list(item.get("attributes"), f"{where}: attribute set {item.get('name')!r}"):
        entry = dict(given)
        _text(entry, "name", f"{where}: an attribute of {item.get('name')!r}")
        if "value" in entry:
            following = int(entry["value"])
        if not subset:
            entry["value"] = following
        following += 1
        entries.append(entry)
    return entries


def _attribute(item: Mapping[str, Any], where: str) -> Attribute:
    if "value" not in item:
        raise ValueError(f"{where}: not found in the set it is a subset of")
    type_value = item.get("type-value") or ()
    return Attribute(name=item["name"], type=_text(item, "type", where), value=int(item["value"]),
                     byte_order=item.get("byte-order"), nested_attributes=item.get("nested-attributes"),
                     multi_attr=bool(item.get("multi-attr", False)), display_hint=item.get("display-hint"),
                     struct=item.get("struct"), sub_type=item.get("sub-type"), enum=item.get("enum"),
                     enum_as_flags=bool(item.get("enum-as-flags", False)), type_value=tuple(type_value))


# -- operations ---------------------------------------------------------------------------------------


def _operations(section: Any, sets: Mapping[str, AttributeSet], structs: Mapping[str, Struct],
                where: str) -> dict[str, Operation]:
    if not isinstance(section, Mapping):
        raise ValueError(f"{where}: operations must be a mapping with a list")
    default_header = section.get("fixed-header")
    directional = section.get("enum-model", "unified") == "directional"
    operations: dict[str, Operation] = {}
    following = 1
    for item in _list(section.get("list"), f"{where}: operations"):
        name = _text(item, "name", f"{where}: an operation")
        value = item.get("value")
        if value is None and not directional:
            value = following
        if value is not None:
            following = int(value) + 1
        header = item.get("fixed-header", default_header)
        references = ((header, structs, "struct"), (item.get("attribute-set"), sets, "attribute set"))
        for reference, known, kind in references:
            if reference is not None and reference not in known:
                raise ValueError(f"{where}: operation {name!r} names {kind} {reference!r}, which is not "
                                 "defined")

        def direction(part: str, role: str, op: Mapping[str, Any] = item, op_value: Any = value,
                      op_name: str = name) -> Direction | None:
            block = op.get(part)
            if not isinstance(block, Mapping):
                return None
            if role not in block:
                # ``dump: {reply: ...}`` (most of the kernel's specs): the request carries no
                # attribute, and is sent as the operation's own value when it has one
                return Direction(int(op_value)) if role == "request" and op_value is not None else None
            shape = block[role] or {}
            number = shape.get("value", op_value)
            if number is None:
                raise ValueError(f"{where}: operation {op_name!r} {part} {role} has no value")
            return Direction(int(number), tuple(shape.get("attributes") or ()))

        event = item.get("event")
        operations[name] = Operation(
            name=name, attribute_set=item.get("attribute-set"), fixed_header=header,
            do_request=direction("do", "request"), do_reply=direction("do", "reply"),
            dump_request=direction("dump", "request"), dump_reply=direction("dump", "reply"),
            notify=item.get("notify"),
            event=Direction(int(value), tuple(event.get("attributes") or ())) if event is not None and value
            is not None else None,
            multicast_group=item.get("mcgrp"))
    for operation in operations.values():
        if operation.notify is not None and operation.notify not in operations:
            raise ValueError(f"{where}: operation {operation.name!r} notifies as {operation.notify!r}, which "
                             "is not an operation")
    _notifications(operations, section, where)
    return operations


def _notifications(operations: dict[str, Operation], section: Mapping[str, Any], where: str) -> None:
    """A ``notify`` operation's own message type is its ``value``: kept as its ``event``."""
    for item in _list(section.get("list"), f"{where}: operations"):
        operation = operations[item["name"]]
        if operation.notify is not None and operation.event is None and item.get("value") is not None:
            operations[operation.name] = Operation(
                name=operation.name, attribute_set=operations[operation.notify].attribute_set,
                fixed_header=operation.fixed_header, notify=operation.notify,
                event=Direction(int(item["value"])), multicast_group=operation.multicast_group)


# -- helpers ------------------------------------------------------------------------------------------


def _list(value: Any, where: str) -> Sequence[Any]:
    if value is None:
        return []
    if not isinstance(value, Sequence) or isinstance(value, (str, bytes)):
        raise ValueError(f"{where} must be a list, got {type(value).__name__}")
    for item in value:
        if not isinstance(item, Mapping) and not isinstance(item, str):
            raise ValueError(f"{where}: each entry must be a mapping, got {item!r:.60}")
    return value


def _text(item: Any, key: str, where: str) -> str:
    if not isinstance(item, Mapping) or not isinstance(item.get(key), str):
        raise ValueError(f"{where}: {key!r} must be given as text")
    value: str = item[key]
    return value
