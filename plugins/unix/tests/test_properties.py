"""Properties of the AF_UNIX codec over generated values and bytes (hypothesis).

The properties every family has (parse raises only the stdlib's types, naming AF_UNIX; decode
only ValueError; every address is the stdlib's value and survives its bytes, its text form,
pickling and copying) come from :class:`famsock.testing.properties.FamilyProperties`. Here,
what is AF_UNIX's own:

- ``parse`` accepts what the stdlib's C code accepts (a stdlib socket's ``connect`` for paths,
  ``bind`` for abstract names), but for its documented differences: a NUL inside a path is
  refused, an ``os.PathLike`` is taken; a path parses alike as str, bytes and path-like;
- ``decode`` reads the kernel's bytes as the stdlib reads them, for names a C program binds
  (a 108-byte path without a NUL included), and a 108-byte path is never sent.

Lengths cluster around sun_path's limits: 107 bytes of path, 108 of abstract name (its NUL
included), 108 of a path a C program bound without a NUL.
"""

from __future__ import annotations

import ctypes
import os
import socket as stdlib
import sys
import tempfile
from typing import Any

from famsock_unix import UnixAddress, UnixPathAddress
from famsock_unix._address import MAX_PATH, parse
from famsock_unix._codec import decode
from hypothesis import given, settings, strategies as st

from famsock.contract import SocketSpec
from famsock.testing import strategies as fst
from famsock.testing.compare import kernel_sockname, outcome, plain
from famsock.testing.properties import FamilyProperties

SPEC = SocketSpec(stdlib.AF_UNIX, stdlib.SOCK_DGRAM, 0)
FAMILY = stdlib.AF_UNIX.to_bytes(2, sys.byteorder)
SUN_PATH = 108

# -- strategies -----------------------------------------------------------------------------------

lengths = st.one_of(st.integers(0, SUN_PATH + 4), st.integers(SUN_PATH - 3, SUN_PATH + 2))
path_bytes = st.one_of(
    fst.byte_strings(max_size=SUN_PATH + 4),
    st.builds(lambda size, fill: (fill * size)[:size], lengths, st.binary(min_size=1, max_size=3)),
)
path_texts = st.one_of(
    fst.texts(max_size=SUN_PATH + 4),
    st.builds(lambda size, fill: (fill * size)[:size], lengths, fst.texts(min_size=1, max_size=3)),
)
abstract_names = path_bytes.map(lambda name: b"\0" + name)
any_values = st.one_of(
    path_texts,
    path_bytes,
    abstract_names,
    abstract_names.map(lambda name: name.decode("utf-8", "surrogateescape")),
    fst.bytes_likes(st.one_of(path_bytes, abstract_names)),
    fst.path_likes(path_texts, path_bytes),
    fst.user_values(),
)
# what bind() takes: no NUL in a path, 107 bytes at most; 108 for an abstract name, its NUL included
valid_paths = st.one_of(fst.byte_strings(min_size=1, max_size=SUN_PATH - 1),
                        st.binary(min_size=1, max_size=SUN_PATH - 1)).map(
    lambda path: path.replace(b"\0", b"x").lstrip(b"\0") or b"x")
valid_values = st.one_of(
    valid_paths,
    valid_paths.map(os.fsdecode),
    valid_paths.map(lambda path: fst.PathLikeValue(os.fsdecode(path))),
    st.binary(max_size=SUN_PATH - 1).map(lambda name: b"\0" + name),
    st.just(""),
)


def sockaddr_un(sun_path: bytes) -> bytes:
    return FAMILY + sun_path


# sockaddr_un bytes of every length the kernel may report (2 to 111), paths with and without
# their NUL (and bytes after it), abstract names (FamilyProperties adds other families and
# lengths for decode)
reported = st.one_of(
    st.binary(max_size=SUN_PATH).map(sockaddr_un),
    st.binary(max_size=SUN_PATH - 1).map(lambda name: sockaddr_un(b"\0" + name)),
    valid_paths.map(lambda path: sockaddr_un(path + b"\0")),
    st.builds(lambda path, rest: sockaddr_un((path + b"\0" + rest)[: SUN_PATH + 1]), valid_paths,
              st.binary()),
    st.binary(min_size=SUN_PATH, max_size=SUN_PATH).map(lambda path: sockaddr_un(path.replace(b"\0", b"y")
                                                                                  + b"\0")),
)


def decodable(data: bytes) -> bool:
    try:
        decode(data, SPEC)
    except ValueError:
        return False
    return True


parsed_addresses = valid_values.map(lambda value: parse(value, SPEC))


def stdlib_form(data: bytes) -> str | bytes:
    """What the stdlib's makesockaddr() returns for sockaddr_un bytes on Linux: an abstract name
    whole as bytes, a path up to its first NUL decoded with os.fsdecode, ``''`` for no name."""
    sun_path = data[2:]
    if sun_path[:1] == b"\0":
        return sun_path
    return os.fsdecode(sun_path.partition(b"\0")[0])


class TestProperties(FamilyProperties):
    family_name = "unix"
    sockaddrs = reported.filter(decodable)
    values = valid_values
    user_values = any_values
    parse_errors = (TypeError, OverflowError, ValueError, OSError, BufferError)  # as the stdlib's

    def stdlib_form(self, data: bytes) -> str | bytes:
        return stdlib_form(data)

    def encode_refusal(self, address: Any) -> type[BaseException] | None:
        """A 108-byte path (a C program may bind one; the kernel reports it) has no room for its
        NUL: never sent, as the stdlib never sends it."""
        return OSError if isinstance(address, UnixPathAddress) and len(address.sun_path) > MAX_PATH else None


# -- parse ----------------------------------------------------------------------------------------


def stdlib_verdict(value: Any) -> tuple[str, Any]:
    """What the stdlib's C code makes of a value: ``("refused", exception type)`` when its
    argument parsing refuses it, else ``("kernel", errno)``, or for an abstract name (bound, as
    binding one creates no file) ``("bound", getsockname())``. Paths are only connected to."""
    with stdlib.socket(stdlib.AF_UNIX, stdlib.SOCK_DGRAM) as sock:
        try:
            is_abstract = famsock_bytes(value)[:1] == b"\0"
            (sock.bind if is_abstract else sock.connect)(value)
        except OSError as exc:
            if exc.errno is None:
                return "refused", type(exc)
            return "kernel", exc.errno
        except Exception as exc:
            return "refused", type(exc)
        return ("bound", sock.getsockname()) if is_abstract else ("kernel", 0)


def famsock_bytes(value: Any) -> bytes:
    """The bytes a value stands for, or b'' when it stands for none."""
    try:
        return bytes(parse(value, SPEC).sun_path)
    except Exception:
        return b""


def has_inner_nul(value: Any) -> bool:
    """A path with a NUL after its first byte: the stdlib uses the part before the NUL,
    famsock refuses (ValueError)."""
    try:
        data = os.fsencode(value) if isinstance(value, (str, os.PathLike)) else memoryview(value).tobytes()
    except Exception:
        return False
    return data[:1] != b"\0" and b"\0" in data


@settings(max_examples=fst.examples(300))
@given(any_values)
def test_parse_accepts_what_the_stdlib_accepts(value: Any) -> None:
    ours = outcome(parse, value, SPEC)
    if isinstance(value, os.PathLike):  # famsock takes os.PathLike, the stdlib its str or bytes
        fspath = outcome(os.fspath, value)
        if fspath.raised:
            assert ours[:2] == fspath[:2]
            return
        value = fspath[1]
        if ours[:2] == ("raised", ValueError) and value[:1] in ("\0", b"\0"):
            return  # a path-like is a filesystem path, never an abstract name (as for os.stat())
    verdict, detail = stdlib_verdict(value)
    if ours[:2] == ("raised", ValueError) and has_inner_nul(value):
        return
    if verdict == "refused":
        assert ours[:2] == ("raised", detail)
        return
    assert not ours.raised, f"the stdlib accepts {value!r}, famsock raised {ours.value}"
    if verdict == "bound":
        assert ours.value == detail


# -- decode ---------------------------------------------------------------------------------------


_libc = ctypes.CDLL(None, use_errno=True)


def bind_like_c(sock: stdlib.socket, sun_path: bytes) -> None:
    """bind() as a C program may: a path without its NUL (the stdlib cannot bind 108 bytes)."""
    data = FAMILY + sun_path
    if _libc.bind(sock.fileno(), data, len(data)) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))


def path_in(directory: str, size: int, fill: bytes) -> bytes:
    """A path of ``size`` bytes (or the shortest there can be) under ``directory``."""
    where = os.fsencode(directory) + b"/"
    return (where + fill * SUN_PATH)[:max(size, len(where) + 1)]


# names to bind: abstract ones, paths by their length (up to 108: no room for a NUL), none
kernel_names = st.one_of(
    st.binary(max_size=SUN_PATH - 1).map(lambda name: ("abstract", b"\0" + name)),
    st.tuples(st.integers(1, SUN_PATH), st.sampled_from([b"s", b"\xff", b"\xc3\xa9", b"%", b"\n"])).map(
        lambda size_fill: ("path", size_fill)),
    st.just(("unbound", b"")),
)


@settings(max_examples=fst.examples(60))
@given(kernel_names)
def test_decode_reads_kernel_addresses_as_the_stdlib(name: tuple[str, Any]) -> None:
    """A stdlib socket bound (as a C program binds) to an abstract name, to a path of up to 108
    bytes, or not bound: decoding the bytes the kernel reports gives its getsockname()."""
    kind, detail = name
    with tempfile.TemporaryDirectory(dir="/tmp", prefix="fp") as directory, \
            stdlib.socket(stdlib.AF_UNIX, stdlib.SOCK_DGRAM) as sock:
        if kind == "abstract":
            bind_like_c(sock, detail)
        elif kind == "path":
            bind_like_c(sock, path_in(directory, *detail))
        assert decode(kernel_sockname(sock), SPEC) == sock.getsockname()


# -- every address --------------------------------------------------------------------------------


@given(st.one_of(reported.filter(decodable).map(lambda data: decode(data, SPEC)), parsed_addresses))
def test_the_stdlib_attribute_is_the_plain_value(address: UnixAddress) -> None:
    assert address.stdlib == plain(address)
    assert type(address.stdlib) is type(plain(address))


@given(valid_paths)
def test_paths_parse_alike_as_str_bytes_and_path_likes(path: bytes) -> None:
    address = parse(path, SPEC)
    assert type(address) is UnixPathAddress
    assert parse(os.fsdecode(path), SPEC) == address
    assert parse(fst.PathLikeValue(path), SPEC) == address
    assert os.fspath(address) == os.fsdecode(path)
