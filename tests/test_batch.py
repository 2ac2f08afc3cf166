"""Batch datagram I/O (recvmmsg/sendmmsg into and out of a DatagramBatch), on both syscall paths.

Behaviour only, no timings: what arrives where (data, lengths, flags, senders), partial batches,
truncation, the socket's modes (blocking, non-blocking, timeout, signals), senders equal to what
recvfrom() returns for every datagram family, destinations (one, each, replies), argument
checks as the C methods make them, families through the registry (none claimed, a third
party's), and hygiene (fds, the caller's buffers, memory). The struct layouts are checked against
the C library's (tests/vectors/mmsghdr.c).
"""

from __future__ import annotations

import array
import asyncio
import ctypes
import errno
import gc
import signal
import socket as stdlib
import sys
import threading
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from itertools import count
from pathlib import Path
from typing import Any

import pytest

import famsock
from famsock import _raw_batch as raw
from famsock.testing import c_vectors, stdlib_view
from tests.helpers import (
    DemoAddress,
    FakePlugin,
    InterruptedByTestError,
    make_family,
    short_tempdir,
    use_plugins,
)

pytestmark = pytest.mark.usefixtures("no_fd_leak", "watchdog")

GENERATOR = Path(__file__).parent / "vectors" / "mmsghdr.c"
VECTORS = c_vectors.load(GENERATOR)
_names = count()


class HungError(Exception):
    """What the watchdog raises in a test that is still running after WATCHDOG seconds."""


WATCHDOG = 30.0  # seconds: every test here takes well under 3; a broken batch call must not hang the run


@pytest.fixture
def watchdog() -> Iterator[None]:
    """End a test whose receive blocks for good (a datagram the code under test failed to ask
    for): SIGALRM, whose handler raises in the main thread, as it does in a blocking
    recv_batch(). Tests that use the ``alarm`` fixture replace it while they run."""
    previous = signal.getsignal(signal.SIGALRM)

    def hung(signum: int, frame: object) -> None:
        raise HungError(f"the test was still running after {WATCHDOG} s")

    signal.signal(signal.SIGALRM, hung)
    signal.setitimer(signal.ITIMER_REAL, WATCHDOG)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# -- sockets of every datagram family ------------------------------------------------------------

@dataclass(frozen=True)
class Kind:
    """A datagram family and how to name a socket of it on this machine only."""

    name: str
    family: int

    def local(self, directory: Path) -> Any:
        if self.name == "inet":
            return ("127.0.0.1", 0)
        if self.name == "inet6":
            return ("::1", 0)
        if self.name == "unix-abstract":
            return b"\0famsock-batch-" + uuid.uuid4().hex.encode()
        return str(directory / f"s{next(_names)}")


KINDS = [
    pytest.param(Kind("inet", stdlib.AF_INET), id="inet", marks=pytest.mark.family("inet")),
    pytest.param(Kind("inet6", stdlib.AF_INET6), id="inet6", marks=pytest.mark.family("inet6")),
    pytest.param(Kind("unix-abstract", stdlib.AF_UNIX), id="unix-abstract", marks=pytest.mark.family("unix")),
    pytest.param(Kind("unix-path", stdlib.AF_UNIX), id="unix-path", marks=pytest.mark.family("unix")),
]
INET = Kind("inet", stdlib.AF_INET)
UNIX = Kind("unix-abstract", stdlib.AF_UNIX)


class Sockets:
    """Bound datagram sockets of one kind, all closed at the end of the test."""

    def __init__(self, kind: Kind, directory: Path) -> None:
        self.kind, self.directory = kind, directory
        self.opened: list[stdlib.socket] = []

    def __call__(self, make: Callable[..., Any] = famsock.socket, bind: bool = True) -> Any:
        sock = make(self.kind.family, stdlib.SOCK_DGRAM)
        self.opened.append(sock)
        if bind:
            sock.bind(self.kind.local(self.directory))
        return sock

    def close(self) -> None:
        for sock in self.opened:
            sock.close()


@pytest.fixture
def sockets(request: pytest.FixtureRequest) -> Iterator[Sockets]:
    kind = getattr(request, "param", INET)
    with short_tempdir() as directory:
        made = Sockets(kind, directory)
        try:
            yield made
        finally:
            made.close()


every_kind = pytest.mark.parametrize("sockets", KINDS, indirect=True)


def outcome(call: Callable[[], Any]) -> tuple[str, Any]:
    """How a call ends: its result, or its exception's type, errno and message."""
    try:
        return "returned", call()
    except Exception as exc:
        return type(exc).__name__, (getattr(exc, "errno", None), str(exc))


# -- the C library's layouts ---------------------------------------------------------------------

def test_the_layouts_are_the_c_librarys() -> None:
    layout = VECTORS["mmsghdr"]
    assert ctypes.sizeof(raw.Mmsghdr) == layout["size"]
    for field, offset in layout["offsets"].items():
        assert raw.offset(field) == offset, field
    hdr = {name: getattr(raw.Msghdr, name) for name, _ in raw.Msghdr._fields_}
    for field, size in layout["sizes"].items():
        assert (raw.Mmsghdr.msg_len if field == "msg_len" else hdr[field]).size == size, field
    assert ctypes.sizeof(raw.Iovec) == VECTORS["iovec"]["size"]
    assert {"iov_base": raw.Iovec.iov_base.offset, "iov_len": raw.Iovec.iov_len.offset} == \
        VECTORS["iovec"]["offsets"]
    assert VECTORS["sockaddr_storage"] == raw.ADDRESS_SIZE
    assert VECTORS["MSG_WAITFORONE"] == raw.MSG_WAITFORONE
    assert VECTORS["UIO_MAXIOV"] == raw.UIO_MAXIOV


def test_the_vectors_are_what_this_machines_headers_give() -> None:
    if c_vectors.compiler() is None:
        pytest.skip("no C compiler to regenerate the vectors with")
    assert c_vectors.regenerate(GENERATOR) == VECTORS


# -- receiving -----------------------------------------------------------------------------------

@every_kind
def test_a_batch_receives_what_recvfrom_receives(syscall_path: str, sockets: Sockets) -> None:
    receiver = sockets()
    senders = [sockets(stdlib.socket), sockets(stdlib.socket)]
    target = receiver.getsockname()
    messages = [b"first", b"", b"x" * 100, b"fourth", b"\0\1\2", b"last"]

    def send_all() -> None:
        for number, message in enumerate(messages):
            senders[number % 2].sendto(message, target)

    send_all()
    with stdlib_view(receiver) as plain:
        theirs = [plain.recvfrom(200) for _ in messages]
    send_all()
    typed = [receiver.recvfrom(200) for _ in messages]
    send_all()
    batch = famsock.DatagramBatch(8, 200)
    got = receiver.recv_batch(batch)

    assert got == len(messages)
    ours = list(zip([bytes(view) for view in batch.datagrams(got)], batch.addresses(got), strict=True))
    assert ours == typed == theirs
    assert [type(address) for _, address in ours] == [type(address) for _, address in typed]
    assert [bytes(batch[i]) for i in range(got)] == messages
    assert [batch.address(i) for i in range(got)] == [address for _, address in typed]
    assert list(batch.lengths[:got]) == [len(message) for message in messages]
    assert list(batch.flags[:got]) == [0] * got
    for slot in range(got):
        sockaddr = batch.sockaddr(slot)
        assert sockaddr is not None
        assert famsock.decode(sockaddr) == typed[slot][1]
        assert batch.address_table[slot * 128:slot * 128 + len(sockaddr)] == sockaddr
        assert batch.address_lengths[slot] == len(sockaddr)


def test_an_unnamed_unix_sender_has_no_address(syscall_path: str) -> None:
    with famsock.socket(famsock.AF_UNIX, famsock.SOCK_DGRAM) as receiver, \
            stdlib.socket(stdlib.AF_UNIX, stdlib.SOCK_DGRAM) as unnamed:
        receiver.bind(UNIX.local(Path()))
        unnamed.sendto(b"a", receiver.getsockname())
        unnamed.sendto(b"b", receiver.getsockname())
        assert receiver.recvfrom(10) == (b"a", None)
        batch = famsock.DatagramBatch(4, 10)
        assert receiver.recv_batch(batch) == 1
        assert (batch.sockaddr(0), batch.address(0), batch.addresses(1)) == (None, None, [None])


@pytest.mark.parametrize("blocking", [True, False], ids=["blocking", "non-blocking"])
def test_a_partial_batch_is_what_was_ready(syscall_path: str, sockets: Sockets, blocking: bool) -> None:
    receiver, sender = sockets(), sockets(stdlib.socket)
    receiver.setblocking(blocking)
    batch = famsock.DatagramBatch(8, 16)
    batch.lengths[3] = 999  # a slot the call does not reach keeps what it held
    for message in (b"a", b"bb", b"ccc"):
        sender.sendto(message, receiver.getsockname())
    # Should the call wait for more than the first datagram, these end the wait (and the test).
    rescue = threading.Timer(2, lambda: sender.send_batch([b"late"] * 8, to=receiver.getsockname()))
    rescue.start()
    try:
        got = receiver.recv_batch(batch)  # a blocking socket waits for the first one only
    finally:
        rescue.cancel()
        rescue.join()
    assert got == 3
    assert batch.datagrams(3) == [b"a", b"bb", b"ccc"]
    assert batch.lengths[3] == 999


def test_each_receive_has_room_for_the_longest_address(syscall_path: str) -> None:
    with famsock.socket(famsock.AF_UNIX, famsock.SOCK_DGRAM) as receiver, \
            stdlib.socket(stdlib.AF_UNIX, stdlib.SOCK_DGRAM) as short, \
            stdlib.socket(stdlib.AF_UNIX, stdlib.SOCK_DGRAM) as long:
        receiver.bind(UNIX.local(Path()))
        short.bind(b"\0s" + uuid.uuid4().hex.encode()[:4])
        long.bind(b"\0" + uuid.uuid4().hex.encode() * 3)
        batch = famsock.DatagramBatch(2, 8)
        for sender in (short, long, short, long):  # the kernel wrote the short one's length last time
            sender.sendto(b"x", receiver.getsockname())
            assert receiver.recv_batch(batch) == 1
            assert batch.address(0) == sender.getsockname()


def test_a_receive_after_a_send_has_whole_slots(syscall_path: str, sockets: Sockets) -> None:
    receiver, sender = sockets(), sockets()
    batch = famsock.DatagramBatch(2, 16)
    batch.slot(0)[:1] = b"!"
    batch.lengths[0] = 1
    assert receiver.send_batch(batch, 1, to=sender.getsockname()) == 1
    sender.sendto(b"sixteen bytes...", receiver.getsockname())
    assert receiver.recv_batch(batch, 1) == 1
    assert (bytes(batch[0]), batch.flags[0]) == (b"sixteen bytes...", 0)


def test_count_and_start_choose_the_slots(syscall_path: str, sockets: Sockets) -> None:
    receiver, sender = sockets(), sockets(stdlib.socket)
    messages = [b"A", b"BB", b"CCC", b"DDDD", b"E"]
    for message in messages:
        sender.sendto(message, receiver.getsockname())
    batch = famsock.DatagramBatch(6, 4)
    assert receiver.recv_batch(batch, 2) == 2
    assert receiver.recv_batch(batch, start=2) == 3
    assert batch.datagrams(5) == messages
    assert batch.datagrams(2, start=3) == [b"DDDD", b"E"] == [batch[3], batch[4]]
    assert batch.addresses(3, start=2) == [sender.getsockname()] * 3
    sender.sendto(b"F", receiver.getsockname())
    assert receiver.recv_batch(batch, 1, start=5) == 1
    assert bytes(batch[-1]) == b"F"
    assert batch.address(-1) == sender.getsockname()


def test_truncated_datagrams_are_flagged(syscall_path: str, sockets: Sockets) -> None:
    receiver, sender = sockets(), sockets(stdlib.socket)
    target = receiver.getsockname()
    messages = [b"fits", b"exactly8", b"x" * 20]
    with stdlib_view(receiver) as plain:
        for message in messages:
            sender.sendto(message, target)
        stdlib_flags = [plain.recvmsg(8)[2] for _ in messages]
    for message in messages:
        sender.sendto(message, target)
    batch = famsock.DatagramBatch(4, 8)
    assert receiver.recv_batch(batch) == 3
    assert list(batch.flags[:3]) == stdlib_flags == [0, 0, stdlib.MSG_TRUNC]
    assert list(batch.lengths[:3]) == [4, 8, 8]
    assert batch.datagrams(3) == [b"fits", b"exactly8", b"x" * 8]

    # With MSG_TRUNC asked for, the lengths are the datagrams' own, as recvfrom_into() returns them.
    for message in messages:
        sender.sendto(message, target)
    assert receiver.recv_batch(batch, flags=famsock.MSG_TRUNC) == 3
    assert list(batch.lengths[:3]) == [4, 8, 20]
    assert list(batch.flags[:3]) == [0, 0, stdlib.MSG_TRUNC]
    assert batch.datagrams(3) == [b"fits", b"exactly8", b"x" * 8]  # never past the slot


@every_kind
def test_more_datagrams_than_slots_wait_for_the_next_call(syscall_path: str, sockets: Sockets) -> None:
    receiver, sender = sockets(), sockets(stdlib.socket)
    for number in range(6):
        sender.sendto(bytes([number]), receiver.getsockname())
    batch = famsock.DatagramBatch(4, 4)
    assert receiver.recv_batch(batch) == 4
    assert batch.datagrams(4) == [b"\0", b"\1", b"\2", b"\3"]
    assert receiver.recv_batch(batch) == 2
    assert batch.datagrams(2) == [b"\4", b"\5"]


def test_a_send_takes_at_most_uio_maxiov_datagrams(syscall_path: str, sockets: Sockets) -> None:
    receiver, sender = sockets(), sockets()
    receiver.setsockopt(stdlib.SOL_SOCKET, VECTORS["SO_RCVBUFFORCE"], 1 << 23)  # room for every datagram
    receiver.setblocking(False)  # a datagram lost would fail the test, not hang it
    total = raw.UIO_MAXIOV + 76
    datagrams = [number.to_bytes(2, "big") for number in range(total)]
    assert sender.send_batch(datagrams, to=receiver.getsockname()) == raw.UIO_MAXIOV  # the kernel's limit
    assert sender.send_batch(datagrams, start=raw.UIO_MAXIOV, to=receiver.getsockname()) == 76
    batch = famsock.DatagramBatch(total, 2)
    assert receiver.recv_batch(batch) == total  # recvmmsg() has no such limit
    assert batch.datagrams() == datagrams


# -- the socket's modes ---------------------------------------------------------------------------

@pytest.mark.parametrize("timeout", [0.0, 0.05], ids=["non-blocking", "timeout"])
def test_nothing_queued_ends_as_recvfrom_does(syscall_path: str, sockets: Sockets, timeout: float) -> None:
    receiver = sockets()
    receiver.settimeout(timeout)
    batch = famsock.DatagramBatch(4, 16)
    with stdlib_view(receiver) as plain:
        plain.settimeout(timeout)
        theirs = outcome(lambda: plain.recvfrom(16))
    ours = outcome(lambda: receiver.recv_batch(batch))
    assert ours == theirs
    assert ours[0] == ("BlockingIOError" if timeout == 0 else "TimeoutError")


def test_a_timeout_socket_receives_what_arrives_in_time(syscall_path: str, sockets: Sockets) -> None:
    receiver, sender = sockets(), sockets()
    receiver.settimeout(5)
    late = threading.Timer(0.05, lambda: sender.send_batch([b"late", b"later"], to=receiver.getsockname()))
    late.start()
    try:
        batch = famsock.DatagramBatch(4, 16)
        got = receiver.recv_batch(batch)
    finally:
        late.join()
    assert 1 <= got <= 2
    assert batch.datagrams(got) == [b"late", b"later"][:got]


def test_a_blocking_receive_waits_for_the_first_datagram(syscall_path: str, sockets: Sockets) -> None:
    receiver, sender = sockets(), sockets()
    late = threading.Timer(0.05, lambda: sender.sendto(b"late", receiver.getsockname()))
    late.start()
    try:
        batch = famsock.DatagramBatch(4, 16)
        assert receiver.recv_batch(batch) == 1
    finally:
        late.join()
    assert bytes(batch[0]) == b"late"


def test_a_signal_does_not_end_a_blocking_receive(
        syscall_path: str, sockets: Sockets, alarm: Callable[[float, bool], list[int]]) -> None:
    receiver, sender = sockets(), sockets()
    calls = alarm(0.05, False)
    late = threading.Timer(0.3, lambda: sender.sendto(b"after", receiver.getsockname()))
    late.start()
    try:
        batch = famsock.DatagramBatch(2, 16)
        assert receiver.recv_batch(batch) == 1  # EINTR at 0.05 s, retried; the datagram at 0.3 s
    finally:
        late.join()
    assert calls == [signal.SIGALRM]
    assert bytes(batch[0]) == b"after"


def test_a_signal_handler_that_raises_ends_a_blocking_receive(
        syscall_path: str, sockets: Sockets, alarm: Callable[[float, bool], list[int]]) -> None:
    receiver = sockets()
    batch = famsock.DatagramBatch(2, 16)
    alarm(0.05, True)
    with pytest.raises(InterruptedByTestError):
        receiver.recv_batch(batch)
    receiver.setblocking(False)
    with pytest.raises(BlockingIOError):  # still a working socket
        receiver.recv_batch(batch)


def test_a_closed_socket_fails_as_recvfrom_does(syscall_path: str) -> None:
    receiver = famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM)
    plain = stdlib.socket(stdlib.AF_INET, stdlib.SOCK_DGRAM)
    receiver.close()
    plain.close()
    batch = famsock.DatagramBatch(2, 16)
    ours = outcome(lambda: receiver.recv_batch(batch))
    assert ours[0] == outcome(lambda: plain.recvfrom(16))[0] == "OSError"
    assert ours[1][0] == errno.EBADF
    assert outcome(lambda: receiver.send_batch([b"x"], to=("127.0.0.1", 9)))[1][0] == errno.EBADF


def test_asyncio_reads_what_is_ready_when_the_loop_says_readable(syscall_path: str, sockets: Sockets) -> None:
    receiver, sender = sockets(), sockets()
    receiver.setblocking(False)
    batch = famsock.DatagramBatch(4, 16)
    messages = [bytes([65 + number]) * 3 for number in range(10)]

    async def main() -> list[tuple[bytes, Any]]:
        loop = asyncio.get_running_loop()
        received: list[tuple[bytes, Any]] = []
        done = loop.create_future()

        def readable() -> None:
            while True:
                try:
                    got = receiver.recv_batch(batch)
                except BlockingIOError:
                    return
                received.extend(zip([bytes(view) for view in batch.datagrams(got)], batch.addresses(got),
                                    strict=True))
                if len(received) == len(messages) and not done.done():
                    done.set_result(None)

        loop.add_reader(receiver.fileno(), readable)
        try:
            loop.call_soon(lambda: sender.send_batch(messages, to=receiver.getsockname()))
            await asyncio.wait_for(done, 5)
        finally:
            loop.remove_reader(receiver.fileno())
        return received

    assert asyncio.run(main()) == [(message, sender.getsockname()) for message in messages]


# -- sending --------------------------------------------------------------------------------------

@every_kind
def test_send_to_one_address(syscall_path: str, sockets: Sockets) -> None:
    receiver, sender = sockets(stdlib.socket), sockets()
    datagrams: list[Any] = [b"bytes", bytearray(b"bytearray"), memoryview(b"view"), array.array("i", [1, 2]),
                            b""]
    assert sender.send_batch(datagrams, to=receiver.getsockname()) == 5
    arrived = [receiver.recvfrom(100) for _ in datagrams]
    assert arrived == [(bytes(memoryview(d)), sender.getsockname()) for d in datagrams]


@every_kind
def test_send_to_each_address(syscall_path: str, sockets: Sockets) -> None:
    first, second, sender = sockets(stdlib.socket), sockets(stdlib.socket), sockets()
    typed = famsock.parse_address(sockets.kind.family, second.getsockname())
    raw_address = famsock.RawSockaddr.from_sockaddr(famsock.encode(typed))
    destinations = [first.getsockname(), typed, raw_address, first.getsockname(), typed]
    assert sender.send_batch([b"0", b"1", b"2", b"3", b"4"], to_each=destinations) == 5
    assert [first.recv(10) for _ in range(2)] == [b"0", b"3"]
    assert [second.recv(10) for _ in range(3)] == [b"1", b"2", b"4"]


@every_kind
def test_replies_go_to_each_sender(syscall_path: str, sockets: Sockets) -> None:
    server = sockets()
    clients = [sockets(stdlib.socket) for _ in range(3)]
    for number, client in enumerate(clients):
        client.sendto(b"request %d" % number, server.getsockname())
    requests = famsock.DatagramBatch(8, 64)
    got = server.recv_batch(requests)
    assert got == 3
    assert server.send_batch(requests, got, reply_to=requests) == 3  # an echo, in place
    assert [client.recvfrom(64) for client in clients] == [
        (b"request %d" % number, server.getsockname()) for number in range(3)]

    replies = famsock.DatagramBatch(8, 64)
    for slot in range(got):
        text = b"reply to " + bytes(requests[slot])
        replies.slot(slot)[:len(text)] = text
        replies.lengths[slot] = len(text)
    assert server.send_batch(replies, got, reply_to=requests) == 3
    assert [client.recv(64) for client in clients] == [b"reply to request %d" % n for n in range(3)]


def test_send_from_a_batch_to_the_connected_peer(syscall_path: str, sockets: Sockets) -> None:
    receiver, sender = sockets(stdlib.socket), sockets()
    sender.connect(receiver.getsockname())
    memory = bytearray(64)
    with famsock.DatagramBatch(4, 16, buffer=memory) as batch:
        memory[0:3], memory[16:20], memory[32:33] = b"one", b"four", b"!"
        batch.lengths[0], batch.lengths[1], batch.lengths[2] = 3, 4, 1
        assert sender.send_batch(batch, 3) == 3
        assert sender.send_batch(batch, 1, start=1) == 1
    assert [receiver.recv(16) for _ in range(4)] == [b"one", b"four", b"!", b"four"]


def test_a_send_to_the_connected_peer_ignores_a_receives_senders(syscall_path: str, sockets: Sockets) -> None:
    server, client, peer = sockets(), sockets(stdlib.socket), sockets(stdlib.socket)
    client.sendto(b"request", server.getsockname())
    batch = famsock.DatagramBatch(2, 16)
    assert server.recv_batch(batch) == 1
    assert batch.address(0) == client.getsockname()
    server.connect(peer.getsockname())
    assert server.send_batch(batch, 1) == 1  # the peer's, not the sender's the slot last held
    assert peer.recvfrom(16) == (b"request", server.getsockname())
    client.setblocking(False)
    with pytest.raises(BlockingIOError):
        client.recv(16)


def test_a_partial_send_returns_the_count(syscall_path: str) -> None:
    # AF_UNIX datagram sockets queue at most net.unix.max_dgram_qlen datagrams per receiver
    with short_tempdir() as directory:
        unix = Sockets(UNIX, directory)
        try:
            receiver, sender = unix(), unix()
            sender.setblocking(False)
            limit = int(Path("/proc/sys/net/unix/max_dgram_qlen").read_text())
            datagrams = [b"%d" % number for number in range(limit + 20)]
            sent = sender.send_batch(datagrams, to=receiver.getsockname())
            assert 1 <= sent < len(datagrams)
            rest = outcome(lambda: sender.send_batch(datagrams, start=sent, to=receiver.getsockname()))
            assert rest[0] == "BlockingIOError"
            batch = famsock.DatagramBatch(len(datagrams), 8)
            assert receiver.recv_batch(batch) == sent
            assert batch.datagrams(sent) == datagrams[:sent]
        finally:
            unix.close()


def test_an_error_after_the_first_datagram_ends_the_batch(syscall_path: str) -> None:
    with short_tempdir() as directory:
        unix = Sockets(Kind("unix-path", stdlib.AF_UNIX), directory)
        try:
            receiver, sender = unix(), unix()
            missing = str(directory / "nobody")
            destinations = [receiver.getsockname(), receiver.getsockname(), missing, receiver.getsockname()]
            assert sender.send_batch([b"a", b"b", b"c", b"d"], to_each=destinations) == 2
            with stdlib.socket(stdlib.AF_UNIX, stdlib.SOCK_DGRAM) as plain:
                theirs = outcome(lambda: plain.sendto(b"c", missing))
            ours = outcome(lambda: sender.send_batch([b"a", b"b", b"c", b"d"], start=2, to_each=destinations))
            assert ours == theirs
            assert ours[0] == "FileNotFoundError"
            assert sender.send_batch([b"a", b"b", b"c", b"d"], start=3, to_each=destinations) == 1
            assert [receiver.recv(4) for _ in range(3)] == [b"a", b"b", b"d"]
        finally:
            unix.close()


# -- arguments ------------------------------------------------------------------------------------

def test_receive_arguments_are_checked(syscall_path: str, sockets: Sockets) -> None:
    receiver = sockets()
    receiver.setblocking(False)
    batch = famsock.DatagramBatch(4, 16)
    with pytest.raises(TypeError, match=r"argument 1 must be famsock\.DatagramBatch, not bytearray"):
        receiver.recv_batch(bytearray(16))
    with pytest.raises(ValueError, match="negative count"):
        receiver.recv_batch(batch, -1)
    with pytest.raises(ValueError, match="count 5 from 0 is past the last of 4"):
        receiver.recv_batch(batch, 5)
    with pytest.raises(ValueError, match="count 2 from 3 is past the last of 4"):
        receiver.recv_batch(batch, 2, start=3)
    with pytest.raises(ValueError, match="negative start"):
        receiver.recv_batch(batch, start=-1)
    with pytest.raises(TypeError, match="'str' object cannot be interpreted as an integer"):
        receiver.recv_batch(batch, "1")
    with stdlib_view(receiver) as plain:
        flag_values: list[Any] = ["0", 2**31, 2**63, -(2**31) - 1, 1.0]
        for flags in flag_values:
            ours = outcome(partial(receiver.recv_batch, batch, flags=flags))
            assert ours == outcome(partial(plain.recv, 16, flags)), flags


def test_send_arguments_are_checked(syscall_path: str, sockets: Sockets) -> None:
    receiver, sender = sockets(stdlib.socket), sockets()
    target = receiver.getsockname()
    batch = famsock.DatagramBatch(4, 16)
    with stdlib_view(sender) as plain:
        items: list[Any] = ["text", 5, memoryview(b"abcd")[::2]]
        for item in items:
            ours = outcome(partial(sender.send_batch, [b"ok", item], to=target))
            assert ours == outcome(partial(plain.sendmsg, [b"ok", item], [], 0, target)), item
        assert outcome(lambda: sender.send_batch(5, to=target)) == \
            ("TypeError", (None, "send_batch() argument 1 must be an iterable"))
        for flags in ["0", 2**31, 2**63]:
            ours = outcome(partial(sender.send_batch, [b"x"], flags=flags, to=target))
            assert ours == outcome(partial(plain.sendto, b"x", flags, target)), flags
    bad_port = ("127.0.0.1", 2**16)
    theirs = outcome(lambda: sender.sendto(b"x", bad_port))
    assert outcome(lambda: sender.send_batch([b"x"], to=bad_port)) == theirs
    assert outcome(lambda: sender.send_batch([b"x", b"y"], to_each=[target, bad_port])) == theirs
    with pytest.raises(TypeError, match="at most one of 'to', 'to_each' and 'reply_to'"):
        sender.send_batch([b"x"], to=target, to_each=[target])
    with pytest.raises(TypeError, match=r"'reply_to' must be famsock\.DatagramBatch, not list"):
        sender.send_batch([b"x"], reply_to=[target])
    with pytest.raises(ValueError, match="to_each has 1 addresses, datagrams 0 to 1 need as many"):
        sender.send_batch([b"x", b"y"], to_each=[target])
    with pytest.raises(ValueError, match="reply_to has 4 slots, datagrams 0 to 4 need as many"):
        sender.send_batch([b"x"] * 5, reply_to=batch)
    batch.lengths[2] = 17
    with pytest.raises(ValueError, match="slot 2 holds 16 bytes, its length is 17"):
        sender.send_batch(batch, 3, to=target)
    receiver.setblocking(False)
    with pytest.raises(BlockingIOError):  # nothing was sent
        receiver.recv(16)


def test_a_batch_is_made_of_checked_values() -> None:
    with pytest.raises(ValueError, match="at least one slot, got 0"):
        famsock.DatagramBatch(0)
    with pytest.raises(ValueError, match="0 or more bytes, got -1"):
        famsock.DatagramBatch(1, -1)
    with pytest.raises(OverflowError):
        famsock.DatagramBatch(2**31)
    with pytest.raises(TypeError, match=r"must be a writable C-contiguous bytes-like object .* not bytes"):
        famsock.DatagramBatch(1, 4, buffer=b"read only")
    with pytest.raises(ValueError, match="4 slots of 4 bytes need 16 bytes, the buffer has 15"):
        famsock.DatagramBatch(4, 4, buffer=bytearray(15))
    with pytest.raises(ValueError, match="at least one slot"):
        famsock.DatagramBatch.over([])
    with pytest.raises(TypeError, match="not bytes"):
        famsock.DatagramBatch.over([bytearray(4), b"read only"])
    batch = famsock.DatagramBatch(2, 4)
    with pytest.raises(ValueError, match="no socket has used this DatagramBatch yet"):
        batch.address(0)
    with pytest.raises(IndexError):
        batch[2]
    with pytest.raises(TypeError):
        batch["0"]  # type: ignore[index]
    assert len(batch) == 2
    assert repr(batch) == "<famsock.DatagramBatch 2 slots of 4 bytes>"


def test_over_gives_each_buffer_a_slot(syscall_path: str, sockets: Sockets) -> None:
    receiver, sender = sockets(), sockets()
    small, large = bytearray(2), array.array("B", bytes(10))
    batch = famsock.DatagramBatch.over([small, memoryview(large)])
    assert batch.size is None
    assert sender.send_batch([b"abc", b"defghij"], to=receiver.getsockname()) == 2
    assert receiver.recv_batch(batch) == 2
    assert (bytes(small), large.tobytes()[:7]) == (b"ab", b"defghij")
    assert list(batch.flags[:2]) == [stdlib.MSG_TRUNC, 0]
    batch.release()
    small.extend(b"resizable again")


# -- families through the registry ------------------------------------------------------------------

def test_a_family_no_plugin_claims_gets_raw_addresses(syscall_path: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # A plugin that claims nothing (with none at all, the registry would load the installed ones):
    # AF_INET is then the stdlib's, as any family no plugin claims.
    use_plugins(monkeypatch, ("nothing", FakePlugin()))
    with famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM) as receiver, \
            famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM) as sender:
        receiver.bind(("127.0.0.1", 0))
        sender.bind(("127.0.0.1", 0))
        assert receiver.syscall_path == "stdlib"
        with pytest.raises(famsock.FamilyError, match=r"addresses as famsock\.RawSockaddr") as caught:
            sender.send_batch([b"x"], to=receiver.getsockname())
        assert caught.value.errno == errno.EAFNOSUPPORT
        destination = famsock.RawSockaddr.from_sockaddr(c_sockaddr_in(receiver.getsockname()))
        assert sender.send_batch([b"x", b"y"], to=destination) == 2
        batch = famsock.DatagramBatch(4, 4)
        assert receiver.recv_batch(batch) == 2
        expected = famsock.RawSockaddr.from_sockaddr(c_sockaddr_in(sender.getsockname()))
        assert batch.addresses(2) == [expected, expected]
        assert type(batch.address(0)) is famsock.RawSockaddr


class PortOnly(DemoAddress):
    """A third party's view of AF_INET: the port alone (127.0.0.1 implied)."""

    __slots__ = ()


def test_a_third_party_family_codes_the_batchs_addresses(syscall_path: str,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def encode(address: PortOnly, spec: Any) -> bytes:
        calls.append("encode")
        return c_sockaddr_in(("127.0.0.1", address[0]))

    def decode(data: bytes, spec: Any) -> PortOnly:
        calls.append("decode")
        return PortOnly((int.from_bytes(data[2:4], "big"),))

    family = make_family("ports", stdlib.AF_INET, constant="AF_INET", address_type=PortOnly,
                         parse=lambda value, spec: PortOnly((int(value),)), encode=encode, decode=decode)
    use_plugins(monkeypatch, ("ports", FakePlugin(family)))
    with stdlib.socket(stdlib.AF_INET, stdlib.SOCK_DGRAM) as receiver, \
            famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM) as sender, \
            stdlib.socket(stdlib.AF_INET, stdlib.SOCK_DGRAM) as other:
        receiver.bind(("127.0.0.1", 0))
        other.bind(("127.0.0.1", 0))
        sender.bind(PortOnly((0,)))
        assert sender.syscall_path == "raw"  # a family without native handling
        port = receiver.getsockname()[1]
        assert sender.send_batch([b"a", b"b"], to=port) == 2  # parsed, then encoded, by the plugin
        assert receiver.recv(4) + receiver.recv(4) == b"ab"
        other.sendto(b"c", ("127.0.0.1", sender.getsockname()[0]))
        batch = famsock.DatagramBatch(2, 4)
        calls.clear()
        assert sender.recv_batch(batch) == 1
        assert calls == []  # nothing decoded until asked for
        assert batch.address(0) == PortOnly((other.getsockname()[1],))
        assert type(batch.address(0)) is PortOnly
        assert calls == ["decode"]  # and then once: memoized as recvfrom()'s results are


# -- NETLINK (the famsock-netlink plugin): the kernel's replies, and sockets' own datagrams -----------

NETLINK_KINDS = [pytest.param(stdlib.SOCK_RAW, id="raw-socket"), pytest.param(stdlib.SOCK_DGRAM, id="dgram")]
on_netlink = pytest.mark.family("netlink")  # skipped, with the reason, without the plugin
KERNEL = (0, 0)  # the kernel's netlink address: port id 0, no groups


def nlmsg(kind: int, flags: int, seq: int) -> bytes:
    """A payload-less netlink message, laid out as tests/vectors/mmsghdr.c found struct nlmsghdr."""
    layout = VECTORS["nlmsghdr"]
    data = bytearray(layout["size"])
    values = {"nlmsg_len": layout["size"], "nlmsg_type": kind, "nlmsg_flags": flags, "nlmsg_seq": seq,
              "nlmsg_pid": 0}
    for field, value in values.items():
        start = layout["offsets"][field]
        data[start:start + layout["sizes"][field]] = value.to_bytes(layout["sizes"][field], sys.byteorder)
    return bytes(data)


def acked_noops(seqs: range) -> list[bytes]:
    """NLMSG_NOOP requests with NLM_F_ACK: the kernel answers each with an NLMSG_ERROR (error 0)."""
    flags = VECTORS["NLM_F_REQUEST"] | VECTORS["NLM_F_ACK"]
    return [nlmsg(VECTORS["NLMSG_NOOP"], flags, seq) for seq in seqs]


def netlink_socket(kind: int) -> famsock.socket:
    sock = famsock.socket(famsock.AF_NETLINK, kind, VECTORS["NETLINK_ROUTE"])
    sock.settimeout(5)  # a reply the kernel did not send fails the test instead of hanging it
    return sock


@on_netlink
@pytest.mark.parametrize("kind", NETLINK_KINDS)
def test_netlink_replies_from_the_kernel_are_what_recvfrom_receives(syscall_path: str, kind: int) -> None:
    with netlink_socket(kind) as sock:
        sock.bind(KERNEL)
        requests = acked_noops(range(1, 4))
        for request in requests:
            sock.sendto(request, KERNEL)
        typed = [sock.recvfrom(64) for _ in requests]
        with stdlib_view(sock) as plain:
            for request in requests:
                plain.sendto(request, KERNEL)
            theirs = [plain.recvfrom(64) for _ in requests]
        batch = famsock.DatagramBatch(8, 64)

        assert sock.send_batch(requests, to=KERNEL) == 3
        assert sock.recv_batch(batch) == 3  # the kernel answers within sendmsg(): all three are queued
        assert list(zip(map(bytes, batch.datagrams(3)), batch.addresses(3), strict=True)) == typed == theirs
        assert [type(address) for address in batch.addresses(3)] == [type(typed[0][1])] * 3
        assert type(typed[0][1]).__name__ == "NetlinkAddress"
        type_at = VECTORS["nlmsghdr"]["offsets"]["nlmsg_type"]
        assert [batch[i][type_at] for i in range(3)] == [VECTORS["NLMSG_ERROR"]] * 3
        assert list(batch.lengths[:3]) == [VECTORS["ack_size"]] * 3
        assert list(batch.flags[:3]) == [0, 0, 0]

        # Truncated: flagged, cut at the slot; with MSG_TRUNC asked for, the whole lengths.
        small = famsock.DatagramBatch(4, 16)
        assert sock.send_batch(requests[:2], to=KERNEL) == 2
        assert sock.recv_batch(small) == 2
        assert list(small.flags[:2]) == [stdlib.MSG_TRUNC] * 2
        assert list(map(bytes, small.datagrams(2))) == [data[:16] for data, _ in theirs[:2]]
        assert sock.send_batch(requests[2:], to=KERNEL) == 1
        assert sock.recv_batch(small, flags=famsock.MSG_TRUNC) == 1
        assert (small.lengths[0], small.flags[0], bytes(small[0])) == (
            VECTORS["ack_size"], stdlib.MSG_TRUNC, theirs[2][0][:16])

        # Nothing queued: non-blocking and timeout sockets end as recvfrom() does.
        for timeout in (0.0, 0.05):
            sock.settimeout(timeout)
            ours = outcome(lambda: sock.recv_batch(batch))
            assert ours == outcome(lambda: sock.recvfrom(64))
            assert ours[0] == ("BlockingIOError" if timeout == 0 else "TimeoutError")


@on_netlink
@pytest.mark.parametrize("kind", NETLINK_KINDS)
def test_netlink_sockets_batch_datagrams_to_each_other(syscall_path: str, kind: int) -> None:
    with netlink_socket(kind) as first, netlink_socket(kind) as second:
        first.bind(KERNEL)  # port ids chosen by the kernel
        second.bind(KERNEL)
        typed = famsock.parse_address(famsock.AF_NETLINK, second.getsockname())
        raw_address = famsock.RawSockaddr.from_sockaddr(famsock.encode(typed))
        destinations = [second.getsockname(), typed, raw_address]
        assert first.send_batch([b"zero", b"one", b"two"], to_each=destinations) == 3
        batch = famsock.DatagramBatch(4, 16)
        assert second.recv_batch(batch) == 3
        assert batch.datagrams(3) == [b"zero", b"one", b"two"]
        assert batch.addresses(3) == [first.getsockname()] * 3
        first.sendto(b"three", second.getsockname())
        assert second.recvfrom(16) == (b"three", batch.address(0))
        assert type(batch.address(0)) is type(first.getsockname())

        assert second.send_batch(batch, 3, reply_to=batch) == 3  # echoed to the sender
        assert [first.recvfrom(16) for _ in range(3)] == [(data, second.getsockname())
                                                         for data in (b"zero", b"one", b"two")]


def test_a_third_party_familys_checks_apply_as_sendto_applies_them(syscall_path: str,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    refused, wrong_family = 9, 7  # ports check_use refuses and encode gets wrong

    def check_use(address: PortOnly, spec: Any, operation: str) -> None:
        if operation == "sendto" and address[0] == refused:
            raise OSError(errno.EACCES, f"ports: port {refused} is not for sending to")

    def encode(address: PortOnly, spec: Any) -> bytes:
        data = c_sockaddr_in(("127.0.0.1", address[0]))
        return b"\xff\x00" + data[2:] if address[0] == wrong_family else data

    family = make_family("ports", stdlib.AF_INET, constant="AF_INET", address_type=PortOnly,
                         parse=lambda value, spec: PortOnly((int(value),)), encode=encode,
                         decode=lambda data, spec: PortOnly((int.from_bytes(data[2:4], "big"),)),
                         check_use=check_use)
    use_plugins(monkeypatch, ("ports", FakePlugin(family)))
    with famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM) as sender, \
            stdlib.socket(stdlib.AF_INET, stdlib.SOCK_DGRAM) as receiver:
        receiver.bind(("127.0.0.1", 0))
        fine = receiver.getsockname()[1]
        for port, error in ((refused, "PermissionError"), (wrong_family, "PluginError")):
            theirs = outcome(partial(sender.sendto, b"x", port))
            assert theirs[0] == error, theirs
            assert outcome(partial(sender.send_batch, [b"x"], to=port)) == theirs
            assert outcome(partial(sender.send_batch, [b"x", b"y"], to_each=[fine, port])) == theirs
        receiver.setblocking(False)
        with pytest.raises(BlockingIOError):  # nothing was sent
            receiver.recv(4)


def c_sockaddr_in(address: tuple[str, int]) -> bytes:
    """struct sockaddr_in, as the kernel reports it (from the codec, which its tests check
    against C)."""
    from famsock_inet import FAMILY  # the inet codec, even while a test hides the plugin

    from famsock.contract import SocketSpec

    return FAMILY.encode(FAMILY.parse(address, SocketSpec(2, 2, 0)), SocketSpec(2, 2, 0))


# -- hygiene ----------------------------------------------------------------------------------------

def test_the_callers_buffer_is_held_until_released(syscall_path: str, sockets: Sockets) -> None:
    memory = bytearray(32)
    batch = famsock.DatagramBatch(2, 16, buffer=memory)
    with pytest.raises(BufferError):
        memory.extend(b"x")
    with batch:
        receiver, sender = sockets(), sockets()
        sender.sendto(b"in place", receiver.getsockname())
        assert receiver.recv_batch(batch) == 1
        assert memory[:8] == b"in place"
    assert repr(batch).endswith("(released)>")
    batch.release()  # again: nothing more to do
    memory.extend(b"resizable")
    calls: list[Callable[[], Any]] = [
        lambda: receiver.recv_batch(batch), lambda: sender.send_batch(batch, to=receiver.getsockname()),
        lambda: sender.send_batch([b"x"], reply_to=batch)]
    for call in calls:
        with pytest.raises(ValueError, match="released DatagramBatch"):
            call()

    other = bytearray(16)
    famsock.DatagramBatch(1, 16, buffer=other)  # dropped at once
    gc.collect()
    other.extend(b"resizable")


def test_a_release_during_a_call_waits_for_the_call(syscall_path: str, sockets: Sockets) -> None:
    receiver, sender = sockets(), sockets()
    memory = bytearray(16)
    batch = famsock.DatagramBatch(1, 16, buffer=memory)
    results: list[Any] = []
    waiting = threading.Thread(target=lambda: results.append(outcome(lambda: receiver.recv_batch(batch))))
    waiting.start()
    try:
        for _ in range(500):  # until the thread waits in the kernel: its frame holds the batch's memory
            frame = sys._current_frames().get(waiting.ident or 0)
            code, frame = frame and frame.f_code, None  # a frame held would keep its locals alive
            if code is raw.receive.__code__:
                break
            threading.Event().wait(0.01)
        else:
            pytest.fail("the receiving thread never reached recvmmsg()")
        batch.release()
        with pytest.raises(BufferError):  # the kernel may still write there
            memory.extend(b"x")
    finally:
        sender.sendto(b"arrived", receiver.getsockname())
        waiting.join(5)
    assert results == [("returned", 1)]
    assert memory[:7] == b"arrived"
    memory.extend(b"resizable")


def test_no_memory_growth_over_many_calls(syscall_path: str, sockets: Sockets) -> None:
    receiver, sender = sockets(), sockets()
    batch = famsock.DatagramBatch(8, 64)
    target = receiver.getsockname()

    def rounds(times: int) -> None:
        for _ in range(times):
            sender.send_batch([b"ping"] * 8, to=target)
            got = receiver.recv_batch(batch)
            batch.addresses(got)
            receiver.send_batch(batch, got, reply_to=batch)
            sender.recv_batch(batch)

    rounds(200)  # caches and pools filled
    tracemalloc.start()
    try:
        rounds(10)
        before = tracemalloc.get_traced_memory()[0]
        rounds(2000)
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 32 * 1024, grown


# -- audit --------------------------------------------------------------------------------------------

_seen: list[tuple[str, Any]] | None = None


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if _seen is not None and event == "socket.sendmsg":
        _seen.append((event, args[1]))


sys.addaudithook(_hook)  # hooks cannot be removed: this one records only inside the test


def test_a_batch_send_raises_the_sendmsg_audit_event(syscall_path: str, sockets: Sockets) -> None:
    global _seen
    receiver, sender = sockets(), sockets()
    target = receiver.getsockname()
    batch = famsock.DatagramBatch(2, 4)
    _seen = []
    try:
        sender.send_batch([b"a"], to=target)
        sender.send_batch([b"b"], to_each=[target])
        sender.connect(target)
        sender.send_batch([b"c"])
        receiver.recv_batch(batch)
        receiver.send_batch(batch, 1, reply_to=batch)
        events = list(_seen)
    finally:
        _seen = None
    assert events == [("socket.sendmsg", target), ("socket.sendmsg", [target]), ("socket.sendmsg", None),
                      ("socket.sendmsg", batch)]

