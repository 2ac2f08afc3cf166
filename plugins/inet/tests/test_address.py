"""InetAddress: the stdlib's (host, port) tuple, with attributes; its text form is a function."""

from __future__ import annotations

import pickle
import socket as stdlib
from collections.abc import Iterator
from typing import Any

import pytest
from famsock_inet import InetAddress

import famsock
from famsock.testing.compare import TUPLE_USES, famsock_view, outcome

pytestmark = pytest.mark.usefixtures("no_fd_leak")

USES = TUPLE_USES  # what a program does with an address: famsock.testing.compare


@pytest.fixture
def stdlib_and_famsock(syscall_path: str) -> Iterator[tuple[Any, InetAddress]]:
    """One socket's name as the stdlib reports it and as famsock does, on the path asked for."""
    with stdlib.socket(stdlib.AF_INET, stdlib.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        with famsock_view(sock, syscall_path) as ours:
            yield sock.getsockname(), ours.getsockname()


def test_str_is_the_stdlibs_str() -> None:
    """The issue's "Must show": ``str(a) == str(tuple(a))``."""
    addresses = [InetAddress("127.0.0.1", 8080), famsock.decode(bytes.fromhex("0200ffffffffffff") + bytes(8)),
                 famsock.parse_address("inet", ("", 0))]
    for address in addresses:
        assert str(address) == str(tuple(address)) == repr(tuple(address))


@pytest.mark.parametrize("use", USES)
def test_every_use_gives_what_the_stdlibs_tuple_gives(stdlib_and_famsock: tuple[Any, InetAddress],
                                                      use: str) -> None:
    theirs, ours = stdlib_and_famsock
    assert type(theirs) is tuple
    assert type(ours) is InetAddress
    expected, got = outcome(USES[use], theirs), outcome(USES[use], ours)
    assert got == expected
    assert type(got.value) is type(expected.value)


def test_attributes_are_the_fields() -> None:
    address = InetAddress("127.0.0.1", 8080)
    assert (address.host, address.port) == address == ("127.0.0.1", 8080)
    assert isinstance(address, tuple)
    match address:
        case InetAddress(host, port):
            assert (host, port) == ("127.0.0.1", 8080)
        case _:
            pytest.fail("InetAddress did not match its own pattern")


def test_immutable() -> None:
    address = InetAddress("127.0.0.1", 1)
    with pytest.raises(AttributeError):
        address.port = 2  # type: ignore[misc]
    with pytest.raises(AttributeError):
        address.colour = "red"  # type: ignore[attr-defined]


def test_constructor_normalizes_and_checks() -> None:
    assert InetAddress("", 0) == ("0.0.0.0", 0)
    assert InetAddress("<broadcast>", 7) == ("255.255.255.255", 7)
    assert InetAddress(host="10.0.0.1", port=53) == ("10.0.0.1", 53)
    with pytest.raises(OverflowError, match="AF_INET port must be 0-65535, got 65536"):
        InetAddress("127.0.0.1", 65536)
    with pytest.raises(ValueError, match="not a name: 'localhost'"):
        InetAddress("localhost", 80)


def test_constructor_takes_one_iterable_as_tuple_does() -> None:
    """Generic code rebuilds a tuple of any class as ``type(t)(items)`` (dataclasses.asdict...)."""
    assert InetAddress(iter(["127.0.0.1", 80])) == ("127.0.0.1", 80)
    assert type(InetAddress(("127.0.0.1", 80))) is InetAddress
    with pytest.raises(OverflowError, match="port must be 0-65535"):
        InetAddress(["127.0.0.1", -1])
    with pytest.raises(TypeError, match="takes two fields \\(host, port\\), got 3"):
        InetAddress(("127.0.0.1", 80, 0))
    with pytest.raises(TypeError, match="needs a host and a port"):
        InetAddress("127.0.0.1")


def test_replace_checks_too() -> None:
    address = InetAddress("127.0.0.1", 1)
    assert address._replace(port=2) == ("127.0.0.1", 2)
    assert type(address._replace(port=2)) is InetAddress
    with pytest.raises(OverflowError):
        address._replace(port=-1)


def test_pickles_to_an_equal_address() -> None:
    address = InetAddress("10.0.0.1", 53)
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        clone = pickle.loads(pickle.dumps(address, protocol))
        assert clone == address
        assert type(clone) is InetAddress


# -- the text form: famsock.address_to_text / address_from_text, never str() -------------------


@pytest.mark.parametrize(
    ("address", "text"),
    [
        (InetAddress("127.0.0.1", 8080), "inet:127.0.0.1:8080"),
        (InetAddress("0.0.0.0", 0), "inet:0.0.0.0:0"),
        (InetAddress("255.255.255.255", 65535), "inet:255.255.255.255:65535"),
    ],
)
def test_text_form_round_trips(address: InetAddress, text: str) -> None:
    assert famsock.address_to_text(address) == text
    assert famsock.address_from_text(famsock.address_to_text(address)) == address
    assert type(famsock.address_from_text(text)) is InetAddress
    assert str(address) != text


def test_the_text_form_of_a_plain_tuple_needs_its_family() -> None:
    """A plain tuple names no family: parse it first (the stdlib's values stay the stdlib's)."""
    with pytest.raises(TypeError, match="tuple is not the address type of any famsock family"):
        famsock.address_to_text(("127.0.0.1", 80))
    assert famsock.address_to_text(famsock.parse_address("inet", ("127.0.0.1", 80))) == "inet:127.0.0.1:80"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("inet:127.0.0.1:8080", ("127.0.0.1", 8080)),
        ("inet:0.0.0.0:0", ("0.0.0.0", 0)),
        ("inet::80", ("0.0.0.0", 80)),
        ("inet:localhost:22", ("127.0.0.1", 22)),
        ("inet:<broadcast>:9", ("255.255.255.255", 9)),
    ],
)
def test_text_form_parses(text: str, expected: tuple[str, int]) -> None:
    assert famsock.address_from_text(text) == expected


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("inet:127.0.0.1", ValueError),
        ("inet:127.0.0.1:http", ValueError),
        ("inet:127.0.0.1:-1", ValueError),
        ("inet:127.0.0.1:65536", OverflowError),
        ("127.0.0.1:80", ValueError),
        ("inet:('127.0.0.1', 80)", ValueError),  # str() of an address is not its text form
    ],
)
def test_bad_text_forms_are_refused(text: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        famsock.address_from_text(text)
