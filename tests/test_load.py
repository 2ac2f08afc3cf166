"""Load: a selectors echo server on famsock sockets, many peers at once, every byte checked.

- TCP: 10,000 connections held open at the same time, two rounds of messages each (1 to 6,000
  bytes); the server checks each message (and that ``accept()``'s peer address is the port the
  client says it has), the client checks each echo.
- UDP: 100,000 datagrams from 10,000 client sockets (0 to 1,400 payload bytes, a sequence number
  and a CRC-32 in each); the server checks each datagram and that ``recvfrom()``'s address is
  the sender's, and answers to that typed address; the client checks each echo and counts loss.

Both on each syscall path. The clients are another process (tests/load_client.py, plain stdlib
sockets): 10,000 connections need 10,000 fds on each side, and each process has its own
``RLIMIT_NOFILE``. Figures are printed (``pytest -s``, docs/load.md); nothing here asserts a
time. Each test runs under a deadline (TEST_SECONDS, and MODULE_SECONDS for the file); past it,
or on any failure, the client is killed and every socket closed.
"""

from __future__ import annotations

import json
import os
import resource
import selectors
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

import famsock
from famsock.testing import open_fds
from tests import load_client
from tests.helpers import IPS, Ip

CONNECTIONS = 10_000
UDP_SOCKETS = 10_000
DATAGRAMS = 100_000
MAX_LOSS = 0.01  # UDP may drop under load, even on loopback; integrity is checked, loss bounded
# Bounds, not expectations: each test takes 3-12 s here, alone on the machine; a busy machine
# (several suites at once) may take several times that.
MODULE_SECONDS = 300.0  # every test of this file together
TEST_SECONDS = 120.0
CLIENT = Path(__file__).with_name("load_client.py")


@pytest.fixture(autouse=True)
def _no_fd_leaks() -> Iterator[None]:
    before = open_fds()
    yield
    assert open_fds() == before


@pytest.fixture
def fd_limit() -> Iterator[int]:
    """The soft RLIMIT_NOFILE raised for CONNECTIONS fds (within the hard limit), then restored."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = max(CONNECTIONS, UDP_SOCKETS) + 1000  # pytest, the interpreter and the pipes
    why = load_client.raise_fd_limit(needed)
    if why:
        pytest.skip(why)
    yield needed
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


@pytest.fixture(scope="module")
def _module_deadline() -> float:
    return time.monotonic() + MODULE_SECONDS


@pytest.fixture
def deadline(_module_deadline: float) -> float:
    """When this test must be over: TEST_SECONDS from now, or the module's deadline if sooner."""
    return min(_module_deadline, time.monotonic() + TEST_SECONDS)


class Run:
    """The client process, its report, and the server's selector; closes everything at exit."""

    def __init__(self, stack: ExitStack, arguments: list[str], deadline: float) -> None:
        self.deadline = deadline
        self.selector = stack.enter_context(selectors.DefaultSelector())
        errors = stack.enter_context(tempfile.TemporaryFile())  # noqa: SIM115 - the stack closes it
        seconds = f"{max(deadline - time.monotonic() - 5, 1):.1f}"  # the client gives up first
        self.process = subprocess.Popen([sys.executable, str(CLIENT), *arguments, seconds],
                                        stdout=subprocess.PIPE, stderr=errors)
        stack.callback(self._reap, errors)
        assert self.process.stdout is not None
        self.selector.register(self.process.stdout, selectors.EVENT_READ, self)
        self.output = b""
        self.exited = False

    def events(self) -> list[tuple[Any, int]]:
        """Ready (data, mask) pairs of the server's sockets; the client's output is read here."""
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"deadline: the load test did not finish in time ({self.output!r})")
        ready = []
        for key, mask in self.selector.select(min(remaining, 1.0)):
            if key.data is self:
                chunk = os.read(key.fd, 65536)
                self.output += chunk
                if not chunk:
                    self.selector.unregister(key.fileobj)
                    self.exited = True
            else:
                ready.append((key.data, mask))
        return ready

    def report(self) -> dict[str, Any]:
        """The client's report once it exited; skips if it could not raise its fd limit."""
        assert self.process.wait(max(self.deadline - time.monotonic(), 1)) == 0 or self.output, \
            "the client failed without a report"
        report: dict[str, Any] = json.loads(self.output)
        if "skip" in report:
            pytest.skip(report["skip"])
        assert "error" not in report, f"client: {report['error']}"
        assert self.process.returncode == 0
        return report

    def _reap(self, errors: Any) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        assert self.process.stdout is not None
        self.process.stdout.close()
        errors.seek(0)
        problem = errors.read().decode(errors="replace")
        if problem:
            print(f"client stderr:\n{problem}")


class _Peer:
    """One accepted connection on the server."""

    __slots__ = ("incoming", "index", "outgoing", "port", "rounds", "sock")

    def __init__(self, sock: famsock.socket, port: int) -> None:
        self.sock = sock
        self.port = port  # from accept(): the peer's address as famsock decoded it
        self.index = -1
        self.rounds = 0
        self.incoming = bytearray()
        self.outgoing = bytearray()


class TcpEchoServer:
    """Accepts, checks each message completely, echoes it; counts connections open at once."""

    def __init__(self, stack: ExitStack, listener: famsock.socket, run: Run, ip: Ip) -> None:
        self.listener = listener
        self.run = run
        self.host = ip.host
        self.address_type = ip.address_type
        self.peers: dict[int, _Peer] = {}
        stack.callback(self._close_all)
        self.indexes: set[int] = set()
        self.accepted = self.open = self.most_open = self.finished = 0
        self.bytes_received = 0
        run.selector.register(listener, selectors.EVENT_READ, None)

    def serve(self) -> None:
        while not (self.run.exited and self.open == 0):
            for peer, mask in self.run.events():
                if peer is None:
                    self._accept()
                elif mask & selectors.EVENT_WRITE:
                    self._flush(peer)
                else:
                    self._receive(peer)

    def _accept(self) -> None:
        for _ in range(64):  # then let the connections be served
            try:
                sock, address = self.listener.accept()
            except BlockingIOError:
                return
            host, port = address[:2]
            assert type(address) is self.address_type
            assert host == self.host
            sock.setblocking(False)
            peer = self.peers[sock.fileno()] = _Peer(sock, port)
            self.run.selector.register(sock, selectors.EVENT_READ, peer)
            self.accepted += 1
            self.open += 1
            self.most_open = max(self.most_open, self.open)

    def _receive(self, peer: _Peer) -> None:
        try:
            data = peer.sock.recv(65536)
        except ConnectionResetError:  # the client gave up with unread data
            data = b""
        if not data:  # the client's report says why if it closed early: checked after it
            self.finished += peer.rounds == load_client.TCP_ROUNDS
            self._close(peer)
            return
        self.bytes_received += len(data)
        peer.incoming += data
        size = load_client.TCP_HEADER.size
        while len(peer.incoming) >= size:
            index, port, round_, length = load_client.TCP_HEADER.unpack_from(peer.incoming)
            if len(peer.incoming) < size + length:
                return
            self._check(peer, index, port, round_, bytes(peer.incoming[size:size + length]))
            peer.outgoing += peer.incoming[:size + length]
            del peer.incoming[:size + length]
            self._flush(peer)

    def _check(self, peer: _Peer, index: int, port: int, round_: int, payload: bytes) -> None:
        assert port == peer.port, f"connection {index} says port {port}, accept() said {peer.port}"
        assert round_ == peer.rounds, f"connection {index}: round {round_} after {peer.rounds}"
        if round_ == 0:
            assert index not in self.indexes, f"two connections say they are {index}"
            self.indexes.add(index)
            peer.index = index
        assert index == peer.index, f"connection {peer.index} says it is {index}"
        expected = load_client.tcp_payload(index, round_)
        assert payload == expected, f"connection {index}: round {round_} differs"
        peer.rounds += 1

    def _flush(self, peer: _Peer) -> None:
        try:
            sent = peer.sock.send(peer.outgoing)
        except BlockingIOError:
            sent = 0
        del peer.outgoing[:sent]
        events = selectors.EVENT_READ | (selectors.EVENT_WRITE if peer.outgoing else 0)
        self.run.selector.modify(peer.sock, events, peer)

    def _close(self, peer: _Peer) -> None:
        self.run.selector.unregister(peer.sock)
        del self.peers[peer.sock.fileno()]
        peer.sock.close()
        self.open -= 1

    def _close_all(self) -> None:
        for peer in list(self.peers.values()):
            self._close(peer)


class UdpEchoServer:
    """Checks each datagram and its sender's address, and echoes it to that (typed) address."""

    def __init__(self, sock: famsock.socket, run: Run, ip: Ip) -> None:
        self.sock = sock
        self.run = run
        self.ip = ip
        self.received = self.echoed = self.send_failed = 0
        self.senders: set[Any] = set()
        run.selector.register(sock, selectors.EVENT_READ, sock)

    def serve(self) -> None:
        padding = (0, 0) if self.ip.family == famsock.AF_INET6 else ()
        address_type = self.ip.address_type
        while not self.run.exited:
            for _ in self.run.events():
                for _ in range(256):  # then look at the client's output
                    try:
                        data, sender = self.sock.recvfrom(65536)
                    except BlockingIOError:
                        break
                    _, _, port = load_client.check_udp_datagram(data)
                    assert type(sender) is address_type
                    assert sender == (self.ip.host, port, *padding)
                    self.received += 1
                    self.senders.add(sender)
                    try:
                        self.sock.sendto(data, sender)
                    except BlockingIOError:
                        self.send_failed += 1  # the send buffer is full: UDP may drop it
                    else:
                        self.echoed += 1


def _print(what: str, figures: dict[str, Any]) -> None:
    print(f"\nload {what}: " + ", ".join(f"{key}={value}" for key, value in figures.items()))


@pytest.mark.parametrize("ip", IPS)
def test_tcp_echo_10000_connections_held_at_once(syscall_path: str, ip: Ip, fd_limit: int,
                                                 deadline: float) -> None:
    started = time.monotonic()
    with ExitStack() as stack:
        listener = stack.enter_context(famsock.socket(ip.family, famsock.SOCK_STREAM))
        listener.bind(ip.local)
        listener.listen(1024)
        listener.setblocking(False)
        assert listener.syscall_path == syscall_path
        host, port = listener.getsockname()[:2]
        run = Run(stack, ["tcp", host, str(port), str(CONNECTIONS)], deadline)
        server = TcpEchoServer(stack, listener, run, ip)
        server.serve()
        report = run.report()
    figures = {"connections": server.accepted, "open_at_once": server.most_open,
               "bytes_each_way": server.bytes_received, "client_seconds": report["seconds"],
               "seconds": round(time.monotonic() - started, 2)}
    _print(f"tcp {ip.name} {syscall_path}", figures)
    assert server.accepted == server.finished == len(server.indexes) == CONNECTIONS
    assert server.most_open == report["held_at_once"] == CONNECTIONS
    assert server.bytes_received == report["bytes_sent"] == report["bytes_received"]


@pytest.mark.parametrize("ip", IPS)
def test_udp_echo_100000_datagrams_from_10000_sockets(syscall_path: str, ip: Ip, fd_limit: int,
                                                      deadline: float) -> None:
    started = time.monotonic()
    with ExitStack() as stack:
        sock = stack.enter_context(famsock.socket(ip.family, famsock.SOCK_DGRAM))
        sock.setsockopt(famsock.SOL_SOCKET, famsock.SO_RCVBUF, 4 << 20)
        sock.bind(ip.local)
        sock.setblocking(False)
        assert sock.syscall_path == syscall_path
        host, port = sock.getsockname()[:2]
        run = Run(stack, ["udp", host, str(port), str(UDP_SOCKETS), str(DATAGRAMS)], deadline)
        server = UdpEchoServer(sock, run, ip)
        server.serve()
        report = run.report()
    figures = {"datagrams": DATAGRAMS, "server_received": server.received, "echoed": report["echoed"],
               "lost": report["lost"], "late": report["late"], "duplicates": report["duplicates"],
               "server_send_failed": server.send_failed,
               "senders": len(server.senders), "bytes_each_way": report["bytes_sent"],
               "client_seconds": report["seconds"], "seconds": round(time.monotonic() - started, 2)}
    _print(f"udp {ip.name} {syscall_path}", figures)
    assert report["echoed"] + report["lost"] == DATAGRAMS
    assert report["duplicates"] == 0
    assert report["lost"] - report["late"] <= DATAGRAMS * MAX_LOSS  # late ones were not lost
    assert report["echoed"] <= server.echoed <= server.received <= DATAGRAMS
    # consecutive datagrams come from different sockets: even a burst of loss leaves each one heard
    assert len(server.senders) == UDP_SOCKETS
