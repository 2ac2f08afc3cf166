"""Batch datagram I/O (recv_batch/send_batch, recvmmsg/sendmmsg) on AF_TIPC, on both syscall paths,
side by side with recvfrom() and with the stdlib's own socket.

SOCK_RDM and SOCK_DGRAM; the senders a batch decodes are what recvfrom() returns, a group
member's pair of sockaddrs included (its ``member`` kept, as recvfrom() keeps it). The behaviour
of the batch calls in general is tested in the core's tests/test_batch.py; here, what is TIPC's.
"""

from __future__ import annotations

import socket as stdlib
from collections.abc import Callable
from typing import Any

import pytest
from famsock_tipc import TipcGroupRequest, TipcServiceAddress, TipcSocketAddress
from tipc_kernel import BOUNDED, SOL_TIPC

import famsock
from famsock.testing.compare import plain, stdlib_view

Make = Callable[..., Any]
DATAGRAM_KINDS = [pytest.param(stdlib.SOCK_RDM, id="rdm"), pytest.param(stdlib.SOCK_DGRAM, id="dgram")]


def outcome(call: Callable[[], Any]) -> tuple[str, Any]:
    """How a call ends: its result, or its exception's type and errno."""
    try:
        return "returned", call()
    except Exception as exc:
        return type(exc).__name__, getattr(exc, "errno", None)


def receive_all(sock: famsock.socket, batch: famsock.DatagramBatch, expected: int, flags: int = 0) -> int:
    """recv_batch() into ``batch`` until ``expected`` datagrams arrived (each call bounded by the
    socket's timeout, the loop by ``expected`` calls); returns how many."""
    got = 0
    for _ in range(expected):
        got += sock.recv_batch(batch, expected - got, flags, start=got)
        if got == expected:
            break
    return got


@pytest.mark.parametrize("kind", DATAGRAM_KINDS)
def test_a_batch_receives_what_recvfrom_receives(tipc: Make, plain_tipc: Make, service_type: int,
                                                 syscall_path: str, kind: int) -> None:
    server = tipc(kind)
    server.bind(TipcServiceAddress(service_type, 1))
    senders = [tipc(kind), plain_tipc(kind)]
    service = (famsock.TIPC_ADDR_NAME, service_type, 1, 0)
    messages = [b"first", b"second", b"x" * 100, b"fourth"]

    def send_all() -> None:
        for number, message in enumerate(messages):
            senders[number % 2].sendto(message, service)

    send_all()
    typed = [server.recvfrom(200) for _ in messages]
    send_all()
    with stdlib_view(server) as view:
        view.settimeout(BOUNDED)
        theirs = [view.recvfrom(200) for _ in messages]
    send_all()
    batch = famsock.DatagramBatch(8, 200)
    assert receive_all(server, batch, len(messages)) == len(messages)

    ours = list(zip(map(bytes, batch.datagrams(len(messages))), batch.addresses(len(messages)), strict=True))
    assert ours == typed
    assert [(data, plain(address)) for data, address in ours] == theirs
    assert [address for _, address in ours] == [sender.getsockname() for sender in senders] * 2
    assert all(type(address) is TipcSocketAddress for _, address in ours)
    assert list(batch.lengths[:len(messages)]) == [len(message) for message in messages]
    assert list(batch.flags[:len(messages)]) == [0] * len(messages)


@pytest.mark.parametrize("recv_flags", [0, stdlib.MSG_TRUNC], ids=["plain", "MSG_TRUNC"])
@pytest.mark.parametrize("kind", DATAGRAM_KINDS)
def test_truncated_datagrams_are_flagged_as_recvmsg_flags_them(
        tipc: Make, service_type: int, syscall_path: str, kind: int, recv_flags: int) -> None:
    server, client = tipc(kind), tipc(kind)
    server.bind(TipcServiceAddress(service_type, 1))
    messages = [b"fits", b"exactly8", b"x" * 20]

    def send_all() -> None:
        for message in messages:
            client.sendto(message, TipcServiceAddress(service_type, 1))

    send_all()
    with stdlib_view(server) as view:
        view.settimeout(BOUNDED)
        theirs = [view.recvmsg_into([bytearray(8)], 0, recv_flags)[::2] for _ in messages]  # (length, flags)
    send_all()
    batch = famsock.DatagramBatch(4, 8)
    assert receive_all(server, batch, 3, recv_flags) == 3
    assert list(zip(batch.lengths[:3], batch.flags[:3], strict=True)) == theirs
    assert [flags for _, flags in theirs] == [0, 0, stdlib.MSG_TRUNC]
    assert batch.datagrams(3) == [b"fits", b"exactly8", b"x" * 8]  # never past the slot


@pytest.mark.parametrize("kind", DATAGRAM_KINDS)
def test_send_to_a_service_to_each_and_replies(tipc: Make, plain_tipc: Make, service_type: int,
                                               syscall_path: str, kind: int) -> None:
    server, client, other = tipc(kind), tipc(kind), plain_tipc(kind)
    server.bind(TipcServiceAddress(service_type, 1))
    assert client.send_batch([b"one", b"two"], to=(famsock.TIPC_ADDR_NAME, service_type, 1, 0)) == 2
    other.sendto(b"three", (stdlib.TIPC_ADDR_NAME, service_type, 1, 0))
    batch = famsock.DatagramBatch(4, 16)
    assert receive_all(server, batch, 3) == 3
    assert batch.datagrams(3) == [b"one", b"two", b"three"]
    assert batch.addresses(3) == [client.getsockname(), client.getsockname(), other.getsockname()]

    assert server.send_batch(batch, 3, reply_to=batch) == 3  # an echo, to each sender
    assert [client.recvfrom(16) for _ in range(2)] == [(b"one", server.getsockname()),
                                                      (b"two", server.getsockname())]
    assert other.recvfrom(16) == (b"three", plain(server.getsockname()))

    destinations = [client.getsockname(), other.getsockname(), TipcServiceAddress(service_type, 1)]
    assert client.send_batch([b"to self", b"to other", b"to server"], to_each=destinations) == 3
    assert client.recvfrom(16) == (b"to self", client.getsockname())
    assert other.recvfrom(16) == (b"to other", plain(client.getsockname()))
    assert server.recvfrom(16) == (b"to server", client.getsockname())


@pytest.mark.parametrize("timeout", [0.0, 0.05], ids=["non-blocking", "timeout"])
def test_nothing_queued_ends_as_recvfrom_does(tipc: Make, service_type: int, syscall_path: str,
                                              timeout: float) -> None:
    server = tipc()
    server.bind(TipcServiceAddress(service_type, 1))
    server.settimeout(timeout)
    batch = famsock.DatagramBatch(4, 16)
    ours = outcome(lambda: server.recv_batch(batch))
    assert ours == outcome(lambda: server.recvfrom(16))
    assert ours[0] == ("BlockingIOError" if timeout == 0 else "TimeoutError")


def test_a_group_members_sender_keeps_its_member_name(tipc: Make, service_type: int,
                                                      syscall_path: str) -> None:
    first, second = tipc(), tipc()
    first.set_option(SOL_TIPC, famsock.TIPC_GROUP_JOIN, TipcGroupRequest(service_type, 1))
    second.set_option(SOL_TIPC, famsock.TIPC_GROUP_JOIN, TipcGroupRequest(service_type, 2))
    second.send(b"by recvfrom")
    data, sender = first.recvfrom(100)
    assert data == b"by recvfrom" and sender.member is not None
    assert second.send_batch([b"one", b"two"]) == 2  # broadcasts: no destination in a group
    batch = famsock.DatagramBatch(4, 100)
    assert receive_all(first, batch, 2) == 2
    assert batch.datagrams(2) == [b"one", b"two"]
    assert batch.addresses(2) == [sender, sender]
    assert [address.member for address in batch.addresses(2)] == [sender.member] * 2
    assert batch.address(0).member == TipcServiceAddress(service_type, 2, scope=0)
