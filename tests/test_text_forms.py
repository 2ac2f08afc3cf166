"""Text forms are a function (``famsock.address_to_text``/``address_from_text``); ``str()`` and
every other view of a typed address stay the stdlib value's.

For every first-party family and for RawSockaddr: addresses parsed from user values and addresses
the kernel reports (on both syscall paths) survive ``address_from_text(address_to_text(a))`` with
their class, and print, format, serialise and compare exactly as the stdlib's value does.
"""

from __future__ import annotations

import json
import socket as stdlib
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest

import famsock
from famsock import RawSockaddr
from famsock.codec import family as family_of
from tests.helpers import short_tempdir

pytestmark = pytest.mark.usefixtures("no_fd_leak")

# (family, user value, the stdlib's value for it, text form)
PARSED = [
    ("inet", ("127.0.0.1", 80), ("127.0.0.1", 80), "inet:127.0.0.1:80"),
    ("inet", ("0.0.0.0", 0), ("0.0.0.0", 0), "inet:0.0.0.0:0"),
    ("inet", ("255.255.255.255", 65535), ("255.255.255.255", 65535), "inet:255.255.255.255:65535"),
    ("inet6", ("::1", 80), ("::1", 80, 0, 0), "inet6:[::1]:80"),
    ("inet6", ("::ffff:127.0.0.1", 1, 0, 0), ("::ffff:127.0.0.1", 1, 0, 0), "inet6:[::ffff:127.0.0.1]:1"),
    ("inet6", ("fe80::1", 5, 7, 99), ("fe80::1", 5, 7, 99), None),
    ("unix", "/run/demo.sock", "/run/demo.sock", "unix:/run/demo.sock"),
    ("unix", "relative/with space", "relative/with space", None),
    ("unix", "@not-abstract", "@not-abstract", None),
    ("unix", "/tmp/\udcff", "/tmp/\udcff", None),  # a non-UTF-8 byte, as os.fsdecode gives it
    ("unix", b"\0famsock-demo", b"\0famsock-demo", "unix:@famsock-demo"),
    ("unix", b"\0", b"\0", "unix:@"),
    ("unix", b"\0\xff\x00x", b"\0\xff\x00x", None),
    ("unix", "", "", None),
]


def assert_the_stdlibs_value(address: Any, value: Any) -> None:
    """``address`` is ``value`` in every way a program can look at it, and a typed address."""
    base = type(value)
    assert base in (tuple, str, bytes)
    assert isinstance(address, base) and type(address) is not base
    assert address == value and value == address and hash(address) == hash(value)
    assert str(address) == str(value)
    assert repr(address) == repr(value)
    assert f"{address}" == f"{value}" and "%s" % (address,) == "%s" % (value,)  # noqa: UP031
    assert f"{address!r:>60}" == f"{value!r:>60}"
    if base is not bytes:
        assert json.dumps(address) == json.dumps(value)
        assert json.dumps({"peer": address}) == json.dumps({"peer": value})
    assert list(address) == list(value)
    if base is str:
        assert address.startswith(value[:1]) and address.split("/") == value.split("/")
        assert address + "x" == value + "x" and type(address + "x") is str


def assert_text_round_trip(address: Any) -> str:
    text: str = famsock.address_to_text(address)
    family = famsock.family(text.partition(":")[0])
    assert isinstance(address, family.address_type)
    assert text.startswith(f"{family.name}:")
    back = famsock.address_from_text(text)
    assert back == address and type(back) is type(address)
    assert famsock.address_to_text(back) == text
    return text


@pytest.mark.parametrize(("name", "value", "stdlib_value", "text"), [
    pytest.param(*row, id=f"{row[0]}-{row[1]!r}", marks=pytest.mark.family(row[0])) for row in PARSED])
def test_parsed_addresses(name: str, value: Any, stdlib_value: Any, text: str | None) -> None:
    address = famsock.parse_address(name, value)
    assert_the_stdlibs_value(address, stdlib_value)
    found = assert_text_round_trip(address)
    if text is not None:
        assert found == text


@pytest.mark.parametrize("address", [RawSockaddr(44, b"\x01\x02"), RawSockaddr(0),
                                     RawSockaddr(65535, bytes(126))])
def test_raw_sockaddrs(address: RawSockaddr) -> None:
    assert famsock.address_to_text(address) == f"raw:{address.family}:{address.data.hex()}"
    back = famsock.address_from_text(famsock.address_to_text(address))
    assert type(back) is RawSockaddr and back == address
    assert str(address) == str(tuple(address)) and repr(address) == repr(tuple(address))


# -- what the kernel reports -------------------------------------------------------------------------

@pytest.fixture
def stack() -> Iterator[ExitStack]:
    with ExitStack() as stack:
        yield stack


def bound(stack: ExitStack, family: int, kind: int, address: Any) -> famsock.socket:
    sock = stack.enter_context(famsock.socket(family, kind))
    sock.bind(address)
    return sock


@pytest.mark.family("inet", "inet6")
@pytest.mark.parametrize(("family", "host"), [(stdlib.AF_INET, "127.0.0.1"), (stdlib.AF_INET6, "::1")],
                         ids=["inet", "inet6"])
def test_ip_addresses_from_the_kernel(syscall_path: str, stack: ExitStack, family: int, host: str) -> None:
    listener = bound(stack, family, stdlib.SOCK_STREAM, (host, 0))
    listener.listen()
    client = stack.enter_context(famsock.socket(family, stdlib.SOCK_STREAM))
    client.connect(listener.getsockname())
    server, peer = listener.accept()
    stack.enter_context(server)
    for address, sock, method in [(listener.getsockname(), listener, "getsockname"),
                                  (client.getsockname(), client, "getsockname"),
                                  (client.getpeername(), client, "getpeername"),
                                  (peer, client, "getsockname")]:
        assert_the_stdlibs_value(address, getattr(stdlib.socket, method)(sock))
        assert assert_text_round_trip(address).startswith(f"{family_of(family).name}:")


@pytest.mark.family("unix")
def test_unix_addresses_from_the_kernel(syscall_path: str, stack: ExitStack) -> None:
    directory = stack.enter_context(short_tempdir())
    named = bound(stack, stdlib.AF_UNIX, stdlib.SOCK_DGRAM, str(directory / "named"))
    abstract = bound(stack, stdlib.AF_UNIX, stdlib.SOCK_DGRAM, b"\0famsock-text-\xff")
    unnamed, _ = (stack.enter_context(s) for s in famsock.socketpair(stdlib.AF_UNIX, stdlib.SOCK_DGRAM))
    kinds: list[tuple[famsock.socket, type[Any]]] = [(named, str), (abstract, bytes), (unnamed, str)]
    for sock, kind in kinds:
        address = sock.getsockname()
        value = stdlib.socket.getsockname(sock)
        assert type(value) is kind
        assert_the_stdlibs_value(address, value)
        assert_text_round_trip(address)
    assert named.getsockname().startswith("/")
    assert isinstance(abstract.getsockname(), bytes)
    assert famsock.address_to_text(unnamed.getsockname()) == "unix:"


@pytest.mark.parametrize("text", [b"inet:127.0.0.1:80", bytearray(b"raw:44:"), None, 5])
def test_text_that_is_not_a_str_is_a_type_error(text: Any) -> None:
    with pytest.raises(TypeError, match=f"an address text form is a str, not {type(text).__name__}"):
        famsock.address_from_text(text)


@pytest.mark.parametrize("text", ["inet", ":80", "INET:127.0.0.1:80", "nosuch:1", "raw"])
def test_text_naming_no_family_is_a_value_error(text: str) -> None:
    with pytest.raises(ValueError, match=f"{text!r}"):
        famsock.address_from_text(text)
