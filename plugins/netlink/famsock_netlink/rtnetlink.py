"""rtnetlink links and addresses: dumps, events, and their JSON form.

    from famsock_netlink import rtnetlink

    for link in rtnetlink.links():                   # a dump over a connection of its own
        print(link.fixed["ifi-index"], link["ifname"], link.get("address"))
    for address in rtnetlink.addresses():
        print(address.fixed["ifa-index"], address.get("local") or address.get("address"))

Each function takes an open :class:`~famsock_netlink.Connection` (``conn=``), or opens one for the
dump and closes it when the generator ends. The messages are those of the shipped declarations
``rt-link`` and ``rt-addr`` (names as the kernel's YNL specs: ``ifi-index``, ``ifname``,
``ifa-prefixlen``, ``local``...). :func:`monitor` listens to link and address events.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator
from typing import Any

from ._async import AsyncConnection
from ._connection import Connection
from ._messages import Message
from ._render import render
from .constants import NETLINK_ROUTE, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR, RTNLGRP_LINK

__all__ = ["EVENT_GROUPS", "addresses", "addresses_async", "links", "links_async", "monitor", "monitor_async",
           "to_json"]

#: The groups :func:`monitor` joins: link changes, IPv4 and IPv6 address changes.
EVENT_GROUPS = (RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR)
_EXT_MASK_SKIP_STATS = 0x8  # RTEXT_FILTER_SKIP_STATS: ``ip link show`` asks the same


def links(conn: Connection | None = None, *, statistics: bool = False) -> Generator[Message, None, None]:
    """Every link (``RTM_GETLINK`` dump); statistics are left out unless asked for."""
    attributes = None if statistics else {"ext-mask": _EXT_MASK_SKIP_STATS}
    yield from _dump(conn, "rt-link", "getlink", {"ifi-family": 0}, attributes)


def addresses(conn: Connection | None = None, *, family: int = 0) -> Generator[Message, None, None]:
    """Every address (``RTM_GETADDR`` dump); ``family``: 2 (AF_INET) or 10 (AF_INET6) for one only."""
    yield from _dump(conn, "rt-addr", "getaddr", {"ifa-family": family}, None)


def _dump(conn: Connection | None, family: str, operation: str, fixed: dict[str, Any],
          attributes: dict[str, Any] | None) -> Generator[Message, None, None]:
    if conn is not None:
        yield from conn.dump(family, operation, fixed=fixed, attributes=attributes)
        return
    with Connection(NETLINK_ROUTE) as own:
        yield from own.dump(family, operation, fixed=fixed, attributes=attributes)


async def links_async(conn: AsyncConnection, *, statistics: bool = False) -> AsyncGenerator[Message, None]:
    attributes = None if statistics else {"ext-mask": _EXT_MASK_SKIP_STATS}
    async for link in conn.dump("rt-link", "getlink", fixed={"ifi-family": 0}, attributes=attributes):
        yield link


async def addresses_async(conn: AsyncConnection, *, family: int = 0) -> AsyncGenerator[Message, None]:
    async for address in conn.dump("rt-addr", "getaddr", fixed={"ifa-family": family}):
        yield address


def monitor(*, no_enobufs: bool = False, receive_buffer: int | None = None,
            timeout: float | None = None) -> Connection:
    """A connection joined to link and address events; iterate ``conn.events()``. An overrun
    (the kernel dropped events: the socket was read too slowly) raises ``OverrunError``, or is
    yielded with ``conn.events(overruns="yield")``, unless ``no_enobufs`` asks the kernel not to say."""
    return Connection(NETLINK_ROUTE, groups=EVENT_GROUPS, events=("rt-link", "rt-addr"),
                      no_enobufs=no_enobufs, receive_buffer=receive_buffer, timeout=timeout)


def monitor_async(*, no_enobufs: bool = False, receive_buffer: int | None = None) -> AsyncConnection:
    """:func:`monitor` for asyncio: iterate ``conn.events()`` with ``async for``."""
    return AsyncConnection(NETLINK_ROUTE, groups=EVENT_GROUPS, events=("rt-link", "rt-addr"),
                           no_enobufs=no_enobufs, receive_buffer=receive_buffer)


def to_json(message: Any) -> dict[str, Any]:
    """A message as a JSON-ready dict (names from its declaration)."""
    return render(message)

