"""AF_INET codec: sockaddr_in bytes <-> InetAddress, against vectors generated from C."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from famsock_inet import InetAddress
from famsock_inet._codec import SOCKADDR_IN_SIZE, decode, encode

import famsock
from famsock.testing import c_vectors

GENERATOR = Path(__file__).parent / "vectors" / "sockaddr_in.c"
VECTORS = c_vectors.load(GENERATOR)
CASES = [pytest.param(case, id=f"{case['host']}:{case['port']}") for case in VECTORS["cases"]]


def test_layout_matches_the_c_headers() -> None:
    assert VECTORS["size"] == SOCKADDR_IN_SIZE
    assert VECTORS["AF_INET"] == famsock.AF_INET


@pytest.mark.parametrize("case", CASES)
def test_encode_gives_the_c_bytes(case: dict[str, Any]) -> None:
    assert encode(InetAddress(case["host"], case["port"])).hex() == case["hex"]


@pytest.mark.parametrize("case", CASES)
def test_decode_gives_the_address(case: dict[str, Any]) -> None:
    address = decode(bytes.fromhex(str(case["hex"])))
    assert type(address) is InetAddress
    assert address == (case["host"], case["port"])


@pytest.mark.parametrize("case", CASES)
def test_public_codec_round_trips(case: dict[str, Any]) -> None:
    data = famsock.encode((case["host"], case["port"]), famsock.AF_INET)
    assert data.hex() == case["hex"]
    assert famsock.decode(data) == (case["host"], case["port"])


@pytest.mark.parametrize(
    ("data", "complaint"),
    [
        (b"", "16 bytes"),
        (bytes.fromhex("0200005000"), "16 bytes"),
        (bytes.fromhex("0a000050" + "00" * 12), "sa_family is 10"),
        (bytes.fromhex("020000507f000001" + "00" * 9), "16 bytes"),
    ],
)
def test_decode_rejects_what_is_not_a_sockaddr_in(data: bytes, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        decode(data)


def test_committed_vectors_are_what_the_headers_give() -> None:
    if c_vectors.compiler() is None:
        pytest.skip("no C compiler to regenerate the vectors with")
    assert c_vectors.regenerate(GENERATOR) == VECTORS
