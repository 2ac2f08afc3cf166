"""AF_INET6 codec: sockaddr_in6 bytes <-> Inet6Address, against vectors generated from C."""

from __future__ import annotations

import socket as stdlib
import struct
from pathlib import Path
from typing import Any

import pytest
from famsock_inet6 import Inet6Address
from famsock_inet6._codec import SOCKADDR_IN6_SIZE, decode, encode, from_native

import famsock
from famsock.testing import c_vectors

GENERATOR = Path(__file__).parent / "vectors" / "sockaddr_in6.c"
VECTORS = c_vectors.load(GENERATOR)
CASES = [pytest.param(case, id=f"[{case['input']}]:{case['port']}/{case['flowinfo']:#x}/{case['scope_id']}")
         for case in VECTORS["cases"]]


def _expected(case: dict[str, Any]) -> tuple[str, int, int, int]:
    return case["host"], case["port"], case["flowinfo"], case["scope_id"]


def test_layout_matches_the_c_headers() -> None:
    assert VECTORS["size"] == SOCKADDR_IN6_SIZE
    assert VECTORS["AF_INET6"] == famsock.AF_INET6
    assert VECTORS["offsets"] == {"sin6_family": 0, "sin6_port": 2, "sin6_flowinfo": 4, "sin6_addr": 8,
                                  "sin6_scope_id": 24}
    assert VECTORS["sizes"] == {"sin6_family": 2, "sin6_port": 2, "sin6_flowinfo": 4, "sin6_addr": 16,
                                "sin6_scope_id": 4}


def test_flowinfo_is_big_endian_and_scope_id_host_order_in_the_c_bytes() -> None:
    """The vector with flowinfo 1 and scope_id 1 tells the two byte orders apart."""
    case = next(c for c in VECTORS["cases"] if (c["flowinfo"], c["scope_id"]) == (1, 1))
    data = bytes.fromhex(case["hex"])
    assert data[4:8] == (1).to_bytes(4, "big")
    assert data[24:28] == struct.pack("=I", 1)


@pytest.mark.parametrize("case", CASES)
def test_encode_gives_the_c_bytes(case: dict[str, Any]) -> None:
    address = Inet6Address(case["input"], case["port"], case["flowinfo"], case["scope_id"])
    assert address == _expected(case)  # the host normalized as inet_ntop writes it
    assert encode(address).hex() == case["hex"]


@pytest.mark.parametrize("case", CASES)
def test_decode_gives_the_address(case: dict[str, Any]) -> None:
    address = decode(bytes.fromhex(case["hex"]))
    assert type(address) is Inet6Address
    assert address == _expected(case)


@pytest.mark.parametrize("case", CASES)
def test_decoded_host_is_the_stdlibs_text(case: dict[str, Any]) -> None:
    """CPython writes hosts with inet_ntop; so does decode (mapped and compatible forms too)."""
    packed = bytes.fromhex(case["hex"])[8:24]
    assert decode(bytes.fromhex(case["hex"])).host == stdlib.inet_ntop(stdlib.AF_INET6, packed)


@pytest.mark.parametrize("case", CASES)
def test_public_codec_round_trips(case: dict[str, Any]) -> None:
    value = (case["input"], case["port"], case["flowinfo"], case["scope_id"])
    data = famsock.encode(value, famsock.AF_INET6)
    assert data.hex() == case["hex"]
    assert famsock.decode(data) == _expected(case)
    assert famsock.encode(famsock.decode(data)) == data


def test_from_native_takes_the_stdlib_tuple_as_it_is() -> None:
    address = from_native(("fe80::1", 80, 0x12345, 7))
    assert type(address) is Inet6Address
    assert address == ("fe80::1", 80, 0x12345, 7)


def test_decode_keeps_a_flowinfo_wider_than_parse_takes() -> None:
    """The stdlib reports all 32 bits (ntohl); so does decode. Only a 20-bit flow label is sent:
    encode refuses more (OverflowError), as the stdlib's C methods do on the native path."""
    data = bytes.fromhex("0a000050" "0fffffff" + "00" * 15 + "01" + "00000000")
    address = decode(data)
    assert address == ("::1", 80, 0x0FFFFFFF, 0)
    with pytest.raises(OverflowError, match="flowinfo must be 0-1048575"):
        encode(address)
    label = address._replace(flowinfo=address.flowinfo & 0xFFFFF)
    assert encode(label) == data[:4] + bytes.fromhex("000fffff") + data[8:]


@pytest.mark.parametrize(
    ("data", "complaint"),
    [
        (b"", "28 bytes"),
        (bytes.fromhex("0a00005000"), "28 bytes"),
        (bytes.fromhex("0a000050" + "00" * 20), "28 bytes"),  # an RFC 2133 sockaddr_in6: no scope_id
        (bytes.fromhex("02000050" + "00" * 24), "sa_family is 2"),
        (bytes.fromhex("0a000050" + "00" * 25), "28 bytes"),
    ],
)
def test_decode_rejects_what_is_not_a_sockaddr_in6(data: bytes, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        decode(data)


def test_committed_vectors_are_what_the_headers_give() -> None:
    if c_vectors.compiler() is None:
        pytest.skip("no C compiler to regenerate the vectors with")
    assert c_vectors.regenerate(GENERATOR) == VECTORS
