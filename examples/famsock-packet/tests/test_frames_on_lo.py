"""Real frames on ``lo``, through famsock, side by side with the stdlib on the same frames, on both
syscall paths. A frame sent on ``lo`` comes back in: every packet socket bound to ``lo`` and its
protocol receives it (``PACKET_HOST``), the sender's too. Sockets bound to every protocol
(``ETH_P_ALL``) also see it leave (``PACKET_OUTGOING``), all but the sender's."""

from __future__ import annotations

import errno
import socket as stdlib
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from famsock_packet import LOOPBACK_PROTO, PacketAddress, PacketStatistics

import famsock
from famsock.testing import same_outcome, stdlib_view

pytestmark = [pytest.mark.family("packet"), pytest.mark.usefixtures("no_fd_leak")]

P = LOOPBACK_PROTO
LO_MAC = bytes(6)
OUTGOING, HOST = famsock.PACKET_OUTGOING, famsock.PACKET_HOST
ARPHRD_LOOPBACK = famsock.ARPHRD_LOOPBACK


@pytest.fixture
def stack() -> Iterator[ExitStack]:
    with ExitStack() as sockets:
        yield sockets


def _bound(stack: ExitStack, module: Any, kind: int, proto: int = P) -> Any:
    sock = stack.enter_context(module.socket(famsock.AF_PACKET, kind))
    sock.settimeout(5)
    sock.bind(("lo", proto))
    return sock


def test_datagrams_arrive_with_the_stdlibs_addresses(stack: ExitStack, syscall_path: str) -> None:
    ours = _bound(stack, famsock, stdlib.SOCK_DGRAM)
    theirs = _bound(stack, stdlib, stdlib.SOCK_DGRAM)
    sender = _bound(stack, famsock, stdlib.SOCK_DGRAM)
    assert sender.sendto(b"first frame", ours.getsockname()) == len(b"first frame")
    received = ours.recvfrom(2048)
    assert received == theirs.recvfrom(2048) == (b"first frame", ("lo", P, HOST, ARPHRD_LOOPBACK, LO_MAC))
    address = received[1]
    assert type(address) is PacketAddress and address.ifindex == 1
    assert famsock.address_to_text(address) == "packet:lo:0x88b5:host:772:00:00:00:00:00:00"


def test_every_protocol_sees_frames_leave_too(stack: ExitStack, syscall_path: str) -> None:
    everything = famsock.ETH_P_ALL  # in the session's private namespace, only this test's frames
    ours = _bound(stack, famsock, stdlib.SOCK_DGRAM, everything)
    theirs = _bound(stack, stdlib, stdlib.SOCK_DGRAM, everything)
    sender = _bound(stack, famsock, stdlib.SOCK_DGRAM)
    sender.sendto(b"seen twice", ("lo", P, HOST, 0, LO_MAC))
    received = [ours.recvfrom(2048) for _ in range(2)]
    assert received == [theirs.recvfrom(2048) for _ in range(2)]
    assert received == [(b"seen twice", ("lo", P, OUTGOING, ARPHRD_LOOPBACK, LO_MAC)),
                        (b"seen twice", ("lo", P, HOST, ARPHRD_LOOPBACK, LO_MAC))]


def test_a_reply_goes_to_the_address_recvfrom_gave(stack: ExitStack, syscall_path: str) -> None:
    server = _bound(stack, famsock, stdlib.SOCK_DGRAM)
    client = _bound(stack, famsock, stdlib.SOCK_DGRAM)
    client.sendto(b"ping", server.getsockname())
    data, peer = server.recvfrom(2048)
    server.sendto(b"pong:" + data, peer)  # a typed address, sent as it came
    seen = [client.recvfrom(2048) for _ in range(2)]  # its own ping back in, then the reply
    assert [data for data, _ in seen] == [b"ping", b"pong:ping"]
    assert all(address == ("lo", P, HOST, ARPHRD_LOOPBACK, LO_MAC) for _, address in seen)


def test_raw_frames_keep_their_header_and_give_the_source(stack: ExitStack, syscall_path: str) -> None:
    ours = _bound(stack, famsock, stdlib.SOCK_RAW)
    theirs = _bound(stack, stdlib, stdlib.SOCK_RAW)
    sender = _bound(stack, famsock, stdlib.SOCK_RAW)
    source = bytes.fromhex("0200000000aa")
    frame = LO_MAC + source + P.to_bytes(2, "big") + b"raw payload"
    assert sender.send(frame) == len(frame)  # bound: no address needed
    received = ours.recvfrom(2048)
    assert received == theirs.recvfrom(2048) == (frame, ("lo", P, HOST, ARPHRD_LOOPBACK, source))


def test_an_unbound_socket_has_no_interface(stack: ExitStack, syscall_path: str) -> None:
    sock = stack.enter_context(famsock.socket(famsock.AF_PACKET, stdlib.SOCK_DGRAM, stdlib.htons(P)))
    name = sock.getsockname()
    with stdlib_view(sock) as view:
        assert name == view.getsockname() == ("", P, 0, 0, b"")
    assert type(name) is PacketAddress and name.ifindex == 0
    assert famsock.address_to_text(name) == "packet::0x88b5"
    # and it is not an address to send to, on either path; the stdlib says ENODEV too
    with stdlib.socket(stdlib.AF_PACKET, stdlib.SOCK_DGRAM) as plain:
        result = same_outcome(lambda: sock.sendto(b"x", name), lambda: plain.sendto(b"x", tuple(name)))
    assert result.raised and result.errno == errno.ENODEV


def test_statistics_are_a_value(stack: ExitStack, syscall_path: str) -> None:
    receiver = _bound(stack, famsock, stdlib.SOCK_DGRAM)
    sender = _bound(stack, famsock, stdlib.SOCK_DGRAM)
    receiver.get_option(famsock.SOL_PACKET, famsock.PACKET_STATISTICS)  # reading resets the counters
    for _ in range(3):
        sender.sendto(b"counted", receiver.getsockname())
    for _ in range(3):
        receiver.recv(2048)
    statistics = receiver.get_option(famsock.SOL_PACKET, famsock.PACKET_STATISTICS)
    assert statistics == PacketStatistics(packets=3, drops=0) and type(statistics) is PacketStatistics


@pytest.mark.parametrize(("value", "error"), [(("lo", P, 256), "pkttype must be 0-255"),
                                               (("lo", P, 0, 65537), "hatype must be 0-65535")])
def test_what_the_stdlib_truncates_famsock_refuses(stack: ExitStack, value: tuple[object, ...],
                                                   error: str, syscall_path: str) -> None:
    """The stdlib stores pkttype in an unsigned char and hatype in an unsigned short, silently."""
    theirs = stack.enter_context(stdlib.socket(stdlib.AF_PACKET, stdlib.SOCK_DGRAM))
    theirs.bind(value)
    assert theirs.getsockname()[:2] == ("lo", P)
    ours = stack.enter_context(famsock.socket(famsock.AF_PACKET, stdlib.SOCK_DGRAM))
    with pytest.raises(OverflowError, match=error):
        ours.bind(value)
