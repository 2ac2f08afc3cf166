"""Bad AF_UNIX inputs: the stdlib's exception type, a clear message, and nothing on disk.

Each input is tried on a famsock socket, on both syscall paths, through every address-taking
method, and (where the stdlib rejects it) on a stdlib socket given the same input. A NUL inside
a path is the exception: the stdlib binds the part before it, famsock refuses it (ValueError,
as ``os.stat()`` and every other path-taking function of the stdlib do).
"""

from __future__ import annotations

import os
import socket as stdlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import famsock
from famsock.testing import raised_by

Call = Callable[[Any, Any], Any]
METHODS: dict[str, Call] = {
    "bind": lambda s, a: s.bind(a),
    "connect": lambda s, a: s.connect(a),
    "connect_ex": lambda s, a: s.connect_ex(a),
    "sendto": lambda s, a: s.sendto(b"x", a),
    "sendto-flags": lambda s, a: s.sendto(b"x", 0, a),
}


def _path_of(directory: Path, size: int) -> bytes:
    """A path of exactly ``size`` bytes inside ``directory``."""
    path = os.fsencode(directory) + b"/"
    return path + b"p" * (size - len(path))


@dataclass(frozen=True)
class Bad:
    make: Callable[[Path], Any]
    error: type[Exception]
    message: str
    stdlib_accepts: bool = False  # the stdlib's silent truncation: nothing to compare with


BAD = [
    pytest.param(Bad(lambda d: str(d / "cut\0tail"), ValueError, "must not contain a NUL byte (found at byte",
                     stdlib_accepts=True), id="nul-in-str-path"),
    pytest.param(Bad(lambda d: os.fsencode(d / "cut\0tail"), ValueError, "must not contain a NUL byte",
                     stdlib_accepts=True), id="nul-in-bytes-path"),
    pytest.param(Bad(lambda d: d / "cut\0tail", ValueError, "must not contain a NUL byte",
                     stdlib_accepts=True), id="nul-in-pathlike"),
    pytest.param(Bad(lambda d: bytearray(os.fsencode(d / "cut\0tail")), ValueError, "must not contain a NUL",
                     stdlib_accepts=True), id="nul-in-bytearray-path"),
    pytest.param(Bad(lambda d: os.fsdecode(_path_of(d, 108)), OSError,
                     "AF_UNIX path too long: 108 bytes, the limit is 107"), id="108-byte-str-path"),
    pytest.param(Bad(lambda d: _path_of(d, 108), OSError,
                     "AF_UNIX path too long: 108 bytes, the limit is 107"), id="108-byte-bytes-path"),
    pytest.param(Bad(lambda d: Path(os.fsdecode(_path_of(d, 108))), OSError,
                     "AF_UNIX path too long: 108 bytes"), id="108-byte-pathlike"),
    pytest.param(Bad(lambda d: os.fsdecode(_path_of(d, 300)), OSError,
                     "AF_UNIX path too long: 300 bytes, the limit is 107"), id="300-byte-path"),
    pytest.param(Bad(lambda d: b"\0" + b"a" * 108, OSError,
                     "AF_UNIX path too long: abstract address of 109 bytes, leading NUL included; "
                     "the limit is 108"), id="109-byte-abstract-bytes"),
    pytest.param(Bad(lambda d: "\0" + "a" * 108, OSError, "abstract address of 109 bytes"),
                 id="109-byte-abstract-str"),
    pytest.param(Bad(lambda d: 5, TypeError, "AF_UNIX address must be str, bytes or os.PathLike, not int: 5"),
                 id="int"),
    pytest.param(Bad(lambda d: None, TypeError, "must be str, bytes or os.PathLike, not NoneType: None"),
                 id="none"),
    pytest.param(Bad(lambda d: (str(d / "s"),), TypeError, "not tuple: ('/"), id="tuple"),
    pytest.param(Bad(lambda d: [str(d / "s")], TypeError, "not list"), id="list"),
    pytest.param(Bad(lambda d: 1.5, TypeError, "not float"), id="float"),
    pytest.param(Bad(lambda d: str(d / "\ud800"), UnicodeEncodeError,
                     "surrogates not allowed in an AF_UNIX address"), id="lone-surrogate"),
]


def _for_stdlib(value: Any) -> Any:
    return os.fspath(value) if isinstance(value, os.PathLike) else value


def _error(make: Callable[..., Any], kind: int, method: Call, value: Any) -> Exception:
    with make(stdlib.AF_UNIX, kind) as sock:
        error = raised_by(method, sock, value)
    assert error is not None, f"{make.__module__}.socket took {value!r}"
    return error


@pytest.mark.parametrize("kind", [pytest.param(stdlib.SOCK_DGRAM, id="dgram"),
                                  pytest.param(stdlib.SOCK_STREAM, id="stream")])
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("bad", BAD)
def test_refused_with_the_stdlibs_type_and_nothing_on_disk(
    syscall_path: str, sock_dir: Path, bad: Bad, method: str, kind: int
) -> None:
    value = bad.make(sock_dir)
    ours = _error(famsock.socket, kind, METHODS[method], value)
    assert type(ours) is bad.error, ours
    assert bad.message in str(ours)
    assert os.listdir(sock_dir) == []
    if not bad.stdlib_accepts:
        expected = _error(stdlib.socket, kind, METHODS[method], _for_stdlib(value))
        assert type(ours) is type(expected), (ours, expected)
        assert os.listdir(sock_dir) == []


def test_the_stdlib_truncates_a_path_at_a_nul_and_famsock_refuses(syscall_path: str, sock_dir: Path) -> None:
    wanted = str(sock_dir / "cut\0tail")
    with stdlib.socket(stdlib.AF_UNIX, stdlib.SOCK_DGRAM) as theirs:
        theirs.bind(wanted)  # no error ...
        assert theirs.getsockname() == str(sock_dir / "cut")  # ... but another name
    assert os.listdir(sock_dir) == ["cut"]
    os.unlink(sock_dir / "cut")
    with famsock.socket(famsock.AF_UNIX, famsock.SOCK_DGRAM) as ours:
        with pytest.raises(ValueError, match="AF_UNIX path must not contain a NUL byte") as caught:
            ours.bind(wanted)
        assert repr(wanted) in str(caught.value)
        assert os.listdir(sock_dir) == []
        ours.bind(sock_dir / "after")  # the failed bind left the socket usable
        assert ours.getsockname() == str(sock_dir / "after")


def test_the_stdlibs_own_limits(sock_dir: Path) -> None:
    """What famsock's limits mirror: a path of 107 bytes and an abstract address of 108 fit."""
    with stdlib.socket(stdlib.AF_UNIX, stdlib.SOCK_DGRAM) as theirs:
        theirs.bind(_path_of(sock_dir, 107))
    for value in (_path_of(sock_dir, 108), b"\0" + b"a" * 108):
        with stdlib.socket(stdlib.AF_UNIX, stdlib.SOCK_DGRAM) as theirs, pytest.raises(OSError) as caught:
            theirs.bind(value)
        assert str(caught.value) == "AF_UNIX path too long"
        assert caught.value.errno is None  # a bare OSError(message), which famsock's are too
    with famsock.socket(famsock.AF_UNIX, famsock.SOCK_DGRAM) as ours, pytest.raises(OSError) as caught:
        ours.bind(_path_of(sock_dir, 108))
    assert type(caught.value) is OSError and caught.value.errno is None
