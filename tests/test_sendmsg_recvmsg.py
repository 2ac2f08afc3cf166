"""sendmsg(), recvmsg() and recvmsg_into() on both syscall paths, side by side with the stdlib.

Each case gives a stdlib socket and a famsock socket the same input and compares what they
return or raise: data, ancillary items (SCM_RIGHTS, SCM_CREDENTIALS, IP_TOS, IPv6 packet info),
message flags, the sender's address (typed on famsock, equal to the stdlib's), truncated data
(MSG_TRUNC) and truncated control data (MSG_CTRUNC), argument errors, and the socket's modes.
The structures the raw path builds are checked against the C library's (tests/vectors/msghdr.c).
"""

from __future__ import annotations

import array
import ctypes
import dataclasses
import errno
import os
import signal
import socket as stdlib
import struct
import sys
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from functools import partial
from itertools import count
from pathlib import Path
from typing import Any

import pytest

import famsock
from famsock import _control_messages as cmsg, _raw_messages as raw
from famsock._native_backend import NativeBackend
from famsock._passthrough_backend import PassthroughBackend
from famsock._raw_backend import RawBackend
from famsock._registry import registry
from famsock.contract import Native, SocketSpec
from famsock.testing import c_vectors, open_fds
from tests.helpers import InterruptedByTestError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing_extensions import Buffer  # a test tool for mypy, not a runtime dependency

GENERATOR = Path(__file__).parent / "vectors" / "msghdr.c"
VECTORS = c_vectors.load(GENERATOR)
SOCKETS: dict[str, Callable[..., stdlib.socket]] = {"stdlib": stdlib.socket, "famsock": famsock.socket}
CREDENTIALS = struct.Struct("3i")  # struct ucred: pid, uid, gid
ME = (os.getpid(), os.getuid(), os.getgid())
MESSAGE: list[Buffer] = [b"one ", bytearray(b"two "), b"", memoryview(b"three "), bytearray(),
                         array.array("B", b"four")]
JOINED = b"one two three four"
_names = count()


def outcome(call: Callable[[], Any]) -> tuple[str, int | None]:
    """How a call ends: ``("returned", None)`` or the exception's type name and errno."""
    try:
        call()
    except Exception as exc:
        return type(exc).__name__, getattr(exc, "errno", None)
    return "returned", None


@pytest.fixture(autouse=True)
def no_fd_leaks() -> Iterator[None]:
    """Every test here closes what it opens, received descriptors included."""
    before = open_fds()
    yield
    assert open_fds() == before


# -- the C library's layouts and macros ---------------------------------------------------------

def test_the_vectors_are_what_this_machines_headers_give() -> None:
    if c_vectors.compiler() is None:
        pytest.skip("no C compiler to regenerate the vectors with")
    assert c_vectors.regenerate(GENERATOR) == VECTORS


@pytest.mark.parametrize(("name", "structure"), [("msghdr", raw._Msghdr), ("iovec", raw._Iovec)])
def test_ctypes_structures_have_the_c_layout(name: str, structure: type[ctypes.Structure]) -> None:
    layout = VECTORS[name]
    assert ctypes.sizeof(structure) == layout["size"]
    assert {field: getattr(structure, field).offset for field in layout["offsets"]} == layout["offsets"]


def test_cmsghdr_is_packed_as_the_c_struct() -> None:
    layout = VECTORS["cmsghdr"]
    offsets = layout["offsets"]
    expected = bytearray(layout["size"])
    length = layout["cmsg_len_size"]
    value = (0x0102030405).to_bytes(length, sys.byteorder)
    expected[offsets["cmsg_len"]:offsets["cmsg_len"] + length] = value
    expected[offsets["cmsg_level"]:offsets["cmsg_level"] + 4] = (-2).to_bytes(4, sys.byteorder, signed=True)
    expected[offsets["cmsg_type"]:offsets["cmsg_type"] + 4] = (7).to_bytes(4, sys.byteorder)
    assert cmsg.CMSGHDR.pack(0x0102030405, -2, 7) == expected
    assert cmsg.cmsg_len(0) == layout["data_offset"]


@pytest.mark.parametrize("row", VECTORS["macros"], ids=lambda row: str(row["n"]))
def test_cmsg_macros_are_the_c_librarys(row: dict[str, int]) -> None:
    n = row["n"]
    assert (cmsg.cmsg_align(n), cmsg.cmsg_len(n), cmsg.cmsg_space(n)) == (
        row["CMSG_ALIGN"], row["CMSG_LEN"], row["CMSG_SPACE"])
    assert (stdlib.CMSG_LEN(n), stdlib.CMSG_SPACE(n)) == (row["CMSG_LEN"], row["CMSG_SPACE"])


@pytest.mark.parametrize("walk", VECTORS["walks"], ids=lambda walk: f"{walk['controllen']}-{walk['lens']}")
def test_header_walk_is_cmsg_firsthdr_and_cmsg_nxthdr(walk: dict[str, Any]) -> None:
    """The same buffers as the C program: each cmsg_len where the previous CMSG_ALIGN ends."""
    control = bytearray(256)
    offset = 0
    for length in walk["lens"]:
        cmsg.CMSGHDR.pack_into(control, offset, length, 0, 0)
        offset += cmsg.cmsg_align(length)
    visited = []
    at = 0 if walk["controllen"] >= cmsg.CMSGHDR.size else None
    while at is not None:
        visited.append(at)
        at = cmsg.next_header(at, cmsg.CMSGHDR.unpack_from(control, at)[0], walk["controllen"])
    assert visited == walk["visited"]


# -- reading control data as the stdlib does (socketmodule.c), on crafted buffers ----------------
# The kernel always writes well-formed control data, so these cases cannot come from a socket.

def _control(*items: tuple[int, int, int, bytes]) -> bytearray:
    """A control buffer of (cmsg_len, level, type, data) items, CMSG_SPACE apart."""
    control = bytearray()
    for length, level, kind, data in items:
        control += cmsg.CMSGHDR.pack(length, level, kind) + data
        control += bytes(cmsg.cmsg_align(len(control)) - len(control))
    return control


def test_an_item_cut_short_is_returned_with_what_is_there_and_warns() -> None:
    control = _control((cmsg.cmsg_len(4), 1, 2, b"abcd"), (cmsg.cmsg_len(12), 3, 4, b"0123456789ab"))
    length = cmsg.cmsg_space(4) + cmsg.cmsg_len(5)  # the second item's data cut after 5 bytes
    with pytest.warns(RuntimeWarning, match="malformed or improperly-truncated"):
        items = raw._ancillary(memoryview(control), length)
    assert items == [(1, 2, b"abcd"), (3, 4, b"01234")]


def test_a_header_shorter_than_cmsg_len_0_ends_the_list_and_warns() -> None:
    control = _control((cmsg.cmsg_len(4), 1, 2, b"abcd"), (8, 3, 4, b""))
    with pytest.warns(RuntimeWarning):
        assert raw._ancillary(memoryview(control), len(control)) == [(1, 2, b"abcd")]


def test_whole_items_do_not_warn() -> None:
    control = _control((cmsg.cmsg_len(1), 1, 2, b"a"), (cmsg.cmsg_len(0), -1, 9, b""))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert raw._ancillary(memoryview(control), len(control)) == [(1, 2, b"a"), (-1, 9, b"")]


def test_descriptors_are_closed_when_a_warning_is_an_error() -> None:
    read_end, write_end = os.pipe()
    os.close(write_end)
    fds = [os.dup(read_end), os.dup(read_end)]
    try:
        data = array.array("i", fds).tobytes()
        control = _control((cmsg.cmsg_len(12), stdlib.SOL_SOCKET, stdlib.SCM_RIGHTS, data + bytes(4)))
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with pytest.raises(RuntimeWarning):
                raw._ancillary(memoryview(control), cmsg.cmsg_len(8) + 2)  # 2 whole fds, then 2 bytes
        for fd in fds:
            with pytest.raises(OSError) as caught:
                os.fstat(fd)
            assert caught.value.errno == errno.EBADF
    finally:
        os.close(read_end)


# -- UDP ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Ip:
    family: int
    host: str
    level: int  # the protocol level and option that bring the traffic class
    receive: int
    send: int
    prefix: str


INET = Ip(stdlib.AF_INET, "127.0.0.1", stdlib.IPPROTO_IP, stdlib.IP_RECVTOS, stdlib.IP_TOS, "inet:")
INET6 = Ip(stdlib.AF_INET6, "::1", stdlib.IPPROTO_IPV6, stdlib.IPV6_RECVTCLASS, stdlib.IPV6_TCLASS, "inet6:")
IPS = [pytest.param(INET, id="inet"), pytest.param(INET6, id="inet6")]


@contextmanager
def udp(ip: Ip, *options: int) -> Iterator[tuple[stdlib.socket, famsock.socket]]:
    """A (stdlib, famsock) pair of bound UDP sockets, with these boolean options set."""
    with stdlib.socket(ip.family, stdlib.SOCK_DGRAM) as theirs, \
            famsock.socket(ip.family, stdlib.SOCK_DGRAM) as ours:
        for sock in (theirs, ours):
            sock.settimeout(5)
            sock.bind((ip.host, 0))
            for option in options:
                sock.setsockopt(ip.level, option, 1)
        yield theirs, ours


def _typed(address: Any, prefix: str) -> None:
    assert type(address) not in (tuple, str, bytes)
    assert famsock.address_to_text(address).startswith(prefix)


@pytest.mark.parametrize("ip", IPS)
def test_sendmsg_to_an_address_reaches_a_stdlib_receiver(syscall_path: str, ip: Ip) -> None:
    with udp(ip) as (receiver, other), udp(ip) as (theirs, ours):
        assert ours.syscall_path == syscall_path
        for sender in (theirs, ours):
            assert sender.sendmsg(MESSAGE, [], 0, receiver.getsockname()) == len(JOINED)
            assert receiver.recvmsg(100) == (JOINED, [], 0, sender.getsockname())
        ours.sendmsg(MESSAGE, (), 0, other.getsockname())  # a typed address this time
        _typed(other.getsockname(), ip.prefix)
        assert other.recvmsg(100) == (JOINED, [], 0, ours.getsockname())


@pytest.mark.parametrize("ip", IPS)
def test_recvmsg_side_by_side_with_the_stdlib(syscall_path: str, ip: Ip) -> None:
    with udp(ip) as (theirs, ours), udp(ip) as (stdlib_sender, famsock_sender):
        for sender in (stdlib_sender, famsock_sender):
            for receiver in (theirs, ours):
                sender.sendmsg([b"ping ", b"pong"], [], 0, receiver.getsockname())
            expected = theirs.recvmsg(100)
            result = ours.recvmsg(100)
            assert result == expected == (b"ping pong", [], 0, sender.getsockname())
            _typed(result[3], ip.prefix)


@pytest.mark.parametrize("ip", IPS)
def test_recvmsg_into_several_buffers(syscall_path: str, ip: Ip) -> None:
    with udp(ip) as (theirs, ours), udp(ip) as (sender, _):
        results = {}
        for kind, receiver in (("stdlib", theirs), ("famsock", ours)):
            sender.sendmsg(MESSAGE, [], 0, receiver.getsockname())
            backing = bytearray(8)
            buffers: list[Buffer] = [bytearray(3), bytearray(0), memoryview(backing)[2:7],
                                     array.array("B", bytes(40))]
            nbytes, ancdata, flags, address = receiver.recvmsg_into(buffers)
            results[kind] = (nbytes, ancdata, flags, address, [bytes(b) for b in buffers], bytes(backing))
        assert results["famsock"] == results["stdlib"]
        assert results["stdlib"][4][:3] == [b"one", b"", b" two "]
        _typed(results["famsock"][3], ip.prefix)


@pytest.mark.parametrize("ip", IPS)
def test_truncated_data_sets_msg_trunc_as_in_the_stdlib(syscall_path: str, ip: Ip) -> None:
    with udp(ip) as (theirs, ours), udp(ip) as (sender, _):
        for receiver in (theirs, ours):
            sender.sendmsg(MESSAGE, [], 0, receiver.getsockname())
            sender.sendmsg(MESSAGE, [], 0, receiver.getsockname())
        short = [receiver.recvmsg(5) for receiver in (theirs, ours)]
        assert short[0] == short[1] == (b"one t", [], stdlib.MSG_TRUNC, sender.getsockname())
        scattered = []
        for receiver in (theirs, ours):
            buffers = [bytearray(2), bytearray(3)]
            scattered.append((receiver.recvmsg_into(buffers), buffers))
        assert scattered[0] == scattered[1] == (
            (5, [], stdlib.MSG_TRUNC, sender.getsockname()), [bytearray(b"on"), bytearray(b"e t")])


@pytest.mark.parametrize("ip", IPS)
def test_ancillary_data_is_sent_and_received(syscall_path: str, ip: Ip) -> None:
    """The traffic class travels as a sendmsg() item and arrives as a recvmsg() one."""
    with udp(ip, ip.receive) as (theirs, ours), udp(ip) as (stdlib_sender, famsock_sender):
        for sender in (stdlib_sender, famsock_sender):
            for receiver in (theirs, ours):
                sent = sender.sendmsg([b"tos"], [(ip.level, ip.send, array.array("i", [0x20]))], 0,
                                      receiver.getsockname())
                assert sent == 3
            expected = theirs.recvmsg(10, 64)
            assert ours.recvmsg(10, 64) == expected
            assert [(level, kind, data[0]) for level, kind, data in expected[1]] == [
                (ip.level, ip.send, 0x20)]


def _summary(result: tuple[Any, list[tuple[int, int, bytes]], int, Any]) -> tuple[Any, ...]:
    return result[0], result[1], result[2], result[3]


@pytest.mark.parametrize("ip", IPS)
def test_truncated_control_data_is_the_stdlibs(syscall_path: str, ip: Ip) -> None:
    """The same datagram, with several items, received with every control size up to all of it."""
    options = (ip.receive,) if ip is INET else (
        ip.receive, stdlib.IPV6_RECVHOPLIMIT, stdlib.IPV6_RECVPKTINFO)
    with udp(ip, *options) as (theirs, ours), udp(ip) as (sender, _):
        seen_flags = set()
        for size in range(3 * cmsg.cmsg_space(20) + 9):
            results = []
            for receiver in (theirs, ours):
                sender.sendmsg([b"payload"], [], 0, receiver.getsockname())
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    result = receiver.recvmsg(4, size)
                results.append((_summary(result), [str(w.message) for w in caught]))
            assert results[1] == results[0], size
            seen_flags.add(results[0][0][2])
        assert seen_flags == {stdlib.MSG_TRUNC | stdlib.MSG_CTRUNC, stdlib.MSG_TRUNC}


# -- AF_UNIX --------------------------------------------------------------------------------------

def _abstract() -> bytes:
    return b"\0famsock-msg-%d-%d" % (os.getpid(), next(_names))


@contextmanager
def unix_dgram(*, passcred: bool = False) -> Iterator[tuple[stdlib.socket, famsock.socket]]:
    """A (stdlib, famsock) pair of AF_UNIX datagram sockets bound to abstract names."""
    with stdlib.socket(stdlib.AF_UNIX, stdlib.SOCK_DGRAM) as theirs, \
            famsock.socket(stdlib.AF_UNIX, stdlib.SOCK_DGRAM) as ours:
        for sock in (theirs, ours):
            sock.settimeout(5)
            sock.bind(_abstract())
            if passcred:
                sock.setsockopt(stdlib.SOL_SOCKET, stdlib.SO_PASSCRED, 1)
        yield theirs, ours


def destination(sender: stdlib.socket, receiver: stdlib.socket) -> Any:
    """The receiver's address for this sender: typed for famsock, the stdlib's own form for the
    stdlib (whose C methods on Python < 3.12 take no typed UNIX address)."""
    if isinstance(sender, famsock.socket):
        return receiver.getsockname()
    return stdlib.socket.getsockname(receiver)


@contextmanager
def pipe() -> Iterator[tuple[int, int]]:
    read_end, write_end = os.pipe()
    try:
        yield read_end, write_end
    finally:
        os.close(read_end)
        os.close(write_end)


def _received_fds(ancdata: list[tuple[int, int, bytes]]) -> list[int]:
    fds = array.array("i")
    for level, kind, data in ancdata:
        if (level, kind) == (stdlib.SOL_SOCKET, stdlib.SCM_RIGHTS):
            fds.frombytes(data[:len(data) - len(data) % fds.itemsize])
    return list(fds)


def _check_and_close(fds: list[int], expected: list[int]) -> None:
    """``fds`` arrived as copies of ``expected`` (in order, maybe fewer): check, then close them."""
    try:
        assert len(fds) <= len(expected)
        for fd, original in zip(fds, expected[:len(fds)], strict=True):
            assert fd not in expected
            assert os.path.sameopenfile(fd, original)
    finally:
        for fd in fds:
            os.close(fd)


def _without_fds(result: tuple[Any, list[tuple[int, int, bytes]], int, Any]) -> tuple[Any, ...]:
    """A recvmsg() result with SCM_RIGHTS data replaced by its length: fd numbers differ."""
    ancdata = [(level, kind, len(data) if kind == stdlib.SCM_RIGHTS else data)
               for level, kind, data in result[1]]
    return result[0], ancdata, result[2], result[3]


@pytest.mark.parametrize("kind", [stdlib.SOCK_STREAM, stdlib.SOCK_DGRAM, stdlib.SOCK_SEQPACKET],
                         ids=["stream", "dgram", "seqpacket"])
def test_send_fds_and_recv_fds_between_stdlib_and_famsock(syscall_path: str, kind: int) -> None:
    left, right = stdlib.socketpair(stdlib.AF_UNIX, kind)
    with left, famsock.socket(fileno=right.detach()) as ours, pipe() as (read_end, write_end):
        assert ours.syscall_path == syscall_path
        for sender, receiver in ((left, ours), (ours, left)):
            assert stdlib.send_fds(sender, [b"take ", b"these"], [read_end, write_end]) == 10
            message, fds, flags, address = stdlib.recv_fds(receiver, 100, 4)
            _check_and_close(fds, [read_end, write_end])
            assert (message, len(fds), flags, address) == (b"take these", 2, 0, None)


def test_rights_through_sendmsg_to_a_typed_address(syscall_path: str) -> None:
    with unix_dgram() as (theirs, ours), unix_dgram() as (_, sender), pipe() as (read_end, write_end):
        rights = [(stdlib.SOL_SOCKET, stdlib.SCM_RIGHTS, array.array("i", [read_end, write_end]))]
        results = []
        for receiver, address in ((theirs, theirs.getsockname()), (ours, ours.getsockname())):
            assert sender.sendmsg([b"fds"], rights, 0, address) == 3
            result = receiver.recvmsg(10, stdlib.CMSG_SPACE(8))
            _check_and_close(_received_fds(result[1]), [read_end, write_end])
            results.append(_without_fds(result))
        assert results[0] == results[1] == (b"fds", [(stdlib.SOL_SOCKET, stdlib.SCM_RIGHTS, 8)], 0,
                                            sender.getsockname())
        _typed(ours.getsockname(), "unix:")
        _typed(results[1][3], "unix:")


def test_rights_arrive_through_recvmsg_into(syscall_path: str) -> None:
    with unix_dgram() as (theirs, ours), unix_dgram() as (_, sender), pipe() as (_, write_end):
        rights = [(stdlib.SOL_SOCKET, stdlib.SCM_RIGHTS, array.array("i", [write_end]))]
        results = []
        for receiver in (theirs, ours):
            sender.sendmsg([b"scatter"], rights, 0, receiver.getsockname())
            buffers: list[Buffer] = [bytearray(3), bytearray(10)]
            nbytes, ancdata, flags, address = receiver.recvmsg_into(buffers, stdlib.CMSG_SPACE(4))
            _check_and_close(_received_fds(ancdata), [write_end])
            results.append((_without_fds((nbytes, ancdata, flags, address)), buffers))
        assert results[0] == results[1]
        assert results[0][1] == [bytearray(b"sca"), bytearray(b"tter\0\0\0\0\0\0")]


def test_scm_credentials_with_so_passcred(syscall_path: str) -> None:
    with unix_dgram(passcred=True) as (theirs, ours), unix_dgram() as (stdlib_sender, famsock_sender):
        explicit = [(stdlib.SOL_SOCKET, stdlib.SCM_CREDENTIALS, CREDENTIALS.pack(*ME))]
        for sender in (stdlib_sender, famsock_sender):
            for ancdata in ([], explicit):
                for receiver in (theirs, ours):
                    sender.sendmsg([b"who"], ancdata, 0, destination(sender, receiver))
                expected = theirs.recvmsg(10, stdlib.CMSG_SPACE(CREDENTIALS.size))
                assert ours.recvmsg(10, stdlib.CMSG_SPACE(CREDENTIALS.size)) == expected
                credentials = (stdlib.SOL_SOCKET, stdlib.SCM_CREDENTIALS, CREDENTIALS.pack(*ME))
                assert expected == (b"who", [credentials], 0, sender.getsockname())


@pytest.mark.parametrize("method", ["recvmsg", "recvmsg_into"])
def test_truncated_control_data_side_by_side(syscall_path: str, method: str) -> None:
    """Credentials then three descriptors, received with every control size up to all of it.

    The kernel cuts items short (a partial ucred, fewer descriptors) and sets MSG_CTRUNC; famsock
    must return the very items the stdlib returns, with the same flags and warnings.
    """
    seen = set()
    with unix_dgram(passcred=True) as (theirs, ours), unix_dgram() as (sender, _), \
            pipe() as (read_end, write_end):
        sent = [read_end, write_end, read_end]
        rights = [(stdlib.SOL_SOCKET, stdlib.SCM_RIGHTS, array.array("i", sent))]
        for size in range(stdlib.CMSG_SPACE(CREDENTIALS.size) + stdlib.CMSG_SPACE(12) + 9):
            results = []
            for receiver in (theirs, ours):
                sender.sendmsg([b"hello"], rights, 0, destination(sender, receiver))
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    if method == "recvmsg":
                        result = receiver.recvmsg(3, size)
                    else:
                        buffers = [bytearray(1), bytearray(2)]
                        _, *rest = receiver.recvmsg_into(buffers, size)
                        result = (b"".join(buffers), rest[0], rest[1], rest[2])
                _check_and_close(_received_fds(result[1]), sent)
                results.append((_without_fds(result), [str(w.message) for w in caught]))
            assert results[1] == results[0], size
            (_, ancdata, flags, _), _ = results[0]
            sizes = tuple((kind, data if isinstance(data, int) else len(data)) for _, kind, data in ancdata)
            seen.add((sizes, flags))
    trunc, ctrunc = stdlib.MSG_TRUNC, stdlib.MSG_CTRUNC
    creds, rights_type = stdlib.SCM_CREDENTIALS, stdlib.SCM_RIGHTS
    assert ((), trunc | ctrunc) in seen  # no room for a header
    assert (((creds, 0),), trunc | ctrunc) in seen  # a header only: an item with no data
    assert (((creds, 5),), trunc | ctrunc) in seen  # a ucred cut after 5 bytes
    assert (((creds, 12),), trunc | ctrunc) in seen  # whole credentials, no room for descriptors
    assert (((creds, 12), (rights_type, 4)), trunc | ctrunc) in seen  # one descriptor of three
    assert (((creds, 12), (rights_type, 12)), trunc) in seen  # everything


def test_messages_larger_than_the_pooled_buffer(syscall_path: str) -> None:
    """Past 64 KiB the raw path receives into a buffer of its own: AF_UNIX datagrams go there."""
    big = bytes(range(256)) * 400  # 102400 bytes
    with unix_dgram() as (theirs, ours), unix_dgram() as (_, sender):
        for sock in (theirs, ours, sender):
            sock.setsockopt(stdlib.SOL_SOCKET, stdlib.SO_SNDBUF, 1 << 20)
            sock.setsockopt(stdlib.SOL_SOCKET, stdlib.SO_RCVBUF, 1 << 20)
        results = []
        for receiver in (theirs, ours):
            assert sender.sendmsg([big[:70000], big[70000:]], [], 0, receiver.getsockname()) == len(big)
            sender.sendmsg([big], [], 0, receiver.getsockname())
            results.append((receiver.recvmsg(len(big) + 1), receiver.recvmsg(90000)))
        assert results[0] == results[1]
        assert results[0][0][:3] == (big, [], 0)
        assert results[0][1][:3] == (big[:90000], [], stdlib.MSG_TRUNC)


def test_sendmsg_to_typed_unix_addresses(syscall_path: str, tmp_path: Path) -> None:
    with stdlib.socket(stdlib.AF_UNIX, stdlib.SOCK_DGRAM) as theirs, \
            famsock.socket(famsock.AF_UNIX, famsock.SOCK_DGRAM) as ours, \
            famsock.socket(famsock.AF_UNIX, famsock.SOCK_DGRAM) as on_a_path, \
            famsock.socket(famsock.AF_UNIX, famsock.SOCK_DGRAM) as unbound:
        theirs.bind(str(tmp_path / "theirs"))
        ours.bind(str(tmp_path / "ours"))
        on_a_path.bind(str(tmp_path / "sender"))
        for sock in (theirs, ours):
            sock.settimeout(5)
        typed = ours.getsockname()
        _typed(typed, "unix:")
        results = []
        for receiver, address in ((theirs, theirs.getsockname()), (ours, typed)):
            on_a_path.sendmsg([b"from a path"], [], 0, address)
            unbound.sendmsg([b"from nowhere"], [], 0, address)
            results.append((receiver.recvmsg(20), receiver.recvmsg(20)))
        assert results[0] == results[1] == ((b"from a path", [], 0, str(tmp_path / "sender")),
                                            (b"from nowhere", [], 0, None))
        _typed(results[1][0][3], "unix:")


@pytest.mark.parametrize("method", ["recvmsg", "recvmsg_into"])
def test_received_fds_are_closed_when_the_address_cannot_be_converted(
        syscall_path: str, method: str) -> None:
    """A plugin failing on the sender's address is a fault the kernel cannot produce: injected.
    (Not a ValueError: bytes a plugin's decode refuses so become a RawSockaddr.)"""
    family = registry.lookup(stdlib.AF_UNIX)
    assert family is not None and family.native is not None
    spec = SocketSpec(stdlib.AF_UNIX, stdlib.SOCK_DGRAM, 0)

    def broken(*args: object) -> object:
        raise RuntimeError("undecodable")

    path: NativeBackend | RawBackend
    if syscall_path == "native":
        native = Native(broken, family.native.to_native)
        path = NativeBackend(dataclasses.replace(family, native=native), spec, registry)
    else:
        path = RawBackend(dataclasses.replace(family, decode=broken), spec, registry)
    with unix_dgram() as (sender, _), famsock.socket(famsock.AF_UNIX, famsock.SOCK_DGRAM) as receiver, \
            pipe() as (read_end, _):
        receiver._adopt(path)
        receiver.bind(_abstract())
        receiver.settimeout(5)
        sender.sendmsg([b"x"], [(stdlib.SOL_SOCKET, stdlib.SCM_RIGHTS, array.array("i", [read_end] * 3))],
                       0, destination(sender, receiver))
        receive = (partial(receiver.recvmsg, 10, 100) if method == "recvmsg"
                   else partial(receiver.recvmsg_into, [bytearray(10)], 100))
        before = open_fds()
        with pytest.raises(RuntimeError, match="undecodable"):
            receive()
        assert open_fds() == before


def test_descriptors_the_kernel_refuses(syscall_path: str) -> None:
    with unix_dgram() as (receiver, _):
        for make in SOCKETS.values():
            with make(stdlib.AF_UNIX, stdlib.SOCK_DGRAM) as sender:
                bad = [(stdlib.SOL_SOCKET, stdlib.SCM_RIGHTS, array.array("i", [-1]))]
                assert outcome(partial(sender.sendmsg, [b"x"], bad, 0, destination(sender, receiver))) == (
                    "OSError", errno.EBADF)


# -- bad inputs: the stdlib's exception types -----------------------------------------------------

NOT_CONTIGUOUS = memoryview(bytearray(b"abcdef"))[::2]
SENDMSG_CASES: dict[str, Callable[[Any, Any], Any]] = {  # sockets as Any: the calls are wrong on purpose
    "buffers not iterable": lambda s, a: s.sendmsg(5, [], 0, a),
    "buffers is bytes": lambda s, a: s.sendmsg(b"abc", [], 0, a),
    "buffers is str": lambda s, a: s.sendmsg("abc", [], 0, a),
    "a buffer is str": lambda s, a: s.sendmsg([b"x", "abc"], [], 0, a),
    "a buffer is not contiguous": lambda s, a: s.sendmsg([NOT_CONTIGUOUS], [], 0, a),
    "buffers from a generator": lambda s, a: s.sendmsg((bytes([n]) for n in range(3)), [], 0, a),
    "ancdata None": lambda s, a: s.sendmsg([b"x"], None, 0, a),
    "ancdata not iterable": lambda s, a: s.sendmsg([b"x"], 5, 0, a),
    "item of two": lambda s, a: s.sendmsg([b"x"], [(1, 2)], 0, a),
    "item of four": lambda s, a: s.sendmsg([b"x"], [(1, 2, b"", 4)], 0, a),
    "item is bytes": lambda s, a: s.sendmsg([b"x"], [b"abc"], 0, a),
    "item is str": lambda s, a: s.sendmsg([b"x"], ["abc"], 0, a),
    "item is int": lambda s, a: s.sendmsg([b"x"], [5], 0, a),
    "item is a set": lambda s, a: s.sendmsg([b"x"], [{1, 2, 3}], 0, a),
    "item is a list": lambda s, a: s.sendmsg([b"x"], [[stdlib.IPPROTO_IP, stdlib.IP_TOS, b"\0\0\0\0"]], 0, a),
    "level is float": lambda s, a: s.sendmsg([b"x"], [(1.0, 2, b"")], 0, a),
    "level overflows": lambda s, a: s.sendmsg([b"x"], [(2**31, 2, b"")], 0, a),
    "type underflows": lambda s, a: s.sendmsg([b"x"], [(1, -(2**31) - 1, b"")], 0, a),
    "data is str": lambda s, a: s.sendmsg([b"x"], [(1, 2, "s")], 0, a),
    "data is not contiguous": lambda s, a: s.sendmsg([b"x"], [(1, 2, NOT_CONTIGUOUS)], 0, a),
    "flags is float": lambda s, a: s.sendmsg([b"x"], [], 1.0, a),
    "flags overflows": lambda s, a: s.sendmsg([b"x"], [], 2**31, a),
    "flags is None": lambda s, a: s.sendmsg([b"x"], [], None, a),
    "address of one": lambda s, a: s.sendmsg([b"x"], [], 0, (a[0],)),
    "address is str": lambda s, a: s.sendmsg([b"x"], [], 0, a[0]),
    "address is int": lambda s, a: s.sendmsg([b"x"], [], 0, 5),
    "port out of range": lambda s, a: s.sendmsg([b"x"], [], 0, (a[0], 70000)),
    "host is int": lambda s, a: s.sendmsg([b"x"], [], 0, (1, a[1])),
    "no address, not connected": lambda s, a: s.sendmsg([b"x"], [], 0, None),
    "flags checked before the address": lambda s, a: s.sendmsg([b"x"], [], 2**31, (a[0],)),
    "address checked before buffers": lambda s, a: s.sendmsg(5, [], 0, (a[0], 70000)),
    "buffers checked before ancdata": lambda s, a: s.sendmsg(5, [(1, 2.0, b"")], 0, a),
    "keyword argument": lambda s, a: s.sendmsg([b"x"], flags=0),
    "too many arguments": lambda s, a: s.sendmsg([b"x"], [], 0, a, 0),
    "no arguments": lambda s, a: s.sendmsg(),
    "closed socket": lambda s, a: (s.close(), s.sendmsg([b"x"], [], 0, a)),
    "everything right": lambda s, a: s.sendmsg([b"x"], [], 0, a),
}
RECVMSG_CASES: dict[str, Callable[[Any], Any]] = {
    "negative bufsize": lambda s: s.recvmsg(-1),
    "negative ancbufsize": lambda s: s.recvmsg(1, -1),
    "both negative": lambda s: s.recvmsg(-1, -1),
    "ancbufsize past socklen_t": lambda s: s.recvmsg(1, 2**31),
    "bufsize past ssize_t": lambda s: s.recvmsg(2**63),
    "ancbufsize past ssize_t": lambda s: s.recvmsg(1, 2**63),
    "bufsize too large for bytes": lambda s: s.recvmsg(2**63 - 1),
    "bufsize is float": lambda s: s.recvmsg(1.0),
    "bufsize is str": lambda s: s.recvmsg("1"),
    "flags overflows": lambda s: s.recvmsg(1, 0, 2**31),
    "flags is float": lambda s: s.recvmsg(1, 0, 1.0),
    "flags parsed before the size is checked": lambda s: s.recvmsg(-1, 0, 1.0),
    "keyword argument": lambda s: s.recvmsg(bufsize=1),
    "too many arguments": lambda s: s.recvmsg(1, 0, 0, 0),
    "no arguments": lambda s: s.recvmsg(),
    "closed socket": lambda s: (s.close(), s.recvmsg(1)),
    "into, closed socket": lambda s: (s.close(), s.recvmsg_into([bytearray(1)])),
    "nothing queued": lambda s: s.recvmsg(1),
    "into bytes": lambda s: s.recvmsg_into([b"abc"]),
    "into a bytearray, not an iterable of them": lambda s: s.recvmsg_into(bytearray(3)),
    "into an int": lambda s: s.recvmsg_into(5),
    "into memory that is not contiguous": lambda s: s.recvmsg_into([memoryview(bytearray(6))[::2]]),
    "into, negative ancbufsize": lambda s: s.recvmsg_into([bytearray(3)], -1),
    "into, flags is float": lambda s: s.recvmsg_into([bytearray(3)], 0, 1.0),
    "into, buffers checked before ancbufsize": lambda s: s.recvmsg_into([b"x"], -1),
    "into, keyword argument": lambda s: s.recvmsg_into(buffers=[bytearray(1)]),
    "into nothing, nothing queued": lambda s: s.recvmsg_into([]),
}


@pytest.mark.parametrize("ip", IPS)
@pytest.mark.parametrize("case", list(SENDMSG_CASES))
def test_sendmsg_bad_inputs(syscall_path: str, ip: Ip, case: str) -> None:
    with udp(ip) as (receiver, _):
        address = receiver.getsockname()[:2]
        results = {}
        for kind, make in SOCKETS.items():
            with make(ip.family, stdlib.SOCK_DGRAM) as sock:
                results[kind] = outcome(partial(SENDMSG_CASES[case], sock, address))
        assert results["famsock"] == results["stdlib"]


@pytest.mark.parametrize("ip", IPS)
@pytest.mark.parametrize("case", list(RECVMSG_CASES))
def test_recvmsg_bad_inputs(syscall_path: str, ip: Ip, case: str) -> None:
    results = {}
    for kind, make in SOCKETS.items():
        with make(ip.family, stdlib.SOCK_DGRAM) as sock:
            sock.bind((ip.host, 0))
            sock.setblocking(False)
            results[kind] = outcome(partial(RECVMSG_CASES[case], sock))
    assert results["famsock"] == results["stdlib"]


@pytest.mark.parametrize("address", [5, ("a", 1), b"\0" + b"x" * 200, "/" + "x" * 200, None],
                         ids=["int", "tuple", "abstract too long", "path too long", "none"])
def test_sendmsg_bad_unix_addresses(syscall_path: str, address: Any) -> None:
    results = {}
    for kind, make in SOCKETS.items():
        with make(stdlib.AF_UNIX, stdlib.SOCK_DGRAM) as sock:
            results[kind] = outcome(partial(sock.sendmsg, [b"x"], [], 0, address))
    assert results["famsock"] == results["stdlib"]
    assert results["stdlib"][0] != "returned"


# -- modes ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("timeout", [0.0, 0.05], ids=["non-blocking", "timeout"])
@pytest.mark.parametrize("method", ["recvmsg", "recvmsg_into"])
def test_receiving_with_nothing_queued(syscall_path: str, timeout: float, method: str) -> None:
    results = {}
    for kind, make in SOCKETS.items():
        with make(stdlib.AF_INET, stdlib.SOCK_DGRAM) as sock:
            sock.bind(("127.0.0.1", 0))
            sock.settimeout(timeout)
            if method == "recvmsg":
                results[kind] = outcome(partial(sock.recvmsg, 10, 100))
            else:
                results[kind] = outcome(partial(sock.recvmsg_into, [bytearray(10)], 100))
    expected = ("BlockingIOError", errno.EAGAIN) if timeout == 0 else ("TimeoutError", None)
    assert results == {"stdlib": expected, "famsock": expected}


def test_the_timeout_error_is_the_stdlibs(syscall_path: str) -> None:
    with famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.settimeout(0.01)
        with pytest.raises(famsock.timeout) as caught:
            sock.recvmsg(1)
        assert caught.value.args == ("timed out",)


def test_a_timeout_socket_receives_what_arrives_in_time(syscall_path: str) -> None:
    with udp(INET) as (sender, receiver):
        timer = threading.Timer(0.05, sender.sendmsg, ([b"late"], [], 0, receiver.getsockname()))
        timer.start()
        try:
            assert receiver.recvmsg(10) == (b"late", [], 0, sender.getsockname())
        finally:
            timer.join()


@pytest.mark.parametrize("timeout", [0.0, 0.05], ids=["non-blocking", "timeout"])
def test_sendmsg_to_a_full_receiver(syscall_path: str, timeout: float) -> None:
    """An AF_UNIX datagram receiver that reads nothing fills up; then sendmsg() cannot go on."""
    expected = ("BlockingIOError", errno.EAGAIN) if timeout == 0 else ("TimeoutError", None)
    with unix_dgram() as (receiver, _):
        for make in SOCKETS.values():
            with make(stdlib.AF_UNIX, stdlib.SOCK_DGRAM) as sender:
                sender.settimeout(timeout)
                send = partial(sender.sendmsg, [b"x" * 1000], [], 0, destination(sender, receiver))
                sent = 0
                while (end := outcome(send)) == ("returned", None) and sent < 100_000:
                    sent += 1
                assert sent > 0
                assert end == expected
            receiver.setblocking(False)
            while outcome(partial(receiver.recv, 1000))[0] == "returned":
                pass


@pytest.mark.parametrize("method", ["recvmsg", "recvmsg_into"])
def test_a_signal_handler_that_raises_ends_a_blocking_receive(
        syscall_path: str, alarm: Callable[[float, bool], list[int]], method: str) -> None:
    with famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        receive = (partial(sock.recvmsg, 10, 100) if method == "recvmsg"
                   else partial(sock.recvmsg_into, [bytearray(10)], 100))
        alarm(0.05, True)
        with pytest.raises(InterruptedByTestError):
            receive()
        sock.settimeout(0)
        with pytest.raises(BlockingIOError):  # still a working socket
            sock.recvmsg(10)


def test_a_blocking_receive_interrupted_by_a_signal_goes_on(
        syscall_path: str, alarm: Callable[[float, bool], list[int]]) -> None:
    with udp(INET) as (sender, receiver):
        receiver.settimeout(None)
        calls = alarm(0.05, False)
        timer = threading.Timer(0.3, sender.sendmsg, ([b"after"], [], 0, receiver.getsockname()))
        timer.start()
        try:
            assert receiver.recvmsg(10) == (b"after", [], 0, sender.getsockname())  # EINTR at 0.05 s
        finally:
            timer.join()
        assert calls == [signal.SIGALRM]


@pytest.mark.parametrize("raising", [False, True], ids=["handler-returns", "handler-raises"])
def test_a_blocking_sendmsg_to_a_full_receiver_and_a_signal(
        syscall_path: str, alarm: Callable[[float, bool], list[int]], raising: bool) -> None:
    """EINTR while sendmsg() waits for room: retried after a handler that returns (the receiver
    drains later), ended by one that raises."""
    with unix_dgram() as (receiver, _), famsock.socket(famsock.AF_UNIX, famsock.SOCK_DGRAM) as sender:
        send = partial(sender.sendmsg, [b"x" * 1000], [], 0, receiver.getsockname())
        sender.setblocking(False)
        while outcome(send) == ("returned", None):
            pass
        sender.setblocking(True)

        def drain() -> None:
            receiver.setblocking(False)
            while outcome(partial(receiver.recv, 1000))[0] == "returned":
                pass

        calls = alarm(0.05, raising)
        timer = threading.Timer(0.3, drain)
        timer.start()
        try:
            if raising:
                with pytest.raises(InterruptedByTestError):
                    send()
            else:
                assert send() == 1000
        finally:
            timer.join()
        assert calls == [signal.SIGALRM]


def test_no_fd_leaks_on_error_paths(syscall_path: str) -> None:
    before = open_fds()
    for _ in range(3):
        with famsock.socket(famsock.AF_UNIX, famsock.SOCK_DGRAM) as sock:
            sock.bind(_abstract())
            sock.settimeout(0.001)
            with pytest.raises(TimeoutError):
                sock.recvmsg(1, 100)
            two: Any = (1, 2)
            with pytest.raises(TypeError):
                sock.sendmsg([b"x"], [two], 0, sock.getsockname())
            with pytest.raises(OSError):
                sock.sendmsg([b"x"], [(stdlib.SOL_SOCKET, stdlib.SCM_RIGHTS, array.array("i", [-1]))], 0,
                             sock.getsockname())
    assert open_fds() == before


# -- other paths and sockets ----------------------------------------------------------------------

def test_a_family_without_a_plugin_passes_through(syscall_path: str) -> None:
    """PassthroughBackend: what the C methods take and return, untouched."""
    with udp(INET) as (sender, _), famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM) as ours:
        ours._adopt(PassthroughBackend(SocketSpec(stdlib.AF_INET, stdlib.SOCK_DGRAM, 0), registry))
        ours.bind(("127.0.0.1", 0))
        ours.settimeout(5)
        sender.sendmsg([b"a"], [], 0, ours.getsockname())
        result = ours.recvmsg(10)
        assert result == (b"a", [], 0, sender.getsockname()) and type(result[3]) is tuple
        ours.sendmsg([b"b"], [], 0, sender.getsockname())
        assert sender.recvmsg(10) == (b"b", [], 0, ours.getsockname())


def test_connected_stream_sockets_report_no_address(syscall_path: str) -> None:
    with famsock.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with ExitStack() as stack:
            client = stack.enter_context(stdlib.create_connection(server.getsockname()))
            conn = stack.enter_context(server.accept()[0])
            conn.settimeout(5)
            client.sendmsg([b"stream"])
            assert conn.recvmsg(100) == (b"stream", [], 0, None)
            conn.sendmsg([b"back"])
            assert client.recvmsg(100) == (b"back", [], 0, None)
