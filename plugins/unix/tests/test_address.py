"""UnixAddress: a value that equals the stdlib's form and is a path where it is one.

The stdlib's forms are ``str`` (path), ``bytes`` (abstract, leading NUL included) and ``''``
(unnamed); ``str()`` is the text form, which ``famsock.address_from_text`` reads back exactly.
"""

from __future__ import annotations

import copy
import os
import pathlib
import pickle
import random
import sys
from pathlib import Path

import pytest
from famsock_unix import (
    UNNAMED,
    UnixAbstractAddress,
    UnixAddress,
    UnixPathAddress,
    UnixUnnamedAddress,
)
from famsock_unix._address import from_sun_path

import famsock

PATH = UnixAddress("/run/x.sock")
ABSTRACT = UnixAddress(b"\0name")


@pytest.mark.parametrize(
    ("address", "stdlib"),
    [(PATH, "/run/x.sock"), (ABSTRACT, b"\0name"), (UNNAMED, ""),
     (UnixAddress(b"/tmp/\xff"), "/tmp/\udcff")],
    ids=["path", "abstract", "unnamed", "non-utf8-path"],
)
def test_equal_and_hashed_like_the_stdlib_form(address: UnixAddress, stdlib: str | bytes) -> None:
    assert address == stdlib
    assert stdlib == address  # the reflected comparison
    assert not address != stdlib  # noqa: SIM202 - __ne__ is what is tested
    assert hash(address) == hash(stdlib)
    by_stdlib: dict[object, str] = {stdlib: "found"}
    by_address: dict[object, str] = {address: "found"}
    assert by_stdlib[address] == by_address[stdlib] == "found"
    assert address.stdlib == stdlib
    assert type(address.stdlib) is type(stdlib)


def test_kinds_never_compare_equal_across_types() -> None:
    assert PATH != b"/run/x.sock"  # the stdlib's path form is str, never bytes
    assert ABSTRACT != "\0name"  # and its abstract form bytes, never str
    assert UNNAMED != b""
    assert UnixAddress(b"\0") != UNNAMED  # the empty abstract name is a name
    assert UnixAddress("/run/y.sock") != PATH
    assert Path("/run/x.sock") != PATH  # as "/run/x.sock" != Path(...)
    assert PATH != 1


def test_attributes_by_kind() -> None:
    assert (PATH.kind, PATH.path, PATH.name, PATH.sun_path) == ("path", "/run/x.sock", None, b"/run/x.sock")
    assert (ABSTRACT.kind, ABSTRACT.path, ABSTRACT.name, ABSTRACT.sun_path) == (
        "abstract", None, b"name", b"\0name")
    assert (UNNAMED.kind, UNNAMED.path, UNNAMED.name, UNNAMED.sun_path) == ("unnamed", None, None, b"")


def test_the_constructor_returns_the_right_kind() -> None:
    assert type(UnixAddress("/run/x.sock")) is UnixPathAddress
    assert type(UnixAddress(Path("relative"))) is UnixPathAddress
    assert type(UnixAddress("\0name")) is UnixAbstractAddress
    assert UnixAddress("") is UnixAddress(b"") is UNNAMED
    assert UnixUnnamedAddress() is UNNAMED
    assert UnixAbstractAddress(b"name") == UnixAbstractAddress("name") == b"\0name"
    assert UnixPathAddress(b"/run/x.sock") == PATH
    assert UnixAddress(PATH) is PATH


def test_kind_constructors_refuse_other_kinds() -> None:
    with pytest.raises(ValueError, match="not an AF_UNIX filesystem path: b'\\\\x00name'"):
        UnixPathAddress(b"\0name")
    with pytest.raises(ValueError, match="unnamed"):
        UnixPathAddress("")
    with pytest.raises(TypeError, match="abstract name must be str or bytes, not int"):
        UnixAbstractAddress(1)  # type: ignore[arg-type]


def test_a_path_address_is_a_path(sock_dir: Path) -> None:
    address = UnixAddress(sock_dir / "file")
    assert isinstance(address, os.PathLike)
    assert os.fspath(address) == str(sock_dir / "file")
    assert Path(address) == sock_dir / "file"
    assert pathlib.PurePosixPath(address).name == "file"
    with open(address, "w") as file:
        file.write("x")
    assert os.path.exists(address)
    os.unlink(address)
    assert not os.path.exists(sock_dir / "file")


@pytest.mark.parametrize("address", [ABSTRACT, UNNAMED], ids=["abstract", "unnamed"])
def test_other_kinds_are_not_paths(address: UnixAddress) -> None:
    assert not isinstance(address, os.PathLike)
    with pytest.raises(TypeError):
        os.fspath(address)  # type: ignore[call-overload]


def test_str_is_the_text_form_and_repr_is_the_constructor() -> None:
    assert str(PATH) == f"{PATH}" == "unix:/run/x.sock"
    assert str(ABSTRACT) == "unix:@name"
    assert str(UNNAMED) == "unix:"
    assert repr(PATH) == "UnixPathAddress('/run/x.sock')"
    assert repr(ABSTRACT) == "UnixAbstractAddress(b'name')"
    assert repr(UNNAMED) == "UnixUnnamedAddress()"
    names = {"UnixPathAddress": UnixPathAddress, "UnixAbstractAddress": UnixAbstractAddress,
             "UnixUnnamedAddress": UnixUnnamedAddress}
    for address in (PATH, ABSTRACT, UNNAMED, UnixAddress(b"/tmp/\xff\n")):
        assert eval(repr(address), names) == address


def test_indexed_and_sized_like_the_stdlib_form() -> None:
    # asyncio (3.13) tells abstract from filesystem addresses with `path[0] not in (0, '\x00')`
    assert PATH[0] == "/" and PATH[0] not in (0, "\x00")
    assert ABSTRACT[0] == 0
    assert PATH[-5:] == ".sock"
    assert len(PATH) == len("/run/x.sock") and len(ABSTRACT) == 5
    assert not UNNAMED and PATH and UnixAddress(b"\0")
    assert list(ABSTRACT) == list(b"\0name")
    assert "x.sock" in PATH and b"am" in ABSTRACT


def test_immutable() -> None:
    with pytest.raises(AttributeError, match="immutable"):
        PATH._sun_path = b"/elsewhere"
    with pytest.raises(AttributeError, match="immutable"):
        del ABSTRACT._stdlib
    with pytest.raises(AttributeError):
        PATH.path = "/elsewhere"  # type: ignore[misc]
    assert PATH == "/run/x.sock"


@pytest.mark.parametrize(
    "address", [PATH, ABSTRACT, UNNAMED, from_sun_path(b"/" + b"p" * 107)],
    ids=["path", "abstract", "unnamed", "108-byte-path-from-the-kernel"])
def test_pickles_and_copies_to_an_equal_address(address: UnixAddress) -> None:
    for clone in (pickle.loads(pickle.dumps(address)), copy.copy(address), copy.deepcopy(address)):
        assert clone == address
        assert type(clone) is type(address)
        assert clone.sun_path == address.sun_path
    assert pickle.loads(pickle.dumps(UNNAMED)) is UNNAMED


@pytest.mark.skipif(sys.version_info < (3, 12), reason="__buffer__ (PEP 688) is Python 3.12+")
def test_bytes_like_on_python_3_12() -> None:
    assert bytes(memoryview(PATH)) == b"/run/x.sock"  # type: ignore[arg-type, unused-ignore]
    assert bytes(memoryview(ABSTRACT)) == b"\0name"  # type: ignore[arg-type, unused-ignore]


def test_buffer_is_the_sun_path() -> None:
    with ABSTRACT.__buffer__(0) as view:
        assert view.tobytes() == b"\0name"


TEXT_FORMS = [
    ("/run/x.sock", "unix:/run/x.sock"),
    ("relative.sock", "unix:relative.sock"),
    ("@not-abstract", "unix:%40not-abstract"),  # a path may start with '@'
    ("/a@b", "unix:/a@b"),  # '@' is special only first
    ("/tmp/100%", "unix:/tmp/100%25"),
    ("/tmp/a b", "unix:/tmp/a b"),
    ("/tmp/tab\there", "unix:/tmp/tab%09here"),
    ("/tmp/\u00e9t\u00e9", "unix:/tmp/\u00e9t\u00e9"),  # printable UTF-8 stays readable
    ("/tmp/nb\u00a0sp", "unix:/tmp/nb%C2%A0sp"),  # ... the unprintable is escaped
    (b"/tmp/\xff\xfe", "unix:/tmp/%FF%FE"),  # not UTF-8
    ("/tmp/\udcff", "unix:/tmp/%FF"),  # the same, as os.fsdecode gives it
    (b"\0name", "unix:@name"),
    (b"\0", "unix:@"),
    (b"\0@x", "unix:@@x"),
    (b"\0a\0b\0", "unix:@a%00b%00"),
    (b"\0\xff%", "unix:@%FF%25"),
    ("", "unix:"),
]


@pytest.mark.parametrize(("value", "text"), TEXT_FORMS)
def test_text_form(value: str | bytes, text: str) -> None:
    address = UnixAddress(value)
    assert str(address) == text
    parsed = famsock.address_from_text(text)
    assert parsed == address
    assert type(parsed) is type(address)


def test_text_form_round_trips_every_byte() -> None:
    generator = random.Random(1)  # seeded: the same bytes every run
    values = [b"/" + bytes([byte]) for byte in range(1, 256)] + [b"\0" + bytes([byte]) for byte in range(256)]
    values += [b"/" + bytes(generator.randrange(1, 256) for _ in range(100)) for _ in range(200)]
    values += [b"\0" + bytes(generator.randrange(256) for _ in range(107)) for _ in range(200)]
    for value in values:
        address = UnixAddress(value)
        assert famsock.address_from_text(str(address)).sun_path == value, value


@pytest.mark.parametrize(
    ("text", "expected"),
    [("unix:%2frun%2fx", "/run/x"), ("unix:/tmp/%c3%a9", "/tmp/\u00e9"), ("unix:/tmp/\u00e9", "/tmp/\u00e9"),
     ("unix:/tmp/\udcff", "/tmp/\udcff"), ("unix:@%66oo", b"\0foo")],
    ids=["lower-case-escapes", "escaped-utf8", "literal-utf8", "surrogate-escape", "escaped-abstract"],
)
def test_text_form_reads_equivalent_spellings(text: str, expected: str | bytes) -> None:
    assert famsock.address_from_text(text) == expected


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ("unix:/tmp/100%", ValueError, "must be followed by two hex digits"),
        ("unix:/tmp/%zz", ValueError, "must be followed by two hex digits"),
        ("unix:%00name", ValueError, "write an abstract name as @name"),
        ("unix:/tmp/a%00b", ValueError, "must not contain a NUL byte"),
        ("unix:/tmp/\ud800", ValueError, "not text"),
        ("unix:/" + "p" * 108, OSError, "AF_UNIX path too long: 109 bytes, the limit is 108"),
        ("unix:@" + "a" * 108, OSError, "AF_UNIX path too long: abstract address of 109 bytes"),
        ("/run/x.sock", ValueError, "<family>:<address>"),
    ],
    ids=["lone-percent", "bad-hex", "leading-nul", "nul-in-path", "lone-surrogate", "path-109",
         "abstract-109", "no-prefix"],
)
def test_bad_text_forms_are_refused(text: str, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        famsock.address_from_text(text)
