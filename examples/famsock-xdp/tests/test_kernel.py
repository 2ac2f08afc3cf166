"""AF_XDP on this machine's kernel, through famsock: every step of sending a frame, in a network
namespace the test makes, over a veth pair in copy mode.

The socket gets a UMEM and its rings through typed socket options, maps the rings with ``mmap``,
binds to queue 0 of one end, and queues a frame on the TX ring; the frame arrives at the other
end, where a plain AF_PACKET socket reads it. Where the kernel refuses a step, the tests show its
errno (and the README says why). The interpreter itself gets no further than ``bind()``, which it
refuses with "bad family" before any syscall.
"""

from __future__ import annotations

import errno
import socket as stdlib
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from typing import Any, NamedTuple, TypeVar

import pytest
from famsock_xdp import CompletionRing, MmapOffsets, TxRing, Umem, XdpAddress, XdpOptions, XdpStatistics

import famsock
from famsock.testing import netns

pytestmark = [pytest.mark.family("xdp"),
              pytest.mark.skipif(bool(netns.multi_host_unusable()), reason=netns.multi_host_unusable()),
              pytest.mark.usefixtures("no_fd_leak")]

T = TypeVar("T")
SECONDS = 10
FRAMES, ENTRIES = 16, 16
PROTO = 0x88B5  # IEEE 802 local experimental Ethertype
MAC_A, MAC_B = bytes.fromhex("020000000a02"), bytes.fromhex("020000000b02")
SOL_XDP = 283


class Link(NamedTuple):
    """A namespace with two veth pairs: ``xdpa``-``xdpb`` for sending, ``xdpc``-``xdpd`` for refusals."""

    namespace: str
    thread: ThreadPoolExecutor

    def run(self, call: Callable[..., T], *args: Any) -> T:
        return self.thread.submit(call, *args).result(SECONDS * 2)


@pytest.fixture(scope="module")
def link() -> Iterator[Link]:
    with netns.named_namespace("fsxdp") as namespace, netns.namespace_thread(namespace) as thread:
        for first, second in (("xdpa", "xdpb"), ("xdpc", "xdpd")):
            netns.veth_pair((namespace, first, 0), (namespace, second, 0))
            for interface in (first, second):
                key = f"net/ipv6/conf/{interface}/disable_ipv6"
                thread.submit(netns.write_sysctl, key, "1").result(SECONDS)
        netns.run_ip("-n", namespace, "link", "set", "xdpa", "address", MAC_A.hex(":"))
        netns.run_ip("-n", namespace, "link", "set", "xdpb", "address", MAC_B.hex(":"))
        for interface in ("xdpa", "xdpb", "xdpc", "xdpd"):
            netns.run_ip("-n", namespace, "link", "set", interface, "up")
        for interface in ("xdpa", "xdpb", "xdpc", "xdpd"):
            netns.wait_for_link(namespace, interface)
        yield Link(namespace, thread)


def _xdp_socket(stack: ExitStack, *, rings: tuple[int, ...] = (famsock.XDP_UMEM_FILL_RING,
                                                               famsock.XDP_UMEM_COMPLETION_RING,
                                                               famsock.XDP_TX_RING)) -> tuple[Any, Umem]:
    sock = stack.enter_context(famsock.socket(famsock.AF_XDP, stdlib.SOCK_RAW))
    umem = stack.enter_context(Umem(FRAMES))
    sock.set_option(SOL_XDP, famsock.XDP_UMEM_REG, umem.registration())
    for option in rings:
        sock.set_option(SOL_XDP, option, ENTRIES)
    return sock, umem


def _errno(call: Callable[..., Any], *args: Any) -> int | None:
    try:
        call(*args)
    except OSError as exc:
        return exc.errno
    return None


def test_the_interpreter_refuses_before_the_kernel() -> None:
    """What Python programs get today: the C methods know no AF_XDP address."""
    with stdlib.socket(famsock.AF_XDP, stdlib.SOCK_RAW) as sock:
        with pytest.raises(OSError, match="bad family"):
            sock.bind((1, 0))
        with pytest.raises(OSError, match="bad family"):
            sock.getsockname()


def test_a_frame_sent_through_the_tx_ring_arrives_on_the_peer(link: Link) -> None:
    frame = MAC_B + MAC_A + PROTO.to_bytes(2, "big") + b"through the TX ring" + bytes(41)

    def send_and_read() -> tuple[Any, ...]:
        with ExitStack() as stack:
            peer = stack.enter_context(stdlib.socket(stdlib.AF_PACKET, stdlib.SOCK_RAW))
            peer.settimeout(SECONDS)
            peer.bind(("xdpb", PROTO))
            sock, umem = _xdp_socket(stack)
            offsets = sock.get_option(SOL_XDP, famsock.XDP_MMAP_OFFSETS)
            assert type(offsets) is MmapOffsets
            tx = TxRing(sock, offsets.tx, ENTRIES)
            stack.callback(tx.close)
            completion = CompletionRing(sock, offsets.cr, ENTRIES)
            stack.callback(completion.close)
            address = famsock.address_from_text("xdp:xdpa:0:copy")  # the name, looked up in this namespace
            _bind(sock, address)
            assert sock.syscall_path == "raw"
            assert tx.push(umem.write(0, frame), len(frame))
            sock.send(b"", stdlib.MSG_DONTWAIT)  # wakes the kernel: copy mode sends from this call
            received = peer.recvfrom(2048)
            completed = _completed(completion)
            statistics = sock.get_option(SOL_XDP, famsock.XDP_STATISTICS)
            options = sock.get_option(SOL_XDP, famsock.XDP_OPTIONS)
            return address, received, completed, statistics, options, stdlib.if_nametoindex("xdpa")

    address, (data, source), completed, statistics, options, ifindex = link.run(send_and_read)
    assert address == (ifindex, 0, famsock.XDP_COPY, 0) and type(address) is XdpAddress
    assert famsock.address_to_text(address) == f"xdp:{ifindex}:0:copy"
    assert data == frame
    assert source == ("xdpb", PROTO, stdlib.PACKET_HOST, 1, MAC_A)
    assert completed == 0  # frame 0 of the UMEM, given back
    assert type(statistics) is XdpStatistics and statistics.tx_invalid_descs == 0
    assert options == XdpOptions(flags=0)  # copy mode, not zero-copy


def _bind(sock: Any, address: XdpAddress) -> None:
    """bind(), waiting while the kernel still releases the queue from a socket closed before
    (its release is deferred: EBUSY meanwhile)."""
    deadline = time.monotonic() + SECONDS
    while True:
        try:
            sock.bind(address)
            return
        except OSError as exc:
            if exc.errno != errno.EBUSY or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _completed(ring: CompletionRing) -> int | None:
    deadline = time.monotonic() + SECONDS
    while (address := ring.pop()) is None and time.monotonic() < deadline:
        time.sleep(0.01)
    return address


def test_the_kernel_names_no_xdp_socket() -> None:
    """getsockname() reaches the kernel, which has no name for an XDP socket: EOPNOTSUPP."""
    with famsock.socket(famsock.AF_XDP, stdlib.SOCK_RAW) as sock:
        assert _errno(sock.getsockname) == errno.EOPNOTSUPP
        assert _errno(sock.getpeername) == errno.EOPNOTSUPP
        assert _errno(sock.connect, (1, 0)) == errno.EOPNOTSUPP  # nor connects one


def test_the_kernels_refusals(link: Link) -> None:
    """Each step the kernel refuses, with its errno (README: why)."""

    def refusals() -> dict[str, int | None]:
        found: dict[str, int | None] = {}
        with ExitStack() as stack:
            bare = stack.enter_context(famsock.socket(famsock.AF_XDP, stdlib.SOCK_RAW))
            found["bind with no UMEM"] = _errno(bare.bind, ("xdpc", 0, famsock.XDP_COPY))
            found["ring of 3 entries"] = _errno(bare.set_option, SOL_XDP, famsock.XDP_TX_RING, 3)
            found["UMEM not page aligned"] = _errno(bare.set_option, SOL_XDP, famsock.XDP_UMEM_REG,
                                                    (4096 + 12, 4096, 4096))
            umem_rings = (famsock.XDP_UMEM_FILL_RING, famsock.XDP_UMEM_COMPLETION_RING)
            no_tx, _ = _xdp_socket(stack, rings=umem_rings)
            found["bind with neither RX nor TX ring"] = _errno(no_tx.bind, ("xdpc", 0, famsock.XDP_COPY))
            sock, _ = _xdp_socket(stack)
            found["zero-copy on veth"] = _errno(sock.bind, ("xdpc", 0, famsock.XDP_ZEROCOPY))
            found["queue 5 of 1"] = _errno(sock.bind, ("xdpc", 5, famsock.XDP_COPY))
            found["interface 999999"] = _errno(sock.bind, (999999, 0, famsock.XDP_COPY))
        return found

    assert link.run(refusals) == {
        "bind with no UMEM": errno.EINVAL,
        "ring of 3 entries": errno.EINVAL,
        "UMEM not page aligned": errno.EINVAL,
        "bind with neither RX nor TX ring": errno.EINVAL,
        "zero-copy on veth": errno.EOPNOTSUPP,
        "queue 5 of 1": errno.EINVAL,
        "interface 999999": errno.ENODEV,
    }


def test_only_raw_sockets() -> None:
    assert _errno(famsock.socket, famsock.AF_XDP, stdlib.SOCK_DGRAM) == errno.ESOCKTNOSUPPORT
