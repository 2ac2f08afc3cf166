"""Multicast groups and the ``SOL_NETLINK`` options a connection sets.

``bind()``'s ``nl_groups`` mask reaches groups 1-32 only; every group (generic netlink's ids go
past 32) is joined with ``setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, group)`` and left with
``NETLINK_DROP_MEMBERSHIP``; ``NETLINK_LIST_MEMBERSHIPS`` reads them all back as a bit array of
32-bit words. The plugin registers that option's codec, so ``sock.get_option(SOL_NETLINK,
NETLINK_LIST_MEMBERSHIPS)`` gives a ``frozenset`` of group numbers, and the ``NETLINK_PKTINFO``
control message's (``struct nl_pktinfo``: the group a message came on).
"""

from __future__ import annotations

import errno
import struct

from .constants import (
    NETLINK_ADD_MEMBERSHIP,
    NETLINK_CAP_ACK,
    NETLINK_DROP_MEMBERSHIP,
    NETLINK_EXT_ACK,
    NETLINK_GET_STRICT_CHK,
    NETLINK_LIST_MEMBERSHIPS,
    NETLINK_NO_ENOBUFS,
    SOL_NETLINK,
)

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the codecs load at a first get_option/recvmsg
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

__all__ = ["LIST_MEMBERSHIPS_SIZE", "configure", "decode_memberships", "decode_pktinfo", "encode_pktinfo",
           "join_group", "joined_groups", "leave_group"]

#: Bytes read for NETLINK_LIST_MEMBERSHIPS: groups 1-1024 (the kernel writes what fits).
LIST_MEMBERSHIPS_SIZE = 128
_U32 = struct.Struct("=I")
SO_RCVBUF, SO_RCVBUFFORCE, SOL_SOCKET = 8, 33, 1


def _group(group: Any) -> int:
    if isinstance(group, bool) or not isinstance(group, int):
        raise TypeError(f"a netlink multicast group is an int, not {type(group).__name__}: {group!r:.60}")
    if not 1 <= group <= 0xFFFFFFFF:
        raise OverflowError(f"a netlink multicast group is 1-4294967295, got {group}")
    return group


def join_group(sock: Any, group: int) -> None:
    """Join multicast group ``group`` (any number, past 32 too)."""
    sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, _group(group))


def leave_group(sock: Any, group: int) -> None:
    sock.setsockopt(SOL_NETLINK, NETLINK_DROP_MEMBERSHIP, _group(group))


def decode_memberships(data: bytes) -> frozenset[int]:
    """``NETLINK_LIST_MEMBERSHIPS``'s bit array (u32 words, host order) as group numbers."""
    if len(data) % 4:
        raise ValueError(f"NETLINK_LIST_MEMBERSHIPS is 32-bit words, got {len(data)} bytes")
    groups = set()
    for index, (word,) in enumerate(_U32.iter_unpack(data)):
        for bit in range(32):
            if word >> bit & 1:
                groups.add(index * 32 + bit + 1)
    return frozenset(groups)


def joined_groups(sock: Any) -> frozenset[int]:
    """Every group the socket is in (bind()'s mask and joined ones)."""
    return decode_memberships(sock.getsockopt(SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, LIST_MEMBERSHIPS_SIZE))


def decode_pktinfo(data: bytes) -> int:
    """``struct nl_pktinfo`` (a ``NETLINK_PKTINFO`` control message): the group a message came on."""
    if len(data) != 4:
        raise ValueError(f"a NETLINK_PKTINFO item (struct nl_pktinfo) is 4 bytes, got {len(data)}")
    value: int = _U32.unpack(data)[0]
    return value


def encode_pktinfo(group: int) -> bytes:
    return _U32.pack(_group(group))


def configure(sock: Any, *, groups: Iterable[int] = (), ext_ack: bool = True, cap_ack: bool = True,
              strict: bool = False, no_enobufs: bool = False, receive_buffer: int | None = None) -> None:
    """Set a connection's options, bind it (the kernel picks the port) and join ``groups``.
    Options this kernel lacks (``ENOPROTOOPT``) are skipped: only newer kernels explain refusals."""
    for wanted, option in ((ext_ack, NETLINK_EXT_ACK), (cap_ack, NETLINK_CAP_ACK),
                           (strict, NETLINK_GET_STRICT_CHK), (no_enobufs, NETLINK_NO_ENOBUFS)):
        if wanted:
            try:
                sock.setsockopt(SOL_NETLINK, option, 1)
            except OSError as exc:
                if exc.errno != errno.ENOPROTOOPT:
                    raise
    if receive_buffer is not None:
        try:  # root may go past net.core.rmem_max
            sock.setsockopt(SOL_SOCKET, SO_RCVBUFFORCE, receive_buffer)
        except PermissionError:
            sock.setsockopt(SOL_SOCKET, SO_RCVBUF, receive_buffer)
    sock.bind((0, 0))
    for group in groups:
        join_group(sock, group)
