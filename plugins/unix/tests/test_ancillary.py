"""AF_UNIX control messages and socket options as values: SCM_RIGHTS, SCM_CREDENTIALS, SO_PEERCRED.

The plugin registers their codecs (``famsock_control_messages``, ``famsock_socket_options``); a
program sends ``famsock.encode_ancillary(items, sock.family)`` with ``sendmsg()``, reads
``famsock.decode_ancillary(ancdata, sock.family)`` after ``recvmsg()``, and asks
``sock.get_option(SOL_SOCKET, SO_PEERCRED)``. Layouts and byte images come from C
(vectors/ucred.c); the kernel tests run on both syscall paths, against stdlib sockets, and check
that every descriptor a test receives is closed by it (famsock.testing's ``no_fd_leak``).
"""

from __future__ import annotations

import array
import copy
import errno
import os
import pickle
import socket as stdlib
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest
from famsock_unix import UnixCredentials, fresh_abstract_address
from famsock_unix._ancillary import decode_credentials, decode_rights, encode_credentials, encode_rights

import famsock
from famsock._registry import registry
from famsock.testing import c_vectors, open_fds

pytestmark = pytest.mark.usefixtures("no_fd_leak")

GENERATOR = Path(__file__).parent / "vectors" / "ucred.c"
VECTORS = c_vectors.load(GENERATOR)
CREDENTIAL_CASES = [pytest.param(case, id=case["id"]) for case in VECTORS["credentials"]]
SOL_SOCKET, SCM_RIGHTS, SCM_CREDENTIALS = famsock.SOL_SOCKET, famsock.SCM_RIGHTS, famsock.SCM_CREDENTIALS
AF_UNIX = famsock.AF_UNIX
INT_SIZE = VECTORS["sizes"]["int"]
ME = UnixCredentials(os.getpid(), os.getuid(), os.getgid())
CONNECTED = [pytest.param(stdlib.SOCK_STREAM, id="stream"),
             pytest.param(stdlib.SOCK_SEQPACKET, id="seqpacket")]
ALL_TYPES = [*CONNECTED, pytest.param(stdlib.SOCK_DGRAM, id="dgram")]


# -- the codecs, against C ------------------------------------------------------------------------

def test_layout_matches_the_c_headers() -> None:
    assert VECTORS["size"] == 12
    assert VECTORS["offsets"] == {"pid": 0, "uid": 4, "gid": 8}
    assert VECTORS["sizes"] == {"pid": 4, "uid": 4, "gid": 4, "int": 4}
    assert VECTORS["signed"] == {"pid": True, "uid": False, "gid": False}
    for name, value in VECTORS["constants"].items():
        assert getattr(famsock, name) == getattr(stdlib, name) == value, name
    cmsg = VECTORS["cmsg"]
    assert (cmsg["ucred_len"], cmsg["ucred_space"]) == (stdlib.CMSG_LEN(12), stdlib.CMSG_SPACE(12))
    assert (cmsg["int_len"], cmsg["int_space"]) == (stdlib.CMSG_LEN(INT_SIZE), stdlib.CMSG_SPACE(INT_SIZE))


@pytest.mark.parametrize("case", CREDENTIAL_CASES)
def test_credentials_are_struct_ucred(case: dict[str, Any]) -> None:
    data = bytes.fromhex(case["hex"])
    expected = UnixCredentials(case["pid"], case["uid"], case["gid"])
    assert decode_credentials(data) == expected == (case["pid"], case["uid"], case["gid"])
    assert type(decode_credentials(data)) is UnixCredentials
    assert encode_credentials(expected) == encode_credentials(tuple(expected)) == data
    assert famsock.decode_ancillary([(SOL_SOCKET, SCM_CREDENTIALS, data)], AF_UNIX) == [
        (SOL_SOCKET, SCM_CREDENTIALS, expected)]
    assert famsock.encode_ancillary([(SOL_SOCKET, SCM_CREDENTIALS, expected)], AF_UNIX) == [
        (SOL_SOCKET, SCM_CREDENTIALS, data)]


def test_rights_are_an_int_array() -> None:
    rights = VECTORS["rights"]
    data = bytes.fromhex(rights["hex"])
    assert decode_rights(data) == tuple(rights["fds"])
    assert encode_rights(rights["fds"]) == encode_rights(iter(rights["fds"])) == data
    assert encode_rights(array.array("i", rights["fds"])) == data  # what socket.send_fds() builds
    assert famsock.decode_ancillary([(SOL_SOCKET, SCM_RIGHTS, data)], AF_UNIX) == [
        (SOL_SOCKET, SCM_RIGHTS, tuple(rights["fds"]))]
    assert decode_rights(b"") == () and encode_rights([]) == b""


def test_a_partial_descriptor_is_ignored_as_recv_fds_does() -> None:
    """The kernel never passes part of an int; refusing the item would lose the whole ones."""
    data = bytes.fromhex(VECTORS["rights"]["hex"])[: 2 * INT_SIZE + 3]
    assert decode_rights(data) == tuple(VECTORS["rights"]["fds"][:2])


def test_credentials_are_checked_however_built() -> None:
    maximum = (1 << 32) - 1
    assert UnixCredentials(-(1 << 31), maximum, maximum) == (-(1 << 31), maximum, maximum)
    cases: list[tuple[Callable[[], Any], type[Exception], str]] = [
        (lambda: UnixCredentials(1 << 31, 0, 0), OverflowError, r"pid must be in -2147483648\.\.2147483647"),
        (lambda: UnixCredentials(1, -1, 0), OverflowError, r"uid must be in 0\.\.4294967295, got -1"),
        (lambda: UnixCredentials(1, 0, 1 << 32), OverflowError, "gid must be in 0..4294967295"),
        (lambda: UnixCredentials(1, "0", 0), TypeError, "uid must be an int, not str"),  # type: ignore[arg-type]
        (lambda: ME._replace(uid=-1), OverflowError, "uid must be in"),
        (lambda: UnixCredentials._make((1, 2)), TypeError, "Expected 3 arguments, got 2"),
        (lambda: encode_credentials((1, 2)), TypeError, r"struct ucred is \(pid, uid, gid\)"),
        (lambda: encode_credentials(5), TypeError, "not int"),
        (lambda: encode_credentials((1, -1, 0)), OverflowError, "uid must be in"),
        (lambda: decode_credentials(bytes(11)), ValueError, "a struct ucred is 12 bytes, got 11"),
        (lambda: decode_credentials(bytes(16)), ValueError, "got 16"),
    ]
    for make, error, message in cases:
        with pytest.raises(error, match=message):
            make()
    for clone in (pickle.loads(pickle.dumps(ME)), copy.copy(ME), copy.deepcopy(ME)):
        assert clone == ME and type(clone) is UnixCredentials
    assert repr(ME) == f"UnixCredentials(pid={ME.pid}, uid={ME.uid}, gid={ME.gid})"


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [(3, TypeError, "iterable of file descriptors"), ("012", TypeError, "not str"),
     (b"\0\0\0\0", TypeError, "not bytes"), ([1.5], TypeError, "must be ints, not float"),
     ([stdlib.socket], TypeError, "pass its .fileno()"), ([1 << 31], OverflowError, "must fit a C int")],
    ids=["int", "str", "bytes", "float", "object", "too-large"])
def test_rights_are_checked(value: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        encode_rights(value)


def test_the_codecs_are_registered_for_af_unix_only() -> None:
    for kind, name in ((SCM_RIGHTS, "SCM_RIGHTS"), (SCM_CREDENTIALS, "SCM_CREDENTIALS")):
        codec = registry.control_message(SOL_SOCKET, kind, AF_UNIX)
        assert codec is not None and codec.name == name and codec.family == AF_UNIX
        assert registry.control_message(SOL_SOCKET, kind, famsock.AF_INET) is None
    item = (SOL_SOCKET, SCM_RIGHTS, bytes(4))
    assert famsock.decode_ancillary([item]) == famsock.decode_ancillary([item], famsock.AF_INET) == [item]
    option = registry.socket_option(SOL_SOCKET, famsock.SO_PEERCRED)
    assert option is not None and option.name == "SO_PEERCRED" and option.size == VECTORS["size"]


def test_committed_vectors_are_what_the_headers_give() -> None:
    if c_vectors.compiler() is None:
        pytest.skip("no C compiler to regenerate the vectors with")
    assert c_vectors.regenerate(GENERATOR) == VECTORS


# -- on the kernel --------------------------------------------------------------------------------

@contextmanager
def connected(kind: int, make_receiver: Callable[..., Any] = famsock.socket
              ) -> Iterator[tuple[Any, Any]]:
    """A (sender, receiver) pair made through famsock's bind/connect (the syscall path matters)."""
    with ExitStack() as stack:
        server = stack.enter_context(famsock.socket(AF_UNIX, kind))
        sender = stack.enter_context(famsock.socket(AF_UNIX, kind))
        server.settimeout(5)
        sender.settimeout(5)
        server.bind(fresh_abstract_address())
        if kind == stdlib.SOCK_DGRAM:
            sender.connect(server.getsockname())
            receiver = server
        else:
            server.listen()
            sender.connect(server.getsockname())
            receiver = stack.enter_context(server.accept()[0])
        if make_receiver is not famsock.socket:  # the same connection, read by a stdlib socket
            receiver = stack.enter_context(make_receiver(fileno=os.dup(receiver.fileno())))
        receiver.settimeout(5)
        yield sender, receiver


@contextmanager
def pipes(count: int) -> Iterator[list[tuple[int, int]]]:
    made: list[tuple[int, int]] = []
    try:
        for _ in range(count):
            made.append(os.pipe())
        yield made
    finally:
        for read_end, write_end in made:
            os.close(read_end)
            os.close(write_end)


def _received_fds(ancdata: list[tuple[int, int, bytes]], family: int) -> tuple[int, ...]:
    items = famsock.decode_ancillary(ancdata, family)
    assert [(level, kind) for level, kind, _ in items] == [(SOL_SOCKET, SCM_RIGHTS)]
    fds: tuple[int, ...] = items[0][2]
    return fds


def _check_and_close(fds: tuple[int, ...], pairs: list[tuple[int, int]]) -> None:
    """Each received fd is a new descriptor of the pipe sent; written through, then closed."""
    try:
        assert len(fds) == len(pairs)
        for fd, (read_end, write_end) in zip(fds, pairs, strict=True):
            assert fd != write_end and os.path.sameopenfile(fd, write_end)
            os.write(fd, b"through the copy")
            assert os.read(read_end, 100) == b"through the copy"
    finally:
        for fd in fds:
            os.close(fd)


@pytest.mark.parametrize("kind", ALL_TYPES)
def test_scm_rights_pass_descriptors(syscall_path: str, kind: int) -> None:
    with connected(kind) as (sender, receiver), pipes(3) as pairs:
        ancdata = famsock.encode_ancillary([(SOL_SOCKET, SCM_RIGHTS, [w for _, w in pairs])], sender.family)
        assert sender.sendmsg([b"fds"], ancdata) == 3
        message, received, flags, _ = receiver.recvmsg(10, stdlib.CMSG_SPACE(3 * INT_SIZE))
        assert (message, flags & famsock.MSG_CTRUNC) == (b"fds", 0)
        assert receiver.syscall_path == syscall_path
        _check_and_close(_received_fds(received, receiver.family), pairs)
        # and into a buffer, one descriptor
        one = famsock.encode_ancillary([(SOL_SOCKET, SCM_RIGHTS, (pairs[0][1],))], AF_UNIX)
        sender.sendmsg([b"one"], one)
        buffer = bytearray(10)
        size, received, _, _ = receiver.recvmsg_into([buffer], stdlib.CMSG_SPACE(INT_SIZE))
        assert bytes(buffer[:size]) == b"one"
        _check_and_close(_received_fds(received, AF_UNIX), pairs[:1])


@pytest.mark.parametrize("direction", ["famsock-to-stdlib", "stdlib-to-famsock"])
def test_scm_rights_agree_with_the_stdlibs_helpers(syscall_path: str, direction: str) -> None:
    """What famsock encodes, socket.recv_fds reads; what socket.send_fds sends, famsock decodes."""
    with connected(stdlib.SOCK_STREAM) as (sender, receiver), pipes(2) as pairs:
        writers = [w for _, w in pairs]
        if direction == "famsock-to-stdlib":
            sender.sendmsg([b"x"], famsock.encode_ancillary([(SOL_SOCKET, SCM_RIGHTS, writers)], AF_UNIX))
            _, fds, _, _ = stdlib.recv_fds(receiver, 10, 2)
            _check_and_close(tuple(fds), pairs)
        else:
            stdlib.send_fds(sender, [b"x"], writers)
            _, received, _, _ = receiver.recvmsg(10, stdlib.CMSG_SPACE(2 * INT_SIZE))
            _check_and_close(_received_fds(received, AF_UNIX), pairs)


def test_descriptors_that_do_not_fit_are_closed_by_the_kernel(syscall_path: str) -> None:
    """With room for one descriptor of three, one arrives (MSG_CTRUNC) and no other is installed."""
    with connected(stdlib.SOCK_DGRAM) as (sender, receiver), pipes(3) as pairs:
        before = set(open_fds())
        sender.sendmsg([b"x"], famsock.encode_ancillary([(SOL_SOCKET, SCM_RIGHTS, [w for _, w in pairs])],
                                                        AF_UNIX))
        _, received, flags, _ = receiver.recvmsg(10, stdlib.CMSG_LEN(INT_SIZE))
        fds = _received_fds(received, AF_UNIX)
        try:
            assert flags & famsock.MSG_CTRUNC
            assert len(fds) == 1 and set(open_fds()) - before == set(fds)
        finally:
            _check_and_close(fds, pairs[:len(fds)])


def test_a_descriptor_not_open_is_the_kernels_ebadf(syscall_path: str) -> None:
    theirs, peer = stdlib.socketpair()
    with connected(stdlib.SOCK_DGRAM) as (sender, _), theirs, peer:
        items = famsock.encode_ancillary([(SOL_SOCKET, SCM_RIGHTS, [max(open_fds()) + 1])], AF_UNIX)
        for sock in (sender, theirs):
            with pytest.raises(OSError) as caught:
                sock.sendmsg([b"x"], items)
            assert caught.value.errno == errno.EBADF


@pytest.mark.parametrize("kind", ALL_TYPES)
def test_scm_credentials_arrive_with_so_passcred(syscall_path: str, kind: int) -> None:
    with connected(kind) as (sender, receiver):
        receiver.setsockopt(SOL_SOCKET, famsock.SO_PASSCRED, 1)
        sender.sendmsg([b"implicit"])  # the kernel attaches the sender's credentials
        sender.sendmsg([b"explicit"], famsock.encode_ancillary([(SOL_SOCKET, SCM_CREDENTIALS, ME)], AF_UNIX))
        size = stdlib.CMSG_SPACE(VECTORS["size"])
        for message in (b"implicit", b"explicit"):
            data, ancdata, _, _ = receiver.recvmsg(len(message), size)
            assert data == message
            [(level, item, credentials)] = famsock.decode_ancillary(ancdata, receiver.family)
            assert (level, item, credentials) == (SOL_SOCKET, SCM_CREDENTIALS, ME)
            assert type(credentials) is UnixCredentials


def test_truncated_credentials_are_refused(syscall_path: str) -> None:
    """With no room for all of struct ucred the kernel writes part of it (MSG_CTRUNC): the codec
    refuses it, not a tuple of wrong numbers, and decode_ancillary keeps the item's bytes, so
    that one cut item never hides the others."""
    with connected(stdlib.SOCK_DGRAM) as (sender, receiver):
        receiver.setsockopt(SOL_SOCKET, famsock.SO_PASSCRED, 1)
        sender.send(b"x")
        _, ancdata, flags, _ = receiver.recvmsg(1, stdlib.CMSG_LEN(4))
        assert flags & famsock.MSG_CTRUNC
        assert [(level, kind, len(item)) for level, kind, item in ancdata] == [
            (SOL_SOCKET, SCM_CREDENTIALS, 4)]
        codec = registry.control_message(SOL_SOCKET, SCM_CREDENTIALS, AF_UNIX)
        assert codec is not None
        with pytest.raises(ValueError, match="a struct ucred is 12 bytes, got 4"):
            codec.decode(ancdata[0][2])
        assert famsock.decode_ancillary(ancdata, AF_UNIX) == ancdata


@pytest.mark.skipif(os.geteuid() != 0, reason="sending another process's credentials needs CAP_SYS_ADMIN")
def test_scm_credentials_of_another_process_as_root(syscall_path: str) -> None:
    parent = UnixCredentials(os.getppid(), 0, 0)  # a pid that exists; root may claim it
    with connected(stdlib.SOCK_DGRAM) as (sender, receiver):
        receiver.setsockopt(SOL_SOCKET, famsock.SO_PASSCRED, 1)
        sender.sendmsg([b"x"], famsock.encode_ancillary([(SOL_SOCKET, SCM_CREDENTIALS, parent)], AF_UNIX))
        _, ancdata, _, _ = receiver.recvmsg(1, stdlib.CMSG_SPACE(VECTORS["size"]))
        assert famsock.decode_ancillary(ancdata, AF_UNIX) == [(SOL_SOCKET, SCM_CREDENTIALS, parent)]
        # a pid no process has: the kernel's ESRCH, as for the stdlib given the same bytes
        nobody = famsock.encode_ancillary([(SOL_SOCKET, SCM_CREDENTIALS, (2**31 - 1, 0, 0))], AF_UNIX)
        theirs, peer = stdlib.socketpair(stdlib.AF_UNIX, stdlib.SOCK_DGRAM)
        with theirs, peer:
            for sock in (sender, theirs):
                with pytest.raises(OSError) as caught:
                    sock.sendmsg([b"x"], nobody)
                assert caught.value.errno == errno.ESRCH


@pytest.mark.parametrize("kind", CONNECTED)
def test_so_peercred_is_the_peers_credentials(syscall_path: str, kind: int) -> None:
    with connected(kind) as (client, conn):
        for sock in (client, conn):
            credentials = sock.get_option(SOL_SOCKET, famsock.SO_PEERCRED)
            assert credentials == ME and type(credentials) is UnixCredentials
            assert credentials == decode_credentials(sock.getsockopt(SOL_SOCKET, famsock.SO_PEERCRED, 12))
    left, right = stdlib.socketpair()
    with famsock.socket(fileno=left.detach()) as one, famsock.socket(fileno=right.detach()) as other:
        assert one.get_option(SOL_SOCKET, famsock.SO_PEERCRED) == other.get_option(
            SOL_SOCKET, famsock.SO_PEERCRED) == ME


def test_so_peercred_without_a_peer_is_no_user(syscall_path: str) -> None:
    """pid 0 and (uid_t)-1, (gid_t)-1: unsigned, as in C (the "no-peer" vector), not -1."""
    [no_peer] = [case for case in VECTORS["credentials"] if case["id"] == "no-peer"]
    with famsock.socket(AF_UNIX, famsock.SOCK_STREAM) as sock:
        sock.bind("")
        assert sock.get_option(SOL_SOCKET, famsock.SO_PEERCRED) == (no_peer["pid"], no_peer["uid"],
                                                                     no_peer["gid"])


def test_so_peercred_cannot_be_set_as_in_the_stdlib(syscall_path: str) -> None:
    with connected(stdlib.SOCK_STREAM) as (client, _), stdlib.socket(stdlib.AF_UNIX) as theirs:
        errors = []
        for call in (lambda: client.set_option(SOL_SOCKET, famsock.SO_PEERCRED, ME),
                     lambda: theirs.setsockopt(SOL_SOCKET, famsock.SO_PEERCRED, encode_credentials(ME))):
            with pytest.raises(OSError) as caught:
                call()
            errors.append(caught.value.errno)
        assert errors == [errno.ENOPROTOOPT] * 2


def test_int_options_are_ints(syscall_path: str) -> None:
    with famsock.socket(AF_UNIX, famsock.SOCK_DGRAM) as sock:
        sock.set_option(SOL_SOCKET, famsock.SO_PASSCRED, 1)
        assert sock.get_option(SOL_SOCKET, famsock.SO_PASSCRED) == 1


def test_the_registrations_codecs_load_their_module_on_first_use_and_agree_with_it() -> None:
    """The package registers small functions that import famsock_unix._ancillary when first
    called (a first bind() imports it not): they give what the module's own functions give."""
    import famsock_unix
    from famsock_unix import _ancillary

    assert famsock_unix.UCRED_SIZE == _ancillary.UCRED_SIZE
    assert famsock_unix.UnixCredentials is _ancillary.UnixCredentials
    credentials = _ancillary.UnixCredentials(1, 2, 3)
    data = _ancillary.encode_credentials(credentials)
    codecs = {m.name: m for m in famsock_unix.famsock_control_messages()}
    assert codecs["SCM_CREDENTIALS"].decode(data) == credentials
    assert codecs["SCM_CREDENTIALS"].encode is not None
    assert codecs["SCM_CREDENTIALS"].encode(credentials) == data
    assert codecs["SCM_RIGHTS"].decode(_ancillary.encode_rights([3, 4])) == (3, 4)
