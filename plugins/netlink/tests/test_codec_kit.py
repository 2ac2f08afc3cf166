"""famsock's kernel-free codec kit over AF_NETLINK: the C vectors, and what each step refuses."""

from __future__ import annotations

import sys
from pathlib import Path

from famsock.testing import c_vectors
from famsock.testing.codec_kit import Address, CodecConformance, DecodeError, ParseError, Row, TextError

VECTORS = c_vectors.load(Path(__file__).parent / "vectors" / "sockaddr_nl.c")
_FAMILY = VECTORS["AF_NETLINK"].to_bytes(2, sys.byteorder)
_KERNEL = bytes.fromhex(VECTORS["cases"][0]["hex"])


def _text(pid: int, groups: int) -> str:
    return f"netlink:pid={pid}" + (f",groups={groups:#x}" if groups else "")


def _vector_rows() -> list[Row]:
    return [Address(f"{case['pid']}-{case['groups']:#x}", (case["pid"], case["groups"]),
                    sockaddr=bytes.fromhex(case["hex"]), text=_text(case["pid"], case["groups"]))
            for case in VECTORS["cases"]]


class IndexOnly:
    def __index__(self) -> int:
        return 7


ROWS: list[Row] = [
    *_vector_rows(),
    # other spellings of the same addresses; nl_pad is ignored, as the kernel and the stdlib do
    Address("bool-and-index", (1, 7), values=[(True, IndexOnly())],
            sockaddr=bytes.fromhex("100000000100000007000000"),
            also_decodes=[bytes.fromhex("1000ffff0100000007000000")]),
    Address("text-spellings", (255, 16), text="netlink:pid=255,groups=0x10", sockaddr=None),
    # refusals: the stdlib's types; out of range is OverflowError where the stdlib wraps silently
    ParseError("pid-minus-one", (-1, 0), OverflowError, match="pid must be 0-4294967295"),
    ParseError("pid-2-32", (2**32, 0), OverflowError, match="4294967295"),
    ParseError("groups-2-32", (0, 2**32), OverflowError, match="groups"),
    ParseError("groups-huge", (0, 2**64 + 1), OverflowError, match="groups"),
    ParseError("groups-negative", (0, -5), OverflowError, match="groups"),
    ParseError("not-a-tuple", 5, TypeError, match="tuple"),
    ParseError("list", [0, 0], TypeError, match="tuple"),
    ParseError("one-item", (0,), TypeError, match="pair"),
    ParseError("three-items", (0, 0, 0), TypeError, match="pair"),
    ParseError("float-pid", (0.0, 0), TypeError, match="pid"),
    ParseError("str-groups", (0, "1"), TypeError, match="groups"),
    ParseError("none", None, TypeError),
    DecodeError("empty", b""),
    DecodeError("family-only", _FAMILY, match="12 bytes"),
    DecodeError("one-byte-short", _KERNEL[:11], match="12 bytes"),
    DecodeError("one-byte-long", _KERNEL + b"\0", match="12 bytes"),
    DecodeError("inet-family", (2).to_bytes(2, sys.byteorder) + _KERNEL[2:], match="sa_family is 2"),
    TextError("protocol-is-not-an-address", "netlink:route"),
    TextError("nothing", "netlink:"),
    TextError("unknown-key", "netlink:port=1"),
    TextError("twice", "netlink:pid=1,pid=2"),
    TextError("not-a-number", "netlink:pid=x"),
    TextError("hex-junk", "netlink:groups=0xg"),
    TextError("signed", "netlink:pid=-1"),
    TextError("pid-too-big", "netlink:pid=4294967296", OverflowError),
    TextError("groups-too-big", "netlink:groups=0x100000000", OverflowError),
]


class TestCodecKit(CodecConformance):
    family_name = "netlink"
    rows = ROWS
