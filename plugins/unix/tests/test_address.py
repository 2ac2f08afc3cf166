"""UnixAddress: each kind is the stdlib's own value (``str`` path, ``bytes`` abstract name, ``''``),
with attributes added and nothing else changed; the text form is famsock.address_to_text().
"""

from __future__ import annotations

import copy
import json
import os
import pathlib
import pickle
import random
from pathlib import Path
from typing import Any

import pytest
from famsock_unix import (
    UNNAMED,
    AnyUnixAddress,
    UnixAbstractAddress,
    UnixAddress,
    UnixPathAddress,
    UnixUnnamedAddress,
)
from famsock_unix._address import from_sun_path

import famsock
from famsock.contract import SocketSpec
from famsock.testing import outcome

PATH = UnixPathAddress("/run/x.sock")
ABSTRACT = UnixAbstractAddress(b"\0name")
UNDECODABLE = UnixPathAddress(b"/tmp/\xff")
KINDS = [(PATH, "/run/x.sock"), (ABSTRACT, b"\0name"), (UNNAMED, ""), (UNDECODABLE, "/tmp/\udcff")]
KIND_IDS = ["path", "abstract", "unnamed", "non-utf8-path"]
# str() of bytes, and str == bytes, are what some tests compare: as with the stdlib's own values,
# ``python -bb`` would make them errors.
ALLOW_BYTES_WARNING = pytest.mark.filterwarnings("ignore::BytesWarning")


def test_the_issues_must_show() -> None:
    assert isinstance(PATH, str) and PATH.startswith("/")
    assert isinstance(ABSTRACT, bytes) and ABSTRACT.startswith(b"\0")
    assert isinstance(UNNAMED, str) and UNNAMED == ""
    assert all(isinstance(address, UnixAddress) for address in (PATH, ABSTRACT, UNNAMED))
    assert not isinstance("/run/x.sock", UnixAddress) and not isinstance(b"\0name", UnixAddress)
    assert famsock.family("unix").address_type is UnixAddress


@pytest.mark.parametrize(("address", "stdlib"), KINDS, ids=KIND_IDS)
def test_equal_and_hashed_like_the_stdlib_form(address: AnyUnixAddress, stdlib: str | bytes) -> None:
    assert address == stdlib
    assert stdlib == address  # the reflected comparison
    assert not address != stdlib  # noqa: SIM202 - __ne__ is what is tested
    assert hash(address) == hash(stdlib)
    by_stdlib: dict[object, str] = {stdlib: "found"}
    by_address: dict[object, str] = {address: "found"}
    assert by_stdlib[address] == by_address[stdlib] == "found"
    assert address.stdlib == stdlib
    assert type(address.stdlib) is type(stdlib)


@ALLOW_BYTES_WARNING
@pytest.mark.parametrize(("address", "stdlib"), KINDS, ids=KIND_IDS)
def test_printed_formatted_and_serialized_as_the_stdlib_form(address: AnyUnixAddress,
                                                             stdlib: str | bytes) -> None:
    assert str(address) == str(stdlib) and type(str(address)) is str
    assert repr(address) == repr(stdlib)
    ours: object = address  # mypy would warn about f"{bytes}", which is what is compared here
    theirs: object = stdlib
    assert f"{ours}|{ours!r}|{ours!s:>30}" == f"{theirs}|{theirs!r}|{theirs!s:>30}"
    assert outcome(format, address, "<30") == outcome(format, stdlib, "<30")  # bytes: TypeError
    assert "%s %r" % (ours, ours) == "%s %r" % (theirs, theirs)  # noqa: UP031 - %-format is tested
    assert repr([address, (b"x", address)]) == repr([stdlib, (b"x", stdlib)])  # print(recvfrom(...))
    assert isinstance(address, type(stdlib))
    if isinstance(address, str):
        assert json.dumps({"peer": address}) == json.dumps({"peer": stdlib})
        assert pathlib.PurePosixPath(address) == pathlib.PurePosixPath(stdlib)  # type: ignore[arg-type]
    else:
        with pytest.raises(TypeError, match="is not JSON serializable"):
            json.dumps(address)  # as the stdlib's bytes (the message names the class)
        assert bytes(address) == stdlib and memoryview(address).tobytes() == stdlib


# A sample of every kind of str/bytes operation; results must be the plain value's, type included.
# (CPython returns a str subclass's instance itself, not a plain copy, from ``s % ()`` and from
# ``s.format(...)`` when ``s`` has no replacement field, and ``format(s, spec)`` when ``spec`` changes
# nothing: an equal, valid address; not sampled.)
STR_CALLS: list[tuple[str, tuple[Any, ...]]] = [
    ("upper", ()), ("split", ("/",)), ("startswith", ("/",)), ("endswith", (".sock",)), ("encode", ()),
    ("rpartition", ("/",)), ("replace", ("x", "y")), ("__add__", ("!",)), ("__mul__", (2,)),
    ("__getitem__", (slice(1, None),)), ("__contains__", ("x",)), ("__len__", ()), ("__mod__", (5,)),
    ("strip", ("/",)), ("zfill", (20,)), ("casefold", ()), ("__lt__", ("/s",)),
    ("isprintable", ()), ("__getitem__", (0,)), ("__format__", ("^40",)), ("removeprefix", ("/tmp",)),
]
BYTES_CALLS: list[tuple[str, tuple[Any, ...]]] = [
    ("hex", ()), ("split", (b"\0",)), ("startswith", (b"\0",)), ("decode", ("latin-1",)),
    ("__add__", (b"!",)), ("__getitem__", (0,)), ("__getitem__", (slice(1, None),)), ("__len__", ()),
    ("__contains__", (b"am",)), ("upper", ()), ("lstrip", (b"\0",)), ("__mul__", (2,)), ("__lt__", (b"\1",)),
]


@pytest.mark.parametrize(("address", "stdlib"), KINDS, ids=KIND_IDS)
def test_every_method_gives_the_stdlib_forms_result(address: AnyUnixAddress, stdlib: str | bytes) -> None:
    calls = STR_CALLS if isinstance(stdlib, str) else BYTES_CALLS
    for name, arguments in calls:
        ours, theirs = outcome(getattr(address, name), *arguments), outcome(getattr(stdlib, name), *arguments)
        assert (ours, type(ours.value)) == (theirs, type(theirs.value)), name
    assert list(address) == list(stdlib)
    assert bool(address) is bool(stdlib)


@pytest.mark.parametrize(("cls", "base"), [(UnixPathAddress, str), (UnixAbstractAddress, bytes),
                                           (UnixUnnamedAddress, str)], ids=["path", "abstract", "unnamed"])
def test_nothing_of_str_or_bytes_is_overridden(cls: type, base: type) -> None:
    """Only what builds and protects a value: no __str__, __repr__, __eq__, __hash__, __format__..."""
    ours = [klass for klass in cls.__mro__ if klass.__module__.startswith("famsock_unix")]
    overridden = {name for klass in ours for name in vars(klass) if hasattr(base, name)}
    assert overridden == {"__new__", "__reduce__", "__setattr__", "__delattr__", "__doc__", "__module__"}


def test_attributes_by_kind() -> None:
    assert (PATH.kind, PATH.path, PATH.name, PATH.sun_path) == ("path", "/run/x.sock", None, b"/run/x.sock")
    assert (ABSTRACT.kind, ABSTRACT.path, ABSTRACT.name, ABSTRACT.sun_path) == (
        "abstract", None, b"name", b"\0name")
    assert (UNNAMED.kind, UNNAMED.path, UNNAMED.name, UNNAMED.sun_path) == ("unnamed", None, None, b"")
    assert (UNDECODABLE.path, UNDECODABLE.sun_path) == ("/tmp/\udcff", b"/tmp/\xff")
    for value in (PATH.path, PATH.stdlib, ABSTRACT.name, ABSTRACT.sun_path, ABSTRACT.stdlib, PATH.sun_path):
        assert type(value) in (str, bytes)  # plain values, not typed addresses


def test_the_constructor_returns_the_right_kind() -> None:
    assert type(UnixAddress("/run/x.sock")) is UnixPathAddress
    assert type(UnixAddress(Path("relative"))) is UnixPathAddress
    assert type(UnixAddress("\0name")) is UnixAbstractAddress
    assert UnixAddress("") is UnixAddress(b"") is UNNAMED
    assert UnixUnnamedAddress() is UnixUnnamedAddress("") is UnixUnnamedAddress(b"") is UNNAMED
    assert UnixAbstractAddress(b"\0name") == UnixAbstractAddress("\0name") == b"\0name"
    assert UnixAbstractAddress.from_name(b"name") == UnixAbstractAddress.from_name("name") == ABSTRACT
    assert UnixAddress(PATH) is PATH


@ALLOW_BYTES_WARNING
def test_a_bytes_path_is_the_str_the_stdlib_reports() -> None:
    address = UnixPathAddress(b"/tmp/x")
    assert address == "/tmp/x" and type(address) is UnixPathAddress
    assert address != b"/tmp/x"  # type: ignore[comparison-overlap]  # str and bytes never compare equal
    assert UnixAddress(bytearray(b"/tmp/\xff")) == "/tmp/\udcff"  # os.fsdecode, as the stdlib


def test_kind_constructors_refuse_other_kinds() -> None:
    with pytest.raises(ValueError, match="not an AF_UNIX filesystem path: b'\\\\x00name'"):
        UnixPathAddress(b"\0name")
    with pytest.raises(ValueError, match="unnamed"):
        UnixPathAddress("")
    with pytest.raises(ValueError, match=r"abstract address: b'name' \(that is a path address.*from_name"):
        UnixAbstractAddress(b"name")
    with pytest.raises(ValueError, match="not the unnamed AF_UNIX address"):
        UnixUnnamedAddress("/x")
    with pytest.raises(TypeError, match="abstract name must be str or bytes, not int"):
        UnixAbstractAddress.from_name(1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"AF_UNIX address must be str, bytes or os\.PathLike, not int"):
        UnixAbstractAddress(5)  # type: ignore[arg-type]  # not bytes(5): five NULs


def test_inherited_constructors_check_too() -> None:
    """``bytes.fromhex`` on a subclass calls the subclass: the value is checked like any other."""
    assert UnixAbstractAddress.fromhex("006e616d65") == ABSTRACT
    assert type(UnixAbstractAddress.fromhex("006e616d65")) is UnixAbstractAddress
    with pytest.raises(ValueError, match="not an AF_UNIX abstract address"):
        UnixAbstractAddress.fromhex("2f78")
    with pytest.raises(OSError, match="abstract address of 109 bytes"):
        UnixAbstractAddress.fromhex("00" + "61" * 108)


def test_a_path_address_is_a_path(sock_dir: Path) -> None:
    address = UnixPathAddress(sock_dir / "file")
    assert os.fspath(address) == str(sock_dir / "file")
    assert Path(address) == sock_dir / "file"  # str() is the path: Path() gets the path
    assert pathlib.PurePosixPath(address).name == "file"
    with open(address, "w") as file:
        file.write("x")
    assert os.path.exists(address)
    os.unlink(address)
    assert not os.path.exists(sock_dir / "file")


def test_immutable() -> None:
    with pytest.raises(AttributeError, match="immutable"):
        PATH._sun_path = b"/elsewhere"
    with pytest.raises(AttributeError, match="immutable"):
        del PATH._sun_path
    with pytest.raises(AttributeError):
        PATH.path = "/elsewhere"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        ABSTRACT.extra = 1  # type: ignore[attr-defined]
    assert PATH == "/run/x.sock" and PATH.sun_path == b"/run/x.sock"


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
@pytest.mark.parametrize(
    "address", [PATH, ABSTRACT, UNNAMED, UNDECODABLE, from_sun_path(b"/" + b"p" * 107)],
    ids=[*KIND_IDS, "108-byte-path-from-the-kernel"])
def test_pickles_and_copies_to_an_equal_address(address: UnixAddress, protocol: int) -> None:
    clones = [pickle.loads(pickle.dumps(address, protocol)), copy.copy(address), copy.deepcopy(address)]
    for clone in clones:
        assert clone == address
        assert type(clone) is type(address)
        assert clone.sun_path == address.sun_path
    assert pickle.loads(pickle.dumps(UNNAMED, protocol)) is UNNAMED
    plain = pickle.loads(pickle.dumps(address.stdlib, protocol))  # for a process without famsock
    assert type(plain) in (str, bytes) and plain == address


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


@ALLOW_BYTES_WARNING
@pytest.mark.parametrize(("value", "text"), TEXT_FORMS)
def test_text_form(value: str | bytes, text: str) -> None:
    address = UnixAddress(value)
    assert famsock.address_to_text(address) == text
    assert str(address) != text  # str() stays the stdlib's
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
        assert famsock.address_from_text(famsock.address_to_text(address)).sun_path == value, value


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


def test_plain_values_have_no_text_form() -> None:
    with pytest.raises(TypeError, match="str is not the address type of any famsock family"):
        famsock.address_to_text("/run/x.sock")


def test_only_a_path_binds_a_file(tmp_path: Path) -> None:
    # what famsock relay removes when it stops (Family.bound_file)
    family, spec = famsock.family("unix"), SocketSpec(famsock.AF_UNIX)
    path = str(tmp_path / "s.sock")
    assert family.bound_file is not None
    assert family.bound_file(family.parse(path, spec)) == path
    assert type(family.bound_file(family.parse(path, spec))) is str
    assert family.bound_file(family.parse(b"\0abstract", spec)) is None
    assert family.bound_file(family.parse("", spec)) is None
