"""The client side of the load tests (tests/test_load.py), run as its own process.

Its own process for its own ``RLIMIT_NOFILE``: 10,000 connections need 10,000 fds on each side.
It uses plain stdlib sockets, so the server's famsock sockets are checked against an
independent peer. It prints one JSON report on stdout and exits 0, or 1 with the report's
``error`` saying what went wrong (a corrupt byte, a deadline). The message formats and the
payloads both sides compute are defined here and imported by the test.

    python load_client.py tcp HOST PORT CONNECTIONS SECONDS
    python load_client.py udp HOST PORT SOCKETS DATAGRAMS SECONDS
"""

from __future__ import annotations

import errno
import json
import random
import resource
import selectors
import socket
import struct
import sys
import time
import zlib
from typing import Any

# A TCP message: connection index, the client's port, round, payload length; then the payload.
TCP_HEADER = struct.Struct("!IHHI")
TCP_ROUNDS = 2
TCP_MAX_PAYLOAD = 6000
# A datagram: socket index, sequence number, the client's port, payload length, CRC-32 of the
# payload; then the payload.
UDP_HEADER = struct.Struct("!IIHHI")
UDP_MAX_PAYLOAD = 1400
CONNECT_WINDOW = 500  # connections between connect() and their first echo: the accept queue stays short
UDP_WINDOW = 128  # datagrams in flight: the server's receive buffer holds them all
LOSS_AFTER = 2.0  # seconds without an echo after which a datagram counts as lost (or late)
FD_MARGIN = 64

_POOL = random.Random(20261130).randbytes(1 << 20)  # test data, not secrets


def tcp_payload(index: int, round_: int) -> bytes:
    """The payload connection ``index`` sends in ``round_``: 1 to TCP_MAX_PAYLOAD bytes."""
    return _slice(index * 2 + round_, 1 + (index * 2654435761 + round_ * 40503) % TCP_MAX_PAYLOAD)


def tcp_message(index: int, port: int, round_: int) -> bytes:
    payload = tcp_payload(index, round_)
    return TCP_HEADER.pack(index, port, round_, len(payload)) + payload


def udp_payload(index: int, sequence: int) -> bytes:
    """The payload of datagram ``sequence`` of socket ``index``: 0 to UDP_MAX_PAYLOAD bytes."""
    key = index * 1000003 + sequence
    return _slice(key, (key * 2654435761) % (UDP_MAX_PAYLOAD + 1))


def udp_datagram(index: int, sequence: int, port: int) -> bytes:
    payload = udp_payload(index, sequence)
    return UDP_HEADER.pack(index, sequence, port, len(payload), zlib.crc32(payload)) + payload


def check_udp_datagram(data: bytes) -> tuple[int, int, int]:
    """(index, sequence, port) of a datagram whose every byte is as sent; ValueError otherwise."""
    if len(data) < UDP_HEADER.size:
        raise ValueError(f"a datagram of {len(data)} bytes is shorter than its header")
    index, sequence, port, length, crc = UDP_HEADER.unpack_from(data)
    payload = data[UDP_HEADER.size:]
    if len(payload) != length or zlib.crc32(payload) != crc or payload != udp_payload(index, sequence):
        raise ValueError(f"datagram {sequence} of socket {index} is corrupt ({len(data)} bytes)")
    return index, sequence, port


def _slice(key: int, size: int) -> bytes:
    start = (key * 7919) % (len(_POOL) - size)
    return _POOL[start:start + size]


def raise_fd_limit(needed: int) -> str:
    """Raise the soft RLIMIT_NOFILE to ``needed`` within the hard limit; "" or why it cannot."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= needed:
        return ""
    if hard != resource.RLIM_INFINITY and hard < needed:
        return f"RLIMIT_NOFILE hard limit is {hard}, {needed} fds are needed"
    resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))
    return ""


class LoadError(Exception):
    """A check failed: the report's ``error``."""


class _Connection:
    __slots__ = ("expected", "index", "outgoing", "received", "round", "sock")

    def __init__(self, sock: socket.socket, index: int) -> None:
        self.sock = sock
        self.index = index
        self.round = -1  # -1: connecting
        self.outgoing = memoryview(b"")
        self.expected = b""
        self.received = bytearray()


class TcpClient:
    """Opens ``count`` connections (at most CONNECT_WINDOW waiting for their first echo), holds
    them all open, runs a second round on all of them, and checks every echoed byte."""

    def __init__(self, server: tuple[str, int], count: int, deadline: float) -> None:
        self.server = server
        self.family = socket.AF_INET6 if ":" in server[0] else socket.AF_INET
        self.count = count
        self.deadline = deadline
        self.selector = selectors.DefaultSelector()
        self.connections: list[_Connection] = []
        self.waiting = 0  # connections between connect() and the end of their current round
        self.held = 0  # connections whose first round is done (all stay open)
        self.done = 0  # connections whose last round is done
        self.sent = self.received = 0

    def run(self) -> dict[str, Any]:
        try:
            while self.done < self.count:
                self._open_more()
                remaining = self.deadline - time.monotonic()
                if remaining <= 0:
                    raise LoadError(f"deadline: {self.held} connections held, {self.done} finished")
                for key, mask in self.selector.select(min(remaining, 1.0)):
                    self._ready(key.data, mask)
            return {"connections": self.count, "held_at_once": self.held, "bytes_sent": self.sent,
                    "bytes_received": self.received}
        finally:
            for connection in self.connections:
                connection.sock.close()
            self.selector.close()

    def _open_more(self) -> None:
        while len(self.connections) < self.count and self.waiting < CONNECT_WINDOW:
            sock = socket.socket(self.family, socket.SOCK_STREAM)
            connection = _Connection(sock, len(self.connections))
            self.connections.append(connection)
            sock.setblocking(False)
            code = sock.connect_ex(self.server)
            if code not in (0, errno.EINPROGRESS):
                raise LoadError(f"connect {connection.index}: {errno.errorcode.get(code, code)}")
            self.waiting += 1
            self.selector.register(sock, selectors.EVENT_WRITE, connection)

    def _ready(self, connection: _Connection, mask: int) -> None:
        if connection.round < 0:
            code = connection.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if code:
                raise LoadError(f"connect {connection.index}: {errno.errorcode.get(code, code)}")
            self._start_round(connection, 0)
        elif mask & selectors.EVENT_WRITE:
            self._send(connection)
        else:
            self._receive(connection)

    def _start_round(self, connection: _Connection, round_: int) -> None:
        message = tcp_message(connection.index, connection.sock.getsockname()[1], round_)
        connection.round = round_
        connection.outgoing = memoryview(message)
        connection.expected = message
        connection.received = bytearray()
        if round_:  # unregistered since its first echo
            self.selector.register(connection.sock, selectors.EVENT_WRITE, connection)
        self._send(connection)

    def _send(self, connection: _Connection) -> None:
        try:
            sent = connection.sock.send(connection.outgoing)
        except BlockingIOError:
            sent = 0
        self.sent += sent
        connection.outgoing = connection.outgoing[sent:]
        events = selectors.EVENT_WRITE if connection.outgoing else selectors.EVENT_READ
        self.selector.modify(connection.sock, events, connection)

    def _receive(self, connection: _Connection) -> None:
        data = connection.sock.recv(len(connection.expected) - len(connection.received))
        if not data:
            raise LoadError(f"connection {connection.index}: server closed it in round {connection.round}")
        self.received += len(data)
        connection.received += data
        if len(connection.received) < len(connection.expected):
            return
        if connection.received != connection.expected:
            raise LoadError(f"connection {connection.index}: round {connection.round} echo differs")
        self.selector.unregister(connection.sock)
        if connection.round == 0:
            self.waiting -= 1
            self.held += 1
            if self.held == self.count:  # every connection is open: the second round, on all
                for each in self.connections:
                    self._start_round(each, 1)
        else:
            self.done += 1


class UdpClient:
    """Sends ``total`` datagrams round-robin from ``count`` sockets, at most UDP_WINDOW in flight,
    and checks every echo; a datagram unanswered for LOSS_AFTER seconds counts as lost."""

    def __init__(self, server: tuple[str, int], count: int, total: int, deadline: float) -> None:
        self.server = server
        self.family = socket.AF_INET6 if ":" in server[0] else socket.AF_INET
        self.count = count
        self.total = total
        self.deadline = deadline
        self.selector = selectors.DefaultSelector()
        self.sockets: list[socket.socket] = []
        self.ports: list[int] = []
        self.in_flight: dict[tuple[int, int], float] = {}
        self.given_up: set[tuple[int, int]] = set()  # counted as lost
        self.next = 0
        self.echoed = self.lost = self.late = self.duplicates = self.bytes_sent = self.bytes_received = 0

    def run(self) -> dict[str, Any]:
        try:
            self._open()
            while self.next < self.total or self.in_flight:
                remaining = self.deadline - time.monotonic()
                if remaining <= 0:
                    raise LoadError(f"deadline: {self.next} of {self.total} datagrams sent")
                self._send_more()
                for key, _ in self.selector.select(min(remaining, LOSS_AFTER / 4)):
                    self._receive(key.data)
                self._count_lost()
            return {"sockets": self.count, "datagrams_sent": self.total, "echoed": self.echoed,
                    "lost": self.lost, "late": self.late, "duplicates": self.duplicates,
                    "bytes_sent": self.bytes_sent,
                    "bytes_received": self.bytes_received}
        finally:
            for sock in self.sockets:
                sock.close()
            self.selector.close()

    def _open(self) -> None:
        for index in range(self.count):
            sock = socket.socket(self.family, socket.SOCK_DGRAM)
            self.sockets.append(sock)
            sock.setblocking(False)
            sock.bind((self.server[0], 0))
            self.ports.append(sock.getsockname()[1])
            self.selector.register(sock, selectors.EVENT_READ, index)

    def _send_more(self) -> None:
        now = time.monotonic()
        while self.next < self.total and len(self.in_flight) < UDP_WINDOW:
            index, sequence = self.next % self.count, self.next // self.count
            datagram = udp_datagram(index, sequence, self.ports[index])
            try:
                self.sockets[index].sendto(datagram, self.server)
            except BlockingIOError:
                return  # the socket's send buffer is full: try again after the next select()
            self.bytes_sent += len(datagram)
            self.in_flight[index, sequence] = now
            self.next += 1

    def _receive(self, index: int) -> None:
        sock = self.sockets[index]
        while True:
            try:
                data, sender = sock.recvfrom(65536)
            except BlockingIOError:
                return
            if sender[:2] != self.server:
                raise LoadError(f"socket {index} received a datagram from {sender}, not the server")
            try:
                got_index, sequence, port = check_udp_datagram(data)
            except ValueError as exc:
                raise LoadError(str(exc)) from None
            if (got_index, port) != (index, self.ports[index]):
                raise LoadError(f"socket {index} received datagram {sequence} of socket {got_index}")
            self.bytes_received += len(data)
            key = (index, sequence)
            if self.in_flight.pop(key, None) is not None:
                self.echoed += 1
            elif key in self.given_up:
                self.given_up.remove(key)
                self.late += 1
            else:
                self.duplicates += 1

    def _count_lost(self) -> None:
        oldest = time.monotonic() - LOSS_AFTER
        for key in [key for key, sent in self.in_flight.items() if sent < oldest]:
            del self.in_flight[key]
            self.given_up.add(key)
            self.lost += 1


def main(arguments: list[str]) -> int:
    started = time.monotonic()
    kind, host, port = arguments[0], arguments[1], int(arguments[2])
    numbers = [int(value) for value in arguments[3:-1]]
    deadline = started + float(arguments[-1])
    why = raise_fd_limit(numbers[0] + FD_MARGIN)
    if why:
        print(json.dumps({"skip": why}))
        return 0
    try:
        if kind == "tcp":
            report = TcpClient((host, port), numbers[0], deadline).run()
        else:
            report = UdpClient((host, port), numbers[0], numbers[1], deadline).run()
    except LoadError as exc:
        print(json.dumps({"error": str(exc)}))
        return 1
    report["seconds"] = round(time.monotonic() - started, 2)
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
