"""IPV6_PKTINFO on the real kernel (loopback), both syscall paths: received items decode to what
the datagram was sent to, and items famsock encodes make the kernel send as they say.

After ``setsockopt(IPPROTO_IPV6, IPV6_RECVPKTINFO, 1)`` the kernel adds a ``struct in6_pktinfo``
item to each datagram ``recvmsg`` returns; on ``sendmsg`` an item picks the source address
(``addr``) and the outgoing interface (``ifindex``).
"""

from __future__ import annotations

import errno
import socket as stdlib
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from famsock_inet6 import Inet6PacketInfo

import famsock
from famsock.testing.compare import same_outcome

pytestmark = [pytest.mark.skipif(sys.platform != "linux", reason="Linux's struct in6_pktinfo"),
              pytest.mark.usefixtures("no_fd_leak")]

LO = stdlib.if_nametoindex("lo")
SPACE = stdlib.CMSG_SPACE(64)


@pytest.fixture
def receiver(syscall_path: str) -> Iterator[famsock.socket]:
    """A famsock dual-stack UDP socket on :: that reports IPV6_PKTINFO."""
    with famsock.socket(famsock.AF_INET6, famsock.SOCK_DGRAM) as sock:
        sock.setsockopt(famsock.IPPROTO_IPV6, famsock.IPV6_V6ONLY, 0)
        sock.bind(("::", 0))
        sock.settimeout(5)
        sock.setsockopt(famsock.IPPROTO_IPV6, famsock.IPV6_RECVPKTINFO, 1)
        assert sock.syscall_path == syscall_path
        yield sock


def _items(sock: stdlib.socket) -> tuple[bytes, list[tuple[int, int, Any]], Any]:
    data, ancdata, flags, sender = sock.recvmsg(100, SPACE)
    assert flags & stdlib.MSG_CTRUNC == 0
    return data, famsock.decode_ancillary(ancdata, sock.family), sender


def _received_by(receiver: famsock.socket, destination: tuple[Any, ...], family: int = stdlib.AF_INET6
                 ) -> tuple[list[tuple[int, int, Any]], Any, Any]:
    """Send from a stdlib socket bound to the destination's own address; what ``receiver`` got."""
    with stdlib.socket(family, stdlib.SOCK_DGRAM) as sender:
        sender.bind((destination[0], 0, *destination[2:]))
        sender.sendto(b"where", destination)
        data, items, source = _items(receiver)
        assert data == b"where"
        return items, source, sender.getsockname()


def test_a_received_item_says_where_the_datagram_went(receiver: famsock.socket) -> None:
    items, source, sent_from = _received_by(receiver, ("::1", receiver.getsockname().port))
    assert source == sent_from
    assert items == [(famsock.IPPROTO_IPV6, famsock.IPV6_PKTINFO, ("::1", LO))]
    info = items[0][2]
    assert type(info) is Inet6PacketInfo
    assert (info.addr, info.ifindex) == ("::1", LO)


def test_the_item_tells_local_addresses_apart(receiver: famsock.socket, extra_address: str) -> None:
    items, _, _ = _received_by(receiver, (extra_address, receiver.getsockname().port))
    assert items == [(famsock.IPPROTO_IPV6, famsock.IPV6_PKTINFO, (extra_address, LO))]


def test_a_link_local_destination_and_its_interface(receiver: famsock.socket, link_local: int) -> None:
    items, source, _ = _received_by(receiver, ("fe80::1", receiver.getsockname().port, 0, link_local))
    assert source.scope_id == link_local
    assert items == [(famsock.IPPROTO_IPV6, famsock.IPV6_PKTINFO, ("fe80::1", link_local))]


def test_an_ipv4_datagram_gets_a_mapped_destination(receiver: famsock.socket) -> None:
    """On a dual-stack socket, IPv4 datagrams get an IPV6_PKTINFO item too, the address mapped."""
    items, source, sent_from = _received_by(receiver, ("127.0.0.1", receiver.getsockname().port),
                                            stdlib.AF_INET)
    assert source == (f"::ffff:{sent_from[0]}", sent_from[1], 0, 0)
    assert items == [(famsock.IPPROTO_IPV6, famsock.IPV6_PKTINFO, ("::ffff:127.0.0.1", LO))]


@pytest.mark.parametrize("interface", [0, LO], ids=["any-interface", "lo"])
@pytest.mark.parametrize("form", ["typed", "plain-tuple"])
def test_a_sent_item_picks_the_source_address(receiver: famsock.socket, extra_address: str, interface: int,
                                              form: str) -> None:
    info: Any = Inet6PacketInfo(extra_address, interface)
    if form == "plain-tuple":
        info = tuple(info)
    with famsock.socket(famsock.AF_INET6, famsock.SOCK_DGRAM) as sender:
        items = famsock.encode_ancillary([(famsock.IPPROTO_IPV6, famsock.IPV6_PKTINFO, info)], sender.family)
        destination = ("::1", receiver.getsockname().port)
        assert sender.sendmsg([b"from ", b"elsewhere"], items, 0, destination) == 14
        assert sender.syscall_path == receiver.syscall_path
        data, received, source = _items(receiver)
        assert (data, source) == (b"from elsewhere", (extra_address, sender.getsockname().port, 0, 0))
    assert received == [(famsock.IPPROTO_IPV6, famsock.IPV6_PKTINFO, ("::1", LO))]


@pytest.mark.parametrize(
    ("info", "code"),
    [(Inet6PacketInfo("fd00::f6"), errno.EINVAL), (Inet6PacketInfo("::1", 2**31 - 1), errno.ENODEV)],
    ids=["source-not-here", "no-such-interface"],
)
def test_the_kernel_refuses_an_item_as_it_refuses_the_stdlibs(receiver: famsock.socket, info: Inet6PacketInfo,
                                                             code: int) -> None:
    """The negative control: the kernel reads every field famsock wrote, as the C layout says."""
    destination = ("::1", receiver.getsockname().port)
    items = famsock.encode_ancillary([(famsock.IPPROTO_IPV6, famsock.IPV6_PKTINFO, info)], famsock.AF_INET6)
    with famsock.socket(famsock.AF_INET6, famsock.SOCK_DGRAM) as ours, \
            stdlib.socket(stdlib.AF_INET6, stdlib.SOCK_DGRAM) as theirs:
        refused = same_outcome(lambda: ours.sendmsg([b"x"], items, 0, destination),
                               lambda: theirs.sendmsg([b"x"], items, 0, destination))
        assert ours.syscall_path == receiver.syscall_path
    assert refused.raised and refused.errno == code
