"""famsock's kernel-free codec kit over AF_VSOCK: the C vectors, and what each step refuses.

The stdlib's form is ``(cid, port)``. Addresses with ``svm_flags`` are not rows here: the stdlib's
form has no flags, so the kit's ``from_native`` way cannot give them (tests/test_flags.py).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from famsock.testing import c_vectors
from famsock.testing.codec_kit import Address, CodecConformance, DecodeError, ParseError, Row, TextError

VECTORS = c_vectors.load(Path(__file__).parent / "vectors" / "sockaddr_vm.c")
_INET = (2).to_bytes(2, sys.byteorder)

TEXTS = {
    "any": "vsock:any:any",
    "any-cid-port-1234": "vsock:any:1234",
    "hypervisor": "vsock:0:0",
    "local": "vsock:1:9999",
    "host": "vsock:2:22",
    "guest-3": "vsock:3:1024",
    "big-cid": "vsock:4294967294:4294967294",
    "byte-order": "vsock:16909060:168496141",
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
    cid, port = case["cid"], case["port"]
    values: list[Any] = [(cid, port), (Index(cid), Index(port))]
    if cid == 1:
        values.append((True, port))  # a bool is an int, to the stdlib too
    data = bytes.fromhex(case["hex"])
    # the kernel ignores svm_reserved1 and svm_zero; so does decode
    also = [data[:2] + b"\xff\xff" + data[4:13] + b"\xee\xee\xee"]
    return Address(case["id"], (cid, port), values=values, sockaddr=data, also_decodes=also,
                   text=TEXTS[case["id"]])


ROWS: list[Row] = [
    *(_row(case) for case in VECTORS["cases"] if not case["flags"]),
    ParseError("cid-minus-one", (-1, 1234), OverflowError, match="4294967295"),
    ParseError("cid-2-to-the-32", (2**32, 1234), OverflowError, match="cid must be 0-4294967295"),
    ParseError("port-2-to-the-32-plus-3", (3, 2**32 + 3), OverflowError, match="port"),
    ParseError("port-minus-one", (3, -1), OverflowError),
    ParseError("float-cid", (1.0, 2), TypeError, match="cid must be an integer"),
    ParseError("str-port", (1, "2"), TypeError, match="port must be an integer"),
    ParseError("none-port", (1, None), TypeError),
    ParseError("list", [1, 2], TypeError, match="must be a tuple"),
    ParseError("one-item", (1,), TypeError, match="got 1 items"),
    ParseError("three-items", (1, 2, 1), TypeError, match="got 3 items"),
    ParseError("int", 5, TypeError),
    ParseError("none", None, TypeError),
    DecodeError("empty", b"", match="16 bytes"),
    DecodeError("family-only", VECTORS["AF_VSOCK"].to_bytes(2, sys.byteorder), match="16 bytes"),
    DecodeError("15-bytes", bytes.fromhex(VECTORS["cases"][0]["hex"])[:15], match="16 bytes"),
    DecodeError("17-bytes", bytes.fromhex(VECTORS["cases"][0]["hex"]) + b"\0", match="16 bytes"),
    DecodeError("inet-family", _INET + bytes(14), match="sa_family is 2"),
    TextError("no-port", "vsock:3"),
    TextError("empty", "vsock:"),
    TextError("four-fields", "vsock:1:2:to_host:4"),
    TextError("cid-name", "vsock:localhost:22", match="CID"),
    TextError("port-name", "vsock:3:ssh", match="PORT"),
    TextError("flag-name", "vsock:3:22:to_guest", match="FLAGS"),
    TextError("non-ascii-digits", "vsock:\u0663:22"),
    TextError("negative", "vsock:-1:22"),
    TextError("cid-too-big", "vsock:4294967296:22", OverflowError),
    TextError("flags-too-big", "vsock:3:22:0x100", OverflowError),
]


class TestCodecKit(CodecConformance):
    family_name = "vsock"
    rows = ROWS
