"""Properties of the AF_INET codec over generated values and bytes (hypothesis).

The properties every family has (parse raises only the stdlib's types, naming AF_INET; decode
only ValueError; every address is the stdlib's tuple and survives its bytes, its text form,
pickling and copying) come from :class:`famsock.testing.properties.FamilyProperties`. Here,
what is AF_INET's own:

- ``parse`` accepts exactly what the stdlib's C code accepts (checked on a stdlib socket's ``bind``)
  and gives the canonical address;
- ``decode`` reads the kernel's bytes as the stdlib reads them, anywhere in 127/8;
- the constructors check as ``parse`` does.

Hosts are mostly literals: names go to the resolver, which fails at once in the test session's
private network namespace.
"""

from __future__ import annotations

import socket as stdlib
import struct
from typing import Any

from famsock_inet import InetAddress
from famsock_inet._address import parse
from famsock_inet._codec import decode
from hypothesis import given, settings, strategies as st

from famsock.contract import SocketSpec
from famsock.testing import strategies as fst
from famsock.testing.compare import kernel_sockname, outcome
from famsock.testing.properties import FamilyProperties

SPEC = SocketSpec(stdlib.AF_INET, stdlib.SOCK_DGRAM, 0)


# -- strategies -----------------------------------------------------------------------------------

def dotted(number: int) -> str:
    return stdlib.inet_ntop(stdlib.AF_INET, number.to_bytes(4, "big"))


# any IPv4 address, the special ones often (st.ip_addresses() is five times slower)
ipv4_literals = st.one_of(st.integers(0, 2**32 - 1),
                          st.sampled_from([0, 0x7F000001, 0xFFFFFFFF, 0xE0000001, 0x0A000001])).map(dotted)
# literals, their bytes forms, the stdlib's special names, a name from /etc/hosts, near-literals
# (a literal with a stray character, inet_aton's short forms) and, sometimes, any text
hosts = st.one_of(
    ipv4_literals,
    ipv4_literals.map(str.encode),
    ipv4_literals.map(lambda text: bytearray(text.encode())),
    st.sampled_from(["", "<broadcast>", "localhost", b"", b"<broadcast>", "0x7f.1", "127.1", "1.2.3"]),
    st.builds(lambda text, junk: text + junk, ipv4_literals, fst.texts(max_size=2)),
    fst.texts(max_size=12),
)
ports = st.one_of(st.integers(0, 0xFFFF), fst.integers(), fst.index_likes(st.integers(-2, 0x10001)))
valid_ports = st.one_of(st.integers(0, 0xFFFF), fst.index_likes(st.integers(0, 0xFFFF)))
valid_hosts = st.one_of(ipv4_literals, ipv4_literals.map(str.encode), st.sampled_from(["", "<broadcast>"]))

# (host, port) pairs with either side wrong now and then, and anything of any shape
pairs = st.tuples(st.one_of(hosts, hosts, fst.scalars()), st.one_of(ports, ports, fst.scalars()))
any_values = st.one_of(pairs, fst.user_values(st.one_of(hosts, ports, fst.scalars())))
valid_values = st.tuples(valid_hosts, valid_ports)

# sockaddr bytes: 16 bytes of AF_INET, any content
sockaddr_in = fst.sockaddrs(stdlib.AF_INET, st.just(16))


def stdlib_form(data: bytes) -> tuple[str, int]:
    """What the stdlib's makesockaddr() returns for sockaddr_in bytes: inet_ntop and ntohs."""
    (port,) = struct.unpack_from("!H", data, 2)
    return stdlib.inet_ntop(stdlib.AF_INET, data[4:8]), port


class TestProperties(FamilyProperties):
    family_name = "inet"
    sockaddrs = sockaddr_in
    values = valid_values
    user_values = any_values
    forbidden_parse_errors = (UnicodeError,)  # the stdlib says TypeError for a host it cannot encode

    def stdlib_form(self, data: bytes) -> tuple[str, int]:
        return stdlib_form(data)


# -- parse ----------------------------------------------------------------------------------------


def stdlib_bind(value: Any) -> tuple[str, Any]:
    """What the stdlib's C code makes of a value: ``("refused", exception type)`` when its
    argument parsing refuses it, else ``("kernel", errno)`` or ``("bound", getsockname())``."""
    with stdlib.socket(stdlib.AF_INET, stdlib.SOCK_DGRAM) as sock:
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


def unresolvable_name_and_bad_port(value: tuple[Any, Any]) -> bool:
    """A value wrong in two ways, where the stdlib and famsock differ on purpose: the stdlib
    resolves the host before it checks the port's range (gaierror), famsock checks the range
    first (OverflowError), so that no lookup is spent on a value it refuses anyway."""
    host, port = value
    return outcome(parse, (host, 0), SPEC)[:2] == ("raised", stdlib.gaierror) and outcome(
        parse, ("127.0.0.1", port), SPEC)[:2] == ("raised", OverflowError)


@settings(max_examples=fst.examples(300))
@given(st.one_of(pairs, pairs, any_values))
def test_parse_accepts_what_the_stdlib_accepts(value: Any) -> None:
    verdict, detail = stdlib_bind(value)
    ours = outcome(parse, value, SPEC)
    if verdict == "refused":
        if (detail, ours[:2]) == (stdlib.gaierror, ("raised", OverflowError)):
            assert unresolvable_name_and_bad_port(value)
            return
        assert ours[:2] == ("raised", detail)
        return
    assert not ours.raised, f"the stdlib accepts {value!r}, famsock raised {ours.value}"
    if verdict == "bound":
        host, port = detail
        assert ours.value.host == host
        assert ours.value.port in (0, port)  # port 0: the kernel chose one


@given(valid_values)
def test_parse_gives_the_canonical_address(value: tuple[Any, Any]) -> None:
    host, port = value
    text = host.decode() if isinstance(host, (bytes, bytearray)) else host
    expected = {"": "0.0.0.0", "<broadcast>": "255.255.255.255"}.get(text, text)
    assert parse(value, SPEC) == (expected, int(port))


# -- decode ---------------------------------------------------------------------------------------


@settings(max_examples=fst.examples(50))
@given(st.integers(0, 2**24 - 1))
def test_decode_reads_kernel_addresses_as_the_stdlib(low_bits: int) -> None:
    """A stdlib socket bound anywhere in 127/8: decoding the kernel's bytes gives its getsockname()."""
    host = dotted(0x7F000000 | low_bits)
    with stdlib.socket(stdlib.AF_INET, stdlib.SOCK_DGRAM) as sock:
        sock.bind((host, 0))
        assert decode(kernel_sockname(sock), SPEC) == sock.getsockname()


# -- constructors ---------------------------------------------------------------------------------


@given(st.lists(st.one_of(valid_hosts, ipv4_literals, ports, fst.scalars()), max_size=3))
def test_make_checks_as_parse(fields: list[Any]) -> None:
    """``InetAddress._make`` (and through it ``_replace``) builds only what parse would."""
    made = outcome(InetAddress._make, fields)
    if not made.raised:
        assert made.value == parse(tuple(fields), SPEC)
    else:
        assert issubclass(made.value, (TypeError, OverflowError, ValueError))


@given(st.tuples(ipv4_literals, ports))
def test_the_constructor_checks_as_parse(fields: tuple[str, Any]) -> None:
    built, parsed = outcome(InetAddress, *fields), outcome(parse, fields, SPEC)
    assert built == parsed
