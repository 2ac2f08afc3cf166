"""Properties of the AF_INET6 codec over generated values and bytes (hypothesis).

The properties every family has (parse raises only the stdlib's types, naming AF_INET6; decode
only ValueError; every address is the stdlib's tuple and survives its bytes, its text form,
pickling and copying) come from :class:`famsock.testing.properties.FamilyProperties`. Here,
what is AF_INET6's own:

- ``parse`` accepts what the stdlib's C code accepts (checked on a stdlib socket's ``bind``),
  but for the values the stdlib silently changes, which famsock refuses or keeps (see
  ``famsock_inet6._address``), and gives the canonical address;
- ``decode`` reads the kernel's bytes as the stdlib reads them (loopback, v4-mapped too);
- a decoded flowinfo wider than a 20-bit flow label is kept but never sent;
- the constructors rebuild every address and check as ``parse`` does.

Hosts are mostly literals: names go to the resolver, which fails at once in the test session's
private network namespace.
"""

from __future__ import annotations

import operator
import socket as stdlib
import struct
import sys
from typing import Any

from famsock_inet6 import Inet6Address
from famsock_inet6._address import parse
from famsock_inet6._codec import decode
from hypothesis import given, settings, strategies as st

from famsock.contract import SocketSpec
from famsock.testing import strategies as fst
from famsock.testing.compare import kernel_sockname, outcome
from famsock.testing.properties import FamilyProperties

SPEC = SocketSpec(stdlib.AF_INET6, stdlib.SOCK_DGRAM, 0)
FLOW_LABEL_MAX = 0xFFFFF
U32 = 2**32


# -- strategies -----------------------------------------------------------------------------------


def ntop(packed: bytes) -> str:
    return stdlib.inet_ntop(stdlib.AF_INET6, packed)


# prefixes that change how an address is read or written: unspecified, loopback, v4-mapped and
# v4-compatible, link-local, site-local, multicast node/link/global
_PREFIXES = [bytes(16), bytes(15) + b"\1", bytes(10) + b"\xff\xff", bytes(12), b"\xfe\x80" + bytes(6),
             b"\xfe\xc0", b"\xff\x01", b"\xff\x02", b"\xff\x0e", b"\x20\x01\x0d\xb8"]
packed_addresses = st.one_of(
    st.binary(min_size=16, max_size=16),
    st.builds(lambda prefix, rest: (prefix + rest)[:16], st.sampled_from(_PREFIXES),
              st.binary(min_size=16, max_size=16)),
    st.builds(lambda prefix: prefix + bytes(16 - len(prefix)), st.sampled_from(_PREFIXES)),
)
ipv6_literals = packed_addresses.map(ntop)
# the same addresses written otherwise: upper case, every group in full with leading zeros
spelled_literals = st.one_of(
    ipv6_literals.map(str.upper),
    packed_addresses.map(lambda packed: ":".join(f"{group:04x}" for group in struct.unpack("!8H", packed))),
)
scopes = st.one_of(st.sampled_from(["1", "lo", "0", "01", "4294967295", "4294967296", "-1", "eth9", ""]),
                   fst.texts(max_size=4))
scoped_literals = st.builds(lambda host, scope: f"{host}%{scope}",
                            st.sampled_from(["fe80::1", "ff02::1", "::1", "fe80::abcd"]) | ipv6_literals,
                            scopes)
hosts = st.one_of(
    ipv6_literals,
    ipv6_literals.map(str.encode),
    ipv6_literals.map(lambda text: bytearray(text.encode())),
    spelled_literals,
    scoped_literals,
    st.sampled_from(["", "<broadcast>", "255.255.255.255", "localhost", "127.0.0.1", b"", b"::1"]),
    st.builds(lambda text, junk: text + junk, ipv6_literals, fst.texts(max_size=2)),
    fst.texts(max_size=12),
)
ports = st.one_of(st.integers(0, 0xFFFF), fst.integers(), fst.index_likes(st.integers(-2, 0x10001)))
flowinfos = st.one_of(st.integers(0, FLOW_LABEL_MAX), st.integers(0, U32 - 1), fst.integers(),
                      fst.index_likes(st.integers(0, FLOW_LABEL_MAX)))
scope_ids = st.one_of(st.integers(0, 3), st.integers(0, U32 - 1), fst.integers(),
                      fst.index_likes(st.integers(0, 3)))


def sometimes_junk(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(strategy, strategy, strategy, fst.scalars())


# (host, port[, flowinfo[, scope_id]]) with any field wrong now and then, and anything of any shape
tuples = st.one_of(
    st.tuples(sometimes_junk(hosts), sometimes_junk(ports)),
    st.tuples(sometimes_junk(hosts), sometimes_junk(ports), sometimes_junk(flowinfos)),
    st.tuples(sometimes_junk(hosts), sometimes_junk(ports), sometimes_junk(flowinfos),
              sometimes_junk(scope_ids)),
)
any_values = st.one_of(tuples, fst.user_values(st.one_of(hosts, ports, fst.scalars())))

valid_hosts = st.one_of(ipv6_literals, ipv6_literals.map(str.encode), spelled_literals,
                        st.sampled_from(["", "fe80::1%1", "ff02::1%lo", "::1%7"]))
valid_values = st.one_of(
    st.tuples(valid_hosts, st.integers(0, 0xFFFF)),
    st.tuples(ipv6_literals, st.integers(0, 0xFFFF), st.integers(0, FLOW_LABEL_MAX), st.integers(0, U32 - 1)),
    st.tuples(valid_hosts, fst.index_likes(st.integers(0, 0xFFFF)), fst.index_likes(st.integers(0, 0xFFFF))),
)


def sockaddr_in6(packed: bytes, port: int, flowinfo: int, scope_id: int) -> bytes:
    return (stdlib.AF_INET6.to_bytes(2, sys.byteorder) + struct.pack("!HI", port, flowinfo) + packed
            + scope_id.to_bytes(4, sys.byteorder))


# sockaddr bytes: 28 bytes of AF_INET6, edge values in every field often (FamilyProperties adds
# other lengths and families for decode)
sockaddr_in6_bytes = st.one_of(
    fst.sockaddrs(stdlib.AF_INET6, st.just(28)),
    st.builds(sockaddr_in6, packed_addresses, st.integers(0, 0xFFFF),
              st.one_of(st.integers(0, FLOW_LABEL_MAX), st.integers(0, U32 - 1), st.just(U32 - 1)),
              st.one_of(st.integers(0, 3), st.integers(0, U32 - 1), st.just(U32 - 1))),
)
parsed_addresses = valid_values.map(lambda value: parse(value, SPEC))


def stdlib_form(data: bytes) -> tuple[str, int, int, int]:
    """What the stdlib's makesockaddr() returns for sockaddr_in6 bytes: inet_ntop, ntohs, ntohl,
    the scope as it is."""
    port, flowinfo = struct.unpack_from("!HI", data, 2)
    (scope_id,) = struct.unpack_from("=I", data, 24)
    return ntop(data[8:24]), port, flowinfo, scope_id


class TestProperties(FamilyProperties):
    family_name = "inet6"
    sockaddrs = sockaddr_in6_bytes
    values = valid_values
    user_values = any_values
    forbidden_parse_errors = (UnicodeError,)  # the stdlib says TypeError for a host it cannot encode

    def stdlib_form(self, data: bytes) -> tuple[str, int, int, int]:
        return stdlib_form(data)

    def encode_refusal(self, address: Any) -> type[BaseException] | None:
        """Only a flow label is sent: a wider flowinfo (the kernel may report one) is not."""
        return OverflowError if address.flowinfo > FLOW_LABEL_MAX else None


# -- parse ----------------------------------------------------------------------------------------


def stdlib_bind(value: Any) -> tuple[str, Any]:
    """What the stdlib's C code makes of a value: ``("refused", exception type)`` when its
    argument parsing refuses it, else ``("kernel", errno)`` or ``("bound", getsockname())``."""
    with stdlib.socket(stdlib.AF_INET6, stdlib.SOCK_DGRAM) as sock:
        try:
            sock.bind(value)
        except stdlib.gaierror:
            return "refused", stdlib.gaierror
        except OSError as exc:
            if exc.errno is None:
                return "refused", type(exc)
            return "kernel", exc.errno
        except Exception as exc:
            return "refused", type(exc)
        return "bound", sock.getsockname()


def wrapped_by_the_stdlib(value: tuple[Any, ...]) -> bool:
    """flowinfo or scope_id out of range, but in range once masked to 32 bits, as the stdlib's
    C code reads them: the stdlib uses the masked value, famsock refuses (OverflowError)."""
    flowinfo, scope_id = (*(as_index(field) for field in value[2:4]), 0, 0)[:2]
    if flowinfo is None or scope_id is None:
        return False
    return not 0 <= scope_id < U32 or (not 0 <= flowinfo < U32 and flowinfo % U32 <= FLOW_LABEL_MAX)


def as_index(field: Any) -> int | None:
    try:
        return operator.index(field)
    except TypeError:
        return None


def has_scope(value: Any) -> bool:
    """Whether a value's host has a ``%scope``, which the stdlib overwrites with scope_id (0 by
    default) where famsock takes it, refusing a scope_id that disagrees (ValueError)."""
    host = value[0] if isinstance(value, tuple) and value else None
    if isinstance(host, str):
        return "%" in host
    return isinstance(host, (bytes, bytearray)) and b"%" in host


def bad_host_and_bad_range(value: tuple[Any, ...]) -> bool:
    """A value wrong in two ways, where the stdlib and famsock differ on purpose: the stdlib reads
    or resolves the host before it checks ranges (an OSError: gaierror, or the broadcast forms'),
    famsock checks ranges first (OverflowError): no lookup is spent on a value refused anyway."""
    host, *numbers = value
    return (outcome(parse, (host, 0), SPEC)[1] in (stdlib.gaierror, OSError)
            and outcome(parse, ("::1", *numbers), SPEC)[:2] == ("raised", OverflowError))


@settings(max_examples=fst.examples(300))
@given(st.one_of(tuples, tuples, any_values))
def test_parse_accepts_what_the_stdlib_accepts(value: Any) -> None:
    verdict, detail = stdlib_bind(value)
    ours = outcome(parse, value, SPEC)
    ended = ours[:2]
    scoped = has_scope(value)
    if ended == ("raised", OverflowError) and verdict != "refused" and wrapped_by_the_stdlib(value):
        return
    if ended == ("raised", ValueError) and scoped and verdict != "refused":
        return
    if verdict == "refused":
        if ended == ("raised", OverflowError) and issubclass(detail, OSError):
            assert bad_host_and_bad_range(value)
            return
        assert ended == ("raised", detail)
        return
    assert not ours.raised, f"the stdlib accepts {value!r}, famsock raised {ours.value}"
    if verdict == "bound":  # the kernel reports no flowinfo, and a scope for link-local only
        host, port, _, _ = detail
        assert ours.value.host == host
        assert ours.value.port in (0, port)  # port 0: the kernel chose one


# -- decode ---------------------------------------------------------------------------------------


@settings(max_examples=fst.examples(50))
@given(st.one_of(st.just("::1"), st.just("::"),
                 st.integers(0, 2**24 - 1).map(lambda low: "::ffff:" + stdlib.inet_ntop(
                     stdlib.AF_INET, (0x7F000000 | low).to_bytes(4, "big")))))
def test_decode_reads_kernel_addresses_as_the_stdlib(host: str) -> None:
    """A stdlib socket bound to loopback (v4-mapped too): decoding the kernel's bytes gives its
    getsockname()."""
    with stdlib.socket(stdlib.AF_INET6, stdlib.SOCK_DGRAM) as sock:
        sock.bind((host, 0))
        assert decode(kernel_sockname(sock), SPEC) == sock.getsockname()


@given(st.tuples(ipv6_literals, st.integers(0, 0xFFFF), st.integers(0, FLOW_LABEL_MAX),
                 st.integers(0, U32 - 1)))
def test_parse_gives_the_canonical_address(value: tuple[str, int, int, int]) -> None:
    host, port, flowinfo, scope_id = value
    for spelled in (host, host.upper(), host.encode()):
        assert parse((spelled, port, flowinfo, scope_id), SPEC) == value


# -- constructors ---------------------------------------------------------------------------------


@given(st.one_of(sockaddr_in6_bytes.map(lambda data: decode(data, SPEC)), parsed_addresses))
def test_the_constructor_rebuilds_every_address(address: Inet6Address) -> None:
    assert Inet6Address(*address) == address
    assert Inet6Address._make(address) == address


@given(st.lists(st.one_of(ipv6_literals, ports, flowinfos, scope_ids, fst.scalars()), max_size=5))
def test_make_checks_as_the_constructor(fields: list[Any]) -> None:
    """``Inet6Address._make`` (and through it ``_replace``) builds only what the constructor would."""
    made = outcome(Inet6Address._make, fields)
    if len(fields) != 4:
        assert made[:2] == ("raised", TypeError)
    else:
        assert made == outcome(Inet6Address, *fields)


@given(st.tuples(ipv6_literals, ports, st.one_of(st.integers(0, FLOW_LABEL_MAX), st.integers(max_value=-1),
                                                 st.integers(min_value=U32)), scope_ids))
def test_the_constructor_checks_as_parse(fields: tuple[Any, ...]) -> None:
    """For literal hosts and flow labels (0-0xfffff: the constructor takes the whole 32 bits a
    decoded address may hold, parse a flow label), the constructor is parse."""
    assert outcome(Inet6Address, *fields) == outcome(parse, fields, SPEC)
