"""The typed AF_UNIX addresses, which are the stdlib's own values, and the parsing of user values.

An AF_UNIX address is one of three kinds, each a subclass of the type the stdlib returns for it
that adds attributes and changes nothing else (``str()``, ``repr()``, ``format()``, ``==``,
``hash()``, JSON and every ``str``/``bytes`` method are the stdlib value's):

- :class:`UnixPathAddress`, a ``str``: a filesystem path, ``os.fsdecode`` of its bytes.
- :class:`UnixAbstractAddress`, a ``bytes``: a Linux abstract name, its leading NUL included.
- :class:`UnixUnnamedAddress`, a ``str`` equal to ``''``: no name (an unbound socket; ``bind()``
  of it autobinds). There is one instance, :data:`UNNAMED`.

:class:`UnixAddress`, a mixin base of the three, is the family's ``address_type``: one
``isinstance`` tells them all. The text form (``unix:/run/x.sock``, ``unix:@name``) is
:func:`to_text` / :func:`from_text`, reached through ``famsock.address_to_text`` and
``famsock.address_from_text``.

Every address is valid however it was built (constructors, pickles, copies, the text form).
Limits (Linux ``sun_path`` is 108 bytes): a path takes at most 107 bytes plus its terminating
NUL; an abstract address all 108, its leading NUL included. Longer is ``OSError``, as in the
stdlib. A NUL inside a path is ``ValueError`` (the stdlib silently binds the part before it).
A C program may bind a 108-byte path without a NUL, which the kernel then reports: such an
address decodes, reads back from its text form, copies and pickles, but no syscall path sends it.
"""

from __future__ import annotations

import os
import sys

from famsock.contract import SocketSpec, shorten

from ._text import escape, unescape

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: a first bind() imports no typing
if TYPE_CHECKING:
    from typing import Any, ClassVar, NoReturn, TypeAlias

if TYPE_CHECKING:
    from typing_extensions import Buffer

__all__ = [
    "MAX_ABSTRACT",
    "MAX_PATH",
    "SUN_PATH_SIZE",
    "UNNAMED",
    "AnyUnixAddress",
    "UnixAbstractAddress",
    "UnixAddress",
    "UnixPathAddress",
    "UnixUnnamedAddress",
    "from_reported",
    "from_stdlib_path",
    "from_sun_path",
    "from_text",
    "parse",
    "path_too_long",
    "to_text",
]

SUN_PATH_SIZE = 108  # sizeof(((struct sockaddr_un *)0)->sun_path) on Linux
MAX_PATH = SUN_PATH_SIZE - 1  # room for the terminating NUL
MAX_ABSTRACT = SUN_PATH_SIZE  # the leading NUL and up to 107 bytes of name
_CACHE_LIMIT = 512
# What os.fsencode()/os.fsdecode() use, called directly: they cost a Python frame each.
_ENCODING = sys.getfilesystemencoding()
_ERRORS = sys.getfilesystemencodeerrors()

#: What ``bind()`` and the other address methods take for AF_UNIX (bytes-like values too).
UnixAddressLike: TypeAlias = "str | Buffer | os.PathLike[str] | os.PathLike[bytes] | UnixAddress"


class UnixAddress:
    """An AF_UNIX socket address: the base of the three kinds, each the stdlib's own value.

    ``UnixAddress(value)`` accepts what ``bind()`` does (``str``, bytes-like, ``os.PathLike``)
    and returns the address of the right kind. Attributes: ``kind`` (``"path"``, ``"abstract"``
    or ``"unnamed"``), ``path``, ``name``, ``sun_path`` (the bytes in ``struct sockaddr_un``,
    without a path's terminating NUL) and ``stdlib`` (the same value as a plain ``str``/``bytes``).
    """

    __slots__ = ()
    kind: ClassVar[str] = ""

    def __new__(cls, value: UnixAddressLike) -> AnyUnixAddress:  # type: ignore[misc]  # a subclass's
        return parse(value)

    @property
    def path(self) -> str | None:
        """The filesystem path, or ``None`` for an abstract or unnamed address."""
        return None

    @property
    def name(self) -> bytes | None:
        """The abstract name after its leading NUL, or ``None`` for the other kinds."""
        return None

    @property
    def sun_path(self) -> bytes:
        """The ``sun_path`` bytes that matter (no terminating NUL; abstract: the leading one)."""
        return b""

    @property
    def stdlib(self) -> str | bytes:
        """The same value as the stdlib's exact type (``type(x) is str``), e.g. to pickle for a
        process without famsock."""
        return ""

    if not TYPE_CHECKING:  # hidden from mypy, which would accept any assignment if it saw them

        def __setattr__(self, name: str, value: object) -> NoReturn:
            raise AttributeError(f"{type(self).__name__} is immutable")

        def __delattr__(self, name: str) -> NoReturn:
            raise AttributeError(f"{type(self).__name__} is immutable")

    def __reduce__(self) -> tuple[Any, tuple[bytes]]:
        # Rebuilt checked, as the kernel's bytes are: not by the constructor, which keeps the
        # 107-byte limit of user values (a 108-byte path the kernel reported must unpickle).
        return from_reported, (self.sun_path,)


class UnixPathAddress(UnixAddress, str):
    """A filesystem AF_UNIX address: the stdlib's ``str`` (``os.fsdecode`` of its bytes).

    ``UnixPathAddress(path)`` takes ``str``, bytes-like or ``os.PathLike``; ``b'/tmp/x'`` gives
    ``'/tmp/x'``, as the stdlib reports it.
    """

    __slots__ = ("_sun_path",)
    kind = "path"
    _sun_path: bytes  # cached: the raw path encodes from it

    def __new__(cls, path: UnixAddressLike) -> UnixPathAddress:
        address = parse(path)
        if not isinstance(address, UnixPathAddress):
            raise ValueError(f"not an AF_UNIX filesystem path: {shorten(path)} "
                             f"(that is {_a(address)} address)")
        return address

    @property
    def path(self) -> str:
        return str(self)

    @property
    def sun_path(self) -> bytes:
        return self._sun_path

    @property
    def stdlib(self) -> str:
        return str(self)


class UnixAbstractAddress(UnixAddress, bytes):
    """A Linux abstract AF_UNIX address: no file, gone with its socket. The stdlib's ``bytes``,
    leading NUL included; ``name`` is what follows the NUL.

    ``UnixAbstractAddress(value)`` takes that value (``b'\\0name'``, or ``'\\0name'``, encoded as
    the stdlib does); :meth:`from_name` takes the name alone.
    """

    __slots__ = ()
    kind = "abstract"

    def __new__(cls, value: str | Buffer) -> UnixAbstractAddress:
        address = parse(value)
        if not isinstance(address, UnixAbstractAddress):
            raise ValueError(f"not an AF_UNIX abstract address: {shorten(value)} (that is "
                             f"{_a(address)} address; an abstract one starts with a NUL byte, "
                             "or use UnixAbstractAddress.from_name)")
        return address

    @classmethod
    def from_name(cls, name: str | bytes) -> UnixAbstractAddress:
        """The abstract address of ``name``, given without its leading NUL."""
        if not isinstance(name, (str, bytes)):
            raise TypeError(f"an AF_UNIX abstract name must be str or bytes, not {type(name).__name__}: "
                            f"{shorten(name)}")
        address = _parse(b"\0" + _fsencode(name), name)  # not cached: names are often fresh
        assert isinstance(address, UnixAbstractAddress)
        return address

    @property
    def name(self) -> bytes:
        return self[1:]

    @property
    def sun_path(self) -> bytes:
        return bytes(self)

    @property
    def stdlib(self) -> bytes:
        return bytes(self)


class UnixUnnamedAddress(UnixAddress, str):
    """No address: an unbound socket's name, or its peer's; ``bind()`` of it autobinds to an
    abstract name the kernel chooses. The stdlib's ``''``; there is one instance, ``UNNAMED``."""

    __slots__ = ()
    kind = "unnamed"

    def __new__(cls, value: str | Buffer = "") -> UnixUnnamedAddress:
        if parse(value) is not UNNAMED:
            raise ValueError(f"not the unnamed AF_UNIX address (''): {shorten(value)}")
        return UNNAMED


_new_str = str.__new__
_new_bytes = bytes.__new__
_set_sun_path = UnixPathAddress.__dict__["_sun_path"].__set__  # the slot, past __setattr__

UNNAMED: UnixUnnamedAddress = _new_str(UnixUnnamedAddress, "")

#: An address of any kind, for annotations: what mypy knows as ``str`` or ``bytes`` (the base
#: class :class:`UnixAddress` is a mixin, neither).
AnyUnixAddress: TypeAlias = "UnixPathAddress | UnixAbstractAddress | UnixUnnamedAddress"
_KINDS = (UnixPathAddress, UnixAbstractAddress, UnixUnnamedAddress)


def _path(text: str, sun_path: bytes) -> UnixPathAddress:
    address = _new_str(UnixPathAddress, text)
    _set_sun_path(address, sun_path)
    return address


def from_sun_path(sun_path: bytes) -> AnyUnixAddress:
    """The address for the significant ``sun_path`` bytes (no terminator), unchecked: for bytes
    the kernel, the stdlib or :func:`parse` produced. Paths may be 108 bytes here (the kernel
    lets C programs bind such an unterminated path). :func:`from_reported` checks."""
    if not sun_path:
        return UNNAMED
    if sun_path[0] == 0:
        return _new_bytes(UnixAbstractAddress, sun_path)
    return _path(sun_path.decode(_ENCODING, _ERRORS), sun_path)


def from_stdlib_path(text: str) -> AnyUnixAddress:
    """The address for a ``str`` the stdlib returned: a path (``os.fsdecode`` of the kernel's
    bytes) or ``''``; unchecked, as :func:`from_sun_path`."""
    if not text:
        return UNNAMED
    return _path(text, text.encode(_ENCODING, _ERRORS))


def from_reported(sun_path: bytes) -> AnyUnixAddress:
    """The address for ``sun_path`` bytes the kernel could report, checked: what pickles and
    the text form hold. As :func:`parse`, but a path may have 108 bytes (no room for its NUL)."""
    data = bytes(sun_path)
    if data[:1] == b"\0" or len(data) <= MAX_PATH:
        return _parse(data, data)  # abstract, unnamed, or a path parse() takes
    _check_no_nul(data, data)
    if len(data) > SUN_PATH_SIZE:
        raise OSError(f"AF_UNIX path too long: {len(data)} bytes, the limit is {SUN_PATH_SIZE} (all of "
                      f"sun_path: a path the kernel reports; {MAX_PATH} to bind): {shorten(data)}")
    return from_sun_path(data)


_str_cache: dict[str, AnyUnixAddress] = {}
_bytes_cache: dict[bytes, AnyUnixAddress] = {}  # apart: str and bytes keys may share a hash


def parse(value: Any, spec: SocketSpec | None = None) -> AnyUnixAddress:
    """A user value (``str``, bytes-like, ``os.PathLike`` or a ``UnixAddress``), checked."""
    kind = type(value)
    if kind is str:
        hit = _str_cache.get(value)
        return _cached(_str_cache, value, _parse(_fsencode(value), value)) if hit is None else hit
    if kind is bytes:
        hit = _bytes_cache.get(value)
        return _cached(_bytes_cache, value, _parse(value, value)) if hit is None else hit
    if isinstance(value, _KINDS):
        return value  # valid by construction, a 108-byte path the kernel reported included
    return _parse(_bytes_of(value), value)


def _cached(cache: dict[Any, AnyUnixAddress], key: Any, address: AnyUnixAddress) -> AnyUnixAddress:
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()  # a bound, not an LRU
    cache[key] = address
    return address


def _bytes_of(value: object) -> bytes:
    """The bytes of a text, path-like or bytes-like value (as the stdlib takes any buffer)."""
    if isinstance(value, str):
        return _fsencode(value)
    if isinstance(value, os.PathLike):
        path = _fsencode(value)
        if path[:1] == b"\0":  # a filesystem path, as for os.stat(): never an abstract name
            raise ValueError(f"AF_UNIX path must not contain a NUL byte (found at byte 0; an os.PathLike "
                             f"is a filesystem path: pass an abstract name as b'\\0name'): {shorten(value)}")
        return path
    try:
        view = memoryview(value)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(f"AF_UNIX address must be str, bytes or os.PathLike, not {type(value).__name__}: "
                        f"{shorten(value)}") from None
    with view:
        if not view.c_contiguous:  # the stdlib asks for a simple buffer, which these cannot give
            raise BufferError(f"AF_UNIX address must be a contiguous buffer, not a non-contiguous "
                              f"{type(value).__name__}: {shorten(value)}")
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
        raise TypeError(f"AF_UNIX address {shorten(value)}: {exc}") from None


def _parse(data: bytes, shown: object) -> AnyUnixAddress:
    if not data:
        return UNNAMED
    if data[0] == 0:
        if len(data) > MAX_ABSTRACT:
            raise OSError(f"AF_UNIX path too long: abstract address of {len(data)} bytes, leading NUL "
                          f"included; the limit is {MAX_ABSTRACT} (all of sun_path): {shorten(shown)}")
        return from_sun_path(data)
    _check_no_nul(data, shown)
    if len(data) > MAX_PATH:
        path_too_long(data, shown)
    return from_sun_path(data)


def _check_no_nul(path: bytes, shown: object) -> None:
    nul = path.find(0)
    if nul >= 0:
        raise ValueError(f"AF_UNIX path must not contain a NUL byte (found at byte {nul}; the stdlib "
                         f"would silently use only the part before it): {shorten(shown)}")


def path_too_long(data: bytes, shown: object) -> NoReturn:
    raise OSError(f"AF_UNIX path too long: {len(data)} bytes, the limit is {MAX_PATH} (sun_path holds "
                  f"{SUN_PATH_SIZE} bytes, the path's terminating NUL included): {shorten(shown)}")


def bound_file(address: UnixAddress) -> str | None:
    """The socket file a bind to ``address`` creates: a path's; abstract and unnamed make none."""
    return str.__str__(address) if isinstance(address, UnixPathAddress) else None


def to_text(address: UnixAddress) -> str:
    """The text form after ``unix:``: ``/path``, ``@name`` (abstract) or nothing (unnamed); bytes
    that are not printable UTF-8, ``%`` and a path's leading ``@`` as ``%XX``."""
    sun_path = address.sun_path
    if sun_path[:1] == b"\0":
        return "@" + escape(sun_path[1:])
    text = escape(sun_path)
    return "%40" + text[1:] if text.startswith("@") else text


def from_text(text: str) -> AnyUnixAddress:
    """The text after ``unix:``: ``/path`` or ``relative``, ``@name`` (abstract), or nothing
    (unnamed); bytes that are not printable UTF-8, ``%`` and a path's leading ``@`` as ``%XX``.
    Every address famsock returns reads back, a 108-byte path the kernel reported included."""
    if text.startswith("@"):
        return from_reported(b"\0" + unescape(text[1:]))
    data = unescape(text)
    if data.startswith(b"\0"):
        raise ValueError(f"unix address text {text!r} starts with a NUL: write an abstract name as @name")
    return from_reported(data)


def _a(address: UnixAddress) -> str:
    return ("an " if address.kind[0] in "aeiou" else "a ") + address.kind
