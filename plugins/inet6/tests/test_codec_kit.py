"""famsock's kernel-free codec kit over AF_INET6: the C vectors, and what each step refuses.

Text forms are given for addresses without a scope: a scope's text is an interface name where
this machine has one (``fe80::1%lo``), so the kit checks only that those round trip.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from famsock.testing import c_vectors
from famsock.testing.codec_kit import Address, CodecConformance, DecodeError, ParseError, Row, TextError

VECTORS = c_vectors.load(Path(__file__).parent / "vectors" / "sockaddr_in6.c")
_FAMILY = VECTORS["AF_INET6"].to_bytes(2, sys.byteorder)
_LOOPBACK_80 = bytes.fromhex(VECTORS["cases"][0]["hex"])  # [::1]:80
assert _LOOPBACK_80[:4] == _FAMILY + (80).to_bytes(2, "big")


def _text(host: str, port: int, flowinfo: int, scope_id: int) -> str | None:
    if scope_id:
        return None
    return f"inet6:[{host}]:{port}" + (f",flowinfo={flowinfo:#07x}" if flowinfo else "")


def _vector_row(case: dict[str, Any]) -> Address:
    stdlib = (case["host"], case["port"], case["flowinfo"], case["scope_id"])
    spelled = (case["input"], *stdlib[1:])
    return Address(f"[{case['input']}]:{case['port']}/{case['flowinfo']:#x}/{case['scope_id']}", stdlib,
                   values=[stdlib] if spelled == stdlib else [stdlib, spelled],
                   sockaddr=bytes.fromhex(case["hex"]), text=_text(*stdlib))


# A flowinfo wider than a flow label: the kernel may report one (the stdlib shows all 32 bits),
# but only a 20-bit label is ever sent (the stdlib's C methods refuse more: OverflowError).
_WIDE_FLOWINFO = _LOOPBACK_80[:4] + bytes.fromhex("0fffffff") + _LOOPBACK_80[8:]

ROWS: list[Row] = [
    *(_vector_row(case) for case in VECTORS["cases"]),
    Address("short-forms", ("::1", 80, 0, 0), values=[("::1", 80), ("::1", 80, 0), (b"::1", 80),
                                                      (bytearray(b"0::1"), 80, False, 0)]),
    Address("any", ("::", 0, 0, 0), values=[("", 0), (b"", 0)], text="inet6:[::]:0"),
    Address("wide-flowinfo", ("::1", 80, 0x0FFFFFFF, 0), values=[], sockaddr=_WIDE_FLOWINFO,
            text="inet6:[::1]:80,flowinfo=0xfffffff", encode_error=OverflowError),
    ParseError("not-a-tuple", "[::1]:80", TypeError),
    ParseError("list", ["::1", 80], TypeError),
    ParseError("one-item", ("::1",), TypeError),
    ParseError("five-items", ("::1", 80, 0, 0, 0), TypeError),
    ParseError("int-host", (1, 80), TypeError, match="host"),
    ParseError("nul-in-host", ("::1\0", 80), TypeError, match="NUL"),
    ParseError("str-port", ("::1", "80"), TypeError, match="port"),
    ParseError("port-too-big", ("::1", 65536), OverflowError, match="port"),
    ParseError("negative-port", ("::1", -1), OverflowError, match="port"),
    ParseError("flowinfo-beyond-a-flow-label", ("::1", 80, 2**20), OverflowError, match="flowinfo"),
    ParseError("flowinfo-2**32", ("::1", 80, 2**32), OverflowError, match="flowinfo"),
    ParseError("float-flowinfo", ("::1", 80, 0.0), TypeError, match="flowinfo"),
    ParseError("scope-id-2**32", ("::1", 80, 0, 2**32), OverflowError, match="scope_id"),
    ParseError("negative-scope-id", ("::1", 80, 0, -1), OverflowError, match="scope_id"),
    ParseError("str-scope-id", ("::1", 80, 0, "1"), TypeError, match="scope_id"),
    ParseError("ipv4-broadcast", ("<broadcast>", 80), OSError, match="broadcast"),
    ParseError("none", None, TypeError),
    DecodeError("empty", b""),
    DecodeError("family-only", _FAMILY),
    DecodeError("rfc-2133-no-scope-id", _LOOPBACK_80[:24], match="28 bytes"),
    DecodeError("one-byte-long", _LOOPBACK_80 + b"\0", match="28 bytes"),
    DecodeError("inet-family", (2).to_bytes(2, sys.byteorder) + _LOOPBACK_80[2:], match="sa_family is 2"),
    TextError("no-brackets", "inet6:::1:80"),
    TextError("no-port", "inet6:[::1]"),
    TextError("port-not-a-number", "inet6:[::1]:http"),
    TextError("flowinfo-not-a-number", "inet6:[::1]:80,flowinfo=x"),
    TextError("port-too-big", "inet6:[::1]:65536", OverflowError),  # parse's exception, as for inet
    TextError("flowinfo-2**32", "inet6:[::1]:80,flowinfo=0x100000000", OverflowError),
    TextError("no-family", "[::1]:80"),
]


class TestCodecKit(CodecConformance):
    family_name = "inet6"
    rows = ROWS
