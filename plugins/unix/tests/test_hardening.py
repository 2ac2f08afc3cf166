"""The 108-byte path only the kernel reports, buffers the stdlib refuses, and checked copies.

A path has 107 bytes and its terminating NUL; a C program may bind all 108 bytes of sun_path
without one, and the kernel then reports it. famsock decodes it and reads its text form back
(every address famsock returns round-trips), but neither path binds, connects or sends to it: the
raw path's ``encode`` refuses it with the limit named, the native path hands the address (the
stdlib's own ``str``) to the interpreter, which refuses it as it refuses the stdlib's value.
"""

from __future__ import annotations

import copy
import os
import pickle
import socket as stdlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from famsock_unix import UnixAddress, UnixPathAddress

import famsock

_FAMILY = famsock.AF_UNIX.to_bytes(2, sys.byteorder)
_TOO_LONG = "AF_UNIX path too long: 108 bytes, the limit is 107"

Call = Callable[[Any, Any], Any]
BindLikeC = Callable[[stdlib.socket, bytes], None]
_METHODS: dict[str, Call] = {
    "bind": lambda s, a: s.bind(a),
    "connect": lambda s, a: s.connect(a),
    "connect_ex": lambda s, a: s.connect_ex(a),
    "sendto": lambda s, a: s.sendto(b"x", a),
    "sendto-flags": lambda s, a: s.sendto(b"x", 0, a),
    "sendmsg": lambda s, a: s.sendmsg([b"x"], [], 0, a),
}


def _path_108(directory: Path) -> bytes:
    path = os.fsencode(directory) + b"/"
    return path + b"p" * (108 - len(path))


@pytest.mark.parametrize("method", _METHODS)
def test_a_108_byte_path_is_refused_on_both_paths(syscall_path: str, sock_dir: Path, method: str,
                                                  bind_like_c: BindLikeC) -> None:
    path = _path_108(sock_dir)
    with stdlib.socket(stdlib.AF_UNIX, stdlib.SOCK_DGRAM) as theirs, \
            famsock.socket(fileno=os.dup(theirs.fileno())) as view:
        bind_like_c(theirs, path)
        theirs.setblocking(False)
        reported = view.getsockname()  # decode (raw) or from_native (native)
        decoded = famsock.decode(_FAMILY + path + b"\0")  # the kernel's 111 bytes
        assert reported == decoded == theirs.getsockname() == os.fsdecode(path)
        assert type(reported) is type(decoded) is UnixPathAddress
        with stdlib.socket(stdlib.AF_UNIX, stdlib.SOCK_DGRAM) as client, \
                pytest.raises(OSError, match=r"^AF_UNIX path too long$"):
            _METHODS[method](client, theirs.getsockname())
        refusal = _TOO_LONG if syscall_path == "raw" else r"^AF_UNIX path too long$"  # the interpreter's
        for address in (reported, decoded):
            with famsock.socket(famsock.AF_UNIX, famsock.SOCK_DGRAM) as client, \
                    pytest.raises(OSError, match=refusal) as caught:
                _METHODS[method](client, address)
            assert type(caught.value) is OSError
            assert caught.value.errno is None  # as the stdlib's: not a kernel error
        with pytest.raises(BlockingIOError):
            theirs.recv(10)  # nothing reached it


def test_the_public_codec_decodes_but_does_not_encode_a_108_byte_path() -> None:
    path = b"/" + b"p" * 107
    address = famsock.decode(_FAMILY + path + b"\0")
    assert address.sun_path == path
    assert famsock.decode(_FAMILY + path) == address  # the BSD SUN_LEN() length, no NUL
    with pytest.raises(OSError, match=_TOO_LONG):
        famsock.encode(address)
    abstract = famsock.decode(_FAMILY + b"\0" + b"a" * 107)  # all 108 bytes: fine for a name
    assert famsock.decode(famsock.encode(abstract)) == abstract


@pytest.mark.parametrize("path", [b"/" + b"p" * 107, b"@" + b"\xff" * 107, b"%" * 108, b"p" * 108],
                         ids=["slash", "at-and-undecodable", "percents", "relative"])
def test_a_108_byte_path_round_trips_through_its_text_form(path: bytes) -> None:
    address = famsock.decode(_FAMILY + path + b"\0")
    again = famsock.address_from_text(famsock.address_to_text(address))
    assert again == address
    assert type(again) is UnixPathAddress and again.sun_path == path


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ("unix:/" + "p" * 108, OSError, "AF_UNIX path too long: 109 bytes, the limit is 108"),
        ("unix:/" + "p" * 106 + "%00", ValueError, "must not contain a NUL byte"),
        ("unix:@" + "a" * 108, OSError, "abstract address of 109 bytes"),
    ],
    ids=["path-109", "path-108-with-nul", "abstract-109"],
)
def test_text_forms_longer_than_sun_path_are_refused(text: str, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        famsock.address_from_text(text)


def test_user_values_keep_the_107_byte_limit() -> None:
    path = b"/" + b"p" * 107
    values: list[Any] = [path, os.fsdecode(path), Path(os.fsdecode(path)), bytearray(path)]
    for value in values:
        with pytest.raises(OSError, match=_TOO_LONG):
            famsock.parse_address("unix", value)
        with pytest.raises(OSError, match=_TOO_LONG):
            UnixAddress(value)


_NON_CONTIGUOUS = [memoryview(b"/tmp/xx" * 2)[::2], memoryview(b"\0abcdef")[::2],
                   memoryview(bytearray(b"/tmp/yy" * 2))[::-1]]


@pytest.mark.parametrize("method", _METHODS)
@pytest.mark.parametrize("value", _NON_CONTIGUOUS, ids=["path", "abstract", "reversed"])
def test_a_non_contiguous_buffer_is_a_buffer_error_as_in_the_stdlib(syscall_path: str, method: str,
                                                                   value: memoryview) -> None:
    with stdlib.socket(stdlib.AF_UNIX, stdlib.SOCK_DGRAM) as theirs, pytest.raises(BufferError):
        _METHODS[method](theirs, value)
    with famsock.socket(famsock.AF_UNIX, famsock.SOCK_DGRAM) as ours, \
            pytest.raises(BufferError, match="AF_UNIX address must be a contiguous buffer"):
        _METHODS[method](ours, value)


def test_contiguous_buffers_of_any_shape_are_taken_as_the_stdlib_takes_them() -> None:
    name = b"\0famsock-shape-" + os.urandom(4).hex().encode()
    for value in (memoryview(name).cast("B", (1, len(name))), memoryview(name)[:],
                  memoryview(b"xx" + name)[2:]):
        assert famsock.parse_address("unix", value) == name


def _pickled(protocol: int) -> Callable[[UnixAddress], Any]:
    return lambda address: pickle.loads(pickle.dumps(address, protocol))


_CLONES: dict[str, Callable[[UnixAddress], Any]] = {
    **{f"pickle-{protocol}": _pickled(protocol) for protocol in range(pickle.HIGHEST_PROTOCOL + 1)},
    "copy": copy.copy,
    "deepcopy": copy.deepcopy,
}


@pytest.mark.parametrize("clone", _CLONES)
@pytest.mark.parametrize("sun_path", [b"/" + b"p" * 107, b"/tmp/\xff", b"\0" + b"\0" * 107, b"\0", b""],
                         ids=["path-108", "undecodable", "abstract-108", "empty-abstract", "unnamed"])
def test_decoded_addresses_copy_and_pickle(sun_path: bytes, clone: str) -> None:
    address = famsock.decode(_FAMILY + sun_path)
    copied = _CLONES[clone](address)
    assert copied == address
    assert type(copied) is type(address)
    assert copied.sun_path == address.sun_path


class _Tampered:
    """Pickles as ``address`` would, with other ``sun_path`` bytes: an edited pickle."""

    def __init__(self, address: UnixAddress, sun_path: bytes) -> None:
        self.address = address
        self.sun_path = sun_path

    def __reduce__(self) -> tuple[Any, tuple[bytes]]:
        rebuild, _ = self.address.__reduce__()
        return rebuild, (self.sun_path,)


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
@pytest.mark.parametrize(
    ("sun_path", "error", "message"),
    [
        (b"/tmp\0b", ValueError, "must not contain a NUL byte"),
        (b"/tmp/" + b"x" * 104, OSError, "109 bytes, the limit is 108"),
        (b"\0" + b"a" * 108, OSError, "abstract address of 109 bytes"),
    ],
    ids=["nul-in-path", "path-109", "abstract-109"],
)
def test_an_edited_pickle_is_checked(sun_path: bytes, error: type[Exception], message: str,
                                     protocol: int) -> None:
    """What a pickle holds is checked as decode() checks the kernel's bytes."""
    data = pickle.dumps(_Tampered(UnixAddress("/tmp/ab"), sun_path), protocol)
    with pytest.raises(error, match=message):
        pickle.loads(data)


class _FsPath:
    """An ``os.PathLike`` that is not a ``pathlib`` path: ``__fspath__`` gives what it was given."""

    def __init__(self, path: str | bytes) -> None:
        self.path = path

    def __fspath__(self) -> str | bytes:
        return self.path


@pytest.mark.parametrize("method", _METHODS)
@pytest.mark.parametrize("make", [Path, _FsPath, lambda name: _FsPath(os.fsencode(name))],
                         ids=["pathlib", "str-fspath", "bytes-fspath"])
def test_an_os_pathlike_is_a_filesystem_path_never_an_abstract_name(syscall_path: str, method: str,
                                                                    make: Callable[[str], Any]) -> None:
    """An ``os.PathLike`` with a leading NUL is refused as one with a NUL inside (``os.stat`` does
    the same): it must not bind or reach the abstract name after the NUL."""
    name = f"famsock-pathlike-{os.urandom(4).hex()}"
    with stdlib.socket(stdlib.AF_UNIX, stdlib.SOCK_DGRAM) as server:
        server.bind(b"\0" + name.encode())
        server.setblocking(False)
        with famsock.socket(famsock.AF_UNIX, famsock.SOCK_DGRAM) as ours, \
                pytest.raises(ValueError, match="must not contain a NUL byte \\(found at byte 0"):
            _METHODS[method](ours, make("\0" + name))
        with pytest.raises(BlockingIOError):
            server.recv(10)
    with pytest.raises(ValueError, match="must not contain a NUL byte"):
        UnixAddress(make("\0" + name))


@pytest.mark.parametrize("method", _METHODS)
@pytest.mark.parametrize("returned", [None, 5, bytearray(b"/tmp/x")], ids=["none", "int", "bytearray"])
def test_a_broken_fspath_is_a_type_error_naming_the_family(syscall_path: str, method: str,
                                                          returned: Any) -> None:
    """The stdlib refuses every os.PathLike (TypeError); famsock takes them, and says which
    address was wrong when ``__fspath__`` returns neither str nor bytes."""
    value = _FsPath(returned)
    with stdlib.socket(stdlib.AF_UNIX, stdlib.SOCK_DGRAM) as theirs, pytest.raises(TypeError):
        _METHODS[method](theirs, value)
    with famsock.socket(famsock.AF_UNIX, famsock.SOCK_DGRAM) as ours, \
            pytest.raises(TypeError, match=r"^AF_UNIX address .*__fspath__\(\) to return str or bytes"):
        _METHODS[method](ours, value)
