"""socketserver and http.server over famsock sockets; http.client connecting with famsock.

socketserver makes its socket in ``TCPServer.__init__`` with ``socket.socket(...)`` and has no
factory to override. Its documented override point is ``server_bind()`` ("May be overridden"),
which the constructor calls before anything uses the socket: :class:`FamsockServer` swaps in a
famsock socket there, so every server class keeps its normal constructor (``bind_and_activate``
included) and context manager. Handlers then get the plugin's typed ``client_address``.

http.client has no public hook for its socket either: ``HTTPConnection.connect()`` calls
``self._create_connection(...)``, an instance attribute set to ``socket.create_connection`` in
``__init__`` (3.x; CPython's own tests replace it). ``famsock.create_connection`` fits it: same
signature, and the stdlib's ``_GLOBAL_DEFAULT_TIMEOUT`` sentinel, which HTTPConnection passes
when no timeout is given.
"""

from __future__ import annotations

import http.client
import http.server
import os
import socket as stdlib
import socketserver
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import pytest

import famsock
from famsock.testing import open_fds, stdlib_names
from tests.helpers import IPS, Ip, short_tempdir

TIMEOUT = 10
ServerT = TypeVar("ServerT", bound=socketserver.BaseServer)


@pytest.fixture(autouse=True)
def _no_fd_leaks() -> Iterator[None]:
    before = open_fds()
    yield
    assert open_fds() == before


class FamsockServer(socketserver.TCPServer):
    """Mixin for any socketserver server class: its socket is a famsock socket.

    ``class Server(FamsockServer, socketserver.UDPServer)``: the stdlib socket the constructor
    made is closed unused, before ``server_bind()`` binds the famsock one.
    """

    def server_bind(self) -> None:
        self.socket.close()
        self.socket = famsock.socket(self.address_family, self.socket_type)
        super().server_bind()


def server_class(base: type[ServerT], family: int) -> type[ServerT]:
    return type(f"Famsock{base.__name__}", (FamsockServer, base), {"address_family": family})


@contextmanager
def serving(server: ServerT) -> Iterator[ServerT]:
    """``serve_forever()`` in a thread for the block; then shut down, joined, and closed."""
    server.seen = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    with server:
        thread.start()
        try:
            yield server
        finally:
            server.shutdown()
            thread.join(TIMEOUT)
    assert not thread.is_alive()


class UpperLine(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        self.server.seen.append((self.client_address, self.request))  # type: ignore[attr-defined]
        self.wfile.write(self.rfile.readline().upper())


class UpperDatagram(socketserver.DatagramRequestHandler):
    def handle(self) -> None:
        self.server.seen.append((self.client_address, self.request))  # type: ignore[attr-defined]
        self.wfile.write(self.rfile.read().upper())  # finish() sends it to client_address


def ask(client: stdlib.socket, address: Any, line: bytes) -> bytes:
    client.settimeout(TIMEOUT)
    client.connect(address)
    client.sendall(line)
    with client.makefile("rb") as reader:
        return reader.readline()


def clients(family: int, kind: int = stdlib.SOCK_STREAM) -> list[stdlib.socket]:
    """A stdlib client and a famsock client: the server must see each as the stdlib does."""
    return [stdlib.socket(family, kind), famsock.socket(family, kind)]


# -- socketserver ----------------------------------------------------------------------------------

@pytest.mark.parametrize("ip", IPS)
@pytest.mark.parametrize("base", [socketserver.TCPServer, socketserver.ThreadingTCPServer],
                         ids=["TCPServer", "ThreadingTCPServer"])
def test_tcp_servers(syscall_path: str, ip: Ip, base: type[socketserver.TCPServer]) -> None:
    with serving(server_class(base, ip.family)(ip.local, UpperLine)) as server:
        assert isinstance(server.socket, famsock.socket)
        assert server.socket.syscall_path == syscall_path
        assert type(server.server_address) is ip.address_type
        assert server.server_address == stdlib_names(server.socket)[0]
        expected = []
        for client in clients(ip.family):
            with client:
                assert ask(client, server.server_address, b"hello\n") == b"HELLO\n"
                expected.append(stdlib_names(client)[0])
    seen: list[tuple[Any, Any]] = server.seen  # type: ignore[attr-defined]
    assert [address for address, _ in seen] == expected
    for address, request in seen:
        assert type(address) is ip.address_type
        assert isinstance(request, famsock.socket)
        assert request.fileno() == -1  # closed by the server after handling


def test_threading_tcp_server_serves_connections_at_once(syscall_path: str) -> None:
    """Three clients connect before any sends: each handler waits in its own thread."""
    ip = Ip("inet", stdlib.AF_INET, "127.0.0.1")
    with serving(server_class(socketserver.ThreadingTCPServer, ip.family)(ip.local, UpperLine)) as server:
        address = (ip.host, server.server_address[1])
        connected = [famsock.create_connection(address, timeout=TIMEOUT) for _ in range(3)]
        try:
            for number, client in enumerate(reversed(connected)):
                client.sendall(b"client %d\n" % number)
                with client.makefile("rb") as reader:
                    assert reader.readline() == b"CLIENT %d\n" % number
            expected = {client.getsockname() for client in connected}
        finally:
            for client in connected:
                client.close()
    assert {address for address, _ in server.seen} == expected  # type: ignore[attr-defined]


@pytest.mark.parametrize("ip", IPS)
def test_udp_server(syscall_path: str, ip: Ip) -> None:
    with serving(server_class(socketserver.UDPServer, ip.family)(ip.local, UpperDatagram)) as server:
        assert isinstance(server.socket, famsock.socket)
        assert type(server.server_address) is ip.address_type
        expected = []
        for client in clients(ip.family, stdlib.SOCK_DGRAM):
            with client:
                client.settimeout(TIMEOUT)
                client.bind(ip.local)
                client.sendto(b"hello", server.server_address)
                assert client.recvfrom(100) == (b"HELLO", server.server_address)
                expected.append(stdlib_names(client)[0])
    seen: list[tuple[Any, Any]] = server.seen  # type: ignore[attr-defined]
    assert [address for address, _ in seen] == expected
    for address, (data, sock) in seen:
        assert type(address) is ip.address_type
        assert data == b"hello"
        assert sock is server.socket


@pytest.fixture(params=["abstract", "path"])
def unix_server_address(request: pytest.FixtureRequest) -> Iterator[Any]:
    """An address in the stdlib's form (a stdlib socket takes typed ones from Python 3.12 on)."""
    if request.param == "abstract":
        from famsock_unix import fresh_abstract_address

        yield fresh_abstract_address().stdlib
    else:
        with short_tempdir() as directory:
            yield str(directory / "server.sock")


@pytest.mark.family("unix")
def test_unix_stream_server(syscall_path: str, unix_server_address: Any) -> None:
    from famsock_unix import UnixAddress, UnixUnnamedAddress, fresh_abstract_address

    with serving(FamsockUnixStreamServer(unix_server_address, UpperLine)) as server:
        assert isinstance(server.server_address, UnixAddress)
        assert server.server_address == unix_server_address == stdlib_names(server.socket)[0]
        expected = []
        for client in clients(stdlib.AF_UNIX):
            with client:
                assert ask(client, unix_server_address, b"unnamed\n") == b"UNNAMED\n"
                expected.append(stdlib_names(client)[0])
        for client in clients(stdlib.AF_UNIX):
            with client:
                client.bind(fresh_abstract_address().stdlib)  # a client with a name
                assert ask(client, unix_server_address, b"named\n") == b"NAMED\n"
                expected.append(stdlib_names(client)[0])
    seen = [address for address, _ in server.seen]  # type: ignore[attr-defined]
    assert seen == expected
    assert seen[:2] == ["", ""]
    assert all(type(address) is UnixUnnamedAddress for address in seen[:2])
    assert all(isinstance(address, UnixAddress) and address.kind == "abstract" for address in seen[2:])
    if isinstance(unix_server_address, str):
        assert os.path.exists(unix_server_address)  # socketserver leaves the file, as with the stdlib


class FamsockUnixStreamServer(FamsockServer, socketserver.UnixStreamServer):
    pass


# -- http.server and http.client -------------------------------------------------------------------

class Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.server.seen.append(self.client_address)  # type: ignore[attr-defined]
        body = f"hello {self.address_string()} at {self.path}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # not on the test's stderr


def famsock_http_connection(host: str, port: int, **options: Any) -> http.client.HTTPConnection:
    conn = http.client.HTTPConnection(host, port, **options)
    conn._create_connection = famsock.create_connection  # type: ignore[attr-defined]
    return conn


def get(conn: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
    conn.request("GET", path)
    with conn.getresponse() as response:
        return response.status, response.read()


@pytest.mark.parametrize("ip", IPS)
def test_http_server_and_client(syscall_path: str, ip: Ip) -> None:
    server_cls = server_class(http.server.HTTPServer, ip.family)
    with serving(server_cls(ip.local, Hello)) as server:
        assert isinstance(server.socket, famsock.socket)
        assert type(server.server_address) is ip.address_type
        assert server.server_port == server.server_address[1]
        conn = famsock_http_connection(ip.host, server.server_port, timeout=TIMEOUT,
                                       source_address=ip.local)
        try:
            conn.connect()
            client = conn.sock
            assert isinstance(client, famsock.socket)
            assert client.syscall_path == syscall_path
            assert client.gettimeout() == TIMEOUT
            assert type(client.getpeername()) is ip.address_type
            client_names = stdlib_names(client)
            assert client_names[1] == server.server_address
            assert get(conn, "/famsock") == (200, f"hello {ip.host} at /famsock".encode())
        finally:
            conn.close()
    assert server.seen == [client_names[0]]  # type: ignore[attr-defined]
    assert type(server.seen[0]) is ip.address_type  # type: ignore[attr-defined]


@pytest.mark.parametrize(("options", "expected"), [({}, TIMEOUT), ({"timeout": 3.5}, 3.5)],
                         ids=["default-timeout", "explicit-timeout"])
def test_http_client_timeout_reaches_the_famsock_socket(
        syscall_path: str, options: dict[str, Any], expected: float) -> None:
    """With no timeout, HTTPConnection passes socket._GLOBAL_DEFAULT_TIMEOUT: famsock must read
    it as the stdlib does (the default timeout), not as a value for settimeout()."""
    previous = stdlib.getdefaulttimeout()
    stdlib.setdefaulttimeout(TIMEOUT)  # bounds the default-timeout case
    try:
        with famsock.create_server(("127.0.0.1", 0)) as listener:
            conn = famsock_http_connection("127.0.0.1", listener.getsockname()[1], **options)
            try:
                conn.connect()
                assert isinstance(conn.sock, famsock.socket)
                assert conn.sock.gettimeout() == expected
            finally:
                conn.close()
    finally:
        stdlib.setdefaulttimeout(previous)


def test_famsock_create_connection_takes_the_stdlibs_sentinel() -> None:
    default: Callable[..., Any] = famsock.create_connection
    assert default.__defaults__ is not None
    assert default.__defaults__[0] is stdlib._GLOBAL_DEFAULT_TIMEOUT  # type: ignore[attr-defined]
