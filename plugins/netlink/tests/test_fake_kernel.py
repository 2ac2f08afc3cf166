"""Conversations over real sockets with a fake kernel (famsock_netlink.testing), sync and asyncio,
on both syscall paths: what a kernel rarely or never sends, on demand."""

from __future__ import annotations

import asyncio
import errno
from collections.abc import Iterator

import famsock_netlink
import pytest
from famsock_netlink import (
    AsyncConnection,
    DumpInterruptedError,
    MalformedMessageError,
    NetlinkError,
    OverrunError,
    UnexpectedReplyError,
)
from famsock_netlink.constants import NETLINK_USERSOCK
from famsock_netlink.testing import FakeKernel

pytestmark = [pytest.mark.family("netlink"), pytest.mark.usefixtures("no_fd_leak")]
T = 0x10  # a message type of the fake's own


@pytest.fixture
def kernel(syscall_path: str) -> Iterator[FakeKernel]:
    with FakeKernel() as fake:
        yield fake


def test_a_multipart_dump_across_datagrams(kernel: FakeKernel) -> None:
    with kernel.connection() as nl:
        pending = nl.submit_raw(T, kind="dump")
        request = kernel.receive()
        assert request.type == T and request.flags & 0x300 and request.sender == nl.pid
        kernel.send(nl.pid, kernel.message(request, T, b"one", multi=True),
                    kernel.message(request, T, b"two", multi=True))
        kernel.send(nl.pid, kernel.message(request, T, b"three", multi=True), kernel.done(request))
        assert [reply.payload for reply in nl.replies(pending)] == [b"one", b"two", b"three"]
        assert not nl.conversation.pending


def test_an_error_with_extended_ack(kernel: FakeKernel) -> None:
    with kernel.connection() as nl:
        pending = nl.submit_raw(T)
        request = kernel.receive()
        kernel.send(nl.pid, kernel.error(request, errno.EPERM, extack={"message": "not yours", "offset": 16}))
        with pytest.raises(PermissionError) as raised:
            list(nl.replies(pending))
        assert isinstance(raised.value, NetlinkError) and raised.value.errno == errno.EPERM
        assert raised.value.extack.message == "not yours" and raised.value.extack.offset == 16
        assert "not yours" in str(raised.value)


def test_dump_intr_yields_what_arrived_then_raises(kernel: FakeKernel) -> None:
    with kernel.connection() as nl:
        replies = nl.replies(nl.submit_raw(T, kind="dump"))
        request = kernel.receive()
        kernel.send(nl.pid, kernel.message(request, T, b"a", multi=True, flags=0x10),
                    kernel.message(request, T, b"b", multi=True), kernel.done(request))
        assert next(replies).payload == b"a" and next(replies).payload == b"b"
        with pytest.raises(DumpInterruptedError, match="2 messages yielded"):
            next(replies)


def test_wrong_seq_and_wrong_pid_are_refused(kernel: FakeKernel) -> None:
    with kernel.connection() as nl:
        pending = nl.submit_raw(T, kind="dump")
        request = kernel.receive()
        kernel.send(nl.pid, kernel.message(request, T, b"x", seq=request.seq ^ 0xFF, multi=True))
        with pytest.raises(UnexpectedReplyError, match="sequence number"):
            list(nl.replies(pending))
        pending = nl.submit_raw(T)
        request = kernel.receive()
        kernel.send(nl.pid, kernel.message(request, T, b"x", pid=nl.pid + 1))
        with pytest.raises(UnexpectedReplyError, match="addressed to port"):
            list(nl.replies(pending))


def test_a_third_party_socket_is_not_the_peer(kernel: FakeKernel) -> None:
    """Any process may send to a NETLINK_USERSOCK port: the connection believes only its peer."""
    with kernel.connection() as nl, FakeKernel() as intruder:
        pending = nl.submit_raw(T, kind="dump")
        request = kernel.receive()
        intruder.send(nl.pid, intruder.message(request, T, b"forged", multi=True), intruder.done(request))
        with pytest.raises(UnexpectedReplyError, match=f"from port {intruder.pid}"):
            next(nl.replies(pending))
    with kernel.connection(foreign="discard") as nl, FakeKernel() as intruder:
        pending = nl.submit_raw(T, kind="dump")
        request = kernel.receive()
        intruder.send(nl.pid, intruder.message(request, T, b"forged", multi=True), intruder.done(request))
        kernel.send(nl.pid, kernel.message(request, T, b"real", multi=True), kernel.done(request))
        assert [reply.payload for reply in nl.replies(pending)] == [b"real"]
        assert nl.conversation.discarded == 1


@pytest.mark.parametrize("length", [8, 15, 999, 2**32 - 1])
def test_lying_and_truncated_lengths_fail_clearly(kernel: FakeKernel, length: int) -> None:
    with kernel.connection() as nl:
        pending = nl.submit_raw(T, kind="dump")
        request = kernel.receive()
        kernel.send(nl.pid, kernel.message(request, T, b"abcd", multi=True, length=length))
        with pytest.raises(MalformedMessageError, match=f"claims nlmsg_len {length}"):
            list(nl.replies(pending))


def test_a_truncated_datagram_is_refused(kernel: FakeKernel) -> None:
    with kernel.connection(buffer_size=64) as nl:
        pending = nl.submit_raw(T, kind="dump")
        request = kernel.receive()
        kernel.send(nl.pid, kernel.message(request, T, bytes(100), multi=True))
        with pytest.raises(MalformedMessageError, match="larger than the 64-byte buffer"):
            list(nl.replies(pending))


def test_several_requests_in_flight_answered_out_of_order(kernel: FakeKernel) -> None:
    with kernel.connection() as nl:
        first, second, third = nl.submit_raw(T, kind="dump"), nl.submit_raw(T), nl.submit_raw(T)
        requests = [kernel.receive() for _ in range(3)]
        assert len({request.seq for request in requests}) == 3
        one, two, three = requests
        kernel.send(nl.pid, kernel.message(three, T, b"3"), kernel.ack(three))
        kernel.send(nl.pid, kernel.message(one, T, b"1", multi=True), kernel.message(two, T, b"2"))
        kernel.send(nl.pid, kernel.ack(two), kernel.done(one))
        assert [r.payload for r in nl.replies(second)] == [b"2"]
        assert [r.payload for r in nl.replies(third)] == [b"3"]
        assert [r.payload for r in nl.replies(first)] == [b"1"]


def test_a_second_dump_waits_for_the_first_to_end(kernel: FakeKernel) -> None:
    """The kernel runs one dump per socket (another gets EBUSY): the second is sent after the
    first one's NLMSG_DONE was read."""
    with kernel.connection() as nl:
        first, second = nl.submit_raw(T, kind="dump"), nl.submit_raw(T, kind="dump")
        one = kernel.receive()
        kernel.sock.settimeout(0.2)
        with pytest.raises(TimeoutError):
            kernel.receive()  # not sent yet
        kernel.sock.settimeout(5)
        kernel.send(nl.pid, kernel.message(one, T, b"1", multi=True), kernel.done(one))
        assert [r.payload for r in nl.replies(first)] == [b"1"]
        two = kernel.receive()
        assert two.seq == second.seq
        kernel.send(nl.pid, kernel.message(two, T, b"2", multi=True), kernel.done(two))
        assert [r.payload for r in nl.replies(second)] == [b"2"]


def test_leaving_a_dump_early_drops_its_remaining_replies(kernel: FakeKernel) -> None:
    with kernel.connection() as nl:
        replies = nl.replies(nl.submit_raw(T, kind="dump"))
        request = kernel.receive()
        kernel.send(nl.pid, kernel.message(request, T, b"1", multi=True))
        assert next(replies).payload == b"1"
        replies.close()
        kernel.send(nl.pid, kernel.message(request, T, b"2", multi=True), kernel.done(request))
        pending = nl.submit_raw(T)
        ack = kernel.receive()
        kernel.send(nl.pid, kernel.ack(ack))
        assert list(nl.replies(pending)) == []  # the old dump's tail was read and dropped


def test_overrun_of_a_multicast_subscription(kernel: FakeKernel) -> None:
    """A listener that is not read while events pour in: ENOBUFS, surfaced as OverrunError (or
    yielded as one), never swallowed; with NETLINK_NO_ENOBUFS asked for, the kernel says nothing."""
    with kernel.connection(groups=[1], receive_buffer=4096) as nl:
        for _ in range(64):
            kernel.send_group(1, kernel.message(None, T, bytes(200)))
        with pytest.raises(OverrunError):
            for _event in nl.events():
                pass
    with kernel.connection(groups=[1], receive_buffer=4096) as nl:
        for _ in range(64):
            kernel.send_group(1, kernel.message(None, T, bytes(200)))
        events = nl.events(overruns="yield")
        seen = [next(events) for _ in range(2)]
        assert isinstance(seen[0], OverrunError) and seen[0].errno == errno.ENOBUFS
        assert seen[1].type == T  # listening goes on after the overrun
    with kernel.connection(groups=[1], receive_buffer=4096, no_enobufs=True, timeout=0.5) as nl:
        for _ in range(64):
            kernel.send_group(1, kernel.message(None, T, bytes(200)))
        received = []
        events = nl.events()
        with pytest.raises(TimeoutError):  # noqa: PT012 - the listening ends when nothing more comes
            while True:
                received.append(next(events))
        assert 0 < len(received) < 64  # some were dropped, and nobody was told


def test_events_are_read_as_their_declared_family(kernel: FakeKernel) -> None:
    link = famsock_netlink._messages.codec(famsock_netlink._declarations.spec("rt-link"))
    data = link.encode("newlink", attributes={"ifname": "fake0", "mtu": 9000})
    with kernel.connection(groups=[1], events=["rt-link"], timeout=5) as nl:
        kernel.send_group(1, data)
        event = next(nl.events())
        assert event.operation == "newlink-ntf" and event["ifname"] == "fake0" and event["mtu"] == 9000


# -- asyncio ---------------------------------------------------------------------------------------


def test_async_dump_error_and_requests_in_flight(kernel: FakeKernel) -> None:
    async def scenario() -> tuple[list[bytes], BaseException | None, BaseException | None]:
        async with AsyncConnection(NETLINK_USERSOCK, peer=kernel.pid) as nl:
            first = await nl.submit_raw(T, kind="dump")
            second = await nl.submit_raw(T)
            one, two = kernel.receive(), kernel.receive()
            payloads: list[bytes] = []

            async def collect() -> BaseException | None:
                try:
                    async for reply in nl.replies(first):
                        payloads.append(reply.payload)
                except DumpInterruptedError as exc:
                    return exc
                return None

            async def refused() -> BaseException | None:
                try:
                    async for _ in nl.replies(second):
                        pass
                except NetlinkError as exc:
                    return exc
                return None

            tasks = asyncio.gather(collect(), refused())  # two tasks wait on one socket
            await asyncio.sleep(0)
            kernel.send(nl.pid, kernel.message(one, T, b"a", multi=True),
                        kernel.error(two, errno.EEXIST, extack={"message": "exists"}))
            kernel.send(nl.pid, kernel.message(one, T, b"b", multi=True, flags=0x10), kernel.done(one))
            interrupted, error = await asyncio.wait_for(tasks, 10)
            return payloads, interrupted, error

    payloads, interrupted, error = asyncio.run(asyncio.wait_for(scenario(), 20))
    assert payloads == [b"a", b"b"]
    assert isinstance(interrupted, DumpInterruptedError) and interrupted.count == 2
    assert isinstance(error, FileExistsError) and isinstance(error, NetlinkError) and "exists" in str(error)


def test_async_overrun_and_events(kernel: FakeKernel) -> None:
    async def scenario() -> None:
        async with AsyncConnection(NETLINK_USERSOCK, peer=kernel.pid, groups=[2], receive_buffer=4096) as nl:
            for _ in range(64):
                kernel.send_group(2, kernel.message(None, T, bytes(200)))
            events = nl.events(overruns="yield")
            first = await asyncio.wait_for(events.__anext__(), 10)
            second = await asyncio.wait_for(events.__anext__(), 10)
            assert isinstance(first, OverrunError) and second.type == T
            await events.aclose()

    asyncio.run(asyncio.wait_for(scenario(), 20))
