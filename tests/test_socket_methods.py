"""Every socket method on a famsock socket, side by side with a stdlib socket doing the same.

The address methods have their own tests (the plugins', test_syscall_modes, test_sendmsg_recvmsg);
here: the rest of the object, inherited or not, must behave as the stdlib's.
"""

from __future__ import annotations

import errno
import io
import os
import socket as stdlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from famsock_inet import InetAddress

import famsock

Pair = tuple[stdlib.socket, stdlib.socket]


def connected(make: Callable[..., Any]) -> Pair:
    """A connected TCP pair on loopback: (client, server side)."""
    with make() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        client = make()
        client.connect(server.getsockname())
        conn, _ = server.accept()
    return client, conn


@pytest.fixture(params=["stdlib", "famsock"])
def pair(request: pytest.FixtureRequest, syscall_path: str) -> Iterator[Pair]:
    client, conn = connected(stdlib.socket if request.param == "stdlib" else famsock.socket)
    with client, conn:
        yield client, conn


def test_send_recv_sendall_recv_into(pair: Pair) -> None:
    client, conn = pair
    assert client.send(b"send") == 4
    assert conn.recv(4) == b"send"
    client.sendall(b"x" * 100_000)
    received = bytearray()
    buffer = bytearray(65536)
    while len(received) < 100_000:
        count = conn.recv_into(buffer)
        received += buffer[:count]
    assert received == b"x" * 100_000


@pytest.mark.parametrize(("mode", "payload"), [("rb", b"line\n"), ("r", "line\n"), ("rwb", b"line\n")])
def test_makefile_modes(pair: Pair, mode: str, payload: Any) -> None:
    client, conn = pair
    with cast(Any, conn).makefile(mode) as reader, client.makefile("wb") as writer:
        writer.write(b"line\n")
        writer.flush()
        assert reader.readline() == payload
    with client.makefile("w", encoding="utf-8") as text:
        text.write("text\n")
    assert conn.recv(5) == b"text\n"
    with pytest.raises(ValueError, match="invalid mode"):
        cast(Any, client).makefile("x")


def test_sendfile(pair: Pair, tmp_path: Path) -> None:
    client, conn = pair
    source = tmp_path / "source"
    source.write_bytes(bytes(range(256)) * 64)
    with source.open("rb") as file:
        assert client.sendfile(file, offset=256, count=1024) == 1024
    received = b""
    while len(received) < 1024:
        received += conn.recv(2048)
    assert received == (bytes(range(256)) * 64)[256:1280]
    client.setblocking(False)
    with pytest.raises(ValueError, match="non-blocking"):
        client.sendfile(io.BytesIO(b"x"))


def test_dup_detach_and_close(syscall_path: str) -> None:
    with famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.settimeout(2.5)
        with sock.dup() as copy:
            assert type(copy) is famsock.socket
            assert copy.gettimeout() == 2.5
            assert copy.getsockname() == sock.getsockname()
        fd = sock.fileno()
        assert sock.detach() == fd
        assert sock.fileno() == -1
        os.close(fd)
        sock.close()  # closing a detached socket is fine, as in the stdlib


def test_context_manager_closes() -> None:
    with famsock.socket() as sock:
        pass
    assert sock.fileno() == -1
    assert "[closed]" in repr(sock)
    with pytest.raises(OSError) as caught:
        sock.getsockname()
    assert caught.value.errno == errno.EBADF


def test_blocking_timeout_and_inheritable_state(pair: Pair) -> None:
    client, _ = pair
    assert client.getblocking() and client.gettimeout() is None
    client.setblocking(False)
    assert not client.getblocking() and client.gettimeout() == 0.0
    client.settimeout(1.5)
    assert client.getblocking() and client.gettimeout() == 1.5
    assert not client.get_inheritable()
    client.set_inheritable(True)
    assert client.get_inheritable()


def test_options_shutdown_and_fileno(pair: Pair) -> None:
    client, conn = pair
    client.setsockopt(famsock.IPPROTO_TCP, famsock.TCP_NODELAY, 1)
    assert client.getsockopt(famsock.IPPROTO_TCP, famsock.TCP_NODELAY) == 1
    assert len(client.getsockopt(famsock.SOL_SOCKET, famsock.SO_LINGER, 8)) == 8
    assert client.fileno() >= 0
    client.shutdown(famsock.SHUT_WR)
    assert conn.recv(10) == b""


def test_family_type_and_proto_are_the_stdlibs_enums() -> None:
    for args in ((), (famsock.AF_INET6, famsock.SOCK_DGRAM), (famsock.AF_UNIX, famsock.SOCK_SEQPACKET)):
        with famsock.socket(*args) as ours, stdlib.socket(*args) as theirs:
            assert (ours.family, ours.type, ours.proto) == (theirs.family, theirs.type, theirs.proto)
            assert type(ours.family) is stdlib.AddressFamily
            assert type(ours.type) is stdlib.SocketKind


def test_repr_shows_local_and_remote_addresses_as_the_stdlib_does(syscall_path: str) -> None:
    client, conn = connected(famsock.socket)
    with client, conn:
        local, remote = client.getsockname(), client.getpeername()
        assert type(local) is InetAddress
        text = repr(client)
        assert f", laddr={tuple(local)}, raddr={tuple(remote)}>" in text  # the tuples' str()
        # the enums as the stdlib's repr writes them (their str() changed in Python 3.11)
        assert text.startswith(f"<famsock._socket_object.socket fd={client.fileno()}, "
                               f"family={client.family!s}, type={client.type!s}, proto=0")


def test_listen_with_and_without_backlog() -> None:
    for backlog in ((), (0,), (famsock.SOMAXCONN,)):
        with famsock.socket() as server:
            server.bind(("127.0.0.1", 0))
            server.listen(*backlog)
            assert server.getsockopt(famsock.SOL_SOCKET, famsock.SO_ACCEPTCONN) == 1


def test_accept_gives_the_default_timeout_to_new_sockets() -> None:
    previous = famsock.getdefaulttimeout()
    famsock.setdefaulttimeout(6)
    try:
        client, conn = connected(famsock.socket)
        with client, conn:
            assert conn.gettimeout() == 6
    finally:
        famsock.setdefaulttimeout(previous)
