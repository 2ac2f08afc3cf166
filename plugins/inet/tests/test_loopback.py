"""AF_INET on the real kernel (loopback): famsock and stdlib sockets side by side, both paths.

Every address a famsock socket reports is compared with what a stdlib socket reports for the
same endpoint, in both directions (famsock client / stdlib server and the reverse).
"""

from __future__ import annotations

import errno
import socket as stdlib
from collections.abc import Callable, Iterator

import pytest
from famsock_inet import InetAddress

import famsock

pytestmark = pytest.mark.usefixtures("no_fd_leak")

LOCAL = ("127.0.0.1", 0)


@pytest.fixture
def udp_pair(syscall_path: str) -> Iterator[tuple[famsock.socket, stdlib.socket]]:
    ours = famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM)
    theirs = stdlib.socket(stdlib.AF_INET, stdlib.SOCK_DGRAM)
    with ours, theirs:
        ours.bind(LOCAL)
        theirs.bind(LOCAL)
        ours.settimeout(5)
        theirs.settimeout(5)
        yield ours, theirs


def test_path_is_the_one_asked_for(syscall_path: str) -> None:
    with famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM) as sock:
        assert sock.syscall_path == syscall_path


def test_udp_addresses_agree_with_the_stdlib(udp_pair: tuple[famsock.socket, stdlib.socket]) -> None:
    ours, theirs = udp_pair
    assert type(ours.getsockname()) is InetAddress
    theirs.sendto(b"to famsock", ours.getsockname())
    data, sender = ours.recvfrom(100)
    assert (data, sender) == (b"to famsock", theirs.getsockname())
    assert type(sender) is InetAddress
    ours.sendto(b"to stdlib", theirs.getsockname())
    data, sender = theirs.recvfrom(100)
    assert (data, sender) == (b"to stdlib", ours.getsockname())


def test_sendto_with_flags_and_recvfrom_into(udp_pair: tuple[famsock.socket, stdlib.socket]) -> None:
    ours, theirs = udp_pair
    theirs.sendto(b"0123456789", 0, ours.getsockname())
    buffer = bytearray(16)
    received, sender = ours.recvfrom_into(buffer, 4)
    assert (received, bytes(buffer[:4]), sender) == (4, b"0123", theirs.getsockname())
    ours.sendto(bytearray(b"flags"), 0, theirs.getsockname())
    assert theirs.recvfrom(10) == (b"flags", ours.getsockname())


def test_sendto_takes_any_bytes_like_object(udp_pair: tuple[famsock.socket, stdlib.socket]) -> None:
    ours, theirs = udp_pair
    for data in (b"bytes", bytearray(b"bytearray"), memoryview(b"memoryview"), memoryview(b"xsliced")[1:]):
        assert ours.sendto(data, theirs.getsockname()) == len(bytes(data))
        assert theirs.recv(100) == bytes(data)
    with pytest.raises(TypeError, match="bytes-like object is required, not 'str'"):
        ours.sendto("text", theirs.getsockname())  # type: ignore[arg-type]
    strided = memoryview(bytearray(b"abcdef"))[::2]
    for sock in (theirs, ours):
        with pytest.raises(BufferError, match="not C-contiguous"):
            sock.sendto(strided, theirs.getsockname())


def test_recvfrom_into_rejects_what_the_stdlib_rejects(
        udp_pair: tuple[famsock.socket, stdlib.socket]) -> None:
    ours, theirs = udp_pair
    for sock in (ours, theirs):
        with pytest.raises(ValueError, match="negative buffersize"):
            sock.recvfrom_into(bytearray(4), -1)
        with pytest.raises(ValueError, match="nbytes is greater than the length of the buffer"):
            sock.recvfrom_into(bytearray(4), 5)
        with pytest.raises(TypeError):
            sock.recvfrom_into(b"read-only")
        with pytest.raises(ValueError, match="negative buffersize"):
            sock.recvfrom(-1)


@pytest.mark.parametrize("host", ["", "127.0.0.1", "localhost", "127.1", "0x7f.1", b"127.0.0.1",
                                  bytearray(b"127.0.0.1"), "<broadcast>"])
def test_bind_results_equal_the_stdlib_for_the_same_input(syscall_path: str, host: object) -> None:
    with stdlib.socket(stdlib.AF_INET, stdlib.SOCK_DGRAM) as theirs, \
            famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM) as ours:
        theirs.bind((host, 0))
        ours.bind((host, 0))
        assert ours.getsockname().host == theirs.getsockname()[0]


def test_tcp_famsock_server_stdlib_client(syscall_path: str) -> None:
    with famsock.socket(famsock.AF_INET, famsock.SOCK_STREAM) as server:
        server.bind(LOCAL)
        server.listen()
        server.settimeout(5)
        with stdlib.create_connection(server.getsockname(), timeout=5) as client:
            conn, peer = server.accept()
            with conn:
                assert isinstance(conn, famsock.socket)
                assert conn.syscall_path == syscall_path
                assert peer == client.getsockname() == conn.getpeername()
                assert type(peer) is InetAddress
                assert conn.getsockname() == client.getpeername() == server.getsockname()
                client.sendall(b"ping")
                assert conn.recv(4) == b"ping"
                conn.sendall(b"pong")
                assert client.recv(4) == b"pong"


def test_tcp_famsock_client_stdlib_server(syscall_path: str) -> None:
    with stdlib.create_server(LOCAL) as server, famsock.socket() as client:
        server.settimeout(5)
        client.settimeout(5)
        client.connect(server.getsockname())
        conn, peer = server.accept()
        with conn:
            assert peer == client.getsockname()
            assert client.getpeername() == server.getsockname() == conn.getsockname()
            conn.sendall(b"hello")
            assert client.recvfrom(5) == (b"hello", None)  # TCP has no sender address, as stdlib


def test_accepted_socket_follows_the_stdlib_blocking_rule(syscall_path: str) -> None:
    with famsock.socket() as server, famsock.socket() as client:
        server.bind(LOCAL)
        server.listen()
        server.settimeout(5)
        client.connect(server.getsockname())
        conn, _ = server.accept()
        with conn:
            assert conn.gettimeout() is None and conn.getblocking()


def test_connect_ex_reports_refusal_like_the_stdlib(syscall_path: str) -> None:
    with stdlib.socket() as probe:
        probe.bind(LOCAL)
        closed = probe.getsockname()  # bound, not listening: nobody accepts there
        with famsock.socket() as ours, stdlib.socket() as theirs:
            assert ours.connect_ex(closed) == theirs.connect_ex(closed) == errno.ECONNREFUSED
        with famsock.socket() as ours, pytest.raises(ConnectionRefusedError):
            ours.connect(closed)


def test_unconnected_getpeername_fails_like_the_stdlib(syscall_path: str) -> None:
    with famsock.socket() as ours, stdlib.socket() as theirs:
        with pytest.raises(OSError) as expected:
            theirs.getpeername()
        with pytest.raises(OSError) as caught:
            ours.getpeername()
        assert caught.value.errno == expected.value.errno == errno.ENOTCONN


def test_closed_socket_fails_like_the_stdlib(syscall_path: str) -> None:
    ours, theirs = famsock.socket(), stdlib.socket()
    ours.close()
    theirs.close()
    calls: list[Callable[[stdlib.socket], object]] = [
        lambda s: s.getsockname(), lambda s: s.bind(LOCAL), lambda s: s.recvfrom(1)]
    for call in calls:
        with pytest.raises(OSError) as expected:
            call(theirs)
        with pytest.raises(OSError) as caught:
            call(ours)
        assert caught.value.errno == expected.value.errno == errno.EBADF
