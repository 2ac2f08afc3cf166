"""IP_ADD_MEMBERSHIP/IP_DROP_MEMBERSHIP through ``set_option`` on the real kernel, both paths.

What works in the test session's private network namespace, where ``lo`` is the only interface:
a sender with ``IP_MULTICAST_IF`` on ``lo`` needs no route (the kernel sends multicast out of the
interface it is told), and ``lo`` delivers the datagram back to this host's members of the group.
The receiver sets ``IP_MULTICAST_ALL`` to 0, so only groups it joined itself reach it, not those
another socket on the host joined: the join under test is the only way in. The kernel's list of
memberships (/proc/net/igmp) is checked too.

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
from famsock_inet import InetMembership, InetPacketInfo

import famsock
from famsock.testing import c_vectors
from famsock.testing.compare import same_outcome

pytestmark = [pytest.mark.skipif(sys.platform != "linux", reason="Linux's struct ip_mreqn"),
              pytest.mark.usefixtures("no_fd_leak", "isolated_network")]

VECTORS = c_vectors.load(Path(__file__).parent / "vectors" / "ip_structs.c")
IP_MULTICAST_ALL = VECTORS["IP_MULTICAST_ALL"]  # Python 3.11 has no name for it
GROUP = "239.70.83.1"
LO = stdlib.if_nametoindex("lo")


def memberships() -> set[tuple[str, str]]:
    """The kernel's IPv4 group memberships: {(interface, group)}, from /proc/net/igmp."""
    found, device = set(), ""
    for line in Path("/proc/net/igmp").read_text().splitlines()[1:]:
        if not line.startswith("\t"):
            device = line.split()[1]
        else:  # the group as the kernel prints a __be32: %08X of its value in host order
            found.add((device, stdlib.inet_ntoa(int(line.split()[0], 16).to_bytes(4, sys.byteorder))))
    return found


def c_ip_mreqn(membership: InetMembership) -> bytes:
    """``struct ip_mreqn`` laid out by the offsets the C generator printed."""
    layout = VECTORS["ip_mreqn"]
    data = bytearray(layout["size"])
    for field, address in (("imr_multiaddr", membership.multiaddr), ("imr_address", membership.address)):
        data[layout["offsets"][field]:layout["offsets"][field] + 4] = stdlib.inet_aton(address)
    struct.pack_into("=i", data, layout["offsets"]["imr_ifindex"], membership.ifindex)
    return bytes(data)


@pytest.fixture
def receiver(syscall_path: str) -> Iterator[famsock.socket]:
    with famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM) as sock:
        sock.bind(("0.0.0.0", 0))
        sock.settimeout(5)
        sock.setsockopt(famsock.IPPROTO_IP, IP_MULTICAST_ALL, 0)
        sock.setsockopt(famsock.IPPROTO_IP, famsock.IP_PKTINFO, 1)
        assert sock.syscall_path == syscall_path
        yield sock


@pytest.fixture
def sender() -> Iterator[stdlib.socket]:
    with stdlib.socket(stdlib.AF_INET, stdlib.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.setsockopt(stdlib.IPPROTO_IP, stdlib.IP_MULTICAST_IF, stdlib.inet_aton("127.0.0.1"))
        yield sock


def _send_both(receiver: famsock.socket, sender: stdlib.socket) -> None:
    port = receiver.getsockname().port
    sender.sendto(b"to the group", (GROUP, port))
    sender.sendto(b"marker", ("127.0.0.1", port))


def assert_not_delivered(receiver: famsock.socket, sender: stdlib.socket) -> None:
    """Send to the group, then a marker straight to ``receiver``: the marker must come first."""
    _send_both(receiver, sender)
    assert receiver.recv(100) == b"marker"


def delivered_items(receiver: famsock.socket, sender: stdlib.socket) -> list[tuple[int, int, Any]]:
    """Send to the group, then a marker: both must arrive (in any order: a busy machine may run
    the first one's delivery later, on another CPU); the group datagram's decoded items."""
    _send_both(receiver, sender)
    found: dict[bytes, list[tuple[int, int, Any]]] = {}
    for _ in range(2):
        data, ancdata, _, _ = receiver.recvmsg(100, stdlib.CMSG_SPACE(64))
        found[data] = famsock.decode_ancillary(ancdata, receiver.family)
    assert set(found) == {b"to the group", b"marker"}
    return found[b"to the group"]


@pytest.mark.parametrize(
    "membership",
    [InetMembership(GROUP, ifindex=LO), InetMembership(GROUP, "127.0.0.1"), (GROUP, "0.0.0.0", LO)],
    ids=["by-index", "by-address", "plain-tuple"],
)
def test_join_receive_leave(receiver: famsock.socket, sender: stdlib.socket, membership: Any) -> None:
    assert_not_delivered(receiver, sender)  # not a member yet

    receiver.set_option(famsock.IPPROTO_IP, famsock.IP_ADD_MEMBERSHIP, membership)
    assert ("lo", GROUP) in memberships()
    ((level, kind, info),) = delivered_items(receiver, sender)
    assert (level, kind, type(info)) == (famsock.IPPROTO_IP, famsock.IP_PKTINFO, InetPacketInfo)
    assert (info.ifindex, info.addr) == (LO, GROUP)

    receiver.set_option(famsock.IPPROTO_IP, famsock.IP_DROP_MEMBERSHIP, membership)
    assert ("lo", GROUP) not in memberships()
    assert_not_delivered(receiver, sender)


def test_bytes_go_to_setsockopt_as_they_are(receiver: famsock.socket, sender: stdlib.socket) -> None:
    """The stdlib's way (``struct ip_mreq``, 8 bytes) still works: bytes are not encoded."""
    request = stdlib.inet_aton(GROUP) + stdlib.inet_aton("127.0.0.1")
    receiver.set_option(famsock.IPPROTO_IP, famsock.IP_ADD_MEMBERSHIP, request)
    delivered_items(receiver, sender)
    receiver.set_option(famsock.IPPROTO_IP, famsock.IP_DROP_MEMBERSHIP, request)
    assert_not_delivered(receiver, sender)


@pytest.mark.parametrize(
    "membership",
    [InetMembership("127.0.0.1", ifindex=LO), InetMembership(GROUP, ifindex=2**31 - 1),
     InetMembership(GROUP, "10.9.9.9")],
    ids=["not-a-group", "no-such-interface", "address-not-here"],
)
def test_the_kernel_refuses_a_membership_as_it_refuses_the_stdlibs(receiver: famsock.socket,
                                                                   membership: InetMembership) -> None:
    """The negative control: each field reaches the kernel where the C layout puts it (the stdlib's
    socket gets the struct laid out by the offsets C printed)."""
    with stdlib.socket(stdlib.AF_INET, stdlib.SOCK_DGRAM) as theirs:
        refused = same_outcome(
            lambda: receiver.set_option(famsock.IPPROTO_IP, famsock.IP_ADD_MEMBERSHIP, membership),
            lambda: theirs.setsockopt(stdlib.IPPROTO_IP, stdlib.IP_ADD_MEMBERSHIP, c_ip_mreqn(membership)))
    assert refused.raised


def test_a_bad_value_fails_before_the_kernel(receiver: famsock.socket) -> None:
    with pytest.raises(OverflowError, match="ip_mreqn ifindex must be 0-2147483647"):
        receiver.set_option(famsock.IPPROTO_IP, famsock.IP_ADD_MEMBERSHIP, (GROUP, "0.0.0.0", -1))
    assert ("lo", GROUP) not in memberships()
