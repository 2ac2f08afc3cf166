"""famsock's kernel-free codec kit over AF_PACKET: the C vectors, and what each step refuses.

The vectors use interface 1, which is ``lo`` in every network namespace (the kit looks names up
in the test session's), and 0, no interface. The stdlib's form is always five fields; ``bind()``
and ``sendto()`` take two to five.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from famsock.testing import c_vectors
from famsock.testing.codec_kit import Address, CodecConformance, DecodeError, ParseError, Row, TextError

VECTORS = c_vectors.load(Path(__file__).parent / "vectors" / "sockaddr_ll.c")
_CASES = {case["id"]: case for case in VECTORS["cases"]}
_FAMILY = VECTORS["AF_PACKET"].to_bytes(2, sys.byteorder)

TEXTS = {
    "lo-experimental": "packet:lo:0x88b5",
    "lo-as-bound": "packet:lo:0x88b5:host:772:00:00:00:00:00:00",
    "lo-all-outgoing": "packet:lo:0x0003:outgoing:772:00:00:00:00:00:00",
    "lo-ipv4-broadcast": "packet:lo:0x0800:broadcast:1:ff:ff:ff:ff:ff:ff",
    "lo-ipv6-multicast": "packet:lo:0x86dd:multicast:1:33:33:00:00:00:01",
    "lo-max-fields": "packet:lo:0xffff:255:65535:01:02:03:04:05:06:07:08",
    "lo-two-byte-address": "packet:lo:0x0806:otherhost:1:ab:cd",
    "unbound": "packet::0x0000",
}


class Index:
    """An integer-like object (``__index__``), as numpy integers are: the stdlib takes it."""

    def __init__(self, value: int) -> None:
        self.value = value

    def __index__(self) -> int:
        return self.value

    def __repr__(self) -> str:
        return f"Index({self.value})"


def _row(case: dict[str, Any]) -> Address:
    data = bytes.fromhex(case["hex"])
    reported = data[: case["reported_length"]]
    also = [reported] if reported != data else []
    addr = bytes.fromhex(case["addr"])
    if case["ifindex"] == 0:  # only the kernel reports it, and it is never sent
        return Address(case["id"], ("", 0, 0, 0, b""), values=[], sockaddr=data, also_decodes=also,
                       text=TEXTS[case["id"]], encode_error=OSError)
    stdlib = ("lo", case["proto"], case["pkttype"], case["hatype"], addr)
    values: list[Any] = [stdlib, ("lo", Index(case["proto"]), case["pkttype"], case["hatype"],
                                  bytearray(addr))]
    if not addr:
        values.append(stdlib[:4])
        if not case["hatype"]:
            values.append(stdlib[:3])
            if not case["pkttype"]:
                values.append(stdlib[:2])
    return Address(case["id"], stdlib, values=values, sockaddr=data, also_decodes=also,
                   text=TEXTS[case["id"]])


_LO = _CASES["lo-as-bound"]
_LO_BYTES = bytes.fromhex(_LO["hex"])

ROWS: list[Row] = [
    *(_row(case) for case in VECTORS["cases"] if case["id"] in TEXTS),
    ParseError("proto-too-big", ("lo", 0x10000), OverflowError, match="proto must be 0-65535"),
    ParseError("proto-negative", ("lo", -1), OverflowError),
    ParseError("pkttype-256", ("lo", 0x800, 256), OverflowError, match="pkttype must be 0-255"),
    ParseError("pkttype-negative", ("lo", 0x800, -1), OverflowError),
    ParseError("hatype-65536", ("lo", 0x800, 0, 65536), OverflowError, match="hatype must be 0-65535"),
    ParseError("nine-byte-address", ("lo", 0x800, 0, 1, bytes(9)), ValueError, match="8 bytes or less"),
    ParseError("str-address", ("lo", 0x800, 0, 1, "abc"), TypeError, match="bytes-like"),
    ParseError("float-proto", ("lo", 2048.0), TypeError, match="proto must be an integer"),
    ParseError("bytes-ifname", (b"lo", 0x800), TypeError, match="interface name must be str"),
    ParseError("nul-in-ifname", ("lo\0x", 0x800), ValueError, match="NUL"),
    ParseError("sixteen-byte-ifname", ("l" * 16, 0x800), OSError, match="at most 15"),
    ParseError("empty-ifname", ("", 0x800), OSError, match="No such device"),
    ParseError("unknown-ifname", ("nosuchif0", 0x800), OSError, match="No such device"),
    ParseError("list", ["lo", 0x800], TypeError, match="must be a tuple"),
    ParseError("one-item", ("lo",), TypeError, match="two to five"),
    ParseError("six-items", ("lo", 0x800, 0, 1, b"", 0), TypeError, match="two to five"),
    ParseError("str", "lo", TypeError),
    ParseError("none", None, TypeError),
    DecodeError("empty", b"", match="at least 12 bytes"),
    DecodeError("eleven-bytes", _LO_BYTES[:11], match="at least 12 bytes"),
    DecodeError("inet-family", (2).to_bytes(2, sys.byteorder) + _LO_BYTES[2:], match="sa_family is 2"),
    DecodeError("halen-6-in-14-bytes", _LO_BYTES[:14], match="sll_halen 6"),
    DecodeError("halen-6-in-19-bytes", _LO_BYTES[:19], match="sll_halen 6"),
    DecodeError("halen-6-in-21-bytes", _LO_BYTES + b"\0", match="sll_halen 6"),
    DecodeError("halen-9-in-20-bytes", _LO_BYTES[:11] + b"\x09" + _LO_BYTES[12:], match="sll_halen 9"),
    DecodeError("negative-ifindex", _FAMILY + _LO_BYTES[2:4] + (-2).to_bytes(4, sys.byteorder, signed=True)
                + _LO_BYTES[8:], match="negative"),
    TextError("no-proto", "packet:lo"),
    TextError("proto-name", "packet:lo:ip", match="PROTO"),
    TextError("pkttype-name", "packet:lo:0x0800:toself", match="PKTTYPE"),
    TextError("hatype-name", "packet:lo:0x0800:host:ether", match="HATYPE"),
    TextError("address-not-hex", "packet:lo:0x0800:host:1:zz:00", match="ADDR"),
    TextError("index-not-a-number", "packet:%lo:0x0800", match="IFACE"),
    TextError("unknown-interface", "packet:nosuchif0:0x0800", OSError, match="No such device"),
    TextError("proto-too-big", "packet:lo:0x10000", OverflowError),
]


class TestCodecKit(CodecConformance):
    family_name = "packet"
    rows = ROWS
