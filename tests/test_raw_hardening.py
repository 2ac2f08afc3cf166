"""Hardening of the raw syscall bridge (famsock/_raw_calls.py, _raw_messages.py, _blocking.py, _libc.py).

- MSG_TRUNC: a receive returns only bytes of the message just received, never a pooled buffer's
  older contents (the kernel's count is the datagram's full length, beyond what it wrote).
- Stale fds: a call retried after EINTR or a wait uses the socket's fd as it is now: closed meanwhile
  (its number maybe reused by a new socket), the call raises EBADF and leaves the new socket alone.
- Integers: sizes and flags are checked as the C methods parse them (``n`` and ``i``) and passed
  to libc whole; errors are the C methods' types and messages.
- Timeouts beyond INT_MAX milliseconds wait, as the stdlib's do.
- Timeout sockets wait for readiness before the call, as the C methods' ``sock_call_ex()`` does:
  a call that would fail or succeed at once on a socket that is not ready times out instead.

The stdlib socket is the reference wherever it behaves: the same case runs on both.
"""

from __future__ import annotations

import ctypes
import errno
import mmap
import os
import signal
import socket as stdlib
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import pytest

import famsock
import famsock.testing
from famsock import _libc, _raw_calls
from famsock.testing import open_fds
from tests.helpers import InterruptedByTestError

UNIX, DGRAM, STREAM = stdlib.AF_UNIX, stdlib.SOCK_DGRAM, stdlib.SOCK_STREAM
SECRET = b"password=hunter2;" * 20
BOUND = 10.0  # seconds: the longest any wait in these tests may take


@pytest.fixture(autouse=True)
def raw_path() -> Iterator[None]:
    """Every famsock socket here takes the raw path; every test closes what it opens."""
    before = open_fds()
    with famsock.testing.syscall_path("raw"):
        yield
    assert open_fds() == before


def abstract() -> bytes:
    return b"\0famsock-hardening-" + uuid.uuid4().hex.encode()


def leave_secret_in_the_pool() -> None:
    """Receive SECRET on the raw path: the pooled data buffer holds it afterwards."""
    a, b = famsock.socketpair(UNIX, DGRAM)
    with a, b:
        b.send(SECRET)
        assert a.recvfrom(4096)[0] == SECRET
        b.send(SECRET)
        assert a.recvmsg(4096)[0] == SECRET


# -- MSG_TRUNC ------------------------------------------------------------------------------------

RECEIVERS: dict[str, Callable[[Any, int, int], bytes]] = {
    "recvfrom": lambda sock, size, flags: sock.recvfrom(size, flags)[0],
    "recvmsg": lambda sock, size, flags: sock.recvmsg(size, 0, flags)[0],
}


@pytest.mark.parametrize("method", RECEIVERS)
@pytest.mark.parametrize("flags", [
    stdlib.MSG_TRUNC, int(stdlib.MSG_TRUNC), stdlib.MSG_TRUNC | stdlib.MSG_PEEK,
    int(stdlib.MSG_TRUNC | stdlib.MSG_PEEK),
], ids=["trunc", "trunc-int", "peek", "peek-int"])  # ints take the fast path's flag test
@pytest.mark.parametrize("bufsize", [1, 10, 70000], ids=["1", "10", "beyond-the-pool"])
def test_msg_trunc_returns_only_bytes_of_the_datagram(method: str, flags: int, bufsize: int) -> None:
    leave_secret_in_the_pool()
    a, b = famsock.socketpair(UNIX, DGRAM)
    with a, b:
        b.send(b"x" * 64)
        data = RECEIVERS[method](a, bufsize, flags)
    assert data == b"x" * min(bufsize, 64)


def test_msg_trunc_recvmsg_is_the_stdlibs() -> None:
    results = []
    for module in (stdlib, famsock):
        a, b = module.socketpair(UNIX, DGRAM)
        with a, b:
            b.send(b"x" * 64)
            data, ancdata, flags, _ = a.recvmsg(3, 0, stdlib.MSG_TRUNC)
            results.append((data, ancdata, flags))
    assert results[0] == results[1] == (b"xxx", [], stdlib.MSG_TRUNC)


def test_msg_trunc_on_a_stream_returns_no_earlier_bytes() -> None:
    """TCP discards the data MSG_TRUNC asks for and writes nothing: what comes back must not be
    what a pooled buffer held before (the stdlib returns uninitialised memory here)."""
    with famsock.socket(stdlib.AF_INET, STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with famsock.create_connection(server.getsockname(), timeout=BOUND) as client:
            conn, _ = server.accept()
            with conn:
                conn.settimeout(BOUND)
                client.sendall(b"y" * 40)
                leave_secret_in_the_pool()
                data = conn.recvfrom(len(SECRET), stdlib.MSG_TRUNC)[0]
    assert 0 < len(data) <= 40
    assert data == bytes(len(data))


def _into(module: Any, method: str) -> tuple[int, bytes]:
    a, b = module.socketpair(UNIX, DGRAM)
    with a, b:
        b.send(b"x" * 64)
        buffer = bytearray(4)
        if method == "recvfrom_into":
            count = a.recvfrom_into(buffer, 0, stdlib.MSG_TRUNC)[0]
        else:
            count = a.recvmsg_into([buffer], 0, stdlib.MSG_TRUNC)[0]
        return count, bytes(buffer)


@pytest.mark.parametrize("method", ["recvfrom_into", "recvmsg_into"])
def test_msg_trunc_into_a_buffer_returns_the_kernels_count_as_the_stdlib(method: str) -> None:
    assert _into(famsock, method) == _into(stdlib, method) == (64, b"xxxx")


# -- stale fds: closed, reused by a new socket, then a signal ---------------------------------------

POLLFD_C = r"""
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
int main(void) {
    printf("{\"size\": %zu, \"offsets\": {\"fd\": %zu, \"events\": %zu, \"revents\": %zu}, "
           "\"sizes\": {\"fd\": %zu, \"events\": %zu, \"revents\": %zu}}\n",
           sizeof(struct pollfd), offsetof(struct pollfd, fd), offsetof(struct pollfd, events),
           offsetof(struct pollfd, revents), sizeof(((struct pollfd *)0)->fd),
           sizeof(((struct pollfd *)0)->events), sizeof(((struct pollfd *)0)->revents));
    return 0;
}
"""


def test_pollfd_has_the_c_layout(tmp_path: Path) -> None:
    """The bridge waits with libc's poll() (select.poll() retries EINTR on a stale fd itself)."""
    from famsock.testing import c_vectors

    if c_vectors.compiler() is None:
        pytest.skip("no C compiler to read struct pollfd's layout with")
    source = tmp_path / "pollfd.c"
    source.write_text(POLLFD_C)
    layout = c_vectors.regenerate(source)
    structure = _libc.Pollfd
    assert ctypes.sizeof(structure) == layout["size"]
    assert {name: getattr(structure, name).offset for name in layout["offsets"]} == layout["offsets"]
    assert {name: getattr(structure, name).size for name in layout["sizes"]} == layout["sizes"]


@dataclass
class Race:
    """A call that blocks on ``victim``; the socket that will take the victim's fd number; how to
    tell that socket was left alone."""

    call: Callable[[], Any]
    victim: Any
    replacement: stdlib.socket
    untouched: Callable[[], None]
    in_poll: bool = False  # the call waits in poll() (timeout mode), not in its own syscall
    nudge: Callable[[], None] = field(default=lambda: None)  # after each signal


@pytest.fixture
def usr1() -> Iterator[list[int]]:
    """A SIGUSR1 handler that records: the signal interrupts blocking syscalls (EINTR)."""
    calls: list[int] = []
    previous = signal.signal(signal.SIGUSR1, lambda signum, frame: calls.append(signum))
    yield calls
    signal.signal(signal.SIGUSR1, previous)


def wait_until_blocked(thread: threading.Thread, fd: int, in_poll: bool) -> None:
    """Until ``thread`` sleeps in a syscall on ``fd`` (its first argument), or in poll() on one fd
    (its second argument, nfds, is 1: the GIL's futex waits never have 1 there)."""
    syscall = Path(f"/proc/self/task/{thread.native_id}/syscall")  # "nr arg0 arg1 ... sp pc"
    deadline = time.monotonic() + BOUND
    while time.monotonic() < deadline:
        fields = syscall.read_text().split()
        sleeping = len(fields) > 3 and fields[0] not in ("running", "-1")
        if sleeping and int(fields[2] if in_poll else fields[1], 16) == (1 if in_poll else fd):
            return
        time.sleep(0.002)
    pytest.fail("the call never blocked")


def race(case: Race) -> tuple[str, Any]:
    """Run the call in a thread; once it blocks, close its socket, put the replacement on the same
    fd number, and interrupt it with SIGUSR1 until it ends. Returns how it ended."""
    ended: list[tuple[str, Any]] = []
    done, release = threading.Event(), threading.Event()

    def target() -> None:
        try:
            ended.append(("returned", case.call()))
        except BaseException as exc:  # the outcome is what the test checks
            ended.append(("raised", exc))
        finally:
            done.set()
            release.wait(BOUND)  # alive until the main thread stops signalling it

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    fd = case.victim.fileno()
    try:
        wait_until_blocked(thread, fd, case.in_poll)
        case.victim.close()
        assert os.dup2(case.replacement.fileno(), fd, inheritable=False) == fd
        try:
            deadline = time.monotonic() + BOUND
            while not done.is_set() and time.monotonic() < deadline:
                signal.pthread_kill(thread.ident, signal.SIGUSR1)  # type: ignore[arg-type]
                done.wait(0.05)
                case.nudge()
        finally:
            os.close(fd)
    finally:
        release.set()
    thread.join(BOUND)
    assert ended, "the call did not end after its socket was closed and a signal came"
    return ended[0]


def _receive_race(make: Any, stack: ExitStack, method: str, timeout: float | None) -> Race:
    victim, _peer = (stack.enter_context(s) for s in make.socketpair(UNIX, DGRAM))
    other, other_peer = (stack.enter_context(s) for s in stdlib.socketpair(UNIX, DGRAM))
    other_peer.send(b"not yours")
    victim.settimeout(timeout)
    calls = {
        "recvfrom": lambda: victim.recvfrom(100),
        "recvfrom_into": lambda: victim.recvfrom_into(bytearray(100)),
        "recvmsg": lambda: victim.recvmsg(100),
        "recvmsg_into": lambda: victim.recvmsg_into([bytearray(100)]),
    }

    def untouched() -> None:
        other.setblocking(False)
        assert other.recv(100) == b"not yours"

    return Race(calls[method], victim, other, untouched, in_poll=timeout is not None)


def _accept_race(make: Any, stack: ExitStack, timeout: float | None) -> Race:
    victim = stack.enter_context(make.socket(stdlib.AF_INET, STREAM))
    victim.bind(("127.0.0.1", 0))
    victim.listen()
    victim.settimeout(timeout)
    other = stack.enter_context(stdlib.socket(stdlib.AF_INET, STREAM))
    other.bind(("127.0.0.1", 0))
    other.listen()
    stack.enter_context(stdlib.create_connection(other.getsockname(), timeout=BOUND))

    def call() -> Any:
        conn = victim.accept()[0]
        stack.enter_context(conn)  # closed with the rest, should a stale accept() return one
        return conn

    def untouched() -> None:
        other.settimeout(0)
        other.accept()[0].close()  # the pending connection is still there

    return Race(call, victim, other, untouched, in_poll=timeout is not None)


def _full_receiver(stack: ExitStack) -> tuple[stdlib.socket, bytes]:
    """A bound UNIX datagram socket whose receive queue is full: senders to it block."""
    receiver = stack.enter_context(stdlib.socket(UNIX, DGRAM))
    receiver.bind(abstract())
    filler = stack.enter_context(stdlib.socket(UNIX, DGRAM))
    filler.setblocking(False)
    for _ in range(100_000):
        try:
            filler.sendto(b"fill", receiver.getsockname())
        except BlockingIOError:
            return receiver, receiver.getsockname()
    pytest.fail("the receive queue never filled")


def _drain(sock: stdlib.socket, into: list[bytes]) -> None:
    sock.setblocking(False)
    with suppress(BlockingIOError):
        into.append(sock.recv(100))


def _sendto_race(make: Any, stack: ExitStack) -> Race:
    receiver, address = _full_receiver(stack)
    victim = stack.enter_context(make.socket(UNIX, DGRAM))
    other = stack.enter_context(stdlib.socket(UNIX, DGRAM))
    other.bind(abstract())
    received: list[bytes] = []

    def untouched() -> None:
        for _ in range(1000):
            _drain(receiver, received)
        assert b"stale" not in received  # nothing went out through the new socket

    # Each signal frees one place in the queue: a stale retry would send at once.
    return Race(lambda: victim.sendto(b"stale", address), victim, other, untouched,
                nudge=lambda: _drain(receiver, received))


def _sendmsg_race(make: Any, stack: ExitStack) -> Race:
    _receiver, address = _full_receiver(stack)
    victim = stack.enter_context(make.socket(UNIX, DGRAM))
    victim.connect(address)
    other, other_peer = (stack.enter_context(s) for s in stdlib.socketpair(UNIX, DGRAM))

    def untouched() -> None:
        other_peer.setblocking(False)
        with pytest.raises(BlockingIOError):
            other_peer.recv(100)  # nothing went out through the new socket

    return Race(lambda: victim.sendmsg([b"stale"]), victim, other, untouched)


def _connect_race(make: Any, stack: ExitStack, timeout: float | None, method: str = "connect") -> Race:
    """connect() to a listener whose accept queue is full (the kernel drops the SYNs), replaced by
    a listening socket, which is never writable: a stale wait would never end."""
    full = stack.enter_context(stdlib.socket(stdlib.AF_INET, STREAM))
    full.bind(("127.0.0.1", 0))
    full.listen(0)
    stack.enter_context(stdlib.create_connection(full.getsockname(), timeout=BOUND))
    victim = stack.enter_context(make.socket(stdlib.AF_INET, STREAM))
    victim.settimeout(timeout)
    other = stack.enter_context(stdlib.socket(stdlib.AF_INET, STREAM))
    other.bind(("127.0.0.1", 0))
    other.listen()

    def untouched() -> None:
        assert other.getsockopt(stdlib.SOL_SOCKET, stdlib.SO_ACCEPTCONN) == 1

    return Race(lambda: getattr(victim, method)(full.getsockname()), victim, other, untouched,
                in_poll=timeout is not None)


RACES: dict[str, Callable[[Any, ExitStack], Race]] = {
    "recvfrom": lambda make, stack: _receive_race(make, stack, "recvfrom", None),
    "recvfrom-timeout": lambda make, stack: _receive_race(make, stack, "recvfrom", BOUND * 3),
    "recvfrom_into": lambda make, stack: _receive_race(make, stack, "recvfrom_into", None),
    "recvfrom_into-timeout": lambda make, stack: _receive_race(make, stack, "recvfrom_into", BOUND * 3),
    "recvmsg": lambda make, stack: _receive_race(make, stack, "recvmsg", None),
    "recvmsg-timeout": lambda make, stack: _receive_race(make, stack, "recvmsg", BOUND * 3),
    "recvmsg_into": lambda make, stack: _receive_race(make, stack, "recvmsg_into", None),
    "accept": lambda make, stack: _accept_race(make, stack, None),
    "accept-timeout": lambda make, stack: _accept_race(make, stack, BOUND * 3),
    "sendto": _sendto_race,
    "sendmsg": _sendmsg_race,
    "connect": lambda make, stack: _connect_race(make, stack, None),
    "connect-timeout": lambda make, stack: _connect_race(make, stack, BOUND * 3),
}


@pytest.mark.parametrize("module", [stdlib, famsock], ids=["stdlib", "famsock"])
@pytest.mark.parametrize("name", RACES)
def test_a_call_on_a_closed_socket_never_touches_the_socket_that_took_its_fd(
        usr1: list[int], name: str, module: Any) -> None:
    with ExitStack() as stack:
        case = RACES[name](module, stack)
        if module is famsock:
            assert case.victim.syscall_path == "raw"
        how, result = race(case)
        assert usr1, "no signal reached the handler"
        assert how == "raised", f"the call returned {result!r} through the new socket"
        assert type(result) is OSError
        assert result.errno == errno.EBADF
        case.untouched()


@pytest.mark.parametrize("module", [stdlib, famsock], ids=["stdlib", "famsock"])
@pytest.mark.parametrize("timeout", [None, BOUND * 3], ids=["blocking", "timeout"])
def test_connect_ex_on_a_socket_closed_while_it_waits_returns_ebadf(
        usr1: list[int], timeout: float | None, module: Any) -> None:
    with ExitStack() as stack:
        case = _connect_race(module, stack, timeout, "connect_ex")
        assert race(case) == ("returned", errno.EBADF)
        case.untouched()


# -- integers: checked as the C methods parse them, passed whole ------------------------------------

class Index:
    """An object with __index__, as the C methods take for their integers."""

    def __init__(self, value: int) -> None:
        self.value = value

    def __index__(self) -> int:
        return self.value


@pytest.fixture
def udp_pair() -> Iterator[tuple[Any, stdlib.socket]]:
    """A famsock UDP socket (raw path) and a stdlib one, bound on loopback."""
    with famsock.socket(stdlib.AF_INET, DGRAM) as ours, stdlib.socket(stdlib.AF_INET, DGRAM) as theirs:
        ours.bind(("127.0.0.1", 0))
        theirs.bind(("127.0.0.1", 0))
        yield ours, theirs


def test_flags_beyond_a_c_int_send_nothing(udp_pair: tuple[Any, stdlib.socket]) -> None:
    ours, theirs = udp_pair
    for flags in (2**32, 2**32 + stdlib.MSG_DONTWAIT, -2**31 - 1):
        for sock in (ours, theirs):
            with pytest.raises(OverflowError):
                sock.sendto(b"x", flags, theirs.getsockname())
    theirs.setblocking(False)
    with pytest.raises(BlockingIOError):
        theirs.recv(10)


def test_flags_beyond_a_c_int_do_not_peek(udp_pair: tuple[Any, stdlib.socket]) -> None:
    ours, theirs = udp_pair
    theirs.sendto(b"once", ours.getsockname())
    ours.settimeout(BOUND)
    calls: list[Callable[[], Any]] = [
        lambda: ours.recvfrom(10, 2**32 + stdlib.MSG_PEEK),
        lambda: ours.recvmsg(10, 0, 2**32 + stdlib.MSG_PEEK),
        lambda: ours.recvfrom_into(bytearray(10), 0, 2**32 + stdlib.MSG_PEEK),
        lambda: ours.recvmsg_into([bytearray(10)], 0, 2**32 + stdlib.MSG_PEEK),
    ]
    for call in calls:
        with pytest.raises(OverflowError):
            call()
    ours.setblocking(False)
    assert ours.recv(10) == b"once"
    with pytest.raises(BlockingIOError):
        ours.recv(10)  # it was there once: nothing peeked, nothing consumed before


LARGE = 2**32 + 100  # wraps to 100 as a C int


@pytest.fixture
def sparse() -> Iterator[mmap.mmap]:
    """A writable buffer of LARGE bytes that costs only the pages touched (anonymous mapping)."""
    try:
        mapped = mmap.mmap(-1, LARGE, flags=mmap.MAP_PRIVATE)
    except OSError as exc:
        pytest.skip(f"cannot map {LARGE} bytes of address space here: {exc}")
    yield mapped
    mapped.close()


@pytest.mark.parametrize("method", ["recvfrom_into", "recvmsg_into"])
def test_a_buffer_beyond_int_max_is_passed_whole(sparse: mmap.mmap, method: str,
                                                  udp_pair: tuple[Any, stdlib.socket]) -> None:
    counts = []
    for receiver, sender in (udp_pair, udp_pair[::-1]):
        receiver.settimeout(BOUND)
        sender.sendto(b"z" * 200, receiver.getsockname())
        if method == "recvfrom_into":
            counts.append(receiver.recvfrom_into(sparse)[0])
        else:
            counts.append(receiver.recvmsg_into([sparse])[0])
        assert sparse[:201] == b"z" * 200 + b"\0"
        sparse[:200] = bytes(200)
    assert counts == [200, 200]  # famsock, stdlib


def test_data_beyond_int_max_is_passed_whole(sparse: mmap.mmap, udp_pair: tuple[Any, stdlib.socket]) -> None:
    """UDP refuses a datagram over 64 KiB before reading it: EMSGSIZE, as for the stdlib."""
    ours, theirs = udp_pair
    outcomes = []
    for sock in (ours, theirs):
        with pytest.raises(OSError) as caught:
            sock.sendto(sparse, theirs.getsockname())
        outcomes.append(caught.value.errno)
    assert outcomes == [errno.EMSGSIZE, errno.EMSGSIZE]


def test_recvfrom_beyond_int_max_is_passed_whole(monkeypatch: pytest.MonkeyPatch,
                                                 udp_pair: tuple[Any, stdlib.socket]) -> None:
    """recvfrom(2**32 + 5) allocates that much, as the stdlib does: the allocation is swapped for
    a sparse mapping here, so that only the size reaching recvfrom(2) is tested."""
    size = 2**32 + 5
    try:
        mapped = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE)
    except OSError as exc:
        pytest.skip(f"cannot map {size} bytes of address space here: {exc}")
    asked: list[int] = []

    def sparse_buffer(length: int) -> Any:
        asked.append(length)
        return (ctypes.c_char * length).from_buffer(mapped)

    monkeypatch.setattr(_raw_calls, "zeroed", sparse_buffer)
    ours, theirs = udp_pair
    theirs.sendto(b"z" * 200, ours.getsockname())
    ours.settimeout(BOUND)
    data = ours.recvfrom(size)[0]
    assert asked == [size]
    assert data == b"z" * 200
    with suppress(BufferError):  # a ctypes view may outlive the call until collected
        mapped.close()


def test_sizes_are_passed_as_size_t_beyond_int_max() -> None:
    assert _libc.size_t(100) == 100
    assert _libc.size_t(2**31 - 1) == 2**31 - 1
    for size in (2**31, 2**32 + 100, 2**63 - 1):
        converted = _libc.size_t(size)
        assert type(converted) is ctypes.c_size_t
        assert converted.value == size


# -- timeouts beyond INT_MAX milliseconds ----------------------------------------------------------

def _late_datagram(method: str) -> Any:
    a, b = famsock.socketpair(UNIX, DGRAM)
    with a, b:
        a.settimeout(3e6)  # 34 days: beyond poll()'s INT_MAX milliseconds
        timer = threading.Timer(0.05, b.send, (b"late",))
        timer.start()
        try:
            if method == "recvfrom":
                return a.recvfrom(10)[0]
            if method == "recvmsg":
                return a.recvmsg(10)[0]
            buffer = bytearray(10)
            count = a.recvfrom_into(buffer)[0] if method == "recvfrom_into" else a.recvmsg_into([buffer])[0]
            return bytes(buffer[:count])
        finally:
            timer.cancel()
            timer.join(BOUND)


@pytest.mark.parametrize("method", ["recvfrom", "recvfrom_into", "recvmsg", "recvmsg_into"])
def test_a_timeout_beyond_int_max_milliseconds_waits(method: str) -> None:
    assert _late_datagram(method) == b"late"


def test_accept_with_a_timeout_beyond_int_max_milliseconds_waits() -> None:
    with famsock.socket(stdlib.AF_INET, STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.settimeout(3e6)
        clients: list[stdlib.socket] = []
        timer = threading.Timer(0.05, lambda: clients.append(stdlib.create_connection(server.getsockname())))
        timer.start()
        try:
            conn, peer = server.accept()
            conn.close()
            timer.join(BOUND)
            assert peer == clients[0].getsockname()
        finally:
            timer.join(BOUND)
            for client in clients:
                client.close()


@pytest.mark.parametrize("module", [stdlib, famsock], ids=["stdlib", "famsock"])
def test_a_wait_interrupted_by_a_signal_goes_on(module: Any,
                                                alarm: Callable[[float, bool], list[int]]) -> None:
    """The wait is libc's poll() now, EINTR handled by the bridge: handlers run, the wait goes on."""
    a, b = module.socketpair(UNIX, DGRAM)
    with a, b:
        a.settimeout(BOUND)
        calls = alarm(0.05, False)
        timer = threading.Timer(0.3, b.send, (b"late",))
        timer.start()
        try:
            assert a.recvfrom(10)[0] == b"late"
        finally:
            timer.join(BOUND)
        assert calls == [signal.SIGALRM]


@pytest.mark.parametrize("module", [stdlib, famsock], ids=["stdlib", "famsock"])
def test_a_signal_handler_that_raises_ends_a_wait(module: Any,
                                                  alarm: Callable[[float, bool], list[int]]) -> None:
    a, b = module.socketpair(UNIX, DGRAM)
    with a, b:
        a.settimeout(BOUND)
        alarm(0.05, True)
        with pytest.raises(InterruptedByTestError):
            a.recvfrom(10)


# -- timeout sockets wait before the call, as the C methods do (sock_call_ex) -------------------------

MODES = {"blocking": None, "non-blocking": 0.0, "timeout": 0.01}


def _ended(call: Callable[[], Any]) -> tuple[str, int | None]:
    try:
        call()
    except OSError as exc:
        return type(exc).__name__, exc.errno
    return "returned", None


# Calls a UNIX datagram socket refuses at once (EOPNOTSUPP), ready or not.
REFUSED: dict[str, Callable[[Any], Any]] = {
    "recvfrom": lambda sock: sock.recvfrom(0, stdlib.MSG_OOB),
    "recvfrom_into": lambda sock: sock.recvfrom_into(bytearray(1), 0, stdlib.MSG_OOB),
    "recvmsg": lambda sock: sock.recvmsg(0, 0, stdlib.MSG_OOB),
    "recvmsg_into": lambda sock: sock.recvmsg_into([bytearray(1)], 0, stdlib.MSG_OOB),
    "accept": lambda sock: sock.accept(),
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("method", REFUSED)
def test_a_timeout_socket_waits_for_data_before_a_call_that_fails_at_once(method: str, mode: str) -> None:
    """With nothing to read, a timeout socket times out in poll() and never makes the call."""
    outcomes = []
    for module in (stdlib, famsock):
        a, b = module.socketpair(UNIX, DGRAM)
        with a, b:
            a.settimeout(MODES[mode])
            outcomes.append(_ended(partial(REFUSED[method], a)))
    expected = ("TimeoutError", None) if mode == "timeout" else ("OSError", errno.EOPNOTSUPP)
    assert outcomes == [expected, expected]


# Sends that need no room in the connected peer's queue: refused at once, or to another socket.
SENDS: dict[str, Callable[[Any, bytes], Any]] = {
    "sendto-refused": lambda sock, to: sock.sendto(b"sent", stdlib.MSG_OOB, to),
    "sendmsg-refused": lambda sock, to: sock.sendmsg([b"sent"], [], stdlib.MSG_OOB, to),
    "sendto-elsewhere": lambda sock, to: sock.sendto(b"sent", to),
    "sendmsg-elsewhere": lambda sock, to: sock.sendmsg([b"sent"], [], 0, to),
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("method", SENDS)
def test_a_timeout_socket_waits_for_room_before_it_sends(method: str, mode: str) -> None:
    """A UNIX datagram socket connected to a full queue is not writable: with a timeout, it times out
    in poll(), sending nothing, even where the call itself would end at once (refused, or sent to
    another socket, whose queue has room)."""
    results = []
    for module in (stdlib, famsock):
        with ExitStack() as stack:
            _receiver, full = _full_receiver(stack)
            free = stack.enter_context(stdlib.socket(UNIX, DGRAM))
            free.bind(abstract())
            victim = stack.enter_context(module.socket(UNIX, DGRAM))
            victim.connect(full)
            victim.settimeout(MODES[mode])
            ended = _ended(partial(SENDS[method], victim, free.getsockname()))
            delivered: list[bytes] = []
            _drain(free, delivered)
            results.append((ended, delivered))
    expected: tuple[tuple[str, int | None], list[bytes]]
    if mode == "timeout":
        expected = (("TimeoutError", None), [])
    elif method.endswith("refused"):
        expected = (("OSError", errno.EOPNOTSUPP), [])
    else:
        expected = (("returned", None), [b"sent"])
    assert results == [expected, expected]


@pytest.mark.parametrize("module", [stdlib, famsock], ids=["stdlib", "famsock"])
def test_the_first_wait_is_the_whole_timeout(module: Any) -> None:
    """A nanosecond's timeout has passed by the time poll() runs; the C methods still wait for
    it once (a millisecond, rounded up) and receive what is queued."""
    a, b = module.socketpair(UNIX, DGRAM)
    with a, b:
        a.settimeout(1e-9)
        received = []
        for _ in range(50):
            b.send(b"queued")
            received.append(a.recvfrom(10)[0])
        with pytest.raises(TimeoutError):
            a.recvfrom(10)
    assert received == [b"queued"] * 50


# -- the C methods' errors, side by side -------------------------------------------------------------

BIG = 2**63  # beyond ssize_t and long
ARGUMENT_ERRORS = [
    ("recvfrom", (BIG,)),
    ("recvfrom", (-BIG - 1,)),
    ("recvfrom", (-1,)),
    ("recvfrom", (1, 2**31)),
    ("recvfrom", (1, -2**31 - 1)),
    ("recvfrom", (1, BIG)),
    ("recvfrom", (-1, 2**31)),  # flags are parsed before the size's sign is looked at
    ("recvfrom", (BIG, 2**31)),
    ("recvfrom", (1.5,)),
    ("recvfrom", (1, "0")),
    ("recvfrom", (Index(-1),)),
    ("recvfrom", (2**63 - 10,)),
    ("recvfrom_into", (bytearray(4), BIG)),
    ("recvfrom_into", (bytearray(4), -BIG - 1)),
    ("recvfrom_into", (bytearray(4), -1)),
    ("recvfrom_into", (bytearray(4), 5)),
    ("recvfrom_into", (bytearray(4), 2**31)),
    ("recvfrom_into", (bytearray(4), 0, 2**31)),
    ("recvfrom_into", (bytearray(4), -1, 2**31)),
    ("recvfrom_into", (bytearray(4), 0, BIG)),
    ("recvfrom_into", (bytearray(4), 1.0)),
    ("recvfrom_into", (b"abc",)),
    ("recvfrom_into", (b"abc", BIG)),
    ("recvfrom_into", ("abc",)),
    ("recvfrom_into", (None,)),
    ("recvfrom_into", (memoryview(bytearray(8))[::2],)),
    ("recvfrom_into", (memoryview(b"ab"),)),
    ("recvmsg", (BIG,)),
    ("recvmsg", (-1,)),
    ("recvmsg", (1, -1)),
    ("recvmsg", (1, 2**31)),
    ("recvmsg", (1, BIG)),
    ("recvmsg", (1, 0, 2**31)),
    ("recvmsg", (1, 0, -2**31 - 1)),
    ("recvmsg", (1, 0, BIG)),
    ("recvmsg", (-1, 0, 2**31)),
    ("recvmsg", (2**63 - 10,)),
    ("recvmsg", (1, 1.0)),
    ("recvmsg_into", ([bytearray(4)], BIG)),
    ("recvmsg_into", ([bytearray(4)], -1)),
    ("recvmsg_into", ([bytearray(4)], 2**32)),
    ("recvmsg_into", ([bytearray(4)], 0, 2**31)),
    ("recvmsg_into", ([bytearray(4)], 0, BIG)),
    ("recvmsg_into", (5, 0, 2**31)),
    ("recvmsg_into", (5,)),
    ("recvmsg_into", ([b"ab"],)),
    ("recvmsg_into", ([memoryview(bytearray(8))[::2]],)),
    ("sendto", (b"x", 2**31, "PEER")),
    ("sendto", (b"x", 2**32, "PEER")),
    ("sendto", (b"x", -2**31 - 1, "PEER")),
    ("sendto", (b"x", BIG, "PEER")),
    ("sendto", (b"x", 1.0, "PEER")),
    ("sendto", ("x", "PEER")),
    ("sendto", (range(3), "PEER")),
    ("sendto", (None, 0, "PEER")),
    ("sendto", (memoryview(b"abcd")[::2], "PEER")),
    ("sendmsg", (["x"], [], 0, "PEER")),
    ("sendmsg", ([range(3)], [], 0, "PEER")),
    ("sendmsg", ([b"x"], [(2**31, 1, b"")], 0, "PEER")),
    ("sendmsg", ([b"x"], [(1, BIG, b"")], 0, "PEER")),
    ("sendmsg", ([b"x"], [(1, 1, range(3))], 0, "PEER")),
    ("sendmsg", ([b"x"], [], 2**31, "PEER")),
    ("sendmsg", ([b"x"], [], BIG, "PEER")),
]


def _outcome(sock: Any, method: str, args: tuple[Any, ...], peer: Any) -> tuple[str, str]:
    args = tuple(peer if arg == "PEER" else arg for arg in args)
    try:
        result = getattr(sock, method)(*args)
    except Exception as exc:  # the outcome is what the test compares
        return type(exc).__name__, str(exc)
    return "returned", repr(result)


@pytest.mark.parametrize(("method", "args"), ARGUMENT_ERRORS)
def test_bad_arguments_get_the_c_methods_errors(method: str, args: tuple[Any, ...],
                                                udp_pair: tuple[Any, stdlib.socket]) -> None:
    ours, theirs = udp_pair
    ours.setblocking(False)
    theirs.setblocking(False)
    expected = _outcome(theirs, method, args, ours.getsockname())
    assert expected[0] != "returned"
    assert _outcome(ours, method, args, theirs.getsockname()) == expected


@pytest.mark.parametrize(("method", "args"), [
    ("recvfrom", (Index(10), Index(0))),
    ("recvfrom", (True,)),
    ("recvfrom", (10, int(stdlib.MSG_PEEK))),
    ("recvfrom", (10, stdlib.MSG_PEEK)),
    ("recvfrom_into", (bytearray(4), Index(2), Index(0))),
    ("recvmsg", (Index(10), Index(0), Index(0))),
    ("recvmsg_into", ([bytearray(4)], Index(0), Index(0))),
])
def test_index_objects_are_taken_as_the_c_methods_take_them(
        method: str, args: tuple[Any, ...], udp_pair: tuple[Any, stdlib.socket]) -> None:
    results = []
    for receiver, sender in (udp_pair, udp_pair[::-1]):  # famsock, then the stdlib
        sender.sendto(b"data", receiver.getsockname())
        receiver.settimeout(BOUND)
        results.append(getattr(receiver, method)(*args)[0])
    assert results[0] == results[1]
    assert udp_pair[0].syscall_path == "raw"
