"""famsock's kernel-free codec kit over AF_XDP: the C vectors, and what each step refuses.

The interpreter has no AF_XDP, so there is no stdlib form to be equal to: an address is the
tuple of the four numbers of ``struct sockaddr_xdp``, ``(ifindex, queue_id, flags,
shared_umem_fd)``, and ``bind()`` takes two to four of them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from famsock.testing import c_vectors
from famsock.testing.codec_kit import Address, CodecConformance, DecodeError, ParseError, Row, TextError

VECTORS = c_vectors.load(Path(__file__).parent / "vectors" / "if_xdp.c")
_SOCKADDR = bytes.fromhex(VECTORS["addresses"][0]["hex"])

TEXTS = {
    "queue-0": "xdp:2:0",
    "copy-mode": "xdp:5:0:copy",
    "zerocopy-wakeup": "xdp:7:3:zerocopy+need_wakeup",
    "shared-umem": "xdp:2:1:shared_umem:9",
    "max-fields": "xdp:4294967295:4294967295:shared_umem+copy+zerocopy+need_wakeup+0xfff0:4294967295",
    "byte-order": "xdp:50595078:117967114:copy+0x100:185339150",
}


class Index:
    """An integer-like object (``__index__``), as numpy integers are."""

    def __init__(self, value: int) -> None:
        self.value = value

    def __index__(self) -> int:
        return self.value

    def __repr__(self) -> str:
        return f"Index({self.value})"


def _row(case: dict[str, Any]) -> Address:
    fields = (case["ifindex"], case["queue_id"], case["flags"], case["shared_umem_fd"])
    values: list[Any] = [fields, tuple(Index(field) for field in fields)]
    if fields[2:] == (0, 0):
        values.append(fields[:2])
    elif fields[3] == 0:
        values.append(fields[:3])
    return Address(case["id"], fields, values=values, sockaddr=bytes.fromhex(case["hex"]),
                   text=TEXTS[case["id"]])


ROWS: list[Row] = [
    *(_row(case) for case in VECTORS["addresses"]),
    ParseError("negative-ifindex", (-1, 0), OverflowError, match="ifindex must be 0-4294967295"),
    ParseError("ifindex-2-to-the-32", (2**32, 0), OverflowError),
    ParseError("queue-2-to-the-32", (2, 2**32), OverflowError, match="queue_id"),
    ParseError("flags-65536", (2, 0, 65536), OverflowError, match="flags must be 0-65535"),
    ParseError("negative-umem-fd", (2, 0, 1, -1), OverflowError, match="shared_umem_fd"),
    ParseError("float-queue", (2, 0.0), TypeError, match="queue_id must be an integer"),
    ParseError("bytes-interface", (b"lo", 0), TypeError, match="a number or a str name"),
    ParseError("none-interface", (None, 0), TypeError, match="a number or a str name"),
    ParseError("unknown-interface", ("nosuchif0", 0), OSError, match="No such device"),
    ParseError("nul-in-interface", ("lo\0", 0), ValueError, match="NUL"),
    ParseError("list", [2, 0], TypeError, match="must be a tuple"),
    ParseError("one-item", (2,), TypeError, match="two to four"),
    ParseError("five-items", (2, 0, 0, 0, 0), TypeError, match="two to four"),
    ParseError("int", 2, TypeError),
    DecodeError("empty", b"", match="16 bytes"),
    DecodeError("15-bytes", _SOCKADDR[:15], match="16 bytes"),
    DecodeError("17-bytes", _SOCKADDR + b"\0", match="16 bytes"),
    DecodeError("inet-family", (2).to_bytes(2, sys.byteorder) + _SOCKADDR[2:], match="sa_family is 2"),
    TextError("no-queue", "xdp:5"),
    TextError("no-interface", "xdp::0", match="IFACE"),
    TextError("queue-name", "xdp:5:first", match="QUEUE"),
    TextError("flag-name", "xdp:5:0:fast", match="FLAGS"),
    TextError("umem-fd-name", "xdp:5:0:shared_umem:stdin", match="SHARED_UMEM_FD"),
    TextError("five-fields", "xdp:5:0:0:0:0"),
    TextError("unknown-interface", "xdp:nosuchif0:0", OSError, match="No such device"),
    TextError("flags-too-big", "xdp:5:0:0x10000", OverflowError),
]


class TestCodecKit(CodecConformance):
    family_name = "xdp"
    rows = ROWS
