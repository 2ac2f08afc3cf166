"""Every AF_UNIX address form on the real kernel: famsock and stdlib sockets side by side.

For each form a user may write (str, bytes, os.PathLike and non-UTF-8 paths, abstract names as
str and bytes, '' to autobind), on both syscall paths, every address-taking method is used on a
famsock socket talking to a stdlib socket in both directions, and every address famsock reports
must equal what the stdlib reports for the same endpoint or the same input. The stdlib does not
take os.PathLike, so its "same input" is ``os.fspath()`` of it.
"""

from __future__ import annotations

import os
import re
import socket as stdlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from famsock_unix import UnixAbstractAddress, UnixAddress, UnixPathAddress

import famsock

AUTOBOUND = re.compile(rb"\0[0-9a-f]{5}")  # the kernel's autobind names: 5 hex digits
CONNECTED = [pytest.param(stdlib.SOCK_STREAM, id="stream"),
             pytest.param(stdlib.SOCK_SEQPACKET, id="seqpacket")]
ALL_TYPES = [*CONNECTED, pytest.param(stdlib.SOCK_DGRAM, id="dgram")]


def _unique(directory: Path, tag: str) -> str:
    return f"famsock-{directory.name}-{tag}-{os.urandom(4).hex()}"


@dataclass(frozen=True)
class Form:
    name: str
    make: Callable[[Path, str], Any]  # (directory for files, tag) -> the value given to bind()
    kind: type[UnixAddress]

    @property
    def autobind(self) -> bool:
        return self.name == "autobind"


FORMS = [
    Form("str-path", lambda d, tag: str(d / tag), UnixPathAddress),
    Form("bytes-path", lambda d, tag: os.fsencode(d / tag), UnixPathAddress),
    Form("pathlike-path", lambda d, tag: d / tag, UnixPathAddress),
    Form("non-utf8-path", lambda d, tag: os.fsencode(d / tag) + b"\xff\xfe", UnixPathAddress),
    Form("abstract-str", lambda d, tag: "\0" + _unique(d, tag), UnixAbstractAddress),
    Form("abstract-bytes", lambda d, tag: b"\0" + os.fsencode(_unique(d, tag)), UnixAbstractAddress),
    Form("autobind", lambda d, tag: "", UnixAbstractAddress),
]
FORM_PARAMS = [pytest.param(form, id=form.name) for form in FORMS]


def _for_stdlib(value: Any) -> Any:
    """The same input as a stdlib socket takes it (typed addresses as they are: str or bytes)."""
    return os.fspath(value) if isinstance(value, os.PathLike) else value


def _given(sock: stdlib.socket, value: Any) -> Any:
    return value if isinstance(sock, famsock.socket) else _for_stdlib(value)


def _target(form: Form, value: Any, bound: stdlib.socket) -> Any:
    """What to connect or send to: the input itself, or the name the kernel chose."""
    return bound.getsockname() if form.autobind else value


def _assert_typed(address: Any, form: Form) -> None:
    assert type(address) is form.kind
    if form.autobind:
        assert isinstance(address, bytes) and AUTOBOUND.fullmatch(address), address


@pytest.mark.filterwarnings("ignore::BytesWarning")  # str() of an abstract name, as of the stdlib's
@pytest.mark.parametrize("kind", ALL_TYPES)
@pytest.mark.parametrize("form", FORM_PARAMS)
def test_bind_reports_what_the_stdlib_reports_for_the_same_input(
    syscall_path: str, sock_dir: Path, form: Form, kind: int
) -> None:
    value = form.make(sock_dir, "a")
    with stdlib.socket(stdlib.AF_UNIX, kind) as theirs:
        theirs.bind(_for_stdlib(value))
        expected = theirs.getsockname()
    if form.kind is UnixPathAddress:
        os.unlink(_for_stdlib(value))
    with famsock.socket(famsock.AF_UNIX, kind) as ours:
        ours.bind(value)
        assert ours.syscall_path == syscall_path
        reported = ours.getsockname()
    _assert_typed(reported, form)
    assert isinstance(reported, type(expected))
    if form.autobind:
        assert AUTOBOUND.fullmatch(expected)
    else:
        assert reported == expected
        assert (str(reported), repr(reported)) == (str(expected), repr(expected))  # prints as before
        assert reported == UnixAddress(value)  # parsing agrees with the kernel
    assert os.listdir(sock_dir) == (["a" if form.name != "non-utf8-path" else "a\udcff\udcfe"]
                                    if form.kind is UnixPathAddress else [])


@pytest.mark.parametrize("server_is", ["famsock", "stdlib"])
@pytest.mark.parametrize("kind", CONNECTED)
@pytest.mark.parametrize("form", FORM_PARAMS)
def test_connection_addresses_agree_with_the_stdlib(
    syscall_path: str, sock_dir: Path, form: Form, kind: int, server_is: str
) -> None:
    server_value, client_value = form.make(sock_dir, "s"), form.make(sock_dir, "c")
    make_server, make_client = ((famsock.socket, stdlib.socket) if server_is == "famsock"
                                else (stdlib.socket, famsock.socket))
    with make_server(stdlib.AF_UNIX, kind) as server, make_client(stdlib.AF_UNIX, kind) as client:
        server.settimeout(5)
        client.settimeout(5)
        server.bind(_given(server, server_value))
        server.listen()
        client.bind(_given(client, client_value))
        client.connect(_given(client, _target(form, server_value, server)))
        conn, peer = server.accept()
        with conn:
            assert peer == client.getsockname() == conn.getpeername()
            assert conn.getsockname() == server.getsockname() == client.getpeername()
            if server_is == "famsock":
                assert isinstance(conn, famsock.socket)
                assert conn.syscall_path == syscall_path
                for reported in (server.getsockname(), peer, conn.getsockname(), conn.getpeername()):
                    _assert_typed(reported, form)
            else:
                for reported in (client.getsockname(), client.getpeername()):
                    _assert_typed(reported, form)
            client.sendall(b"ping")
            assert conn.recv(4) == b"ping"
            conn.sendall(b"pong")
            assert client.recv(4) == b"pong"


@pytest.mark.parametrize("form", FORM_PARAMS)
def test_datagram_addresses_agree_with_the_stdlib(syscall_path: str, sock_dir: Path, form: Form) -> None:
    our_value, their_value = form.make(sock_dir, "o"), form.make(sock_dir, "t")
    with famsock.socket(famsock.AF_UNIX, famsock.SOCK_DGRAM) as ours, \
            stdlib.socket(stdlib.AF_UNIX, stdlib.SOCK_DGRAM) as theirs:
        ours.settimeout(5)
        theirs.settimeout(5)
        ours.bind(our_value)
        theirs.bind(_for_stdlib(their_value))
        our_name, their_name = ours.getsockname(), theirs.getsockname()
        _assert_typed(our_name, form)
        to_ours = _for_stdlib(_target(form, our_value, ours))
        to_theirs = _target(form, their_value, theirs)

        theirs.sendto(b"to famsock", to_ours)
        data, sender = ours.recvfrom(100)
        assert (data, sender) == (b"to famsock", their_name)
        _assert_typed(sender, form)

        theirs.sendto(b"0123456789", 0, to_ours)
        buffer = bytearray(16)
        received, sender = ours.recvfrom_into(buffer, 4)
        assert (received, bytes(buffer[:4]), sender) == (4, b"0123", their_name)
        _assert_typed(sender, form)

        assert ours.sendto(b"to stdlib", to_theirs) == 9
        assert theirs.recvfrom(100) == (b"to stdlib", our_name)
        ours.sendto(b"flags", 0, to_theirs)
        assert theirs.recvfrom(100) == (b"flags", our_name)
        ours.sendto(b"reply", sender)  # answering a typed address, as servers do
        assert theirs.recvfrom(100) == (b"reply", our_name)

        ours.connect(to_theirs)
        assert ours.getpeername() == their_name
        _assert_typed(ours.getpeername(), form)
        ours.send(b"connected")
        assert theirs.recvfrom(100) == (b"connected", our_name)
        theirs.connect(to_ours)
        assert theirs.getpeername() == our_name


@pytest.mark.parametrize("form", FORM_PARAMS)
def test_famsock_to_famsock(syscall_path: str, sock_dir: Path, form: Form) -> None:
    with famsock.socket(famsock.AF_UNIX, famsock.SOCK_DGRAM) as one, \
            famsock.socket(famsock.AF_UNIX, famsock.SOCK_DGRAM) as two:
        one.settimeout(5)
        one.bind(form.make(sock_dir, "1"))
        two.bind(form.make(sock_dir, "2"))
        two.sendto(b"hello", one.getsockname())  # a typed address as the destination
        data, sender = one.recvfrom(100)
        assert (data, sender) == (b"hello", two.getsockname())
        assert type(sender) is type(two.getsockname()) is form.kind
