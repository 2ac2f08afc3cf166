"""famsock AF_UNIX sockets and addresses where the stdlib's go: asyncio, socketserver, logging,
``famsock echo``.

Typed addresses are the stdlib's own ``str`` and ``bytes``, so code that checks
``isinstance(address, str)`` (``logging.handlers.SysLogHandler``) or hands them to a stdlib socket
takes them as it takes the stdlib's. Each scenario also runs with a stdlib socket where the
outcome depends on the Python version (asyncio 3.13+ removes a server's socket file when it
closes, by calling ``os.stat()`` and ``os.unlink()`` on ``sock.getsockname()``): famsock's typed
addresses must lead to the same outcome.
"""

from __future__ import annotations

import asyncio
import logging
import logging.handlers
import os
import socket as stdlib
import socketserver
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from famsock_unix import (
    FAMILY,
    UnixAbstractAddress,
    UnixAddress,
    UnixPathAddress,
    UnixUnnamedAddress,
    famsock_families,
    famsock_loopbacks,
    fresh_abstract_address,
)

import famsock
from famsock._echo import echo  # what `famsock echo` runs, for every loopback rather than the first

Extras = list[tuple[Any, Any]]


async def _upper_server(sock: stdlib.socket, connect: Callable[[], Any], extras: Extras) -> bytes:
    """Serve one line in upper case on ``sock`` with asyncio; return what a client got back."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        extras.append((writer.get_extra_info("sockname"), writer.get_extra_info("peername")))
        writer.write((await reader.readline()).upper())
        await writer.drain()
        writer.close()
        await writer.wait_closed()

    server = await asyncio.start_unix_server(handle, sock=sock)
    async with server:
        reader, writer = await connect()
        writer.write(b"hello\n")
        await writer.drain()
        answer: bytes = await reader.readline()
        writer.close()
        await writer.wait_closed()
    return answer


def _serve_on(make: Callable[..., Any], address: Any, target: Any = None) -> tuple[bytes, Extras]:
    """Serve with asyncio on a socket ``make`` opens and binds to ``address``; the client
    connects to ``target``, by default the server's ``getsockname()``."""
    extras: Extras = []
    with make(stdlib.AF_UNIX, stdlib.SOCK_STREAM) as sock:
        sock.bind(address)
        path = sock.getsockname() if target is None else target
        answer = asyncio.run(asyncio.wait_for(
            _upper_server(sock, lambda: asyncio.open_unix_connection(path), extras), 10))
        assert sock.fileno() == -1  # the server closed it
    return answer, extras


def test_asyncio_unix_server_on_a_path(syscall_path: str, sock_dir: Path) -> None:
    answer, extras = _serve_on(famsock.socket, sock_dir / "famsock.sock")  # client: os.fspath(typed)
    assert answer == b"HELLO\n"
    [(sockname, peername)] = extras
    assert type(sockname) is UnixPathAddress and sockname == str(sock_dir / "famsock.sock")
    assert type(peername) is UnixUnnamedAddress and peername == ""
    # asyncio 3.13+ removes the file through os.stat()/os.unlink() of getsockname(), exactly as
    # for a stdlib socket; before 3.13 it leaves both
    _serve_on(stdlib.socket, str(sock_dir / "stdlib.sock"))
    left = sys.version_info < (3, 13)
    assert os.path.exists(sock_dir / "famsock.sock") is os.path.exists(sock_dir / "stdlib.sock") is left


def test_asyncio_unix_server_on_an_abstract_name(syscall_path: str) -> None:
    address = fresh_abstract_address()
    answer, extras = _serve_on(famsock.socket, address, address)  # os.fspath() of bytes: the bytes
    assert answer == b"HELLO\n"
    [(sockname, peername)] = extras
    assert type(sockname) is UnixAbstractAddress and sockname == address
    assert peername == ""


def test_asyncio_sock_methods_take_typed_addresses(syscall_path: str) -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        with famsock.socket(famsock.AF_UNIX) as server, famsock.socket(famsock.AF_UNIX) as client:
            server.bind(fresh_abstract_address())
            server.listen()
            server.setblocking(False)
            client.setblocking(False)
            await loop.sock_connect(client, server.getsockname())
            conn, peer = await loop.sock_accept(server)
            with conn:
                assert isinstance(conn, famsock.socket)
                assert peer == "" and type(peer) is UnixUnnamedAddress
                await loop.sock_sendall(client, b"ping")
                assert await loop.sock_recv(conn, 4) == b"ping"

    asyncio.run(asyncio.wait_for(main(), 10))


def test_asyncio_datagram_endpoint_to_a_typed_path(syscall_path: str, sock_dir: Path) -> None:
    """create_datagram_endpoint(family=AF_UNIX) takes only a ``str`` as local_addr/remote_addr."""

    async def send(to: Any) -> None:
        transport, _ = await asyncio.get_running_loop().create_datagram_endpoint(
            asyncio.DatagramProtocol, local_addr=str(sock_dir / "client"), remote_addr=to,
            family=famsock.AF_UNIX)
        transport.sendto(b"hello")  # sent at once: nothing else is queued
        transport.close()

    with famsock.socket(famsock.AF_UNIX, famsock.SOCK_DGRAM) as server:
        server.settimeout(5)
        server.bind(sock_dir / "server")
        asyncio.run(asyncio.wait_for(send(server.getsockname()), 10))
        data, sender = server.recvfrom(100)
    assert data == b"hello"
    assert type(sender) is UnixPathAddress and sender == str(sock_dir / "client")


class _UpperLine(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        self.server.seen.append(self.client_address)  # type: ignore[attr-defined]
        self.wfile.write(self.rfile.readline().upper())


class _UpperDatagram(socketserver.DatagramRequestHandler):
    def handle(self) -> None:
        self.server.seen.append(self.client_address)  # type: ignore[attr-defined]
        self.wfile.write(self.rfile.read().upper())  # sent back to client_address by finish()


def _famsock_server(cls: type[socketserver.UnixStreamServer] | type[socketserver.UnixDatagramServer],
                    address: Any, handler: type[socketserver.BaseRequestHandler]) -> Any:
    """A socketserver server whose socket is a famsock socket (socketserver makes its own)."""
    server: Any = cls(address, handler, bind_and_activate=False)
    server.socket.close()
    server.socket = famsock.socket(server.address_family, server.socket_type)
    server.seen = []
    server.timeout = 5  # handle_request() gives up rather than hang a failing test
    try:
        server.server_bind()
        server.server_activate()
    except BaseException:
        server.server_close()
        raise
    return server


def _serve_once(server: Any) -> threading.Thread:
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    return thread


def test_socketserver_unix_stream_server(syscall_path: str, sock_dir: Path) -> None:
    with _famsock_server(socketserver.UnixStreamServer, sock_dir / "server", _UpperLine) as server:
        assert type(server.server_address) is UnixPathAddress
        assert server.server_address == str(sock_dir / "server")
        thread = _serve_once(server)
        with stdlib.socket(stdlib.AF_UNIX, stdlib.SOCK_STREAM) as client:
            client.settimeout(5)
            client.connect(os.fspath(server.server_address))
            client.sendall(b"hello\n")
            assert client.makefile("rb").readline() == b"HELLO\n"
        thread.join(5)
        assert server.seen == [""]
        assert type(server.seen[0]) is UnixUnnamedAddress


def test_socketserver_unix_datagram_server(syscall_path: str) -> None:
    address = fresh_abstract_address()
    with _famsock_server(socketserver.UnixDatagramServer, address, _UpperDatagram) as server, \
            stdlib.socket(stdlib.AF_UNIX, stdlib.SOCK_DGRAM) as client:
        client.settimeout(5)
        client.bind("")  # so the server can answer
        thread = _serve_once(server)
        client.sendto(b"hello", server.server_address)  # a stdlib socket takes the typed address
        assert client.recvfrom(100) == (b"HELLO", server.server_address)
        thread.join(5)
        assert server.seen == [client.getsockname()]
        assert type(server.seen[0]) is UnixAbstractAddress


KIND_NAMES = {stdlib.SOCK_STREAM: "stream", stdlib.SOCK_DGRAM: "dgram", stdlib.SOCK_SEQPACKET: "seqpacket"}


def test_syslog_handler_logs_to_a_typed_path(syscall_path: str, sock_dir: Path) -> None:
    """SysLogHandler takes a ``str`` address as a UNIX socket's path (anything else as (host, port))."""
    with famsock.socket(famsock.AF_UNIX, famsock.SOCK_DGRAM) as server:
        server.settimeout(5)
        server.bind(sock_dir / "log")
        address = server.getsockname()
        assert type(address) is UnixPathAddress
        handler = logging.handlers.SysLogHandler(address=address)
        try:
            assert handler.unixsocket
            record = logging.LogRecord("famsock", logging.WARNING, __file__, 1, "to %s", (address,), None)
            handler.emit(record)
        finally:
            handler.close()
        assert server.recv(1000) == f"<12>to {sock_dir / 'log'}\x00".encode()


@pytest.mark.parametrize("loopback", famsock_loopbacks(), ids=lambda loopback: KIND_NAMES[loopback.type])
def test_echo_over_every_loopback(syscall_path: str, loopback: Any) -> None:
    result = echo(FAMILY, loopback, b"Hello, world")
    assert result.ok
    assert result.path == syscall_path
    assert type(result.server) is UnixAbstractAddress
    assert famsock.address_to_text(result.server).startswith("unix:@famsock-")


def test_loopback_names_are_fresh_and_abstract() -> None:
    names = {fresh_abstract_address() for _ in range(100)}
    assert len(names) == 100
    assert all(type(name) is UnixAbstractAddress for name in names)


def test_registered_for_af_unix() -> None:
    assert famsock.family("unix") is FAMILY
    assert famsock.family(famsock.AF_UNIX) is FAMILY
    assert famsock_families() == [FAMILY]
    assert FAMILY.address_type is UnixAddress
    assert FAMILY.socket_types == {famsock.SOCK_STREAM, famsock.SOCK_DGRAM, famsock.SOCK_SEQPACKET}
    assert famsock.parse_address("unix", b"\0x") == b"\0x"
    assert famsock.encode(UnixAddress("/x")) == famsock.encode("/x", famsock.AF_UNIX)
