"""asyncio over famsock sockets: the loop's sock_* methods, and transports made with ``sock=``.

asyncio takes any ``socket.socket`` through ``sock=`` and calls its address methods itself
(``accept``, ``recvfrom``, ``sendto``, ``getsockname``, ``getpeername``), so the addresses it
reports come from the plugin: typed, and equal to what the stdlib reads on the same fd. Sockets
asyncio makes itself (``create_connection(host, port)`` without ``sock=``) are the stdlib's.
"""

from __future__ import annotations

import asyncio
import socket as stdlib
import sys
from collections.abc import Coroutine, Iterator
from typing import Any, cast

import pytest

import famsock
from famsock.testing import open_fds, stdlib_names
from tests.helpers import IPS, Ip, short_tempdir

TIMEOUT = 10  # seconds for a whole scenario: every await is bounded by it

needs_311 = pytest.mark.skipif(sys.version_info < (3, 11),
                               reason="loop.sock_recvfrom/sock_sendto are new in Python 3.11")


@pytest.fixture(autouse=True)
def _no_fd_leaks() -> Iterator[None]:
    before = open_fds()
    yield
    assert open_fds() == before


def run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    return asyncio.run(asyncio.wait_for(coroutine, TIMEOUT))


async def recv_exactly(sock: stdlib.socket, size: int) -> bytes:
    loop = asyncio.get_running_loop()
    data = b""
    while len(data) < size:
        chunk = await loop.sock_recv(sock, size - len(data))
        assert chunk, f"connection closed after {data!r}"
        data += chunk
    return data


def listener(ip: Ip) -> famsock.socket:
    sock = famsock.socket(ip.family, famsock.SOCK_STREAM)
    sock.bind(ip.local)
    sock.listen()
    sock.setblocking(False)
    return sock


# -- the loop's socket methods ---------------------------------------------------------------------

@pytest.mark.parametrize("ip", IPS)
def test_sock_connect_accept_send_and_receive(syscall_path: str, ip: Ip) -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        with listener(ip) as server, famsock.socket(ip.family) as client:
            client.setblocking(False)
            await loop.sock_connect(client, server.getsockname())
            conn, peer = await loop.sock_accept(server)
            with conn:
                assert isinstance(conn, famsock.socket)
                assert conn.syscall_path == syscall_path
                assert type(peer) is ip.address_type
                assert peer == stdlib_names(client)[0] == stdlib_names(conn)[1]
                assert client.getpeername() == stdlib_names(client)[1] == server.getsockname()

                await loop.sock_sendall(client, b"ping")
                assert await recv_exactly(conn, 4) == b"ping"
                await loop.sock_sendall(conn, b"pong")
                buffer = bytearray(4)
                assert await loop.sock_recv_into(client, buffer) == 4
                assert buffer == b"pong"

    run(main())


@needs_311
@pytest.mark.parametrize("ip", IPS)
def test_sock_sendto_and_recvfrom(syscall_path: str, ip: Ip) -> None:
    async def main() -> None:
        loop: Any = asyncio.get_running_loop()  # mypy checks for 3.10, which lacks these methods
        with famsock.socket(ip.family, famsock.SOCK_DGRAM) as left, \
                famsock.socket(ip.family, famsock.SOCK_DGRAM) as right:
            for sock in (left, right):
                sock.bind(ip.local)
                sock.setblocking(False)

            await loop.sock_sendto(left, b"one", right.getsockname())  # a typed address
            data, sender = await loop.sock_recvfrom(right, 100)
            assert data == b"one"
            assert type(sender) is ip.address_type
            assert sender == stdlib_names(left)[0]

            await loop.sock_sendto(right, b"two", (ip.host, left.getsockname()[1]))  # a plain tuple
            buffer = bytearray(100)
            size, sender = await loop.sock_recvfrom_into(left, buffer)
            assert buffer[:size] == b"two"
            assert type(sender) is ip.address_type
            assert sender == stdlib_names(right)[0]

    run(main())


# -- stream transports -----------------------------------------------------------------------------

@pytest.mark.parametrize("ip", IPS)
def test_start_server_and_open_connection_with_sock(syscall_path: str, ip: Ip) -> None:
    seen: list[tuple[Any, Any]] = []

    async def upper(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen.append((writer.get_extra_info("sockname"), writer.get_extra_info("peername")))
        writer.write((await reader.readline()).upper())
        await writer.drain()
        writer.close()
        await writer.wait_closed()

    async def main() -> None:
        loop = asyncio.get_running_loop()
        server_sock = listener(ip)
        server_address = server_sock.getsockname()
        server = await asyncio.start_server(upper, sock=server_sock)
        async with server:
            client = famsock.socket(ip.family)
            client.setblocking(False)
            try:
                await loop.sock_connect(client, server_address)
                client_names = stdlib_names(client)
            except BaseException:
                client.close()
                raise
            reader, writer = await asyncio.open_connection(sock=client)  # the transport owns it now
            try:
                assert type(writer.get_extra_info("socket").getsockname()) is ip.address_type
                assert writer.get_extra_info("sockname") == client_names[0]
                assert writer.get_extra_info("peername") == client_names[1] == server_address
                assert type(writer.get_extra_info("peername")) is ip.address_type
                writer.write(b"hello\n")
                assert await reader.readline() == b"HELLO\n"
            finally:
                writer.close()
                await writer.wait_closed()
        assert server_sock.fileno() == -1  # closed with the server

        [(sockname, peername)] = seen
        assert type(sockname) is type(peername) is ip.address_type
        assert sockname == server_address
        assert peername == client_names[0]

    run(main())


class Recorder(asyncio.Protocol):
    """Keeps what it receives and its transport's addresses; answers in upper case if asked."""

    def __init__(self, echo: bool = False) -> None:
        self.echo = echo
        self.received = b""
        self.extras: tuple[Any, Any] = (None, None)
        self.transport: asyncio.Transport | None = None
        self.lost = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)
        self.extras = (transport.get_extra_info("sockname"), transport.get_extra_info("peername"))

    def data_received(self, data: bytes) -> None:
        self.received += data
        if self.echo and self.transport is not None:
            self.transport.write(data.upper())
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.lost.done():
            self.lost.set_result(exc)


@pytest.mark.parametrize("ip", IPS)
def test_loop_create_server_and_create_connection_with_sock(syscall_path: str, ip: Ip) -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        server_sock = listener(ip)
        server_address = server_sock.getsockname()
        served: list[Recorder] = []

        def serve() -> Recorder:
            served.append(Recorder(echo=True))
            return served[-1]

        server = await loop.create_server(serve, sock=server_sock)
        async with server:
            [exposed] = server.sockets  # asyncio's TransportSocket over the famsock socket
            assert type(exposed.getsockname()) is ip.address_type
            with famsock.socket(ip.family) as client:
                client.settimeout(TIMEOUT)
                client.connect(server_address)  # a blocking connect, then handed to asyncio
                client_names = stdlib_names(client)
                client.setblocking(False)
                transport, protocol = await loop.create_connection(Recorder, sock=client)
                transport.write(b"hi")
                assert await protocol.lost is None  # the server answers, then closes
                assert protocol.received == b"HI"
                assert protocol.extras == client_names
                assert all(type(value) is ip.address_type for value in protocol.extras)
            [handler] = served
            await handler.lost
        assert handler.received == b"hi"
        assert handler.extras == (server_address, client_names[0])
        assert all(type(value) is ip.address_type for value in handler.extras)

    run(main())


# -- datagram transports ---------------------------------------------------------------------------

class Datagrams(asyncio.DatagramProtocol):
    """Queues what it receives; answers in upper case to the sender if asked."""

    def __init__(self, echo: bool = False) -> None:
        self.echo = echo
        self.queue: asyncio.Queue[tuple[bytes, Any]] = asyncio.Queue()
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # not isinstance(): asyncio's own datagram transport is no DatagramTransport before 3.12
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: Any) -> None:
        self.queue.put_nowait((data, addr))
        if self.echo and self.transport is not None:
            self.transport.sendto(data.upper(), addr)  # back to the typed address it got


@pytest.mark.parametrize("ip", IPS)
@pytest.mark.parametrize("connected", [False, True], ids=["unconnected", "connected"])
def test_create_datagram_endpoint_with_sock(syscall_path: str, ip: Ip, connected: bool) -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        server_sock = famsock.socket(ip.family, famsock.SOCK_DGRAM)
        server_sock.bind(ip.local)
        server_address = server_sock.getsockname()
        server, echo = await loop.create_datagram_endpoint(lambda: Datagrams(echo=True), sock=server_sock)
        try:
            client_sock = famsock.socket(ip.family, famsock.SOCK_DGRAM)
            client_sock.bind(ip.local)
            if connected:
                client_sock.connect(server_address)
            client_names = stdlib_names(client_sock)
            client, replies = await loop.create_datagram_endpoint(Datagrams, sock=client_sock)
            try:
                assert server.get_extra_info("sockname") == server_address
                assert server.get_extra_info("peername") is None
                assert client.get_extra_info("sockname") == client_names[0]
                assert client.get_extra_info("peername") == client_names[1]
                if connected:
                    assert type(client.get_extra_info("peername")) is ip.address_type
                    client.sendto(b"hi")
                else:
                    client.sendto(b"hi", server_address)

                data, sender = await echo.queue.get()
                assert (data, sender) == (b"hi", client_names[0])
                assert type(sender) is ip.address_type
                data, sender = await replies.queue.get()
                assert (data, sender) == (b"HI", server_address)
                assert type(sender) is ip.address_type
            finally:
                client.close()
        finally:
            server.close()
        await asyncio.sleep(0)  # transports close their sockets on the next loop iteration
        assert server_sock.fileno() == client_sock.fileno() == -1

    run(main())


# -- AF_UNIX ---------------------------------------------------------------------------------------

@pytest.fixture(params=["abstract", "path"])
def unix_address(request: pytest.FixtureRequest) -> Iterator[Any]:
    if request.param == "abstract":
        from famsock_unix import fresh_abstract_address

        yield fresh_abstract_address()
    else:
        with short_tempdir() as directory:
            yield str(directory / "server.sock")


@pytest.mark.family("unix")
def test_create_unix_server_and_open_unix_connection_with_sock(syscall_path: str, unix_address: Any) -> None:
    from famsock_unix import UnixAddress, UnixUnnamedAddress

    async def main() -> None:
        loop = asyncio.get_running_loop()
        served: list[Recorder] = []

        def serve() -> Recorder:
            served.append(Recorder(echo=True))
            return served[-1]

        server_sock = famsock.socket(famsock.AF_UNIX, famsock.SOCK_STREAM)
        server_sock.bind(unix_address)
        server_address = server_sock.getsockname()
        assert isinstance(server_address, UnixAddress) and isinstance(server_address, (str, bytes))
        assert server_address == unix_address
        server = await loop.create_unix_server(serve, sock=server_sock)
        async with server:
            client = famsock.socket(famsock.AF_UNIX, famsock.SOCK_STREAM)
            client.setblocking(False)
            try:
                await loop.sock_connect(client, server_address)  # a typed address
            except BaseException:
                client.close()
                raise
            reader, writer = await asyncio.open_unix_connection(sock=client)
            try:
                assert writer.get_extra_info("peername") == server_address
                assert isinstance(writer.get_extra_info("peername"), UnixAddress)
                assert type(writer.get_extra_info("sockname")) is UnixUnnamedAddress
                writer.write(b"hi")
                assert await reader.read() == b"HI"  # the server answers, then closes
            finally:
                writer.close()
                await writer.wait_closed()
            [handler] = served
            await handler.lost
        assert handler.received == b"hi"
        assert type(handler.extras[0]) is type(server_address)
        assert type(handler.extras[1]) is UnixUnnamedAddress
        assert handler.extras == (server_address, "")

    run(main())


def test_sockets_asyncio_makes_itself_are_the_stdlibs() -> None:
    """Without ``sock=``, asyncio opens its own sockets: famsock is not involved."""

    async def main() -> None:
        with listener(Ip("inet", stdlib.AF_INET, "127.0.0.1")) as server_sock:
            host, port = server_sock.getsockname()
            _, writer = await asyncio.open_connection(host, port)
            try:
                assert type(writer.get_extra_info("socket").getpeername()) is tuple
                assert type(writer.get_extra_info("peername")) is tuple
            finally:
                writer.close()
                await writer.wait_closed()

    run(main())
