"""The typed AF_UNIX addresses and the parsing of user values into them.

An AF_UNIX address is one of three kinds, each its own class under :class:`UnixAddress`:

- :class:`UnixPathAddress`: a filesystem path; the stdlib's form is ``str`` (``os.fsdecode``
  of the bytes); it is ``os.PathLike``, so ``os.unlink(address)`` and ``Path(address)`` work.
- :class:`UnixAbstractAddress`: a Linux abstract name, ``sun_path`` starting with NUL; the
  stdlib's form is those ``bytes``, leading NUL included.
- :class:`UnixUnnamedAddress`: no name (an unbound socket; ``bind()`` of it autobinds); the
  stdlib's form is ``''``.

They are values, not ``str``/``bytes`` subclasses: ``str()`` must be the text form
(``unix:/run/x.sock``), and a ``str`` subclass with that ``__str__`` leaks it wherever Python
turns a string into text (``Path(address)``, f-strings). README.md weighs the choice.

Limits (Linux ``sun_path`` is 108 bytes): a path takes at most 107 bytes plus its terminating
NUL; an abstract address all 108, its leading NUL included. Longer is ``OSError``, as in the
stdlib. A NUL inside a path is ``ValueError`` (the stdlib silently binds the part before it).
A C program may bind a 108-byte path without a NUL, which the kernel then reports: such an
address decodes, prints, reads back from its text form, copies and pickles, but is never sent
(``encode`` and ``to_native`` refuse it as ``parse`` refuses a 108-byte user value).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn, TypeAlias, TypeVar

from famsock.contract import SocketSpec

from ._text import escape, unescape

__all__ = [
    "MAX_ABSTRACT",
    "MAX_PATH",
    "SUN_PATH_SIZE",
    "UNNAMED",
    "UnixAbstractAddress",
    "UnixAddress",
    "UnixPathAddress",
    "UnixUnnamedAddress",
    "from_reported",
    "from_sun_path",
    "from_text",
    "parse",
    "path_too_long",
]

SUN_PATH_SIZE = 108  # sizeof(((struct sockaddr_un *)0)->sun_path) on Linux
MAX_PATH = SUN_PATH_SIZE - 1  # room for the terminating NUL
MAX_ABSTRACT = SUN_PATH_SIZE  # the leading NUL and up to 107 bytes of name
_CACHE_LIMIT = 512

#: What ``bind()`` and the other address methods take for AF_UNIX (bytes-like values too).
UnixAddressLike: TypeAlias = "str | bytes | os.PathLike[str] | os.PathLike[bytes] | UnixAddress"
_setattr = object.__setattr__


class UnixAddress:
    """An AF_UNIX socket address: equal to, hashed and indexed like the stdlib's form.

    ``UnixAddress(value)`` accepts what ``bind()`` does (``str``, ``bytes``, ``os.PathLike``)
    and returns the instance of the right kind. ``str()`` gives the text form (``unix:/path``,
    ``unix:@name``, ``unix:``); ``stdlib`` the stdlib's own value; ``sun_path`` the bytes the
    address puts in ``struct sockaddr_un`` (without a path's terminating NUL).
    """

    __slots__ = ("_hash", "_stdlib", "_sun_path")
    #: ``"path"``, ``"abstract"`` or ``"unnamed"``.
    kind: ClassVar[str] = ""
    _sun_path: bytes
    _stdlib: str | bytes
    _hash: int

    def __new__(cls, value: UnixAddressLike) -> UnixAddress:
        return parse(value)

    @property
    def sun_path(self) -> bytes:
        return self._sun_path

    @property
    def stdlib(self) -> str | bytes:
        """What the stdlib's ``getsockname()`` returns for this address."""
        return self._stdlib

    @property
    def path(self) -> str | None:
        """The filesystem path, or ``None`` for an abstract or unnamed address."""
        return None

    @property
    def name(self) -> bytes | None:
        """The abstract name after its leading NUL, or ``None`` for the other kinds."""
        return None

    if not TYPE_CHECKING:  # hidden from mypy, which would accept any assignment if it saw them

        def __setattr__(self, name: str, value: object) -> NoReturn:
            raise AttributeError(f"{type(self).__name__} is immutable")

        def __delattr__(self, name: str) -> NoReturn:
            raise AttributeError(f"{type(self).__name__} is immutable")

    def __eq__(self, other: object) -> bool:
        if isinstance(other, UnixAddress):
            return self._sun_path == other._sun_path
        # str and bytes never compare equal: comparing them would warn under `python -b`
        if isinstance(other, str):
            return type(self._stdlib) is str and self._stdlib == other
        if isinstance(other, (bytes, bytearray)):
            return type(self._stdlib) is bytes and self._stdlib == other
        return NotImplemented

    def __hash__(self) -> int:
        return self._hash

    # Sequence access as the stdlib's str or bytes: asyncio (3.13) tells abstract from
    # filesystem addresses by `path[0] not in (0, '\x00')`; `if address:` tests for a name.
    def __len__(self) -> int:
        return len(self._stdlib)

    def __getitem__(self, index: Any) -> Any:
        return self._stdlib[index]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._stdlib)

    def __contains__(self, item: Any) -> bool:
        return item in self._stdlib

    def __str__(self) -> str:
        return "unix:"

    def __buffer__(self, flags: int) -> memoryview:
        """The ``sun_path`` bytes (PEP 688, Python 3.12+): the stdlib takes any bytes-like value
        as an AF_UNIX address, so stdlib sockets and ``sendmsg()`` accept typed addresses there."""
        return memoryview(self._sun_path)

    def __reduce__(self) -> tuple[Any, tuple[bytes]]:
        return from_reported, (self._sun_path,)  # not the constructor: kernel names may be longer


_A = TypeVar("_A", bound=UnixAddress)


def _make(cls: type[_A], sun_path: bytes, stdlib: str | bytes) -> _A:
    address = object.__new__(cls)
    _setattr(address, "_sun_path", sun_path)
    _setattr(address, "_stdlib", stdlib)
    _setattr(address, "_hash", hash(stdlib))
    return address


class UnixPathAddress(UnixAddress):
    """A filesystem AF_UNIX address; ``os.fspath()`` of it is the path (the stdlib's ``str``)."""

    __slots__ = ()
    kind = "path"
    _stdlib: str

    def __new__(cls, path: UnixAddressLike) -> UnixPathAddress:
        address = parse(path)
        if not isinstance(address, UnixPathAddress):
            raise ValueError(f"not an AF_UNIX filesystem path: {_shorten(path)} "
                             f"(that is an {address.kind} address)")
        return address

    @property
    def path(self) -> str:
        return self._stdlib

    def __fspath__(self) -> str:
        return self._stdlib

    def __str__(self) -> str:
        text = escape(self._sun_path)
        return "unix:" + ("%40" + text[1:] if text.startswith("@") else text)

    def __repr__(self) -> str:
        return f"UnixPathAddress({self._stdlib!r})"


class UnixAbstractAddress(UnixAddress):
    """A Linux abstract AF_UNIX address: no file, gone with its socket. Equal to the stdlib's
    ``bytes``, leading NUL included; ``name`` is what follows the NUL.

    ``UnixAbstractAddress(name)`` takes the name *without* the leading NUL (``str`` names are
    encoded as the stdlib does, ``os.fsencode``).
    """

    __slots__ = ()
    kind = "abstract"
    _stdlib: bytes

    def __new__(cls, name: str | bytes) -> UnixAbstractAddress:
        if not isinstance(name, (str, bytes)):
            raise TypeError(f"an AF_UNIX abstract name must be str or bytes, not {type(name).__name__}: "
                            f"{_shorten(name)}")
        address = parse(b"\0" + os.fsencode(name))
        assert isinstance(address, UnixAbstractAddress)
        return address

    @property
    def name(self) -> bytes:
        return self._sun_path[1:]

    def __str__(self) -> str:
        return "unix:@" + escape(self._sun_path[1:])

    def __repr__(self) -> str:
        return f"UnixAbstractAddress({self._sun_path[1:]!r})"


class UnixUnnamedAddress(UnixAddress):
    """No address: an unbound socket's name, or its peer's; ``bind()`` of it autobinds to an
    abstract name the kernel chooses. Equal to the stdlib's ``''``; there is one instance."""

    __slots__ = ()
    kind = "unnamed"
    _stdlib: str

    def __new__(cls) -> UnixUnnamedAddress:
        return UNNAMED

    def __repr__(self) -> str:
        return "UnixUnnamedAddress()"


UNNAMED = _make(UnixUnnamedAddress, b"", "")


def from_sun_path(sun_path: bytes) -> UnixAddress:
    """The address for the significant ``sun_path`` bytes (no terminator), unchecked: for bytes
    the kernel, the stdlib or :func:`parse` produced. Paths may be 108 bytes here (the kernel
    lets C programs bind such an unterminated path). :func:`from_reported` checks."""
    if not sun_path:
        return UNNAMED
    if sun_path[0] == 0:
        return _make(UnixAbstractAddress, sun_path, sun_path)
    return _make(UnixPathAddress, sun_path, os.fsdecode(sun_path))


def from_reported(sun_path: bytes) -> UnixAddress:
    """The address for ``sun_path`` bytes the kernel could report, checked: what pickles and
    the text form hold. As :func:`parse`, but a path may have 108 bytes (no room for its NUL)."""
    data = bytes(sun_path)
    if data[:1] == b"\0" or len(data) <= MAX_PATH:
        return _parse(data, data)  # abstract, unnamed, or a path parse() takes
    _check_no_nul(data, data)
    if len(data) > SUN_PATH_SIZE:
        raise OSError(f"AF_UNIX path too long: {len(data)} bytes, the limit is {SUN_PATH_SIZE} (all of "
                      f"sun_path: a path the kernel reports; {MAX_PATH} to bind): {_shorten(data)}")
    return from_sun_path(data)


_str_cache: dict[str, UnixAddress] = {}
_bytes_cache: dict[bytes, UnixAddress] = {}  # apart: str and bytes keys may share a hash


def parse(value: Any, spec: SocketSpec | None = None) -> UnixAddress:
    """A user value (``str``, bytes-like, ``os.PathLike`` or a ``UnixAddress``), checked."""
    kind = type(value)
    if kind is UnixAbstractAddress or kind is UnixUnnamedAddress:  # replies to recvfrom() senders
        return value  # type: ignore[no-any-return]
    if kind is str:
        hit = _str_cache.get(value)
    elif kind is bytes:
        hit = _bytes_cache.get(value)
    elif isinstance(value, UnixAddress):
        return value  # valid by construction, a 108-byte path the kernel reported included
    else:
        return _parse(_bytes_of(value), value)
    if hit is None:
        hit = _parse(_fsencode(value), value)
        cache: dict[Any, UnixAddress] = _str_cache if kind is str else _bytes_cache
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()  # a bound, not an LRU
        cache[value] = hit
    return hit


def _bytes_of(value: object) -> bytes:
    """The bytes of a text, path-like or bytes-like value (as the stdlib takes any buffer)."""
    if isinstance(value, str):
        return _fsencode(value)
    if isinstance(value, os.PathLike):
        path = _fsencode(value)
        if path[:1] == b"\0":  # a filesystem path, as for os.stat(): never an abstract name
            raise ValueError(f"AF_UNIX path must not contain a NUL byte (found at byte 0; an os.PathLike "
                             f"is a filesystem path: pass an abstract name as b'\\0name'): {_shorten(value)}")
        return path
    try:
        view = memoryview(value)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(f"AF_UNIX address must be str, bytes or os.PathLike, not {type(value).__name__}: "
                        f"{_shorten(value)}") from None
    with view:
        if not view.c_contiguous:  # the stdlib asks for a simple buffer, which these cannot give
            raise BufferError(f"AF_UNIX address must be a contiguous buffer, not a non-contiguous "
                              f"{type(value).__name__}: {_shorten(value)}")
        return view.tobytes()


def _fsencode(value: Any) -> bytes:
    """``os.fsencode``, as the stdlib encodes AF_UNIX addresses, saying what was being encoded."""
    try:
        return os.fsencode(value)
    except UnicodeEncodeError as exc:
        raise UnicodeEncodeError(exc.encoding, exc.object, exc.start, exc.end,
                                 f"{exc.reason} in an AF_UNIX address (encoded with os.fsencode, "
                                 "as the stdlib does)") from None
    except TypeError as exc:  # an os.PathLike whose __fspath__ returns neither str nor bytes
        raise TypeError(f"AF_UNIX address {_shorten(value)}: {exc}") from None


def _parse(data: bytes, shown: object) -> UnixAddress:
    if not data:
        return UNNAMED
    if data[0] == 0:
        if len(data) > MAX_ABSTRACT:
            raise OSError(f"AF_UNIX path too long: abstract address of {len(data)} bytes, leading NUL "
                          f"included; the limit is {MAX_ABSTRACT} (all of sun_path): {_shorten(shown)}")
        return from_sun_path(data)
    _check_no_nul(data, shown)
    if len(data) > MAX_PATH:
        path_too_long(data, shown)
    return from_sun_path(data)


def _check_no_nul(path: bytes, shown: object) -> None:
    nul = path.find(0)
    if nul >= 0:
        raise ValueError(f"AF_UNIX path must not contain a NUL byte (found at byte {nul}; the stdlib "
                         f"would silently use only the part before it): {_shorten(shown)}")


def path_too_long(data: bytes, shown: object) -> NoReturn:
    raise OSError(f"AF_UNIX path too long: {len(data)} bytes, the limit is {MAX_PATH} (sun_path holds "
                  f"{SUN_PATH_SIZE} bytes, the path's terminating NUL included): {_shorten(shown)}")


def from_text(text: str) -> UnixAddress:
    """The text after ``unix:``: ``/path`` or ``relative``, ``@name`` (abstract), or nothing
    (unnamed); bytes that are not printable UTF-8, ``%`` and a path's leading ``@`` as ``%XX``.
    Every address famsock returns reads back, a 108-byte path the kernel reported included."""
    if text.startswith("@"):
        return from_reported(b"\0" + unescape(text[1:]))
    data = unescape(text)
    if data.startswith(b"\0"):
        raise ValueError(f"unix address text {text!r} starts with a NUL: write an abstract name as @name")
    return from_reported(data)


def _shorten(value: object, limit: int = 80) -> str:
    shown = repr(value)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."
