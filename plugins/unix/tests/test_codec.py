"""AF_UNIX codec: sockaddr_un bytes <-> UnixAddress, against vectors generated from C.

No kernel involved: these are the bytes and lengths a C program passes to bind(2) / connect(2),
and the lengths the kernel reports back (a path with its NUL; SUN_LEN's without it).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest
from famsock_unix import UnixAbstractAddress, UnixAddress, UnixPathAddress, UnixUnnamedAddress
from famsock_unix._address import SUN_PATH_SIZE, from_sun_path
from famsock_unix._codec import SOCKADDR_UN_SIZE, decode, encode, from_native

import famsock
from famsock.testing import c_vectors

GENERATOR = Path(__file__).parent / "vectors" / "sockaddr_un.c"
VECTORS = c_vectors.load(GENERATOR)
CASES = [pytest.param(case, id=case["id"]) for case in VECTORS["cases"]]
PATH_CASES = [pytest.param(case, id=case["id"]) for case in VECTORS["cases"] if case["kind"] == "path"]
CLASSES = {"path": UnixPathAddress, "abstract": UnixAbstractAddress, "unnamed": UnixUnnamedAddress}


def _stdlib_form(case: dict[str, Any]) -> str | bytes:
    """What the stdlib's getsockname() gives for the case: str paths, bytes abstract, ''."""
    sun_path = bytes.fromhex(case["sun_path"])
    return sun_path if case["kind"] == "abstract" else os.fsdecode(sun_path)


def test_layout_matches_the_c_headers() -> None:
    assert VECTORS["size"] == SOCKADDR_UN_SIZE == 110
    assert VECTORS["sun_path_size"] == SUN_PATH_SIZE == 108
    assert VECTORS["offsets"] == {"sun_family": 0, "sun_path": 2}
    assert VECTORS["AF_UNIX"] == famsock.AF_UNIX


def test_vectors_cover_the_limits() -> None:
    lengths = {case["id"]: len(bytes.fromhex(case["sun_path"])) for case in VECTORS["cases"]}
    assert lengths["max-path"] == SUN_PATH_SIZE - 1  # room left for the NUL
    assert lengths["max-abstract"] == SUN_PATH_SIZE  # the leading NUL counts
    assert lengths["unnamed"] == 0


@pytest.mark.parametrize("case", CASES)
def test_encode_gives_the_c_bytes_and_length(case: dict[str, Any]) -> None:
    data = encode(UnixAddress(_stdlib_form(case)))
    assert data.hex() == case["hex"]
    assert len(data) == case["length"]


@pytest.mark.parametrize("case", CASES)
def test_decode_gives_the_address(case: dict[str, Any]) -> None:
    address = decode(bytes.fromhex(case["hex"]))
    assert type(address) is CLASSES[case["kind"]]
    assert address.kind == case["kind"]
    assert address.sun_path == bytes.fromhex(case["sun_path"])
    assert address == _stdlib_form(case)


@pytest.mark.parametrize("case", PATH_CASES)
def test_decode_reads_a_path_without_its_nul_too(case: dict[str, Any]) -> None:
    data = bytes.fromhex(case["hex"])[: case["sun_len"]]  # SUN_LEN(): what BSD-style code passes
    assert data[-1] != 0
    assert decode(data) == decode(bytes.fromhex(case["hex"])) == _stdlib_form(case)


@pytest.mark.parametrize("case", CASES)
def test_native_form_gives_the_same_address(case: dict[str, Any]) -> None:
    decoded = decode(bytes.fromhex(case["hex"]))
    native = from_native(_stdlib_form(case))
    assert native == decoded
    assert type(native) is type(decoded)
    assert native.sun_path == decoded.sun_path
    # no to_native: the C methods get the address itself, the stdlib's own str or bytes
    assert isinstance(decoded, type(_stdlib_form(case)))


def test_the_native_path_hands_the_address_itself_to_the_c_methods() -> None:
    native = famsock.family("unix").native
    assert native is not None
    assert native.to_native is None and native.applies is None


@pytest.mark.parametrize("case", CASES)
def test_public_codec_round_trips(case: dict[str, Any]) -> None:
    data = famsock.encode(_stdlib_form(case), "unix")
    assert data.hex() == case["hex"]
    assert famsock.decode(data) == _stdlib_form(case)
    assert famsock.encode(famsock.decode(data)) == data  # by the typed address's family


def test_a_108_byte_path_as_the_kernel_reports_it() -> None:
    """A C program may bind all 108 bytes without a NUL; the kernel then reports 111 bytes.
    It decodes, but is not encoded: no room for its NUL (the native path and the stdlib refuse it)."""
    path = b"/" + b"p" * (SUN_PATH_SIZE - 1)
    reported = famsock.AF_UNIX.to_bytes(2, sys.byteorder) + path + b"\0"
    address = decode(reported)
    assert type(address) is UnixPathAddress
    assert address.sun_path == path
    with pytest.raises(OSError, match="AF_UNIX path too long: 108 bytes, the limit is 107"):
        encode(address)
    assert decode(reported[:-1]) == address


def test_decode_stops_a_path_at_its_first_nul_as_the_kernel_does() -> None:
    padded = encode(UnixAddress("/run/x")) + bytes(20)  # sizeof-style lengths carry zero padding
    assert decode(padded) == "/run/x"
    assert decode(padded[:2] + b"/run/x\0junk") == "/run/x"


def test_abstract_names_keep_every_byte_up_to_the_length() -> None:
    assert decode(encode(UnixAddress(b"\0a\0\0"))) == b"\0a\0\0"
    assert decode(encode(UnixAddress(b"\0a"))) == b"\0a"


_FAMILY = famsock.AF_UNIX.to_bytes(2, sys.byteorder)


@pytest.mark.parametrize(
    ("data", "complaint"),
    [
        (b"", "2 to 110 bytes"),
        (b"\x01", "2 to 110 bytes"),
        (_FAMILY + b"/" * 108 + b"\0\0", "2 to 110 bytes"),
        (bytes.fromhex("0200") + b"/x\0", "sa_family is 2"),
        (_FAMILY + b"\0" + b"a" * 108, "abstract AF_UNIX name is at most 108 bytes, got 109"),
        (_FAMILY + b"/" * 109, "path is at most 108 bytes, got 109"),
    ],
    ids=["empty", "one-byte", "112-bytes", "af-inet", "abstract-109", "path-109"],
)
def test_decode_rejects_what_is_not_a_sockaddr_un(data: bytes, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        decode(data)


def test_from_native_rejects_what_the_stdlib_never_returns() -> None:
    with pytest.raises(ValueError, match="not an AF_UNIX address"):
        from_native(("127.0.0.1", 80))  # type: ignore[arg-type]


def test_unnamed_is_the_family_alone() -> None:
    assert encode(from_sun_path(b"")) == _FAMILY
    assert decode(_FAMILY) is from_sun_path(b"") is UnixUnnamedAddress()


def test_committed_vectors_are_what_the_headers_give() -> None:
    if c_vectors.compiler() is None:
        pytest.skip("no C compiler to regenerate the vectors with")
    assert c_vectors.regenerate(GENERATOR) == VECTORS
