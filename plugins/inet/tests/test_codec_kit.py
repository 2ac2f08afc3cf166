"""famsock's kernel-free codec kit over AF_INET: the C vectors, and what each step refuses."""

from __future__ import annotations

import sys
from pathlib import Path

from famsock.testing import c_vectors
from famsock.testing.codec_kit import Address, CodecConformance, DecodeError, ParseError, Row, TextError

VECTORS = c_vectors.load(Path(__file__).parent / "vectors" / "sockaddr_in.c")
_FAMILY = VECTORS["AF_INET"].to_bytes(2, sys.byteorder)
_LOOPBACK_80 = bytes.fromhex(next(case["hex"] for case in VECTORS["cases"]
                                  if (case["host"], case["port"]) == ("127.0.0.1", 80)))


def _vector_rows() -> list[Row]:
    return [Address(f"{case['host']}:{case['port']}", (case["host"], case["port"]),
                    sockaddr=bytes.fromhex(case["hex"]), text=f"inet:{case['host']}:{case['port']}")
            for case in VECTORS["cases"]]


ROWS: list[Row] = [
    *_vector_rows(),
    # other spellings of addresses in the vectors
    Address("any-and-broadcast-names", ("0.0.0.0", 0), values=[("", 0), (b"", 0), ("0.0.0.0", 0)]),
    Address("broadcast", ("255.255.255.255", 65535),
            values=[("<broadcast>", 65535), (b"<broadcast>", 65535), (bytearray(b"255.255.255.255"), 65535)]),
    Address("bytes-host-and-bool-port", ("10.1.2.3", 1), values=[(b"10.1.2.3", True)]),
    Address("short-form", ("127.0.0.1", 80), values=[("127.1", 80), ("0x7f.1", 80)]),
    # refusals, as the stdlib's C code refuses (its exception types)
    ParseError("not-a-tuple", "127.0.0.1:80", TypeError),
    ParseError("list", ["127.0.0.1", 80], TypeError),
    ParseError("one-item", ("127.0.0.1",), TypeError),
    ParseError("three-items", ("127.0.0.1", 80, 0), TypeError),
    ParseError("int-host", (2130706433, 80), TypeError, match="host"),
    ParseError("nul-in-host", ("127.0.0.1\0", 80), TypeError, match="NUL"),
    ParseError("str-port", ("127.0.0.1", "80"), TypeError, match="port"),
    ParseError("float-port", ("127.0.0.1", 80.0), TypeError, match="port"),
    ParseError("port-too-big", ("127.0.0.1", 65536), OverflowError, match="65535"),
    ParseError("negative-port", ("127.0.0.1", -1), OverflowError, match="65535"),
    ParseError("huge-port", ("127.0.0.1", 2**64), OverflowError),
    ParseError("none", None, TypeError),
    DecodeError("empty", b""),
    DecodeError("family-only", _FAMILY),
    DecodeError("truncated", _LOOPBACK_80[:8], match="16 bytes"),
    DecodeError("one-byte-short", _LOOPBACK_80[:15], match="16 bytes"),
    DecodeError("one-byte-long", _LOOPBACK_80 + b"\0", match="16 bytes"),
    DecodeError("inet6-family", (10).to_bytes(2, sys.byteorder) + _LOOPBACK_80[2:], match="sa_family is 10"),
    TextError("no-port", "inet:127.0.0.1"),
    TextError("port-not-a-number", "inet:127.0.0.1:http"),
    # well-formed text whose value parse refuses: parse's exception (contract: ValueError is for
    # text that is not an address's)
    TextError("port-too-big", "inet:127.0.0.1:65536", OverflowError),
    TextError("no-family", "127.0.0.1:80"),
]


class TestCodecKit(CodecConformance):
    family_name = "inet"
    rows = ROWS
