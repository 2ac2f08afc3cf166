"""Blocking, non-blocking and timeout modes, EINTR and fd hygiene, on both syscall paths.

The stdlib socket is the reference: each case runs on a stdlib socket and a famsock one and
must end the same way (same exception type and errno). AF_INET on loopback stands in for any
family: these are properties of the core's paths, not of a plugin.
"""

from __future__ import annotations

import errno
import signal
import socket as stdlib
import threading
import time
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import pytest

import famsock
from famsock.testing import open_fds
from tests.helpers import InterruptedByTestError

LOCAL = ("127.0.0.1", 0)
SOCKETS = {"stdlib": stdlib.socket, "famsock": famsock.socket}


def outcome(call: Callable[[], Any]) -> tuple[str, int | None]:
    try:
        call()
    except OSError as exc:
        return type(exc).__name__, exc.errno
    return "returned", None


@pytest.fixture
def full_listener() -> Iterator[tuple[str, int]]:
    """A listener whose accept queue is full: the kernel drops further SYNs, connects hang."""
    with stdlib.socket() as server:
        server.bind(LOCAL)
        server.listen(0)
        queued = stdlib.create_connection(server.getsockname())
        with queued:
            yield server.getsockname()


@pytest.mark.parametrize("timeout", [0.0, 0.05], ids=["non-blocking", "timeout"])
def test_accept_with_nothing_pending(syscall_path: str, timeout: float) -> None:
    results = {}
    for kind, make in SOCKETS.items():
        with make() as server:
            server.bind(LOCAL)
            server.listen()
            server.settimeout(timeout)
            results[kind] = outcome(server.accept)
    expected = ("BlockingIOError", errno.EAGAIN) if timeout == 0 else ("TimeoutError", None)
    assert results == {"stdlib": expected, "famsock": expected}


@pytest.mark.parametrize("timeout", [0.0, 0.05], ids=["non-blocking", "timeout"])
@pytest.mark.parametrize("method", ["recvfrom", "recvfrom_into"])
def test_receiving_with_nothing_queued(syscall_path: str, timeout: float, method: str) -> None:
    results = {}
    for kind, make in SOCKETS.items():
        with make(stdlib.AF_INET, stdlib.SOCK_DGRAM) as sock:
            sock.bind(LOCAL)
            sock.settimeout(timeout)
            if method == "recvfrom":
                results[kind] = outcome(partial(sock.recvfrom, 10))
            else:
                results[kind] = outcome(partial(sock.recvfrom_into, bytearray(10)))
    expected = ("BlockingIOError", errno.EAGAIN) if timeout == 0 else ("TimeoutError", None)
    assert results == {"stdlib": expected, "famsock": expected}


def test_timeout_error_is_the_stdlibs(syscall_path: str) -> None:
    with famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM) as sock:
        sock.bind(LOCAL)
        sock.settimeout(0.01)
        with pytest.raises(famsock.timeout) as caught:
            sock.recvfrom(1)
        assert caught.value.args == ("timed out",)


def test_a_timeout_socket_receives_what_arrives_in_time(syscall_path: str) -> None:
    with famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM) as sock, \
            stdlib.socket(stdlib.AF_INET, stdlib.SOCK_DGRAM) as sender:
        sock.bind(LOCAL)
        sock.settimeout(5)
        timer = threading.Timer(0.05, sender.sendto, (b"late", sock.getsockname()))
        timer.start()
        try:
            assert sock.recvfrom(10)[0] == b"late"
        finally:
            timer.join()


@pytest.mark.parametrize(
    ("timeout", "connect", "connect_ex"),
    [(0.0, ("BlockingIOError", errno.EINPROGRESS), errno.EINPROGRESS),
     (0.1, ("TimeoutError", None), errno.EWOULDBLOCK)],
    ids=["non-blocking", "timeout"],
)
def test_connect_that_cannot_complete(syscall_path: str, full_listener: tuple[str, int], timeout: float,
                                      connect: tuple[str, int | None], connect_ex: int) -> None:
    for make in SOCKETS.values():
        with make() as sock:
            sock.settimeout(timeout)
            assert outcome(partial(sock.connect, full_listener)) == connect
        with make() as sock:
            sock.settimeout(timeout)
            assert sock.connect_ex(full_listener) == connect_ex


def test_connect_with_a_timeout_that_succeeds(syscall_path: str) -> None:
    with stdlib.create_server(LOCAL) as server, famsock.socket() as client:
        client.settimeout(5)
        client.connect(server.getsockname())
        assert client.getpeername() == server.getsockname()


# -- signals (PEP 475) -------------------------------------------------------------------------

def test_a_blocking_accept_interrupted_by_a_signal_goes_on(
        syscall_path: str, alarm: Callable[[float, bool], list[int]]) -> None:
    with famsock.socket() as server:
        server.bind(LOCAL)
        server.listen()
        calls = alarm(0.05, False)
        client = threading.Timer(0.3, lambda: stdlib.create_connection(server.getsockname()).close())
        client.start()
        try:
            conn, _ = server.accept()  # blocking: EINTR at 0.05 s, connection at 0.3 s
            conn.close()
        finally:
            client.join()
        assert calls == [signal.SIGALRM]


def test_a_signal_handler_that_raises_ends_a_blocking_call(
        syscall_path: str, alarm: Callable[[float, bool], list[int]]) -> None:
    with famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM) as sock:
        sock.bind(LOCAL)
        alarm(0.05, True)
        with pytest.raises(InterruptedByTestError):
            sock.recvfrom(10)
        sock.settimeout(0)
        with pytest.raises(BlockingIOError):  # still a working socket
            sock.recvfrom(10)


def test_a_blocking_connect_interrupted_by_a_signal_completes(
        syscall_path: str, alarm: Callable[[float, bool], list[int]]) -> None:
    with stdlib.socket() as server:
        server.bind(LOCAL)
        server.listen(0)
        queued = stdlib.create_connection(server.getsockname())
        # Free the queue after the signal: the client's next SYN retransmission gets through.
        def drain_one() -> None:
            server.accept()[0].close()

        drain = threading.Timer(0.2, drain_one)
        drain.start()
        try:
            with queued, famsock.socket() as client:
                calls = alarm(0.05, False)
                client.connect(server.getsockname())
                assert client.getpeername() == server.getsockname()
                assert calls == [signal.SIGALRM]
        finally:
            drain.join()


# -- file descriptors ---------------------------------------------------------------------------

def test_no_fd_leaks_on_error_paths(syscall_path: str, full_listener: tuple[str, int]) -> None:
    before = open_fds()
    for _ in range(3):
        with famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM) as sock:
            with pytest.raises(OverflowError):
                sock.bind(("127.0.0.1", 99999))
            sock.settimeout(0.001)
            with pytest.raises(TimeoutError):
                sock.recvfrom(1)
        with famsock.socket() as sock:
            sock.settimeout(0.01)
            with pytest.raises(TimeoutError):
                sock.connect(full_listener)
    assert open_fds() == before


def test_accept_closes_the_new_connection_when_its_address_cannot_be_decoded(
        syscall_path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A plugin's decoder failing is a fault the kernel cannot produce: injected here."""
    with famsock.socket() as server:
        server.bind(LOCAL)
        server.listen()
        address = server.getsockname()
        backend: Any = server._backend()

        def broken(*args: object) -> object:
            raise ValueError("undecodable")

        monkeypatch.setattr(backend, "address", broken)
        with stdlib.create_connection(address):
            before = open_fds()
            with pytest.raises(ValueError, match="undecodable"):
                server.accept()
            assert open_fds() == before


def test_accepted_and_duplicated_sockets_are_not_inheritable(syscall_path: str) -> None:
    with famsock.socket() as server:
        server.bind(LOCAL)
        server.listen()
        with stdlib.create_connection(server.getsockname()):
            conn, _ = server.accept()
            with conn, conn.dup() as copy:
                assert not conn.get_inheritable()
                assert not copy.get_inheritable()
                assert isinstance(copy, famsock.socket)
                assert copy.getsockname() == conn.getsockname()


def test_many_accepts_leave_no_fd_behind(syscall_path: str) -> None:
    with famsock.socket() as server:
        server.bind(LOCAL)
        server.listen()
        before = open_fds()
        for _ in range(20):
            with stdlib.create_connection(server.getsockname()):
                conn, _ = server.accept()
                conn.close()
        time.sleep(0)  # nothing asynchronous to wait for: closes are synchronous
        assert open_fds() == before
