"""``famsock.to_stdlib``: a famsock socket's fd handed to a plain ``socket.socket``.

The adapter for libraries that accept only the exact stdlib type (trio's
``from_stdlib_socket`` checks ``type(sock) is socket.socket``, to refuse ``ssl.SSLSocket``).
The fd moves as it is (same number, same kernel state); the famsock socket is detached; the
new socket is the stdlib's, with the stdlib's address forms.
"""

from __future__ import annotations

import errno
import os
import socket as stdlib
from collections.abc import Iterator

import pytest

import famsock
from famsock.testing import open_fds
from tests.helpers import IPS, Ip


@pytest.fixture(autouse=True)
def _no_fd_leaks() -> Iterator[None]:
    before = open_fds()
    yield
    assert open_fds() == before


@pytest.mark.parametrize("ip", IPS)
@pytest.mark.parametrize("kind", [stdlib.SOCK_STREAM, stdlib.SOCK_DGRAM], ids=["stream", "dgram"])
def test_the_same_fd_in_a_plain_stdlib_socket(syscall_path: str, ip: Ip, kind: int) -> None:
    sock = famsock.socket(ip.family, kind)
    sock.bind(ip.local)  # the path is chosen
    name = sock.getsockname()
    fd = sock.fileno()
    with famsock.to_stdlib(sock) as plain:
        assert type(plain) is stdlib.socket
        assert plain.fileno() == fd
        assert (plain.family, plain.type, plain.proto) == (ip.family, kind, sock.proto)
        assert plain.getsockname() == name
        assert type(plain.getsockname()) is tuple  # the stdlib's form, from the stdlib
        assert not plain.get_inheritable()
    assert sock.fileno() == -1
    with pytest.raises(OSError) as caught:  # detached: nothing works on it any more
        sock.getsockname()
    assert caught.value.errno == errno.EBADF


def test_a_socket_with_no_path_chosen_yet() -> None:
    with famsock.to_stdlib(famsock.socket()) as plain:
        assert type(plain) is stdlib.socket
        plain.bind(("127.0.0.1", 0))
        assert plain.getsockname()[0] == "127.0.0.1"


@pytest.mark.parametrize("timeout", [None, 0.0, 2.5], ids=["blocking", "non-blocking", "timeout"])
def test_timeout_and_blocking_mode_carry_over(timeout: float | None) -> None:
    sock = famsock.socket()
    sock.settimeout(timeout)
    fd_blocking = os.get_blocking(sock.fileno())
    with famsock.to_stdlib(sock) as plain:
        assert plain.gettimeout() == timeout
        assert plain.getblocking() is (timeout != 0.0)
        assert os.get_blocking(plain.fileno()) is fd_blocking is (timeout is None)


def test_the_default_timeout_does_not_replace_the_sockets_own() -> None:
    """A stdlib socket made on an fd takes the default timeout; to_stdlib keeps the socket's."""
    previous = stdlib.getdefaulttimeout()
    stdlib.setdefaulttimeout(7)
    try:
        sock = famsock.socket()
        sock.settimeout(None)
        with famsock.to_stdlib(sock) as plain:
            assert plain.gettimeout() is None
            assert os.get_blocking(plain.fileno())
    finally:
        stdlib.setdefaulttimeout(previous)


@pytest.mark.parametrize("ip", IPS)
def test_a_connected_stream_keeps_working(syscall_path: str, ip: Ip) -> None:
    with stdlib.create_server(ip.local, family=ip.family) as server:
        client = famsock.create_connection(server.getsockname()[:2], timeout=5)
        conn, _ = server.accept()
        with conn, famsock.to_stdlib(client) as plain:
            assert plain.gettimeout() == 5
            assert plain.getpeername() == server.getsockname()
            assert type(plain.getpeername()) is tuple
            plain.sendall(b"ping")
            assert conn.recv(4) == b"ping"
            conn.sendall(b"pong")
            assert plain.recv(4) == b"pong"


@pytest.mark.parametrize("ip", IPS)
def test_a_listener_accepts_stdlib_sockets(syscall_path: str, ip: Ip) -> None:
    with famsock.create_server(ip.local, family=ip.family) as server:
        address = server.getsockname()
        server.settimeout(5)
        with famsock.to_stdlib(server) as plain, famsock.create_connection(address[:2], timeout=5) as client:
            conn, peer = plain.accept()
            with conn:
                assert type(conn) is stdlib.socket
                assert type(peer) is tuple
                assert peer == client.getsockname()


@pytest.mark.parametrize("ip", IPS)
def test_a_datagram_socket_keeps_working(syscall_path: str, ip: Ip) -> None:
    with famsock.socket(ip.family, famsock.SOCK_DGRAM) as other:
        other.bind(ip.local)
        other.settimeout(5)
        sock = famsock.socket(ip.family, famsock.SOCK_DGRAM)
        sock.bind(ip.local)
        with famsock.to_stdlib(sock) as plain:
            plain.settimeout(5)
            plain.sendto(b"to", other.getsockname())  # a typed address: a tuple to the stdlib
            data, sender = other.recvfrom(10)
            assert (data, sender) == (b"to", plain.getsockname())
            other.sendto(b"fro", sender)
            data, sender = plain.recvfrom(10)
            assert (data, sender) == (b"fro", other.getsockname())
            assert type(sender) is tuple


@pytest.mark.family("unix")
def test_unix_sockets_give_the_stdlibs_str_and_bytes(syscall_path: str) -> None:
    from famsock_unix import fresh_abstract_address

    left, right = famsock.socketpair()
    with right, famsock.to_stdlib(left) as plain:
        assert plain.getsockname() == ""
        assert type(plain.getsockname()) is str
        plain.sendall(b"pair")
        assert right.recv(4) == b"pair"
    sock = famsock.socket(famsock.AF_UNIX)
    address = fresh_abstract_address()
    sock.bind(address)
    with famsock.to_stdlib(sock) as plain:
        assert plain.getsockname() == address
        assert type(plain.getsockname()) is bytes


def test_a_closed_socket_cannot_be_handed_over() -> None:
    sock = famsock.socket()
    sock.close()
    with pytest.raises(OSError) as caught:
        famsock.to_stdlib(sock)
    assert caught.value.errno == errno.EBADF


# -- trio ------------------------------------------------------------------------------------------

def test_trio_takes_the_plain_socket_and_refuses_the_famsock_one(syscall_path: str) -> None:
    trio = pytest.importorskip("trio", reason="trio is not installed (famsock does not depend on it)")

    async def main() -> None:
        with trio.fail_after(10), famsock.create_server(("127.0.0.1", 0)) as server, \
                famsock.create_connection(server.getsockname(), timeout=10) as client:
            with pytest.raises(TypeError, match=r"expected object of type 'socket\.socket'"):
                trio.socket.from_stdlib_socket(client)  # trio wants the exact type
            conn, _ = server.accept()  # already connected: returns at once
            conn.settimeout(10)
            with conn, trio.socket.from_stdlib_socket(famsock.to_stdlib(client)) as trio_client:
                assert trio_client.getpeername() == server.getsockname()
                await trio_client.send(b"ping")
                assert conn.recv(4) == b"ping"
                conn.sendall(b"pong")
                assert await trio_client.recv(4) == b"pong"

    trio.run(main)
