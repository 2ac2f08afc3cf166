"""InetAddress: a typed address that behaves as the stdlib's (host, port) tuple."""

from __future__ import annotations

import pickle

import pytest
from famsock_inet import InetAddress

import famsock


def test_equal_hashed_and_unpacked_like_the_stdlib_tuple() -> None:
    address = InetAddress("127.0.0.1", 8080)
    assert address == ("127.0.0.1", 8080)
    assert hash(address) == hash(("127.0.0.1", 8080))
    host, port = address
    assert (host, port) == (address.host, address.port) == ("127.0.0.1", 8080)
    assert {("127.0.0.1", 8080): "found"}[address] == "found"
    assert "%s:%d" % address == "127.0.0.1:8080"  # noqa: UP031 - what old code does with addresses


def test_immutable() -> None:
    address = InetAddress("127.0.0.1", 1)
    with pytest.raises(AttributeError):
        address.port = 2  # type: ignore[misc]


def test_constructor_normalizes_and_checks() -> None:
    assert InetAddress("", 0) == ("0.0.0.0", 0)
    assert InetAddress("<broadcast>", 7) == ("255.255.255.255", 7)
    with pytest.raises(OverflowError, match="AF_INET port must be 0-65535, got 65536"):
        InetAddress("127.0.0.1", 65536)
    with pytest.raises(ValueError, match="not a name: 'localhost'"):
        InetAddress("localhost", 80)


def test_replace_checks_too() -> None:
    address = InetAddress("127.0.0.1", 1)
    assert address._replace(port=2) == ("127.0.0.1", 2)
    with pytest.raises(OverflowError):
        address._replace(port=-1)


def test_pickles_to_an_equal_address() -> None:
    address = InetAddress("10.0.0.1", 53)
    clone = pickle.loads(pickle.dumps(address))
    assert clone == address
    assert type(clone) is InetAddress


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


@pytest.mark.parametrize("address", [InetAddress("127.0.0.1", 8080), InetAddress("0.0.0.0", 0)])
def test_text_form_round_trips_through_str(address: InetAddress) -> None:
    assert str(address) == f"inet:{address.host}:{address.port}"
    assert famsock.address_from_text(str(address)) == address


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("inet:127.0.0.1", ValueError),
        ("inet:127.0.0.1:http", ValueError),
        ("inet:127.0.0.1:-1", ValueError),
        ("inet:127.0.0.1:65536", OverflowError),
        ("127.0.0.1:80", ValueError),
    ],
)
def test_bad_text_forms_are_refused(text: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        famsock.address_from_text(text)
