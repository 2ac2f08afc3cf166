"""IP_PKTINFO on the real kernel (loopback), both syscall paths: received items decode to what
the datagram was sent to, and items famsock encodes make the kernel send as they say.

After ``setsockopt(IPPROTO_IP, IP_PKTINFO, 1)`` the kernel adds a ``struct in_pktinfo`` item to
each datagram ``recvmsg`` returns; on ``sendmsg`` an item picks the source address (``spec_dst``)
and the outgoing interface (``ifindex``).
"""

from __future__ import annotations

import errno
import socket as stdlib
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from famsock_inet import InetPacketInfo

import famsock
from famsock.testing.compare import same_outcome

pytestmark = [pytest.mark.skipif(sys.platform != "linux", reason="Linux's struct in_pktinfo"),
              pytest.mark.usefixtures("no_fd_leak")]

LO = stdlib.if_nametoindex("lo")
SPACE = stdlib.CMSG_SPACE(64)


@pytest.fixture
def receiver(syscall_path: str) -> Iterator[famsock.socket]:
    """A famsock UDP socket on 0.0.0.0 (any 127/8 address reaches it) that reports IP_PKTINFO."""
    with famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM) as sock:
        sock.bind(("0.0.0.0", 0))
        sock.settimeout(5)
        sock.setsockopt(famsock.IPPROTO_IP, famsock.IP_PKTINFO, 1)
        assert sock.syscall_path == syscall_path
        yield sock


def _items(sock: stdlib.socket) -> tuple[bytes, list[tuple[int, int, Any]], Any]:
    data, ancdata, flags, sender = sock.recvmsg(100, SPACE)
    assert flags & stdlib.MSG_CTRUNC == 0
    return data, famsock.decode_ancillary(ancdata, sock.family), sender


@pytest.mark.parametrize(
    ("destination", "local"),
    [("127.0.0.1", "127.0.0.1"), ("127.0.0.3", "127.0.0.3"), ("127.255.255.255", "127.0.0.1")],
    ids=["loopback", "other-127", "broadcast"],
)
def test_a_received_item_says_where_the_datagram_went(receiver: famsock.socket, destination: str,
                                                      local: str) -> None:
    """The broadcast tells the fields apart: sent to 127.255.255.255, taken for 127.0.0.1."""
    with stdlib.socket(stdlib.AF_INET, stdlib.SOCK_DGRAM) as sender:
        sender.bind(("127.0.0.1", 0))
        sender.setsockopt(stdlib.SOL_SOCKET, stdlib.SO_BROADCAST, 1)
        sender.sendto(b"where", (destination, receiver.getsockname().port))
        data, items, source = _items(receiver)
        assert (data, source) == (b"where", sender.getsockname())
    assert items == [(famsock.IPPROTO_IP, famsock.IP_PKTINFO, (LO, local, destination))]
    info = items[0][2]
    assert type(info) is InetPacketInfo
    assert (info.ifindex, info.spec_dst, info.addr) == (LO, local, destination)


def test_an_ipv6_socket_reports_ipv4_datagrams_pktinfo(syscall_path: str) -> None:
    """A dual-stack AF_INET6 socket gets SOL_IP items for IPv4 datagrams: decoded there too."""
    with famsock.socket(famsock.AF_INET6, famsock.SOCK_DGRAM) as receiver, \
            stdlib.socket(stdlib.AF_INET, stdlib.SOCK_DGRAM) as sender:
        receiver.setsockopt(famsock.IPPROTO_IPV6, famsock.IPV6_V6ONLY, 0)
        receiver.bind(("::", 0))
        receiver.settimeout(5)
        receiver.setsockopt(famsock.IPPROTO_IP, famsock.IP_PKTINFO, 1)
        sender.bind(("127.0.0.1", 0))
        sender.sendto(b"v4", ("127.0.0.1", receiver.getsockname()[1]))
        data, items, source = _items(receiver)
        assert (data, source) == (b"v4", ("::ffff:127.0.0.1", sender.getsockname()[1], 0, 0))
    assert items == [(famsock.IPPROTO_IP, famsock.IP_PKTINFO, (LO, "127.0.0.1", "127.0.0.1"))]
    assert type(items[0][2]) is InetPacketInfo


@pytest.mark.parametrize(
    "info",
    [InetPacketInfo(spec_dst="127.0.0.2"), InetPacketInfo(LO, "127.0.0.3"), (0, "127.0.0.4", "0.0.0.0")],
    ids=["source", "source-and-interface", "plain-tuple"],
)
def test_a_sent_item_picks_the_source_address(receiver: famsock.socket, info: Any) -> None:
    with famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM) as sender:
        items = famsock.encode_ancillary([(famsock.IPPROTO_IP, famsock.IP_PKTINFO, info)], sender.family)
        destination = ("127.0.0.1", receiver.getsockname().port)
        assert sender.sendmsg([b"from ", b"elsewhere"], items, 0, destination) == 14
        assert sender.syscall_path == receiver.syscall_path
        data, received, source = _items(receiver)
    assert (data, source.host) == (b"from elsewhere", info[1])
    assert received == [(famsock.IPPROTO_IP, famsock.IP_PKTINFO, (LO, "127.0.0.1", "127.0.0.1"))]


@pytest.mark.parametrize(
    ("info", "code"),
    [(InetPacketInfo(spec_dst="10.9.9.9"), errno.ENETUNREACH), (InetPacketInfo(2**31 - 1), errno.ENODEV)],
    ids=["source-not-here", "no-such-interface"],
)
def test_the_kernel_refuses_an_item_as_it_refuses_the_stdlibs(receiver: famsock.socket, info: InetPacketInfo,
                                                             code: int) -> None:
    """The negative control: the kernel reads every field famsock wrote, as the C layout says."""
    destination = ("127.0.0.1", receiver.getsockname().port)
    items = famsock.encode_ancillary([(famsock.IPPROTO_IP, famsock.IP_PKTINFO, info)], famsock.AF_INET)
    with famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM) as ours, \
            stdlib.socket(stdlib.AF_INET, stdlib.SOCK_DGRAM) as theirs:
        refused = same_outcome(lambda: ours.sendmsg([b"x"], items, 0, destination),
                               lambda: theirs.sendmsg([b"x"], items, 0, destination))
        assert ours.syscall_path == receiver.syscall_path
    assert refused.raised and refused.errno == code
