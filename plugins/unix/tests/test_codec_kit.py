"""famsock's kernel-free codec kit over AF_UNIX: the C vectors, and what each step refuses.

The stdlib's forms on Linux: a path is ``str`` (``os.fsdecode`` of its bytes), an abstract name
``bytes`` (its leading NUL included), no name ``''``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path, PurePosixPath
from typing import Any

from famsock.testing import c_vectors
from famsock.testing.codec_kit import Address, CodecConformance, DecodeError, ParseError, Row, TextError

VECTORS = c_vectors.load(Path(__file__).parent / "vectors" / "sockaddr_un.c")
SUN_PATH = VECTORS["sun_path_size"]
_FAMILY = VECTORS["AF_UNIX"].to_bytes(2, sys.byteorder)

# The text forms of some vectors, as documented (plugins/unix/README.md): printable UTF-8 as is,
# other bytes and "%" as %XX, an abstract name after "@", a path's own leading "@" as %40.
TEXTS = {
    "path": "unix:/run/x.sock",
    "relative-path": "unix:x",
    "at-sign-path": "unix:%40not-abstract",
    "utf8-path": "unix:/tmp/été",
    "non-utf8-path": "unix:/tmp/%FF%FE",
    "abstract": "unix:@name",
    "empty-abstract": "unix:@",
    "abstract-with-nuls": "unix:@a%00b%00",
    "unnamed": "unix:",
}


def _vector_row(case: dict[str, Any]) -> Address:
    sun_path = bytes.fromhex(case["sun_path"])
    sockaddr = bytes.fromhex(case["hex"])
    if case["kind"] == "abstract":
        return Address(case["id"], sun_path, values=[sun_path, bytearray(sun_path)], sockaddr=sockaddr,
                       text=TEXTS.get(case["id"]))
    if case["kind"] == "unnamed":
        return Address(case["id"], "", values=["", b""], sockaddr=sockaddr, text=TEXTS.get(case["id"]))
    path = os.fsdecode(sun_path)
    # the lengths a path also arrives with: SUN_LEN() (no NUL), sizeof(struct sockaddr_un) (padded)
    also = [sockaddr[: case["sun_len"]], sockaddr.ljust(2 + SUN_PATH, b"\0")]
    return Address(case["id"], path, values=[path, sun_path, PurePosixPath(path)], sockaddr=sockaddr,
                   also_decodes=[data for data in also if data != sockaddr], text=TEXTS.get(case["id"]))


# A C program may bind all 108 bytes of sun_path, with no room for a NUL; the kernel then reports
# 111 bytes (the path and a NUL). It decodes, but is never sent: parse and encode refuse it.
_PATH_108 = b"/" + b"p" * (SUN_PATH - 1)

ROWS: list[Row] = [
    *(_vector_row(case) for case in VECTORS["cases"]),
    Address("108-byte-path", os.fsdecode(_PATH_108), values=[], sockaddr=_FAMILY + _PATH_108 + b"\0",
            also_decodes=[_FAMILY + _PATH_108], text="unix:" + os.fsdecode(_PATH_108), encode_error=OSError),
    ParseError("nul-in-path", "/run/cut\0tail", ValueError, match="NUL"),
    ParseError("nul-in-bytes-path", b"/run/cut\0tail", ValueError, match="NUL"),
    ParseError("path-like-abstract-name", PurePosixPath("\0name"), ValueError),
    ParseError("108-byte-path", os.fsdecode(_PATH_108), OSError, match="too long"),
    ParseError("108-byte-bytes-path", _PATH_108, OSError, match="too long"),
    ParseError("109-byte-abstract-name", b"\0" + b"a" * SUN_PATH, OSError, match="too long"),
    ParseError("lone-surrogate", "/run/\ud800", UnicodeEncodeError),
    ParseError("int", 5, TypeError),
    ParseError("none", None, TypeError),
    ParseError("tuple", ("/run/x.sock",), TypeError),
    ParseError("non-contiguous-buffer", memoryview(b"/tmp/xx" * 2)[::2], BufferError),
    DecodeError("empty", b"", match="2 to 110 bytes"),
    DecodeError("one-byte", b"\x01", match="2 to 110 bytes"),
    DecodeError("112-bytes", _FAMILY + b"/" * SUN_PATH + b"\0\0", match="2 to 110 bytes"),
    DecodeError("inet-family", (2).to_bytes(2, sys.byteorder) + b"/x\0", match="sa_family is 2"),
    DecodeError("109-byte-abstract-name", _FAMILY + b"\0" + b"a" * SUN_PATH, match="108 bytes"),
    DecodeError("109-byte-path", _FAMILY + b"/" * (SUN_PATH + 1), match="108 bytes"),
    TextError("bad-escape", "unix:/run/%zz"),
    TextError("nul-in-path", "unix:/run/cut%00tail", match="NUL"),
    TextError("no-family", "/run/x.sock"),
]


class TestCodecKit(CodecConformance):
    family_name = "unix"
    rows = ROWS
