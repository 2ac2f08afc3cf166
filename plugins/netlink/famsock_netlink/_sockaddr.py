"""``struct sockaddr_nl`` bytes, and the stdlib's values, <-> ``NetlinkAddress``: pure functions.

Layout (12 bytes, <linux/netlink.h>): nl_family (host order) 0:2, nl_pad 2:2, nl_pid 4:4,
nl_groups 8:4, both host order. The kernel writes nl_pad as 0 and never reads it; the stdlib
ignores it, and so does ``decode``.
"""

from __future__ import annotations

import struct

from ._address import NetlinkAddress

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: famsock loads this module at a first bind() of any family
if TYPE_CHECKING:
    from famsock.contract import SocketSpec

__all__ = ["SOCKADDR_NL_SIZE", "decode", "encode", "from_native"]

AF_NETLINK = 16  # Linux's (the plugin registers on Linux only)
SOCKADDR_NL_SIZE = 12
_LAYOUT = struct.Struct("=HxxII")
_new = tuple.__new__


def encode(address: NetlinkAddress, spec: SocketSpec | None = None) -> bytes:
    return _LAYOUT.pack(AF_NETLINK, address[0], address[1])


def decode(data: bytes, spec: SocketSpec | None = None) -> NetlinkAddress:
    if len(data) != SOCKADDR_NL_SIZE:
        raise ValueError(f"a sockaddr_nl is {SOCKADDR_NL_SIZE} bytes, got {len(data)}: {bytes(data).hex()}")
    family, pid, groups = _LAYOUT.unpack(data)
    if family != AF_NETLINK:
        raise ValueError(f"not an AF_NETLINK sockaddr: sa_family is {family}")
    return _new(NetlinkAddress, (pid, groups))


def from_native(value: tuple[int, int], spec: SocketSpec | None = None) -> NetlinkAddress:
    """The stdlib's ``(pid, groups)`` result: two C ``unsigned int`` values, so no checks."""
    if type(value) is not tuple or len(value) != 2:
        raise ValueError(f"not an AF_NETLINK address from the stdlib: {value!r}")
    return _new(NetlinkAddress, value)

