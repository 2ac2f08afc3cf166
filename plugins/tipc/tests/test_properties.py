"""Properties of the AF_TIPC codec over generated values and bytes (hypothesis).

The properties every family has come from :class:`famsock.testing.properties.FamilyProperties`.
Here, what is AF_TIPC's own:

- ``parse`` accepts what the stdlib's C code accepts and refuses what it refuses, with the same
  exception types, but for the documented differences (a field the stdlib masks to 32 bits, a
  scope it squeezes into a signed char, a NAME's or an ID's v3 it ignores). The stdlib's own
  parser is reached without a TIPC kernel: a stdlib socket object of family AF_TIPC over an
  AF_UNIX descriptor parses the address as for TIPC, then the kernel refuses the call (EINVAL);
- ``decode`` reads bytes as the stdlib's ``makesockaddr()`` does; the typed constructors check
  as ``parse`` does.
"""

from __future__ import annotations

import operator
import os
import socket as stdlib
import struct
import sys
from typing import Any

import pytest
from famsock_tipc import TipcServiceAddress, TipcServiceRange, TipcSocketAddress
from famsock_tipc._address import parse
from famsock_tipc._codec import decode, encode
from hypothesis import given, settings, strategies as st

from famsock.contract import SocketSpec
from famsock.testing import strategies as fst
from famsock.testing.compare import outcome
from famsock.testing.properties import FamilyProperties

AF_TIPC = 30
SPEC = SocketSpec(AF_TIPC, stdlib.SOCK_RDM, 0)
U32 = 2**32
FAMILY = AF_TIPC.to_bytes(2, sys.byteorder)

# -- strategies -----------------------------------------------------------------------------------

u32s = st.one_of(st.integers(0, U32 - 1), st.sampled_from([0, 1, 63, 64, U32 - 1]))
scopes = st.integers(-128, 127)
kinds = st.integers(1, 3)
any_ints = st.one_of(st.integers(-3, 5), u32s, fst.integers(), fst.index_likes(st.integers(-2, 5)))


def sometimes_junk(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(strategy, strategy, strategy, fst.scalars())


def _name_v3(kind: int, v2: int, v3: int) -> int:
    """What a valid value carries in v3: anything for a range, 0 or the instance for a NAME, 0
    for an ID."""
    return v3 if kind == 1 else (v2 if v3 % 2 and kind == 2 else 0)


valid_values = st.one_of(
    st.builds(lambda kind, v1, v2, v3: (kind, v1, v2, _name_v3(kind, v2, v3)), kinds, u32s, u32s, u32s),
    st.builds(lambda kind, v1, v2, v3, scope: (kind, v1, v2, _name_v3(kind, v2, v3), scope),
              kinds, u32s, u32s, u32s, st.one_of(scopes, scopes.map(lambda s: s % U32))),
)
tuples = st.one_of(
    st.tuples(*[sometimes_junk(any_ints)] * 4),
    st.tuples(*[sometimes_junk(any_ints)] * 5),
    st.tuples(sometimes_junk(kinds), *[sometimes_junk(u32s)] * 3, sometimes_junk(fst.integers(-300, 300))),
    valid_values,
)
any_values = st.one_of(tuples, fst.user_values(st.one_of(any_ints, fst.scalars())))


def sockaddr_tipc(kind: int, scope: int, first: int, second: int, third: int) -> bytes:
    return FAMILY + struct.pack("=BbIII", kind, scope, first, second, third)


# what the kernel may report: any field value, any scope (the kernel writes 0), and the pair
sockaddr_bytes = st.one_of(
    st.builds(sockaddr_tipc, kinds, scopes, u32s, u32s, u32s),
    st.builds(lambda node, ref, group, instance: (sockaddr_tipc(3, 0, ref, node, 0)
                                                  + sockaddr_tipc(2, 0, group, instance, 0)),
              u32s, u32s, u32s, u32s),
)


def stdlib_form(data: bytes) -> tuple[int, int, int, int, int]:
    """What the stdlib's makesockaddr() returns: the first sockaddr's fields as unsigned ints, a
    NAME's instance twice, an ID's (node, ref, 0), the signed char scope as an unsigned int."""
    _, kind, scope, first, second, third = struct.unpack_from("=HBbIII", data)
    scope %= U32
    if kind == 1:
        return (1, first, second, third, scope)
    if kind == 2:
        return (2, first, second, second, scope)
    return (3, second, first, 0, scope)


class TestProperties(FamilyProperties):
    family_name = "tipc"
    sockaddrs = sockaddr_bytes
    values = valid_values
    user_values = any_values
    socket_type = stdlib.SOCK_RDM

    def stdlib_form(self, data: bytes) -> tuple[int, int, int, int, int]:
        return stdlib_form(data)


# -- parse, against the stdlib's own parser -------------------------------------------------------


@pytest.fixture(scope="module")
def stdlib_parser() -> Any:
    """A stdlib socket object of family AF_TIPC over an AF_UNIX datagram descriptor: its
    ``sendto`` parses an address as the stdlib's AF_TIPC code does, then the kernel refuses the
    sockaddr (EINVAL, not an AF_UNIX one); no TIPC kernel needed."""
    if not hasattr(stdlib, "AF_TIPC"):
        pytest.skip("this interpreter was built without AF_TIPC")
    with stdlib.socket(stdlib.AF_UNIX, stdlib.SOCK_DGRAM) as carrier:
        sock = stdlib.socket(stdlib.AF_TIPC, stdlib.SOCK_RDM, 0, fileno=os.dup(carrier.fileno()))
    with sock:
        yield sock


def stdlib_verdict(sock: stdlib.socket, value: Any) -> type[BaseException] | None:
    """``None`` when the stdlib's parser takes ``value``, else what it raises."""
    try:
        sock.sendto(b"", value)
    except OSError as exc:
        if exc.errno is None:
            return type(exc)
        return None  # parsed, then refused by the kernel
    except Exception as exc:
        return type(exc)
    raise AssertionError(f"an AF_UNIX socket sent a sockaddr_tipc: {value!r}")


def _index(field: Any) -> int | None:
    try:
        return operator.index(field)
    except TypeError:
        return None


def documented_difference(value: tuple[Any, ...]) -> bool:
    """A value the stdlib takes and famsock refuses on purpose: an addr_type, v1-v3 or scope the
    stdlib masks (to 32 bits, the scope then to 8), or the v3 of a NAME or ID it ignores."""
    fields = [_index(field) for field in value]
    if any(field is None for field in fields):
        return False
    kind, v1, v2, v3, *rest = fields
    assert kind is not None and v1 is not None and v2 is not None and v3 is not None
    scope = rest[0] if rest else 2
    assert scope is not None
    masked = not all(0 <= field < U32 for field in (kind, v1, v2, v3))
    squeezed = not (-128 <= scope <= 127 or U32 - 128 <= scope < U32)
    ignored = (kind == 2 and v3 not in (0, v2)) or (kind == 3 and v3 != 0)
    return masked or squeezed or ignored


@settings(max_examples=fst.examples(300))
@given(st.one_of(tuples, tuples, any_values))
def test_parse_accepts_what_the_stdlib_accepts(stdlib_parser: stdlib.socket, value: Any) -> None:
    theirs = stdlib_verdict(stdlib_parser, value)
    ours = outcome(parse, value, SPEC)
    if theirs is not None:
        assert ours[:2] == ("raised", theirs), f"the stdlib raises {theirs.__name__} for {value!r}: {ours}"
        return
    if ours.raised:
        assert isinstance(value, tuple) and documented_difference(value), f"{value!r}: {ours}"
        assert ours.value in (OverflowError, ValueError, TypeError), ours
        return
    assert not documented_difference(value), f"famsock took {value!r}, which it documents refusing"


@settings(max_examples=fst.examples(50))
@given(valid_values)
def test_the_stdlib_takes_every_address_famsock_parses(stdlib_parser: stdlib.socket,
                                                       value: tuple[int, ...]) -> None:
    """A typed address goes to the stdlib's parser as it is (the native path's input)."""
    assert stdlib_verdict(stdlib_parser, parse(value, SPEC)) is None


# -- the typed constructors -----------------------------------------------------------------------


@given(st.one_of(sockaddr_bytes.map(lambda data: decode(data, SPEC)), valid_values.map(parse)))
def test_the_constructors_rebuild_every_address(address: Any) -> None:
    if isinstance(address, TipcServiceRange):
        again: Any = TipcServiceRange(address.type, address.lower, address.upper, scope=address.scope)
    elif isinstance(address, TipcServiceAddress):
        again = TipcServiceAddress(address.type, address.instance, domain=address.domain, scope=address.scope)
    else:
        member = address.member
        again = TipcSocketAddress(address.node, address.ref, scope=address.scope,
                                  member=None if member is None else (member.type, member.instance))
    assert again == address and type(again) is type(address)
    assert encode(again, SPEC) == encode(address, SPEC)
    assert (getattr(again, "member", None), getattr(again, "domain", 0)) == (
        getattr(address, "member", None), getattr(address, "domain", 0))


@given(st.tuples(*[sometimes_junk(any_ints)] * 4))
def test_the_range_constructor_checks_as_parse(fields: tuple[Any, ...]) -> None:
    kind_free = (1, *fields[:3], fields[3])
    made = outcome(TipcServiceRange, fields[0], fields[1], fields[2], scope=fields[3])
    parsed = outcome(parse, kind_free, SPEC)
    assert made[:2] == parsed[:2]
    if not made.raised:
        assert made.value == parsed.value


@given(u32s, u32s, u32s, scopes)
def test_a_domain_changes_the_bytes_not_the_stdlib_form(kind_type: int, instance: int, domain: int,
                                                       scope: int) -> None:
    plain = TipcServiceAddress(kind_type, instance, scope=scope)
    scoped = TipcServiceAddress(kind_type, instance, domain=domain, scope=scope)
    assert scoped == plain == (2, kind_type, instance, instance, scope % U32)
    assert encode(scoped, SPEC)[12:] == domain.to_bytes(4, sys.byteorder)
    again = decode(encode(scoped, SPEC), SPEC)
    assert isinstance(again, TipcServiceAddress) and again.domain == domain
