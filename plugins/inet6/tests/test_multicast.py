"""IPV6_JOIN_GROUP/IPV6_LEAVE_GROUP through ``set_option`` on the real kernel, both paths.

What works in the test session's private network namespace, where ``lo`` is the only interface:
the group needs a ``local`` route through ``lo`` (the ``multicast_group`` fixture says why), and
the sender sets ``IPV6_MULTICAST_IF`` to ``lo``. The receiver sets ``IPV6_MULTICAST_ALL`` to 0, so
only groups it joined itself reach it: the join under test is the only way in. The kernel's list
of memberships (/proc/net/igmp6) is checked too.

"Nothing arrived" is shown without waiting: after the group datagram, a unicast marker is sent
to the same socket, and must be the first to arrive (loopback delivers a datagram while sending
it, so a group datagram the kernel took would come first). Where both must arrive, their order
is not asserted: a busy machine may defer a delivery to another CPU's turn.
"""

from __future__ import annotations

import socket as stdlib
import struct
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from famsock_inet6 import Inet6Membership, Inet6PacketInfo

import famsock
from famsock.testing import c_vectors
from famsock.testing.compare import same_outcome

pytestmark = [pytest.mark.skipif(sys.platform != "linux", reason="Linux's struct ipv6_mreq"),
              pytest.mark.usefixtures("no_fd_leak")]

VECTORS = c_vectors.load(Path(__file__).parent / "vectors" / "ipv6_structs.c")
IPV6_MULTICAST_ALL = VECTORS["IPV6_MULTICAST_ALL"]  # Python 3.11 has no name for it
LO = stdlib.if_nametoindex("lo")


def memberships() -> set[tuple[str, str]]:
    """The kernel's IPv6 group memberships: {(interface, group)}, from /proc/net/igmp6."""
    found = set()
    for line in Path("/proc/net/igmp6").read_text().splitlines():
        _, device, group, *_ = line.split()
        found.add((device, stdlib.inet_ntop(stdlib.AF_INET6, bytes.fromhex(group))))
    return found


def c_ipv6_mreq(membership: Inet6Membership) -> bytes:
    """``struct ipv6_mreq`` laid out by the offsets the C generator printed."""
    layout = VECTORS["ipv6_mreq"]
    data = bytearray(layout["size"])
    start = layout["offsets"]["ipv6mr_multiaddr"]
    data[start:start + 16] = stdlib.inet_pton(stdlib.AF_INET6, membership.multiaddr)
    struct.pack_into("=I", data, layout["offsets"]["ipv6mr_interface"], membership.ifindex)
    return bytes(data)


@pytest.fixture
def receiver(syscall_path: str, multicast_group: str) -> Iterator[famsock.socket]:
    with famsock.socket(famsock.AF_INET6, famsock.SOCK_DGRAM) as sock:
        sock.bind(("::", 0))
        sock.settimeout(5)
        sock.setsockopt(famsock.IPPROTO_IPV6, IPV6_MULTICAST_ALL, 0)
        sock.setsockopt(famsock.IPPROTO_IPV6, famsock.IPV6_RECVPKTINFO, 1)
        assert sock.syscall_path == syscall_path
        yield sock


@pytest.fixture
def sender() -> Iterator[stdlib.socket]:
    with stdlib.socket(stdlib.AF_INET6, stdlib.SOCK_DGRAM) as sock:
        sock.bind(("::1", 0))
        sock.setsockopt(stdlib.IPPROTO_IPV6, stdlib.IPV6_MULTICAST_IF, LO)
        yield sock


def _send_both(receiver: famsock.socket, sender: stdlib.socket, group: str) -> None:
    port = receiver.getsockname().port
    sender.sendto(b"to the group", (group, port))
    sender.sendto(b"marker", ("::1", port))


def assert_not_delivered(receiver: famsock.socket, sender: stdlib.socket, group: str) -> None:
    """Send to the group, then a marker straight to ``receiver``: the marker must come first."""
    _send_both(receiver, sender, group)
    assert receiver.recv(100) == b"marker"


def delivered_items(receiver: famsock.socket, sender: stdlib.socket,
                    group: str) -> list[tuple[int, int, Any]]:
    """Send to the group, then a marker: both must arrive (in any order: a busy machine may run
    the first one's delivery later, on another CPU); the group datagram's decoded items."""
    _send_both(receiver, sender, group)
    found: dict[bytes, list[tuple[int, int, Any]]] = {}
    for _ in range(2):
        data, ancdata, _, _ = receiver.recvmsg(100, stdlib.CMSG_SPACE(64))
        found[data] = famsock.decode_ancillary(ancdata, receiver.family)
    assert set(found) == {b"to the group", b"marker"}
    return found[b"to the group"]


@pytest.mark.parametrize("form", ["typed", "plain-tuple"])
def test_join_receive_leave(receiver: famsock.socket, sender: stdlib.socket, multicast_group: str,
                            form: str) -> None:
    membership: Any = Inet6Membership(multicast_group, LO)
    if form == "plain-tuple":
        membership = tuple(membership)
    assert_not_delivered(receiver, sender, multicast_group)  # not a member yet

    receiver.set_option(famsock.IPPROTO_IPV6, famsock.IPV6_JOIN_GROUP, membership)
    assert ("lo", multicast_group) in memberships()
    items = delivered_items(receiver, sender, multicast_group)
    assert items == [(famsock.IPPROTO_IPV6, famsock.IPV6_PKTINFO, (multicast_group, LO))]
    assert type(items[0][2]) is Inet6PacketInfo

    receiver.set_option(famsock.IPPROTO_IPV6, famsock.IPV6_LEAVE_GROUP, membership)
    assert ("lo", multicast_group) not in memberships()
    assert_not_delivered(receiver, sender, multicast_group)


def test_bytes_go_to_setsockopt_as_they_are(receiver: famsock.socket, sender: stdlib.socket,
                                            multicast_group: str) -> None:
    request = c_ipv6_mreq(Inet6Membership(multicast_group, LO))
    receiver.set_option(famsock.IPPROTO_IPV6, famsock.IPV6_JOIN_GROUP, request)
    delivered_items(receiver, sender, multicast_group)
    receiver.set_option(famsock.IPPROTO_IPV6, famsock.IPV6_LEAVE_GROUP, request)
    assert_not_delivered(receiver, sender, multicast_group)


@pytest.mark.parametrize(
    "membership",
    [Inet6Membership("::1", LO), Inet6Membership("ff15::f00d", 2**31 - 1), Inet6Membership("ff15::beef")],
    ids=["not-a-group", "no-such-interface", "no-route"],
)
def test_the_kernel_refuses_a_membership_as_it_refuses_the_stdlibs(receiver: famsock.socket,
                                                                   membership: Inet6Membership) -> None:
    """The negative control: each field reaches the kernel where the C layout puts it (the stdlib's
    socket gets the struct laid out by the offsets C printed)."""
    with stdlib.socket(stdlib.AF_INET6, stdlib.SOCK_DGRAM) as theirs:
        refused = same_outcome(
            lambda: receiver.set_option(famsock.IPPROTO_IPV6, famsock.IPV6_JOIN_GROUP, membership),
            lambda: theirs.setsockopt(stdlib.IPPROTO_IPV6, stdlib.IPV6_JOIN_GROUP, c_ipv6_mreq(membership)))
    assert refused.raised


def test_a_bad_value_fails_before_the_kernel(receiver: famsock.socket, multicast_group: str) -> None:
    with pytest.raises(ValueError, match="ipv6_mreq multiaddr must be an IPv6 address without %scope"):
        receiver.set_option(famsock.IPPROTO_IPV6, famsock.IPV6_JOIN_GROUP, (f"{multicast_group}%lo", 0))
    assert ("lo", multicast_group) not in memberships()
