"""Frames across a veth pair between two network namespaces the test makes, through famsock,
side by side with the stdlib on the same frames, on both syscall paths.

Each namespace's sockets are made, and their addresses read, on a thread inside it
(famsock.testing.netns.namespace_thread): interface names are looked up in the calling thread's
namespace, by the stdlib on the socket's (the same one here).
"""

from __future__ import annotations

import socket as stdlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from typing import Any, NamedTuple, TypeVar

import pytest
from famsock_packet import LOOPBACK_PROTO, PacketAddress

import famsock
from famsock.testing import netns

pytestmark = [pytest.mark.family("packet"),
              pytest.mark.skipif(bool(netns.multi_host_unusable()), reason=netns.multi_host_unusable()),
              pytest.mark.usefixtures("no_fd_leak")]

T = TypeVar("T")
P = LOOPBACK_PROTO
MAC_A, MAC_B = bytes.fromhex("020000000a01"), bytes.fromhex("020000000b01")
ARPHRD_ETHER = famsock.ARPHRD_ETHER
SECONDS = 10


class Host(NamedTuple):
    namespace: str
    interface: str
    mac: bytes
    thread: ThreadPoolExecutor

    def run(self, call: Callable[..., T], *args: Any) -> T:
        return self.thread.submit(call, *args).result(SECONDS)


@pytest.fixture(scope="module")
def hosts() -> Iterator[tuple[Host, Host]]:
    with ExitStack() as stack:
        a, b = (stack.enter_context(netns.named_namespace("fspkt")) for _ in range(2))
        netns.veth_pair((a, "pkta", 0), (b, "pktb", 0))
        made = []
        for namespace, interface, mac in ((a, "pkta", MAC_A), (b, "pktb", MAC_B)):
            thread = stack.enter_context(netns.namespace_thread(namespace))
            # no IPv6 on the link: nothing to wait for (DAD), no router solicitations on the wire
            thread.submit(netns.write_sysctl, f"net/ipv6/conf/{interface}/disable_ipv6", "1").result(SECONDS)
            netns.run_ip("-n", namespace, "link", "set", interface, "address", MAC_A.hex(":") if
                         interface == "pkta" else MAC_B.hex(":"), "up")
            made.append(Host(namespace, interface, mac, thread))
        for host in made:
            netns.wait_for_link(host.namespace, host.interface)
        yield made[0], made[1]


def _open(module: Any, kind: int, interface: str, stack: ExitStack) -> Any:
    sock = stack.enter_context(module.socket(famsock.AF_PACKET, kind))
    sock.settimeout(SECONDS)
    sock.bind((interface, P))
    return sock


DESTINATIONS = [(MAC_B, famsock.PACKET_HOST), (b"\xff" * 6, famsock.PACKET_BROADCAST),
                (bytes.fromhex("01005e000001"), famsock.PACKET_MULTICAST),
                (bytes.fromhex("020000000c01"), famsock.PACKET_OTHERHOST)]


@pytest.mark.parametrize(("destination", "pkttype"), DESTINATIONS)
def test_datagrams_cross_with_the_stdlibs_addresses(hosts: tuple[Host, Host], destination: bytes,
                                                    pkttype: int, syscall_path: str) -> None:
    a, b = hosts
    with ExitStack() as stack:
        ours, theirs = b.run(lambda: (_open(famsock, stdlib.SOCK_DGRAM, b.interface, stack),
                                      _open(stdlib, stdlib.SOCK_DGRAM, b.interface, stack)))
        sender = a.run(_open, famsock, stdlib.SOCK_DGRAM, a.interface, stack)
        sent_to = a.run(lambda: famsock.address_from_text(f"packet:{a.interface}:0x{P:04x}:host:0:"
                                                          + destination.hex(":")))
        assert a.run(sender.sendto, b"across", sent_to) == len(b"across")
        got, seen = b.run(ours.recvfrom, 2048), b.run(theirs.recvfrom, 2048)
        assert got == seen == (b"across", (b.interface, P, pkttype, ARPHRD_ETHER, MAC_A))
        address = got[1]
        assert type(address) is PacketAddress
        assert address.ifindex == b.run(stdlib.if_nametoindex, b.interface)
        assert b.run(famsock.address_to_text, address) == (
            f"packet:pktb:0x{P:04x}:{['host', 'broadcast', 'multicast', 'otherhost'][pkttype]}:1:"
            + MAC_A.hex(":"))


def test_each_end_reads_its_own_address(hosts: tuple[Host, Host], syscall_path: str) -> None:
    for host in hosts:
        with ExitStack() as stack:
            ours = host.run(_open, famsock, stdlib.SOCK_DGRAM, host.interface, stack)
            theirs = host.run(_open, stdlib, stdlib.SOCK_DGRAM, host.interface, stack)
            mine, stdlibs = host.run(ours.getsockname), host.run(theirs.getsockname)
            assert mine == stdlibs == (host.interface, P, famsock.PACKET_HOST, ARPHRD_ETHER, host.mac)


def test_raw_frames_cross_whole(hosts: tuple[Host, Host], syscall_path: str) -> None:
    a, b = hosts
    frame = MAC_B + MAC_A + P.to_bytes(2, "big") + b"a whole frame" + bytes(40)  # padded past 60 bytes
    with ExitStack() as stack:
        ours, theirs = b.run(lambda: (_open(famsock, stdlib.SOCK_RAW, b.interface, stack),
                                      _open(stdlib, stdlib.SOCK_RAW, b.interface, stack)))
        sender = a.run(_open, famsock, stdlib.SOCK_RAW, a.interface, stack)
        a.run(sender.send, frame)
        got, seen = b.run(ours.recvfrom, 2048), b.run(theirs.recvfrom, 2048)
        assert got == seen == (frame, (b.interface, P, famsock.PACKET_HOST, ARPHRD_ETHER, MAC_A))


def test_a_name_the_stdlib_cuts_is_refused(hosts: tuple[Host, Host]) -> None:
    """The stdlib copies the name into a 16-byte buffer: 15 bytes and a NUL. Given a longer name
    that starts with an existing 15-byte one, it binds to that interface."""
    _, b = hosts
    fifteen = "pkt-fifteen-chr"
    netns.run_ip("-n", b.namespace, "link", "add", fifteen, "type", "veth", "peer", "name", "pkt-fifteen-pr")
    try:
        with ExitStack() as stack:
            theirs = b.run(lambda: stack.enter_context(stdlib.socket(stdlib.AF_PACKET, stdlib.SOCK_DGRAM)))
            b.run(theirs.bind, (fifteen + "-and-more", P))
            assert b.run(theirs.getsockname)[0] == fifteen
            for path in ("auto", "raw"):
                with famsock.testing.syscall_path(path):
                    ours = b.run(lambda: stack.enter_context(
                        famsock.socket(famsock.AF_PACKET, stdlib.SOCK_DGRAM)))
                    with pytest.raises(OSError, match="names have at most 15 bytes, this one 24"):
                        b.run(ours.bind, (fifteen + "-and-more", P))
                    b.run(ours.bind, (fifteen, P))
                    assert b.run(ours.getsockname)[0] == fifteen
    finally:
        netns.run_ip("-n", b.namespace, "link", "delete", fifteen)
