"""TIPC group messaging on the real kernel: join (TIPC_GROUP_JOIN, a famsock socket option),
broadcast, anycast to a member by name, member events, leave; and what the stdlib reads of it.

A group message's sender is a pair of sockaddrs: the sending socket and its member name. famsock
keeps both (``TipcSocketAddress.member``); the stdlib reads only the first (datagram sockets take
the raw path on both famsock paths for this reason).
"""

from __future__ import annotations

import socket as stdlib
from collections.abc import Callable
from typing import Any

from famsock_tipc import TipcGroupRequest, TipcServiceAddress, TipcSocketAddress
from famsock_tipc._structs import encode_group_request
from tipc_kernel import SOL_TIPC

import famsock
from famsock.testing.compare import plain, stdlib_view

Make = Callable[..., Any]
EVENTS = famsock.TIPC_GROUP_MEMBER_EVTS


def _join(sock: famsock.socket, group: int, member: int, flags: int = 0) -> None:
    sock.set_option(SOL_TIPC, famsock.TIPC_GROUP_JOIN, TipcGroupRequest(group, member, flags=flags))


def test_join_broadcast_and_leave(tipc: Make, service_type: int, syscall_path: str) -> None:
    group = service_type
    first, second = tipc(), tipc()
    _join(first, group, 1, flags=EVENTS)
    assert first.getsockopt(SOL_TIPC, famsock.TIPC_GROUP_JOIN) == group  # the kernel says which group
    _join(second, group, 2)
    # the join, as a member event: an empty MSG_OOB message from the new member
    data, _, flags, sender = first.recvmsg(100)
    assert (data, flags & (stdlib.MSG_OOB | stdlib.MSG_EOR)) == (b"", stdlib.MSG_OOB)
    assert sender == second.getsockname() and isinstance(sender, TipcSocketAddress)
    assert sender.member == TipcServiceAddress(group, 2, scope=0)
    # a broadcast: send() with no destination reaches every other member
    second.send(b"to all")
    data, sender = first.recvfrom(100)
    assert data == b"to all"
    assert sender == second.getsockname() and sender.member == (2, group, 2, 2, 0)
    assert famsock.address_to_text(sender).endswith(f";member={group}:2")
    # anycast to a member by its name: the receiver learns the sender's member name
    first.sendto(b"to member 2", TipcServiceAddress(group, 2))
    data, sender = second.recvfrom(100)
    assert (data, sender) == (b"to member 2", first.getsockname())
    assert sender.member == (2, group, 1, 1, 0)
    # the leave: MSG_OOB and MSG_EOR, from the member that left
    second.setsockopt(SOL_TIPC, famsock.TIPC_GROUP_LEAVE, None, 0)
    data, _, flags, sender = first.recvmsg(100)
    assert (data, flags & (stdlib.MSG_OOB | stdlib.MSG_EOR)) == (b"", stdlib.MSG_OOB | stdlib.MSG_EOR)
    assert sender == second.getsockname() and sender.member is not None and sender.member.instance == 2


def test_the_stdlib_reads_only_the_sending_socket(tipc: Make, service_type: int, syscall_path: str) -> None:
    first, second = tipc(), tipc()
    _join(first, service_type, 1)
    _join(second, service_type, 2)
    second.send(b"ours")
    ours = first.recvfrom(100)
    second.send(b"theirs")
    with stdlib_view(first) as view:
        view.settimeout(10)
        theirs = view.recvfrom(100)
    assert theirs == (b"theirs", plain(ours[1]))
    assert ours[1].member is not None  # what famsock keeps besides


def test_a_stdlib_member_and_a_famsock_member(tipc: Make, plain_tipc: Make, service_type: int,
                                              syscall_path: str) -> None:
    ours, theirs = tipc(), plain_tipc()
    _join(ours, service_type, 1)  # first: a joining member learns of those already there
    theirs.setsockopt(SOL_TIPC, famsock.TIPC_GROUP_JOIN, encode_group_request((service_type, 2)))
    theirs.send(b"from the stdlib")
    data, sender = ours.recvfrom(100)
    assert (data, sender) == (b"from the stdlib", theirs.getsockname())
    assert sender.member == (2, service_type, 2, 2, 0)

