"""What a plugin returns is checked where it enters the core, and a fault is a PluginError.

Each fake family here is famsock-inet's registration with one function made faulty, registered
alone (as AF_INET) in a private registry, so that real AF_INET sockets on loopback reach it. A
faulty result must raise ``famsock.PluginError`` naming the family, send nothing, and leave
nothing behind: a plain ``tuple`` a plugin once returned must never become a class whose values
skip ``parse``.
"""

from __future__ import annotations

import dataclasses
import errno
import socket as stdlib
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest

import famsock
from famsock._registry import Registry
from famsock.codec import family as family_of
from famsock.contract import Family, Native
from famsock.testing import syscall_path as use_path
from tests.helpers import DemoAddress, FakePlugin, use_plugins

pytestmark = pytest.mark.family("inet")

def inet() -> Family[Any]:
    return family_of("inet")


@pytest.fixture
def install(monkeypatch: pytest.MonkeyPatch) -> Callable[[Family[Any]], Registry]:
    """Make ``family`` the only one famsock knows, for this test: new backends, a new registry."""

    def use(family: Family[Any]) -> Registry:
        return use_plugins(monkeypatch, ("faulty-plugin", FakePlugin(family)))

    return use


@pytest.fixture
def receiver() -> Iterator[stdlib.socket]:
    """A stdlib UDP socket on loopback that must receive nothing unless a test says so."""
    with stdlib.socket(stdlib.AF_INET, stdlib.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.setblocking(False)
        yield sock


def assert_nothing_arrived(sock: stdlib.socket) -> None:
    with pytest.raises(BlockingIOError):
        sock.recv(100)


def assert_names_the_plugin(error: pytest.ExceptionInfo[famsock.PluginError], hook: str) -> None:
    assert isinstance(error.value, famsock.FamilyError)
    assert isinstance(error.value, OSError)
    assert error.value.errno == errno.EAFNOSUPPORT
    message = str(error.value)
    assert "'inet'" in message
    assert f"{hook}()" in message
    assert "plugin 'faulty-plugin' (registered in code)" in message


def stdlib_name(sock: famsock.socket) -> Any:
    """What the stdlib's own getsockname() says of ``sock``."""
    return stdlib.socket.getsockname(sock)


class Counted:
    """A plugin function that returns ``fault(value)`` on its first call and the real function's
    result after, counting its calls."""

    def __init__(self, real: Callable[..., Any], fault: Callable[[Any], Any] | None = None) -> None:
        self.real, self.fault, self.calls = real, fault, 0

    def __call__(self, *args: Any) -> Any:
        self.calls += 1
        result = self.real(*args)
        if self.fault is not None:
            fault, self.fault = self.fault, None
            return fault(result)
        return result


BAD_ADDRESSES = [
    pytest.param(tuple, id="plain-tuple"),
    pytest.param(lambda address: address.host, id="str"),
    pytest.param(lambda address: DemoAddress((1,)), id="another-class"),
]


@pytest.mark.parametrize("fault", BAD_ADDRESSES)
def test_a_parse_result_that_is_not_a_typed_address(
        install: Callable[[Family[Any]], Registry], receiver: stdlib.socket, syscall_path: str,
        fault: Callable[[Any], Any]) -> None:
    parse = Counted(inet().parse, fault)
    install(dataclasses.replace(inet(), parse=parse))
    target = ("127.0.0.1", receiver.getsockname()[1])
    with famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM) as sock:
        assert sock.syscall_path == syscall_path
        with pytest.raises(famsock.PluginError) as caught:
            sock.sendto(b"first", target)
        assert_names_the_plugin(caught, "parse")
        assert_nothing_arrived(receiver)
        sock.sendto(b"second", target)  # a user tuple again: parsed again, never waved through
        assert parse.calls == 2
        assert receiver.recv(100) == b"second"
        sock.sendto(b"third", tuple(target))
        assert parse.calls == 3


def test_a_builtin_address_type_is_refused_by_the_contract() -> None:
    with pytest.raises(ValueError, match=r"invalid famsock Family 'inet': address_type must be the "
                                         r"family's own class .*, got <class 'tuple'>"):
        dataclasses.replace(inet(), address_type=tuple)


def test_a_builtin_address_type_is_no_shortcut(install: Callable[[Family[Any]], Registry],
                                               receiver: stdlib.socket, syscall_path: str) -> None:
    """A family whose address type became ``tuple`` after the contract's check (a frozen
    dataclass can still be changed): user tuples are still parsed."""
    parse = Counted(inet().parse)
    family = dataclasses.replace(inet(), parse=parse)
    object.__setattr__(family, "address_type", tuple)
    install(family)
    target = ("127.0.0.1", receiver.getsockname()[1])
    with famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.sendto(b"first", target)
        sock.sendto(b"second", 0, target)
    assert parse.calls == 3
    assert [receiver.recv(100), receiver.recv(100)] == [b"first", b"second"]


@pytest.mark.parametrize("fault", BAD_ADDRESSES)
def test_a_decode_result_that_is_not_a_typed_address(
        install: Callable[[Family[Any]], Registry], receiver: stdlib.socket,
        fault: Callable[[Any], Any]) -> None:
    decode = Counted(inet().decode, fault)
    parse = Counted(inet().parse)
    install(dataclasses.replace(inet(), parse=parse, decode=decode))
    with use_path("raw"), famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        with pytest.raises(famsock.PluginError) as caught:
            sock.getsockname()
        assert_names_the_plugin(caught, "decode")
        assert sock.getsockname() == stdlib_name(sock)  # the fault was not memoized
        sock.sendto(b"x", ("127.0.0.1", receiver.getsockname()[1]))
        sock.sendto(b"y", ("127.0.0.1", receiver.getsockname()[1]))
    assert parse.calls == 3  # bind and both sendto: plain tuples never became a typed class
    assert decode.calls == 2


@pytest.mark.parametrize("fault", BAD_ADDRESSES)
def test_a_from_native_result_that_is_not_a_typed_address(
        install: Callable[[Family[Any]], Registry], receiver: stdlib.socket,
        fault: Callable[[Any], Any]) -> None:
    real = inet()
    assert real.native is not None
    from_native = Counted(real.native.from_native, fault)
    parse = Counted(real.parse)
    install(dataclasses.replace(real, parse=parse, native=Native(from_native=from_native)))
    with use_path("auto"), famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM) as sock:
        assert sock.syscall_path == "native"
        sock.bind(("127.0.0.1", 0))
        with pytest.raises(famsock.PluginError) as caught:
            sock.getsockname()
        assert_names_the_plugin(caught, "from_native")
        assert sock.getsockname() == stdlib_name(sock)
        sock.sendto(b"x", ("127.0.0.1", receiver.getsockname()[1]))
        sock.sendto(b"y", ("127.0.0.1", receiver.getsockname()[1]))
    assert parse.calls == 3
    assert from_native.calls == 2


class Sockaddr(bytes):
    """bytes, but not of the type the raw bridge hands to libc."""


BAD_SOCKADDRS = [
    pytest.param(bytearray, id="bytearray"),
    pytest.param(lambda data: None, id="None"),
    pytest.param(lambda data: b"", id="empty"),
    pytest.param(lambda data: data[:1], id="one-byte"),
    pytest.param(lambda data: data + bytes(129 - len(data)), id="129-bytes"),
    pytest.param(lambda data: stdlib.AF_INET6.to_bytes(2, sys.byteorder) + data[2:], id="other-family"),
    pytest.param(lambda data: data.hex(), id="str"),
    pytest.param(Sockaddr, id="bytes-subclass"),
]


@pytest.mark.parametrize("fault", BAD_SOCKADDRS)
def test_an_encode_result_that_is_not_a_sockaddr_sends_nothing(
        install: Callable[[Family[Any]], Registry], receiver: stdlib.socket,
        fault: Callable[[Any], Any]) -> None:
    """On a connected socket a missing or empty address would go to the peer: never."""
    real = inet()
    install(dataclasses.replace(real, encode=lambda address, spec: fault(real.encode(address, spec))))
    elsewhere = ("127.0.0.1", receiver.getsockname()[1])
    with ExitStack() as stack:
        stack.enter_context(use_path("raw"))
        peer = stack.enter_context(stdlib.socket(stdlib.AF_INET, stdlib.SOCK_DGRAM))
        peer.bind(("127.0.0.1", 0))
        peer.setblocking(False)
        sock = stack.enter_context(famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM))
        stdlib.socket.connect(sock, peer.getsockname())  # famsock's connect() would encode
        calls: list[Callable[[], object]] = [
            lambda: sock.sendto(b"sendto", elsewhere),
            lambda: sock.sendto(b"sendto", 0, elsewhere),
            lambda: sock.sendmsg([b"sendmsg"], [], 0, elsewhere),
            lambda: sock.connect(elsewhere),
            lambda: sock.connect_ex(elsewhere),
            lambda: sock.bind(("127.0.0.1", 0)),
        ]
        for call in calls:
            with pytest.raises(famsock.PluginError) as caught:
                call()
            assert_names_the_plugin(caught, "encode")
        assert_nothing_arrived(peer)
        assert_nothing_arrived(receiver)
        assert stdlib.socket.getpeername(sock) == peer.getsockname()  # still connected to it


def test_encode_results_are_checked_once_then_kept(install: Callable[[Family[Any]], Registry],
                                                   receiver: stdlib.socket) -> None:
    """The raw path's sendto() keeps its last (address, sockaddr) pair: a repeated typed
    destination is neither encoded nor checked again."""
    real = inet()
    encode = Counted(real.encode)
    install(dataclasses.replace(real, encode=encode))
    with use_path("raw"), famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM) as sock:
        target = famsock.parse_address(famsock.AF_INET, ("127.0.0.1", receiver.getsockname()[1]))
        for _ in range(3):
            sock.sendto(b"x", target)
    assert encode.calls == 1
    assert [receiver.recv(10) for _ in range(3)] == [b"x"] * 3


def test_plugin_error_is_exported_and_a_family_error() -> None:
    assert "PluginError" in famsock.__all__
    assert issubclass(famsock.PluginError, famsock.FamilyError)
    assert not issubclass(famsock.PluginError, famsock.FamilyConflictError)
    error = famsock.PluginError("the 'demo' family plugin is faulty")
    assert error.errno == errno.EAFNOSUPPORT
    assert str(error) == "[Errno 97] the 'demo' family plugin is faulty"
