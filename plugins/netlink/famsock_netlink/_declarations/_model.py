"""What a netlink message family is, as data: the model of the kernel's YNL specs.

A :class:`FamilySpec` holds what ``Documentation/netlink/specs/*.yaml`` holds: definitions
(structs for fixed headers and binary attributes, enums and flag sets), attribute sets, operations
(the message types or generic-netlink commands of requests, replies and notifications) and
multicast groups. Nothing here is code per message: :mod:`famsock_netlink._messages` reads any
family from its spec. Specs are built by :func:`famsock_netlink.declarations.load_spec` from a
YNL-shaped mapping (a Python literal, JSON, or YAML when PyYAML is installed).

Names are YNL's (``ifi-index``, ``ifname``), the kernel's own names for its netlink API.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["Attribute", "AttributeSet", "Direction", "Enum", "FamilySpec", "McastGroup", "Member",
           "Operation", "Struct"]

Protocol = Literal["genetlink", "genetlink-legacy", "genetlink-c", "netlink-raw"]


@dataclass(frozen=True)
class Member:
    """A member of a struct: ``type`` is an integer type, ``pad`` or ``binary`` (``length`` bytes)."""

    name: str
    type: str
    length: int = 0
    byte_order: str | None = None
    enum: str | None = None
    enum_as_flags: bool = False
    display_hint: str | None = None


@dataclass(frozen=True)
class Struct:
    """A C struct: a fixed header, or the payload of a binary attribute."""

    name: str
    members: tuple[Member, ...]


@dataclass(frozen=True)
class Enum:
    """Named values (``type: enum``) or named bits (``type: flags``): ``entries`` name -> value."""

    name: str
    type: Literal["enum", "flags"]
    entries: Mapping[str, int]

    def names(self, value: int) -> str | int | list[str | int]:
        """An enum value's name (the number where it has none); for flags, the set bits' names."""
        if self.type == "enum":
            return {number: name for name, number in self.entries.items()}.get(value, value)
        return self.flag_names(value)

    def flag_names(self, value: int) -> list[str | int]:
        """The names of the bits set in ``value`` (a bit with no name: its value)."""
        by_value = {number: name for name, number in self.entries.items()}
        return [by_value.get(1 << bit, 1 << bit) for bit in range(value.bit_length()) if value >> bit & 1]


@dataclass(frozen=True)
class Attribute:
    """One attribute of a set.

    ``type``: a scalar type of :mod:`famsock_netlink._values`, ``nest`` (the attributes of
    ``nested_attributes``), ``indexed-array`` (entries of ``sub_type``, which may be ``nest``),
    ``nest-type-value`` (nests keyed by their type numbers, ``type_value`` levels deep), ``pad``
    or ``unused``. ``multi_attr``: the attribute may repeat (its value is a list).
    """

    name: str
    type: str
    value: int
    byte_order: str | None = None
    nested_attributes: str | None = None
    multi_attr: bool = False
    display_hint: str | None = None
    struct: str | None = None
    sub_type: str | None = None
    enum: str | None = None
    enum_as_flags: bool = False
    type_value: tuple[str, ...] = ()


@dataclass(frozen=True)
class AttributeSet:
    """A numbered set of attributes (one ``attribute-sets`` entry)."""

    name: str
    attributes: tuple[Attribute, ...]
    by_name: Mapping[str, Attribute] = field(init=False, repr=False, compare=False)
    by_value: Mapping[int, Attribute] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {attribute.name: attribute for attribute in self.attributes})
        object.__setattr__(self, "by_value", {attribute.value: attribute for attribute in self.attributes})


@dataclass(frozen=True)
class Direction:
    """A request or reply of an operation: its message type (or command) and attributes."""

    value: int
    attributes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Operation:
    """An operation: a request (``do``: one object; ``dump``: all of them) and its replies, or a
    notification (``notify``: shaped as another operation's reply; ``event``: its own)."""

    name: str
    attribute_set: str | None
    fixed_header: str | None
    do_request: Direction | None = None
    do_reply: Direction | None = None
    dump_request: Direction | None = None
    dump_reply: Direction | None = None
    notify: str | None = None
    event: Direction | None = None
    multicast_group: str | None = None


@dataclass(frozen=True)
class McastGroup:
    """A multicast group: rtnetlink's have a fixed number; generic netlink's are resolved by name."""

    name: str
    value: int | None = None


@dataclass(frozen=True, eq=False)  # compared by identity: its compiled codec is cached per spec
class FamilySpec:
    """A netlink message family, declared as data (see the module's docstring)."""

    name: str
    protocol: Protocol
    protonum: int
    version: int
    structs: Mapping[str, Struct]
    enums: Mapping[str, Enum]
    attribute_sets: Mapping[str, AttributeSet]
    operations: Mapping[str, Operation]
    mcast_groups: Mapping[str, McastGroup]
    fixed_id: int | None = None  # a generic family whose id is fixed (nlctrl: GENL_ID_CTRL)
    doc: str = ""

    @property
    def generic(self) -> bool:
        """Whether messages carry a ``genlmsghdr`` and the family id is resolved by name."""
        return self.protocol != "netlink-raw"

    def operation(self, name: str) -> Operation:
        try:
            return self.operations[name]
        except KeyError:
            raise ValueError(f"netlink family {self.name!r} has no operation {name!r} (it has "
                             f"{', '.join(sorted(self.operations))})") from None

    def attribute_set(self, name: str) -> AttributeSet:
        try:
            return self.attribute_sets[name]
        except KeyError:
            raise ValueError(f"netlink family {self.name!r} has no attribute set {name!r}") from None

    def struct(self, name: str) -> Struct:
        try:
            return self.structs[name]
        except KeyError:
            raise ValueError(f"netlink family {self.name!r} has no struct {name!r}") from None

    def replied(self, operation: Operation) -> Operation:
        """The operation whose replies a notification's messages are shaped as (itself otherwise)."""
        return self.operation(operation.notify) if operation.notify else operation
