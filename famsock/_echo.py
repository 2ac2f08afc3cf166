"""The classic echo server and client of the socket documentation, over any family.

The server runs in a thread on the family's loopback address; the client sends one message and
reads it back. Connection-oriented types use the seeds' program (accept, recv until EOF, send);
datagram types answer each datagram to its sender, so their client binds an address first.
"""

from __future__ import annotations

import _socket
import threading
import time
from dataclasses import dataclass
from typing import Any

from ._socket_object import socket
from .contract import Family, Loopback

__all__ = ["EchoResult", "echo"]

_CONNECTED = {_socket.SOCK_STREAM, _socket.SOCK_SEQPACKET}


@dataclass(frozen=True)
class EchoResult:
    """One echo exchange: the server's address, what came back, and how long it took."""

    family: Family[Any]
    kind: int
    server: Any
    sent: bytes
    received: bytes
    seconds: float
    path: str

    @property
    def ok(self) -> bool:
        return self.received == self.sent


def echo(family: Family[Any], loopback: Loopback, message: bytes, timeout: float = 5.0) -> EchoResult:
    """Echo ``message`` through a server of ``family`` bound to ``loopback``; raises on failure."""
    with socket(family.number, loopback.type, loopback.proto) as server:
        server.settimeout(timeout)
        server.bind(loopback.address())
        address = server.getsockname()
        connected = loopback.type in _CONNECTED
        if connected:
            server.listen(1)
        failures: list[BaseException] = []
        serve = _serve_connection if connected else _serve_datagram
        thread = threading.Thread(target=_guard(serve, server, failures), daemon=True)
        thread.start()
        try:
            with socket(family.number, loopback.type, loopback.proto) as client:
                client.settimeout(timeout)
                started = time.perf_counter()
                received = (_call_connected if connected else _call_datagram)(
                    client, address, message, loopback)
                seconds = time.perf_counter() - started
        finally:
            thread.join(timeout)
        if failures:
            raise failures[0]
        return EchoResult(family, loopback.type, address, message, received, seconds, server.syscall_path)


def _guard(serve: Any, server: socket, failures: list[BaseException]) -> Any:
    def run() -> None:
        try:
            serve(server)
        except BaseException as exc:  # reported by echo() in the caller's thread
            failures.append(exc)

    return run


def _serve_connection(server: socket) -> None:
    conn, _ = server.accept()
    with conn:
        while True:
            data = conn.recv(65536)  # whole SEQPACKET records: a shorter read would cut them
            if not data:
                break
            conn.sendall(data)


def _serve_datagram(server: socket) -> None:
    data, peer = server.recvfrom(65536)
    server.sendto(data, peer)


def _call_connected(client: socket, address: Any, message: bytes, loopback: Loopback) -> bytes:
    client.connect(address)
    client.sendall(message)
    received = b""
    while len(received) < len(message):
        data = client.recv(65536)
        if not data:
            break
        received += data
    return received


def _call_datagram(client: socket, address: Any, message: bytes, loopback: Loopback) -> bytes:
    client.bind(loopback.address())  # so the server has an address to answer
    client.sendto(message, address)
    data, _ = client.recvfrom(65536)
    return data
