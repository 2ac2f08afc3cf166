"""Inet6Address: the stdlib's 4-tuple, with attributes; its text form is a function."""

from __future__ import annotations

import pickle
import socket as stdlib
from collections.abc import Iterator
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from famsock_inet6 import Inet6Address

import famsock
from famsock.testing.compare import TUPLE_USES, famsock_view, outcome

pytestmark = pytest.mark.usefixtures("no_fd_leak")

LO = stdlib.if_nametoindex("lo")
NO_SUCH_INTERFACE = 4_000_000_000  # an index no interface has: scopes then print as numbers

USES = TUPLE_USES  # what a program does with an address: famsock.testing.compare


@pytest.fixture(params=["loopback", "link-local"])
def stdlib_and_famsock(request: pytest.FixtureRequest,
                       syscall_path: str) -> Iterator[tuple[Any, Inet6Address]]:
    """One socket's name as the stdlib reports it and as famsock does, on the path asked for."""
    address: tuple[Any, ...] = ("::1", 0)
    if request.param == "link-local":
        address = ("fe80::1", 0, 0, request.getfixturevalue("link_local"))
    with stdlib.socket(stdlib.AF_INET6, stdlib.SOCK_DGRAM) as sock:
        sock.bind(address)
        with famsock_view(sock, syscall_path) as ours:
            yield sock.getsockname(), ours.getsockname()


def test_str_is_the_stdlibs_str() -> None:
    """The issue's "Must show": ``str(a) == str(tuple(a))``."""
    addresses = [Inet6Address("::1", 8080), Inet6Address("fe80::1%lo", 80, 0x12345),
                 famsock.decode(famsock.encode(Inet6Address("::ffff:127.0.0.1", 65535, 0, 2**32 - 1))),
                 famsock.parse_address("inet6", ("", 0))]
    for address in addresses:
        assert str(address) == str(tuple(address)) == repr(tuple(address))


@pytest.mark.parametrize("use", USES)
def test_every_use_gives_what_the_stdlibs_tuple_gives(stdlib_and_famsock: tuple[Any, Inet6Address],
                                                      use: str) -> None:
    theirs, ours = stdlib_and_famsock
    assert type(theirs) is tuple
    assert type(ours) is Inet6Address
    expected, got = outcome(USES[use], theirs), outcome(USES[use], ours)
    assert got == expected
    assert type(got.value) is type(expected.value)


def test_attributes_are_the_fields() -> None:
    address = Inet6Address("::1", 8080, 5, 7)
    assert (address.host, address.port, address.flowinfo, address.scope_id) == address == ("::1", 8080, 5, 7)
    assert isinstance(address, tuple)
    match address:
        case Inet6Address(host, port, flowinfo, scope_id):
            assert (host, port, flowinfo, scope_id) == ("::1", 8080, 5, 7)
        case _:
            pytest.fail("Inet6Address did not match its own pattern")


def test_flowinfo_and_scope_id_default_to_zero_as_in_the_stdlib_results() -> None:
    assert Inet6Address("::1", 80) == ("::1", 80, 0, 0)
    assert len(Inet6Address("::1", 80)) == 4


def test_immutable() -> None:
    address = Inet6Address("::1", 1)
    with pytest.raises(AttributeError):
        address.port = 2  # type: ignore[misc]
    with pytest.raises(AttributeError):
        address.colour = "red"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("", "::"),
        ("0:0:0:0:0:0:0:1", "::1"),
        ("2001:DB8::1", "2001:db8::1"),
        ("::ffff:7f00:1", "::ffff:127.0.0.1"),
        ("::FFFF:127.0.0.1", "::ffff:127.0.0.1"),
        (b"::1", "::1"),
        (bytearray(b"fe80::0:1"), "fe80::1"),
    ],
)
def test_constructor_normalizes_the_host_as_inet_ntop(host: str, expected: str) -> None:
    assert Inet6Address(host, 0).host == expected


def test_constructor_checks() -> None:
    with pytest.raises(OverflowError, match="AF_INET6 port must be 0-65535, got 65536"):
        Inet6Address("::1", 65536)
    # a typed address holds all of sin6_flowinfo (README: flowinfo); parse() of tuples keeps 20 bits
    assert Inet6Address("::1", 0, 0x100000).flowinfo == 0x100000
    with pytest.raises(OverflowError, match="AF_INET6 flowinfo must be 0-4294967295, got 4294967296"):
        Inet6Address("::1", 0, 2**32)
    with pytest.raises(OverflowError, match="AF_INET6 scope_id must be 0-4294967295, got 4294967296"):
        Inet6Address("::1", 0, 0, 2**32)
    with pytest.raises(ValueError, match="not a name: 'localhost'"):
        Inet6Address("localhost", 80)
    with pytest.raises(ValueError, match="not a name: b'localhost'"):
        Inet6Address(b"localhost", 80)
    with pytest.raises(TypeError, match="AF_INET6 port must be an integer, not str"):
        Inet6Address("::1", "80")  # type: ignore[call-overload]
    assert Inet6Address("::1", 80, scope_id=3) == Inet6Address(host="::1", port=80, flowinfo=0, scope_id=3)


def test_constructor_takes_one_iterable_as_tuple_does() -> None:
    """Generic code rebuilds a tuple of any class as ``type(t)(items)`` (dataclasses.asdict...)."""
    assert Inet6Address(iter(["::1", 80, 5, 7])) == ("::1", 80, 5, 7)
    assert Inet6Address(["fe80::1%lo", 80]) == ("fe80::1", 80, 0, LO)
    assert type(Inet6Address(("::1", 80, 0))) is Inet6Address
    with pytest.raises(OverflowError, match="scope_id must be 0-4294967295"):
        Inet6Address(["::1", 80, 0, -1])
    for fields in (("::1",), ("::1", 80, 0, 0, 0)):
        with pytest.raises(TypeError, match=f"takes 2-4 fields .*, got {len(fields)}"):
            Inet6Address(fields)
    with pytest.raises(TypeError, match="without a port"):
        Inet6Address("::1")
    with pytest.raises(TypeError, match="without a port"):
        Inet6Address(["::1", 80], flowinfo=5)  # type: ignore[call-overload]


@pytest.mark.parametrize("host", ["fe80::1%lo", f"fe80::1%{LO}", "FE80::1%lo"])
def test_a_percent_scope_sets_scope_id_and_leaves_the_host(host: str) -> None:
    address = Inet6Address(host, 80)
    assert address == ("fe80::1", 80, 0, LO)


def test_a_percent_scope_and_scope_id_must_agree() -> None:
    assert Inet6Address("fe80::1%lo", 80, 0, LO) == ("fe80::1", 80, 0, LO)
    with pytest.raises(ValueError, match=rf"host 'fe80::1%lo' has scope {LO}, but scope_id is {LO + 1}"):
        Inet6Address("fe80::1%lo", 80, 0, LO + 1)


@pytest.mark.parametrize("host", ["fe80::1%no-such-if", "fe80::1%", "::1%lo", f"fe80::1%{2**32}"])
def test_an_unreadable_scope_is_a_gaierror_naming_it(host: str) -> None:
    """glibc reads the scope (no DNS): interface names for link-local addresses, else numbers."""
    with pytest.raises(stdlib.gaierror, match="is neither an interface name nor a number"):
        Inet6Address(host, 80)


def test_replace_checks_too() -> None:
    address = Inet6Address("::1", 1)
    assert address._replace(port=2) == ("::1", 2, 0, 0)
    assert address._replace(host="fe80::1%lo") == ("fe80::1", 1, 0, LO)
    with pytest.raises(OverflowError):
        address._replace(scope_id=-1)
    assert type(address._replace(flowinfo=1)) is Inet6Address


@pytest.mark.parametrize("address", [Inet6Address("2001:db8::1", 53, 0xABCDE, 0),
                                     Inet6Address("fe80::1", 80, 0, LO)])
def test_pickles_to_an_equal_address(address: Inet6Address) -> None:
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        clone = pickle.loads(pickle.dumps(address, protocol))
        assert clone == address
        assert type(clone) is Inet6Address


def test_repr_is_the_tuples() -> None:
    """The lead's decision: repr() stays the stdlib's too (a logged list of addresses prints as before)."""
    assert repr(Inet6Address("::1", 80, 1, 2)) == "('::1', 80, 1, 2)"


# -- the text form: famsock.address_to_text / address_from_text, never str() -------------------


@pytest.mark.parametrize(
    ("address", "text"),
    [
        (Inet6Address("::1", 8080), "inet6:[::1]:8080"),
        (Inet6Address("::", 0), "inet6:[::]:0"),
        (Inet6Address("::ffff:127.0.0.1", 80), "inet6:[::ffff:127.0.0.1]:80"),
        (Inet6Address("fe80::1", 80, 0, LO), "inet6:[fe80::1%lo]:80"),
        (Inet6Address("ff02::1", 5353, 0, LO), "inet6:[ff02::1%lo]:5353"),
        (Inet6Address("fe80::1", 80, 0, NO_SUCH_INTERFACE), f"inet6:[fe80::1%{NO_SUCH_INTERFACE}]:80"),
        # glibc reads interface names back for link-local addresses only: others get the number
        (Inet6Address("::1", 80, 0, LO), f"inet6:[::1%{LO}]:80"),
        (Inet6Address("2001:db8::1", 53, 0xABCDE), "inet6:[2001:db8::1]:53,flowinfo=0xabcde"),
        (Inet6Address("2001:db8::1", 53, 1), "inet6:[2001:db8::1]:53,flowinfo=0x00001"),
        (Inet6Address("fe80::1", 65535, 0xFFFFF, 2**32 - 1),
         f"inet6:[fe80::1%{2**32 - 1}]:65535,flowinfo=0xfffff"),
    ],
)
def test_text_form_round_trips(address: Inet6Address, text: str) -> None:
    assert famsock.address_to_text(address) == text
    assert famsock.address_from_text(famsock.address_to_text(address)) == address
    assert type(famsock.address_from_text(text)) is Inet6Address
    assert str(address) != text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("inet6:[::1]:8080", ("::1", 8080, 0, 0)),
        ("inet6:[]:80", ("::", 80, 0, 0)),
        ("inet6:[0:0::1]:80", ("::1", 80, 0, 0)),
        ("inet6:[fe80::1%1]:80", ("fe80::1", 80, 0, 1)),
        ("inet6:[::1]:80,flowinfo=12345", ("::1", 80, 12345, 0)),
        ("inet6:[::1]:80,flowinfo=0XABCDE", ("::1", 80, 0xABCDE, 0)),
        ("inet6:[::1]:080", ("::1", 80, 0, 0)),
    ],
)
def test_text_form_parses(text: str, expected: tuple[str, int, int, int]) -> None:
    assert famsock.address_from_text(text) == expected


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("inet6:::1:80", ValueError),  # brackets are needed: a colon ends the host otherwise
        ("inet6:[::1]", ValueError),
        ("inet6:[::1]:", ValueError),
        ("inet6:[::1]:http", ValueError),
        ("inet6:[::1]:-1", ValueError),
        ("inet6:[::1]:80,", ValueError),
        ("inet6:[::1]:80,flowinfo=", ValueError),
        ("inet6:[::1]:80,flowinfo=-1", ValueError),
        ("inet6:[::1]:80,scope_id=1", ValueError),
        ("inet6:[::1]:\uff18\uff10", ValueError),  # only ASCII digits (these are fullwidth)
        ("inet6:[::1]:65536", OverflowError),
        ("inet6:[::1]:80,flowinfo=0x100000000", OverflowError),  # 0x100000 reads: decode gives it
        ("inet6:[<broadcast>]:80", OSError),
        ("inet6:[fe80::1%lo]:80x", ValueError),
        ("[::1]:80", ValueError),
        ("inet6:('::1', 80, 0, 0)", ValueError),  # str() of an address is not its text form
    ],
)
def test_bad_text_forms_are_refused(text: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        famsock.address_from_text(text)


def test_typed_address_finds_its_family() -> None:
    assert famsock.family("inet6").address_type is Inet6Address
    assert famsock.decode(famsock.encode(Inet6Address("::1", 7))) == ("::1", 7, 0, 0)


def test_constants_are_the_platforms() -> None:
    assert famsock.AF_INET6 == stdlib.AF_INET6
    for name in ("IPPROTO_IPV6", "IPV6_V6ONLY", "IPV6_JOIN_GROUP", "IPV6_UNICAST_HOPS", "IPPROTO_TCP",
                 "IPPROTO_UDP", "IPPROTO_ICMPV6", "TCP_NODELAY"):
        assert getattr(famsock, name) == getattr(stdlib, name), name
    assert "IPV6_V6ONLY" in famsock.family("inet6").constants


@pytest.mark.parametrize("value", [("::1", 80.0), ("::1", 80, 0.0), ("::1", 80, 0, 0.0),
                                   ("::1", 80, 0, Decimal(0)), ("::1", Fraction(80))])
def test_the_literal_cache_lets_no_equal_non_integer_through(value: tuple[object, ...]) -> None:
    for cached in (("::1", 80), ("::1", 80, 0), ("::1", 80, 0, 0)):
        assert famsock.parse_address("inet6", cached) == ("::1", 80, 0, 0)
    assert hash(value) == hash(value[:1] + (80, 0, 0)[: len(value) - 1])  # it would hit the cache
    with pytest.raises(TypeError, match="must be an integer"):
        famsock.parse_address("inet6", value)


def test_integers_by_index_and_bools_are_taken_as_the_stdlib_takes_them() -> None:
    class Port:
        def __index__(self) -> int:
            return 80

    assert famsock.parse_address("inet6", ("::1", Port(), True, False)) == ("::1", 80, 1, 0)
    with stdlib.socket(stdlib.AF_INET6, stdlib.SOCK_DGRAM) as sock:
        sock.connect(("::1", Port(), True, False))  # no error: the stdlib takes them too
        assert sock.getpeername()[1] == 80
