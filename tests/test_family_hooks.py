"""What contract 2 lets a family decide per socket and per call, on real AF_INET sockets.

Each fake family here is famsock-inet's registration with one hook added or wrapped, made the
only AF_INET family for the test: ``check_use`` refusing one operation for some address,
``Native.applies`` refusing one socket type (that socket takes the raw backend), and the
``SocketSpec`` every hook gets, whose type and protocol are ``None`` where no socket is involved.
"""

from __future__ import annotations

import dataclasses
import errno
import socket as stdlib
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest

import famsock
from famsock import RawSockaddr
from famsock.codec import family as family_of
from famsock.contract import Family, SocketSpec
from famsock.testing import syscall_path as use_path
from tests.helpers import FakePlugin, make_family, use_plugins

pytestmark = [pytest.mark.family("inet"), pytest.mark.usefixtures("no_fd_leak")]

INET, DGRAM, STREAM = int(stdlib.AF_INET), int(stdlib.SOCK_DGRAM), int(stdlib.SOCK_STREAM)
GUARDED_PORT = 9  # the fake family takes no connect() to this port


@pytest.fixture
def receiver() -> Iterator[stdlib.socket]:
    with stdlib.socket(stdlib.AF_INET, stdlib.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.settimeout(5)
        yield sock


# -- check_use: per operation --------------------------------------------------------------------

class Guard:
    """A check_use refusing connect() to GUARDED_PORT, recording what it was asked."""

    def __init__(self) -> None:
        self.asked: list[tuple[Any, SocketSpec, str]] = []

    def __call__(self, address: Any, spec: SocketSpec, operation: str) -> None:
        self.asked.append((address, spec, operation))
        if operation == "connect" and address.port == GUARDED_PORT:
            raise PermissionError(errno.EACCES, f"demo: port {GUARDED_PORT} takes no connections")


@pytest.fixture
def guard(monkeypatch: pytest.MonkeyPatch) -> Guard:
    guard = Guard()
    use_plugins(monkeypatch, ("guarded", FakePlugin(dataclasses.replace(family_of("inet"), check_use=guard))))
    return guard


def test_check_use_refuses_one_operation_and_lets_the_others_through(
        syscall_path: str, guard: Guard) -> None:
    guarded = ("127.0.0.1", GUARDED_PORT)
    with ExitStack() as stack:
        server = stack.enter_context(famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM))
        server.bind(guarded)  # bind: allowed
        server.settimeout(5)
        client = stack.enter_context(famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM))
        assert client.syscall_path == syscall_path
        client.bind(("127.0.0.1", 0))
        for connect in (client.connect, client.connect_ex):
            with pytest.raises(PermissionError, match="port 9 takes no connections"):
                connect(guarded)
        with pytest.raises(OSError, match=r"\[Errno 107\]"):  # refused before the kernel: not connected
            client.getpeername()
        assert client.sendto(b"one", guarded) == 3  # sendto: allowed
        assert client.sendto(b"two", 0, guarded) == 3
        assert client.sendmsg([b"three"], [], 0, guarded) == 5  # sendmsg is "sendto"
        assert [server.recv(10) for _ in range(3)] == [b"one", b"two", b"three"]
    spec = SocketSpec(INET, DGRAM, 0)
    assert [(address, operation) for address, _, operation in guard.asked] == [
        (guarded, "bind"), (("127.0.0.1", 0), "bind"), (guarded, "connect"), (guarded, "connect"),
        (guarded, "sendto"), (guarded, "sendto"), (guarded, "sendto")]
    assert {asked_spec for _, asked_spec, _ in guard.asked} == {spec}


def test_check_use_sees_typed_addresses_too(syscall_path: str, guard: Guard, receiver: stdlib.socket) -> None:
    """Typed addresses skip parse, never check_use: no shortcut takes them past it."""
    guarded = famsock.parse_address(famsock.AF_INET, ("127.0.0.1", GUARDED_PORT))
    allowed = famsock.parse_address(famsock.AF_INET, receiver.getsockname())
    with famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM) as client:
        for _ in range(2):  # the second time, any memo or last-destination shortcut is warm
            with pytest.raises(PermissionError):
                client.connect(guarded)
            assert client.sendto(b"x", allowed) == 1
            assert client.sendto(b"y", 0, allowed) == 1
        assert [receiver.recv(10) for _ in range(4)] == [b"x", b"y", b"x", b"y"]
        client.connect(allowed)
        assert client.getpeername() == receiver.getsockname()
    operations = [operation for _, _, operation in guard.asked]
    assert operations.count("connect") == 3


def test_a_raw_sockaddr_goes_to_the_kernel_as_it_is(syscall_path: str, guard: Guard) -> None:
    """A RawSockaddr is the caller's bytes for libc: no plugin hook sees it."""
    with famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM) as client:
        sockaddr = famsock.encode(("127.0.0.1", GUARDED_PORT), famsock.AF_INET)
        client.connect(RawSockaddr.from_sockaddr(sockaddr))
        assert client.getpeername() == ("127.0.0.1", GUARDED_PORT)
    assert [operation for _, _, operation in guard.asked] == []


def test_parse_address_does_not_check_use(guard: Guard) -> None:
    """check_use is about a call; parsing an address is none."""
    assert famsock.parse_address(famsock.AF_INET, ("127.0.0.1", GUARDED_PORT)).port == GUARDED_PORT
    assert guard.asked == []


# -- Native.applies: per (type, proto) ----------------------------------------------------------------

def test_applies_decides_per_socket_type(monkeypatch: pytest.MonkeyPatch, receiver: stdlib.socket) -> None:
    inet = family_of("inet")
    assert inet.native is not None
    asked: list[SocketSpec] = []

    def streams_only(spec: SocketSpec) -> bool:
        asked.append(spec)
        return spec.type == STREAM

    native = dataclasses.replace(inet.native, applies=streams_only)
    use_plugins(monkeypatch, ("streams-only", FakePlugin(dataclasses.replace(inet, native=native))))
    with use_path("auto"), ExitStack() as stack:
        datagrams = stack.enter_context(famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM))
        stream = stack.enter_context(famsock.socket(famsock.AF_INET, famsock.SOCK_STREAM))
        assert datagrams.syscall_path == "raw"
        assert stream.syscall_path == "native"
        datagrams.bind(("127.0.0.1", 0))  # and the raw backend works as any
        datagrams.settimeout(5)
        assert datagrams.sendto(b"x", receiver.getsockname()) == 1
        data, sender = receiver.recvfrom(10)
        assert (data, sender) == (b"x", datagrams.getsockname())
        receiver.sendto(b"back", datagrams.getsockname())
        assert datagrams.recvfrom(10) == (b"back", receiver.getsockname())
    assert asked == [SocketSpec(INET, DGRAM, 0), SocketSpec(INET, STREAM, 0)]
    assert all(type(spec.type) is int for spec in asked)  # the kernel's numbers, not SocketKind
    with use_path("raw"), famsock.socket(famsock.AF_INET, famsock.SOCK_STREAM) as forced:
        assert forced.syscall_path == "raw"  # the raw path is asked for: applies is not consulted


def test_without_applies_every_socket_type_is_native(syscall_path: str) -> None:
    with famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM) as datagrams, \
            famsock.socket(famsock.AF_INET, famsock.SOCK_STREAM) as stream:
        assert datagrams.syscall_path == stream.syscall_path == syscall_path


def test_applies_sees_the_protocol(monkeypatch: pytest.MonkeyPatch) -> None:
    inet = family_of("inet")
    assert inet.native is not None
    native = dataclasses.replace(inet.native, applies=lambda spec: spec.proto == 0)
    use_plugins(monkeypatch, ("proto-zero", FakePlugin(dataclasses.replace(inet, native=native))))
    with use_path("auto"), famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM) as plain, \
            famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM, stdlib.IPPROTO_UDP) as udp:
        assert (plain.syscall_path, udp.syscall_path) == ("native", "raw")


# -- SocketSpec: None where no socket is involved ------------------------------------------------------

Hook = Callable[[Any, SocketSpec], Any]


class Recorder:
    """A demo family (AF 250) whose hooks record the spec they get."""

    def __init__(self) -> None:
        self.specs: list[tuple[str, SocketSpec]] = []
        base = make_family()
        self.family: Family[Any] = dataclasses.replace(
            base, parse=self._recording("parse", base.parse), encode=self._recording("encode", base.encode),
            decode=self._recording("decode", base.decode))

    def _recording(self, hook: str, function: Hook) -> Hook:
        def recorded(value: Any, spec: SocketSpec) -> Any:
            self.specs.append((hook, spec))
            return function(value, spec)

        return recorded


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    recorder = Recorder()
    use_plugins(monkeypatch, ("recorder", FakePlugin(recorder.family)))
    return recorder


def test_the_codec_without_a_socket_says_type_and_proto_are_unknown(recorder: Recorder) -> None:
    unknown = SocketSpec(250, None, None)
    address = famsock.parse_address("demo", 5)
    data = famsock.encode(address)
    assert famsock.decode(data) == address
    assert recorder.specs == [("parse", unknown), ("encode", unknown), ("decode", unknown)]


def test_the_codec_passes_on_what_the_caller_knows(recorder: Recorder) -> None:
    """proto=0 is a protocol (NETLINK_ROUTE's number), never turned into None, nor None into 0."""
    address = famsock.parse_address(250, 5, type=DGRAM, proto=0)
    famsock.encode(5, "demo", type=DGRAM)
    famsock.decode(famsock.encode(address, type=DGRAM, proto=0), type=DGRAM, proto=0)
    assert recorder.specs == [
        ("parse", SocketSpec(250, DGRAM, 0)),
        ("parse", SocketSpec(250, DGRAM, None)), ("encode", SocketSpec(250, DGRAM, None)),
        ("encode", SocketSpec(250, DGRAM, 0)), ("decode", SocketSpec(250, DGRAM, 0))]


def test_a_socket_gives_its_own_spec(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[SocketSpec] = []
    inet = family_of("inet")

    def decode(data: bytes, spec: SocketSpec) -> Any:
        seen.append(spec)
        return inet.decode(data, spec)

    use_plugins(monkeypatch, ("seeing", FakePlugin(dataclasses.replace(inet, decode=decode))))
    with use_path("raw"), famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM, stdlib.IPPROTO_UDP) as sock:
        sock.bind(("127.0.0.1", 0))
        assert sock.getsockname() == stdlib.socket.getsockname(sock)
    assert seen == [SocketSpec(INET, DGRAM, stdlib.IPPROTO_UDP)]
