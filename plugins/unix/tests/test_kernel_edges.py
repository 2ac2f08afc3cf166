"""AF_UNIX on the real kernel, at the edges: no name, no peer, failures, the longest names.

Each case is run on a stdlib socket and a famsock socket, on both syscall paths; what the kernel
reports must come back as the same value (and, where the stdlib raises, the same errno).
"""

from __future__ import annotations

import errno
import os
import socket as stdlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from famsock_unix import UNNAMED, UnixAbstractAddress, UnixAddress, UnixPathAddress

import famsock
from famsock.testing import same_outcome, syscall_path as use_syscall_path

TYPES = [pytest.param(stdlib.SOCK_STREAM, id="stream"), pytest.param(stdlib.SOCK_SEQPACKET, id="seqpacket"),
         pytest.param(stdlib.SOCK_DGRAM, id="dgram")]
Maker = Callable[..., Any]
BindLikeC = Callable[[stdlib.socket, bytes], None]
BOTH: list[Any] = [pytest.param(stdlib.socket, id="stdlib"), pytest.param(famsock.socket, id="famsock")]


def _abstract() -> bytes:
    return b"\0famsock-edge-" + os.urandom(6).hex().encode()


@pytest.mark.parametrize("kind", TYPES)
def test_an_unbound_socket_is_unnamed(syscall_path: str, kind: int) -> None:
    with famsock.socket(famsock.AF_UNIX, kind) as ours, stdlib.socket(stdlib.AF_UNIX, kind) as theirs:
        assert theirs.getsockname() == ""
        assert ours.getsockname() is UNNAMED
        assert ours.getsockname() == ""


@pytest.mark.parametrize("kind", [pytest.param(stdlib.SOCK_STREAM, id="stream"),
                                  pytest.param(stdlib.SOCK_SEQPACKET, id="seqpacket")])
@pytest.mark.parametrize("make_client", BOTH)
def test_an_unbound_client_is_an_unnamed_peer(syscall_path: str, kind: int, make_client: Maker) -> None:
    with famsock.socket(famsock.AF_UNIX, kind) as server, \
            stdlib.socket(stdlib.AF_UNIX, kind) as stdlib_server, \
            make_client(stdlib.AF_UNIX, kind) as client, make_client(stdlib.AF_UNIX, kind) as stdlib_client:
        for listener, connecting in ((server, client), (stdlib_server, stdlib_client)):
            listener.settimeout(5)
            listener.bind("")
            listener.listen()
            connecting.connect(listener.getsockname())  # typed: stdlib sockets take it
        conn, peer = server.accept()
        stdlib_conn, stdlib_peer = stdlib_server.accept()
        with conn, stdlib_conn:
            assert stdlib_peer == stdlib_conn.getpeername() == ""
            assert peer is UNNAMED
            assert conn.getpeername() is UNNAMED
            assert client.getsockname() == ""
            assert conn.getsockname() == server.getsockname() == client.getpeername()


@pytest.mark.parametrize("make_sender", BOTH)
def test_a_datagram_from_an_unbound_sender_has_no_address(syscall_path: str, make_sender: Maker) -> None:
    with famsock.socket(famsock.AF_UNIX, famsock.SOCK_DGRAM) as ours, \
            stdlib.socket(stdlib.AF_UNIX, stdlib.SOCK_DGRAM) as theirs, \
            make_sender(stdlib.AF_UNIX, stdlib.SOCK_DGRAM) as sender:
        for receiver in (ours, theirs):
            receiver.settimeout(5)
            receiver.bind("")
            name = receiver.getsockname()
            sender.sendto(b"anonymous", name)
            sender.sendto(b"again", name)
        # the kernel reports no address at all (length 0): None, as the stdlib, not ''
        assert theirs.recvfrom(100) == ours.recvfrom(100) == (b"anonymous", None)
        buffers = bytearray(10), bytearray(10)
        assert theirs.recvfrom_into(buffers[0]) == ours.recvfrom_into(buffers[1]) == (5, None)


def test_a_stream_recvfrom_has_no_address(syscall_path: str) -> None:
    with famsock.socket(famsock.AF_UNIX, famsock.SOCK_STREAM) as server:
        server.settimeout(5)
        server.bind("")
        server.listen()
        with stdlib.socket(stdlib.AF_UNIX, stdlib.SOCK_STREAM) as client:
            client.connect(server.getsockname())  # a stdlib socket, a typed address
            conn, _ = server.accept()
            with conn:
                client.sendall(b"x")
                assert conn.recvfrom(10) == (b"x", None)


@pytest.mark.parametrize("kind", TYPES)
def test_autobind_names_are_fresh(syscall_path: str, kind: int) -> None:
    with famsock.socket(famsock.AF_UNIX, kind) as one, famsock.socket(famsock.AF_UNIX, kind) as two:
        one.bind("")
        two.bind(b"")
        assert one.getsockname() != two.getsockname()
        assert {type(one.getsockname()), type(two.getsockname())} == {UnixAbstractAddress}


@pytest.mark.parametrize("make", BOTH)
def test_the_empty_abstract_name_is_a_name_not_autobind(syscall_path: str, make: Maker) -> None:
    with make(stdlib.AF_UNIX, stdlib.SOCK_DGRAM) as one, make(stdlib.AF_UNIX, stdlib.SOCK_DGRAM) as two:
        one.bind(b"\0")
        assert one.getsockname() == b"\0"
        with pytest.raises(OSError) as caught:
            two.bind(b"\0")
        assert caught.value.errno == errno.EADDRINUSE


Call = Callable[[Any, Any], Any]
FAILURES: list[Any] = [
    pytest.param(lambda s, a: s.connect(a), "", stdlib.SOCK_STREAM, errno.EINVAL, id="connect-unnamed"),
    pytest.param(lambda s, a: s.sendto(b"x", a), "", stdlib.SOCK_DGRAM, errno.EINVAL, id="sendto-unnamed"),
    pytest.param(lambda s, a: s.connect(a), "/nonexistent/famsock.sock", stdlib.SOCK_STREAM, errno.ENOENT,
                 id="connect-missing-path"),
    pytest.param(lambda s, a: s.sendto(b"x", a), "/nonexistent/famsock.sock", stdlib.SOCK_DGRAM,
                 errno.ENOENT, id="sendto-missing-path"),
    pytest.param(lambda s, a: s.connect(a), b"\0famsock-nobody-listens", stdlib.SOCK_STREAM,
                 errno.ECONNREFUSED, id="connect-missing-abstract"),
    pytest.param(lambda s, a: s.getpeername(), None, stdlib.SOCK_STREAM, errno.ENOTCONN, id="getpeername"),
]


@pytest.mark.parametrize(("call", "value", "kind", "code"), FAILURES)
def test_kernel_failures_are_the_stdlibs(
    syscall_path: str, call: Call, value: Any, kind: int, code: int
) -> None:
    with famsock.socket(stdlib.AF_UNIX, kind) as ours, stdlib.socket(stdlib.AF_UNIX, kind) as theirs:
        ended = same_outcome(lambda: call(ours, value), lambda: call(theirs, value))
    assert ended.raised and ended.errno == code


@pytest.mark.parametrize("value", ["", "/nonexistent/famsock.sock", b"\0famsock-nobody-listens"])
def test_connect_ex_returns_the_stdlibs_errno(syscall_path: str, value: Any) -> None:
    with famsock.socket(famsock.AF_UNIX) as ours, stdlib.socket(stdlib.AF_UNIX) as theirs:
        assert ours.connect_ex(value) == theirs.connect_ex(value) != 0


def _forms(directory: Path) -> list[Any]:
    return [str(directory / "s"), os.fsencode(directory / "b") + b"\xff", directory / "p", _abstract(), ""]


@pytest.mark.parametrize("kind", TYPES)
def test_native_and_raw_paths_report_the_same_address(sock_dir: Path, kind: int) -> None:
    for value in _forms(sock_dir):
        with use_syscall_path("auto"), famsock.socket(famsock.AF_UNIX, kind) as native:
            native.bind(value)  # the first address call: the path is chosen here
            # the same socket through another famsock socket, whose path is chosen at first use
            with use_syscall_path("raw"), famsock.socket(fileno=os.dup(native.fileno())) as raw:
                assert (native.syscall_path, raw.syscall_path) == ("native", "raw")
                by_native, by_raw = native.getsockname(), raw.getsockname()
                assert by_native == by_raw
                assert type(by_native) is type(by_raw)
                assert by_native.sun_path == by_raw.sun_path


def test_a_108_byte_path_bound_from_c(syscall_path: str, sock_dir: Path, bind_like_c: BindLikeC) -> None:
    path = os.fsencode(sock_dir) + b"/"
    path += b"p" * (108 - len(path))
    with stdlib.socket(stdlib.AF_UNIX, stdlib.SOCK_DGRAM) as theirs, \
            famsock.socket(fileno=os.dup(theirs.fileno())) as ours:
        bind_like_c(theirs, path)
        expected = theirs.getsockname()
        assert expected == os.fsdecode(path)  # the stdlib reads it in full
        address = ours.getsockname()  # the kernel reports 111 bytes: the path and a NUL
        assert type(address) is UnixPathAddress
        assert address == expected
        assert address.sun_path == path
        assert os.path.exists(address)
        # The stdlib cannot reach it (no room for the NUL it adds); nor can famsock, on either path
        # (the native one hands the address, a str, to the same C code; the raw one's encode refuses it).
        with stdlib.socket(stdlib.AF_UNIX, stdlib.SOCK_DGRAM) as client, \
                pytest.raises(OSError) as expected_error:
            client.connect(expected)
        assert str(expected_error.value) == "AF_UNIX path too long"
        detail = ": 108 bytes, the limit is 107" if syscall_path == "raw" else "$"  # the interpreter's
        with famsock.socket(famsock.AF_UNIX, famsock.SOCK_DGRAM) as client, \
                pytest.raises(OSError, match="^AF_UNIX path too long" + detail):
            client.connect(address)
        with famsock.socket(famsock.AF_UNIX, famsock.SOCK_DGRAM) as client, \
                pytest.raises(OSError, match="AF_UNIX path too long: 108 bytes, the limit is 107"):
            client.connect(path)  # user input: the limit applies


@pytest.mark.parametrize("kind", TYPES)
def test_the_longest_names_work(syscall_path: str, sock_dir: Path, kind: int) -> None:
    path = os.fsencode(sock_dir) + b"/"
    path += b"p" * (107 - len(path))
    abstract = _abstract()
    abstract += b"a" * (108 - len(abstract))
    for value in (path, abstract):
        with famsock.socket(famsock.AF_UNIX, kind) as ours:
            ours.bind(value)
            assert ours.getsockname().sun_path == value
            assert ours.getsockname() == UnixAddress(value)
