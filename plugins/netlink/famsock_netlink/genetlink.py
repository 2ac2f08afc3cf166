"""Generic netlink: families resolved by name through the kernel's controller (``nlctrl``).

    from famsock_netlink import Connection, genetlink
    from famsock_netlink.constants import NETLINK_GENERIC

    with Connection(NETLINK_GENERIC) as nl:
        netdev = genetlink.resolve(nl, "netdev")       # id, version, operations, multicast groups
        for family in genetlink.families(nl):          # every family this kernel has
            print(family.name, family.id)

To talk to a family, resolve it with its declaration (a spec: ``read_spec("netdev.yaml")``)::

        netdev = genetlink.resolve(nl, read_spec("netdev.yaml"))
        for device in nl.dump(netdev, "dev-get"):
            ...
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from ._async import AsyncConnection
from ._connection import Connection
from ._declarations import FamilySpec
from ._messages import Message
from ._targets import GenericFamily

__all__ = ["GenericFamily", "families", "family_from", "resolve", "resolve_async"]


def resolve(conn: Connection, family: str | FamilySpec) -> GenericFamily:
    """A family's id, version, operations and groups (``CTRL_CMD_GETFAMILY``); ``FileNotFoundError``
    (a :class:`NetlinkError`, ENOENT) when this kernel has no such family."""
    name = family if isinstance(family, str) else family.name
    replies = conn.request("nlctrl", "getfamily", attributes={"family-name": name})
    return family_from(_only(replies, name), None if isinstance(family, str) else family)


async def resolve_async(conn: AsyncConnection, family: str | FamilySpec) -> GenericFamily:
    name = family if isinstance(family, str) else family.name
    replies = await conn.request("nlctrl", "getfamily", attributes={"family-name": name})
    return family_from(_only(replies, name), None if isinstance(family, str) else family)


def families(conn: Connection) -> Generator[GenericFamily, None, None]:
    """Every generic family of this kernel (a ``CTRL_CMD_GETFAMILY`` dump)."""
    for message in conn.dump("nlctrl", "getfamily"):
        yield family_from(message)


def family_from(message: Message, spec: FamilySpec | None = None) -> GenericFamily:
    """A ``CTRL_CMD_GETFAMILY`` reply (or ``NEWFAMILY`` event) as a :class:`GenericFamily`."""
    attributes = message.attributes
    flags = message.spec.enums["op-flags"]
    operations = {entry["id"]: tuple(str(name) for name in flags.flag_names(entry.get("flags", 0)))
                  for entry in attributes.get("ops", []) if "id" in entry}
    groups = {entry["name"]: entry["id"] for entry in attributes.get("mcast-groups", [])
              if "name" in entry and "id" in entry}
    return GenericFamily(name=attributes.get("family-name", ""), id=attributes.get("family-id", 0),
                         version=attributes.get("version", 0), hdrsize=attributes.get("hdrsize", 0),
                         maxattr=attributes.get("maxattr", 0), operations=operations, groups=groups,
                         spec=spec)


def describe(family: GenericFamily) -> dict[str, Any]:
    """A resolved family as a JSON-ready dict (operations named from its spec, when it has one)."""
    names: dict[int, str] = {}
    if family.spec is not None:
        for operation in family.spec.operations.values():
            for direction in (operation.do_request, operation.dump_request):
                if direction is not None:
                    names.setdefault(direction.value, operation.name)
    return {"name": family.name, "id": family.id, "version": family.version, "hdrsize": family.hdrsize,
            "maxattr": family.maxattr,
            "operations": [{"id": command, **({"name": names[command]} if command in names else {}),
                            "flags": list(flags)} for command, flags in sorted(family.operations.items())],
            "mcast-groups": [{"name": name, "id": number} for name, number in family.groups.items()]}


def _only(replies: list[Message], name: str) -> Message:
    if len(replies) != 1:
        raise ValueError(f"nlctrl answered CTRL_CMD_GETFAMILY for {name!r} with {len(replies)} messages, not "
                         "one")
    return replies[0]
