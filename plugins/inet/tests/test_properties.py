"""Properties of the AF_INET codec over generated values and bytes (hypothesis).

- ``parse`` of any value, of any shape, raises only the stdlib's exception types, naming AF_INET,
  and accepts exactly what the stdlib's C code accepts (checked on a stdlib socket's ``bind``).
- ``decode`` of any bytes raises only ``ValueError``, or returns the address the stdlib reads there.
- Every address famsock can return (decoded from bytes, parsed from values) survives its sockaddr
  bytes and its text form, hashes and compares as the stdlib's tuple, and is valid by construction.

Hosts are mostly literals: names go to the resolver, which fails at once in the test session's
private network namespace.
"""

from __future__ import annotations

import socket as stdlib
import struct
from typing import Any

from famsock_inet import InetAddress
from famsock_inet._address import parse
from famsock_inet._codec import decode, encode
from hypothesis import given, settings
from hypothesis import strategies as st

import famsock
from famsock import _raw_syscalls
from famsock.contract import SocketSpec
from famsock.testing import strategies as fst

SPEC = SocketSpec(stdlib.AF_INET, stdlib.SOCK_DGRAM, 0)
FAMILY = stdlib.AF_INET.to_bytes(2, "little")


def is_documented_error(exc: BaseException) -> bool:
    """The stdlib's types for AF_INET values: never UnicodeError (the stdlib says TypeError)."""
    if isinstance(exc, UnicodeError):
        return False
    return isinstance(exc, (TypeError, OverflowError, ValueError, OSError))


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
user_values = st.one_of(pairs, fst.user_values(st.one_of(hosts, ports, fst.scalars())))
valid_values = st.tuples(valid_hosts, valid_ports)

# sockaddr bytes: mostly 16 bytes of AF_INET, also other lengths and other families
sockaddr_in = fst.sockaddrs(stdlib.AF_INET, st.just(16))
any_sockaddr = st.one_of(
    sockaddr_in,
    fst.sockaddrs(stdlib.AF_INET, st.integers(0, 40)),
    st.builds(lambda family, data: family + data[2:],
              st.integers(0, 0xFFFF).map(lambda n: n.to_bytes(2, "little")), sockaddr_in),
    st.binary(max_size=40),
)

decoded_addresses = sockaddr_in.map(lambda data: decode(data, SPEC))
parsed_addresses = valid_values.map(lambda value: parse(value, SPEC))
addresses = st.one_of(decoded_addresses, parsed_addresses)


def stdlib_form(data: bytes) -> tuple[str, int]:
    """What the stdlib's makesockaddr() returns for sockaddr_in bytes: inet_ntop and ntohs."""
    (port,) = struct.unpack_from("!H", data, 2)
    return stdlib.inet_ntop(stdlib.AF_INET, data[4:8]), port


def outcome(call: Any, *args: Any) -> tuple[str, Any]:
    """``("ok", result)`` or ``("raised", exception type)``."""
    try:
        return "ok", call(*args)
    except Exception as exc:
        return "raised", type(exc)


def raised_by(call: Any, *args: Any) -> Exception | None:
    """The exception ``call(*args)`` raises, or None."""
    try:
        call(*args)
    except Exception as exc:
        return exc
    return None


# -- parse ----------------------------------------------------------------------------------------


@given(user_values)
def test_parse_raises_only_the_stdlib_exception_types(value: Any) -> None:
    raised = raised_by(parse, value, SPEC)
    assert raised is None or is_documented_error(raised), repr(raised)


@given(user_values)
def test_parse_errors_name_the_family(value: Any) -> None:
    raised = raised_by(parse, value, SPEC)
    assert raised is None or "AF_INET" in str(raised), repr(raised)


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
    return outcome(parse, (host, 0), SPEC) == ("raised", stdlib.gaierror) and outcome(
        parse, ("127.0.0.1", port), SPEC) == ("raised", OverflowError)


@settings(max_examples=fst.examples(300))
@given(st.one_of(pairs, pairs, user_values))
def test_parse_accepts_what_the_stdlib_accepts(value: Any) -> None:
    verdict, detail = stdlib_bind(value)
    ours = outcome(parse, value, SPEC)
    if verdict == "refused":
        if (detail, ours) == (stdlib.gaierror, ("raised", OverflowError)):
            assert unresolvable_name_and_bad_port(value)
            return
        assert ours == ("raised", detail)
        return
    assert ours[0] == "ok", f"the stdlib accepts {value!r}, famsock raised {ours[1]}"
    if verdict == "bound":
        host, port = detail
        assert ours[1].host == host
        assert ours[1].port in (0, port)  # port 0: the kernel chose one


# -- decode ---------------------------------------------------------------------------------------


@given(any_sockaddr)
def test_decode_raises_only_value_error(data: bytes) -> None:
    raised = raised_by(decode, data, SPEC)
    assert raised is None or isinstance(raised, ValueError), repr(raised)
    if raised is None:
        assert isinstance(decode(data, SPEC), InetAddress)


@given(sockaddr_in)
def test_decoded_addresses_equal_the_stdlib_form(data: bytes) -> None:
    address = decode(data, SPEC)
    assert address == stdlib_form(data)
    assert tuple(address) == stdlib_form(data)


@given(sockaddr_in)
def test_decoded_addresses_hash_as_the_stdlib_form(data: bytes) -> None:
    assert hash(decode(data, SPEC)) == hash(stdlib_form(data))


@settings(max_examples=fst.examples(50))
@given(st.integers(0, 2**24 - 1))
def test_decode_reads_kernel_addresses_as_the_stdlib(low_bits: int) -> None:
    """A stdlib socket bound anywhere in 127/8: decoding the kernel's bytes gives its getsockname()."""
    host = dotted(0x7F000000 | low_bits)
    with stdlib.socket(stdlib.AF_INET, stdlib.SOCK_DGRAM) as sock:
        sock.bind((host, 0))
        data = _raw_syscalls.getsockname(sock)
        assert data is not None
        assert decode(data, SPEC) == sock.getsockname()


# -- every address --------------------------------------------------------------------------------


@given(addresses)
def test_addresses_survive_encode_and_decode(address: InetAddress) -> None:
    again = decode(encode(address), SPEC)
    assert again == address
    assert type(again) is InetAddress


@given(addresses)
def test_addresses_survive_their_text_form(address: InetAddress) -> None:
    assert famsock.address_from_text(str(address)) == address


@given(addresses)
def test_addresses_are_valid_by_construction(address: InetAddress) -> None:
    assert parse(address, SPEC) is address


@given(addresses)
def test_the_stdlib_form_parses_to_the_same_address(address: InetAddress) -> None:
    assert parse(tuple(address), SPEC) == address


@given(valid_values)
def test_parse_gives_the_canonical_address(value: tuple[Any, Any]) -> None:
    host, port = value
    text = host.decode() if isinstance(host, (bytes, bytearray)) else host
    expected = {"": "0.0.0.0", "<broadcast>": "255.255.255.255"}.get(text, text)
    assert parse(value, SPEC) == (expected, int(port))


# -- constructors ---------------------------------------------------------------------------------


@given(st.lists(st.one_of(valid_hosts, ipv4_literals, ports, fst.scalars()), max_size=3))
def test_make_checks_as_parse(fields: list[Any]) -> None:
    """``InetAddress._make`` (and through it ``_replace``) builds only what parse would."""
    made = outcome(InetAddress._make, fields)
    if made[0] == "ok":
        assert made[1] == parse(tuple(fields), SPEC)
    else:
        assert issubclass(made[1], (TypeError, OverflowError, ValueError))


@given(st.tuples(ipv4_literals, ports))
def test_the_constructor_checks_as_parse(fields: tuple[str, Any]) -> None:
    built, parsed = outcome(InetAddress, *fields), outcome(parse, fields, SPEC)
    assert built == parsed
