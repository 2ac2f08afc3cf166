"""What AF_UNIX sockets carry besides bytes, on famsock sockets: descriptors, records.

famsock sockets are stdlib sockets, so ``socket.send_fds`` / ``socket.recv_fds`` (SCM_RIGHTS over
sendmsg/recvmsg) work on them unchanged; these tests show it on pairs built through famsock's own
bind/listen/connect/accept, on both syscall paths, and on a stdlib ``socketpair()`` adopted with
``famsock.socket(fileno=...)``. The plugin's own codecs for these items (SCM_RIGHTS,
SCM_CREDENTIALS, SO_PEERCRED as values) are tested in test_ancillary.py.
"""

from __future__ import annotations

import os
import socket as stdlib
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from famsock_unix import UNNAMED, UnixAddress, fresh_abstract_address

import famsock

pytestmark = pytest.mark.usefixtures("no_fd_leak")  # descriptors pass here: none may stay open
CONNECTED = [pytest.param(stdlib.SOCK_STREAM, id="stream"),
             pytest.param(stdlib.SOCK_SEQPACKET, id="seqpacket")]


@contextmanager
def famsock_pair(kind: int) -> Iterator[tuple[famsock.socket, famsock.socket]]:
    """A connected (client, accepted) pair of famsock sockets, on an abstract name."""
    with famsock.socket(famsock.AF_UNIX, kind) as server, famsock.socket(famsock.AF_UNIX, kind) as client:
        server.settimeout(5)
        client.settimeout(5)
        server.bind(fresh_abstract_address())
        server.listen()
        client.connect(server.getsockname())
        conn, _ = server.accept()
        with conn:
            conn.settimeout(5)
            yield client, conn


@contextmanager
def adopted_socketpair() -> Iterator[tuple[famsock.socket, famsock.socket]]:
    """The stdlib's socketpair(), each end adopted by a famsock socket."""
    left, right = stdlib.socketpair()
    with famsock.socket(fileno=left.detach()) as one, famsock.socket(fileno=right.detach()) as other:
        yield one, other


def _pass_a_pipe(sender: stdlib.socket, receiver: stdlib.socket) -> None:
    """Send a pipe's write end over ``sender``; write through the received copy."""
    read_end, write_end = os.pipe()
    try:
        assert stdlib.send_fds(sender, [b"take this"], [write_end]) == 9
        message, fds, _, _ = stdlib.recv_fds(receiver, 100, 2)
        try:
            assert message == b"take this"
            assert len(fds) == 1
            assert fds[0] != write_end
            assert os.path.sameopenfile(fds[0], write_end)
            os.write(fds[0], b"through the copy")
            assert os.read(read_end, 100) == b"through the copy"
        finally:
            for fd in fds:
                os.close(fd)
    finally:
        os.close(read_end)
        os.close(write_end)


@pytest.mark.parametrize("kind", CONNECTED)
def test_fds_pass_both_ways(syscall_path: str, kind: int) -> None:
    with famsock_pair(kind) as (client, conn):
        assert isinstance(conn, famsock.socket) and conn.syscall_path == syscall_path
        _pass_a_pipe(client, conn)
        _pass_a_pipe(conn, client)


def test_fds_pass_over_datagrams(syscall_path: str) -> None:
    with famsock.socket(famsock.AF_UNIX, famsock.SOCK_DGRAM) as one, \
            famsock.socket(famsock.AF_UNIX, famsock.SOCK_DGRAM) as two:
        one.bind(fresh_abstract_address())
        two.bind("")
        two.connect(one.getsockname())
        _pass_a_pipe(two, one)


def test_fds_pass_over_an_adopted_socketpair(syscall_path: str) -> None:
    with adopted_socketpair() as (left, right):
        assert left.getsockname() is UNNAMED and right.getpeername() is UNNAMED
        assert left.syscall_path == syscall_path
        _pass_a_pipe(left, right)


# socket.send_fds() drops its flags and address arguments (CPython 3.10-3.13), so a datagram
# with descriptors to an address goes through sendmsg() itself.
def test_sendmsg_to_a_typed_address(syscall_path: str) -> None:
    with famsock.socket(famsock.AF_UNIX, famsock.SOCK_DGRAM) as one, \
            famsock.socket(famsock.AF_UNIX, famsock.SOCK_DGRAM) as two:
        one.settimeout(5)
        one.bind(fresh_abstract_address())
        two.bind("")
        assert two.sendmsg([b"x", b"yz"], [], 0, one.getsockname()) == 3
        assert one.recvfrom(10) == (b"xyz", two.getsockname())


def test_sendmsg_fds_to_a_typed_address(syscall_path: str) -> None:
    with famsock.socket(famsock.AF_UNIX, famsock.SOCK_DGRAM) as one, \
            famsock.socket(famsock.AF_UNIX, famsock.SOCK_DGRAM) as two:
        one.settimeout(5)
        one.bind(fresh_abstract_address())
        two.bind("")
        read_end, write_end = os.pipe()
        try:
            rights = famsock.encode_ancillary([(famsock.SOL_SOCKET, famsock.SCM_RIGHTS, [write_end])],
                                              famsock.AF_UNIX)
            assert two.sendmsg([b"x"], rights, 0, one.getsockname()) == 1
            _, fds, _, sender = stdlib.recv_fds(one, 10, 1)
            for fd in fds:
                os.close(fd)
            assert len(fds) == 1
            assert sender == two.getsockname()
            assert type(sender) is type(two.getsockname())  # recvmsg's address is typed too
        finally:
            os.close(read_end)
            os.close(write_end)


def test_seqpacket_keeps_record_boundaries(syscall_path: str) -> None:
    with famsock_pair(famsock.SOCK_SEQPACKET) as (client, conn):
        client.send(b"one")
        client.send(b"two")
        client.send(b"a longer record")
        assert conn.recv(100) == b"one"  # not b"onetwo...": one record per read
        assert conn.recv(100) == b"two"
        message, _, flags, _ = conn.recvmsg(8)
        assert message == b"a longer"
        assert flags & famsock.MSG_TRUNC  # the rest of a record is dropped, and said so
        client.close()
        assert conn.recv(100) == b""


def test_seqpacket_peers_are_typed(syscall_path: str) -> None:
    with famsock_pair(famsock.SOCK_SEQPACKET) as (client, conn):
        assert isinstance(client.getpeername(), UnixAddress)
        assert client.getpeername() == conn.getsockname()
        assert conn.getpeername() is UNNAMED


def test_constants_are_the_platforms() -> None:
    for name in ("AF_UNIX", "SCM_RIGHTS", "SCM_CREDENTIALS", "SO_PASSCRED", "SO_PEERCRED"):
        assert getattr(famsock, name) == getattr(stdlib, name), name
    family = famsock.family("unix")
    assert family.number == stdlib.AF_UNIX and family.constant == "AF_UNIX"
    assert {"SCM_RIGHTS", "SCM_CREDENTIALS", "SO_PASSCRED", "SO_PEERCRED"} <= set(family.constants)
    for name, value in family.constants.items():
        assert getattr(stdlib, name) == value, name
