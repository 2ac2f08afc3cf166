"""The ways an address-taking call reaches the kernel, and which one a socket takes.

- :class:`NativePath`: the plugin validates, the interpreter's own C method does the call. The
  fast path, for families the interpreter supports (the plugin says so with ``Family.native``).
- :class:`RawPath`: the plugin validates and encodes ``struct sockaddr`` bytes, libc does the
  call (:mod:`famsock._raw_syscalls`). Works for every family; forced by
  ``FAMSOCK_SYSCALL_PATH=raw`` or :func:`set_syscall_path`.
- :class:`StdlibPath`: no plugin claims the family, so famsock behaves exactly as the stdlib
  does: values and results pass through untouched (``famsock`` stays a drop-in replacement).

A path is chosen once per socket, at its first address-taking call, and shared by every socket of
the same (family, type, proto): each path carries the ``SocketSpec`` its plugin calls get. Typed
addresses are immutable and valid by construction (the contract), so paths skip ``parse`` for
them and memoize ``decode``/``from_native`` by the kernel's bytes or the stdlib's value; user
values are the plugin's to cache in ``parse``, since only it knows when a value's meaning can
change (host names do).

``sendmsg``/``recvmsg``/``recvmsg_into`` take the same routes, their ancillary data untouched by
the plugin. Should a received address fail to convert, the descriptors that came with the
message (SCM_RIGHTS) are closed before the error propagates, as the stdlib does with its own
failures: nobody else could ever close them.
"""

from __future__ import annotations

import _socket
import _thread
import errno
import os
from operator import index
from sys import audit as _audit

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs 3.6 ms
if TYPE_CHECKING:
    from collections.abc import Callable
    from socket import socket as StdSocket
    from typing import Any

    from ._registry import Registry
    from .contract import Family, SocketSpec

__all__ = ["MODES", "NativePath", "Path", "RawPath", "StdlibPath", "get_syscall_path",
           "path_for", "set_syscall_path"]

MODES = ("auto", "raw")
ENVIRONMENT = "FAMSOCK_SYSCALL_PATH"
_MEMO_LIMIT = 1024

_ss = _socket.socket
_c_bind = _ss.bind
_c_connect = _ss.connect
_c_connect_ex = _ss.connect_ex
_c_sendto = _ss.sendto
_c_recvfrom = _ss.recvfrom
_c_recvfrom_into = _ss.recvfrom_into
_c_accept = _ss._accept  # type: ignore[attr-defined]
_c_getsockname = _ss.getsockname
_c_getpeername = _ss.getpeername
_c_sendmsg = _ss.sendmsg
_c_recvmsg = _ss.recvmsg
_c_recvmsg_into = _ss.recvmsg_into
_INT_MIN, _INT_MAX = -0x80000000, 0x7FFFFFFF
_SOL_SOCKET = _socket.SOL_SOCKET
_SCM_RIGHTS = _socket.SCM_RIGHTS
_FD_SIZE = memoryview(bytes(8)).cast("i").itemsize  # sizeof(int), without importing struct


def _remember(memo: dict[Any, Any], key: Any, value: Any) -> Any:
    if len(memo) >= _MEMO_LIMIT:
        memo.clear()  # a bound, not an LRU: refilling costs one call per address
        memo[None] = None
    memo[key] = value
    return value


def _c_int(value: Any) -> int:
    """``flags`` as the stdlib's C methods take it (``__index__``, a C int), checked before the
    address is parsed: the C methods parse their arguments before they look at an address."""
    number = index(value)
    if not _INT_MIN <= number <= _INT_MAX:
        side = "greater than maximum" if number > 0 else "less than minimum"
        raise OverflowError(f"signed integer is {side}: {number}")
    return number


def _close_fds(ancdata: list[tuple[int, int, bytes]]) -> None:
    """Close the descriptors SCM_RIGHTS items of a recvmsg() result brought, when the result
    cannot reach the caller (its address fails to convert): nobody else would ever close them.
    The stdlib does the same when it fails to build a result."""
    from contextlib import suppress  # noqa: PLC0415 - an error path: import famsock stays light

    for level, kind, data in ancdata:
        if level == _SOL_SOCKET and kind == _SCM_RIGHTS:
            for fd in memoryview(data[:len(data) - len(data) % _FD_SIZE]).cast("i"):
                with suppress(OSError):
                    os.close(fd)


def _typed(result: tuple[Any, list[tuple[int, int, bytes]], int, Any], address: Callable[[Any], Any]
           ) -> tuple[Any, list[tuple[int, int, bytes]], int, Any]:
    """A recvmsg() result with its address typed; received descriptors closed if that fails."""
    data, ancdata, flags, native = result
    try:
        return data, ancdata, flags, address(native)
    except BaseException:
        _close_fds(ancdata)
        raise


def _message_calls(send: Callable[..., int], receive: Callable[..., Any], receive_into: Callable[..., Any],
                   convert: Callable[[Any], Any], address: Callable[[Any], Any],
                   audit: bool) -> tuple[Any, Any, Any]:
    """A path's ``sendmsg``, ``recvmsg`` and ``recvmsg_into``, over its own calls (the C methods or
    the raw bridge): ``convert`` turns a user's address into what ``send`` takes, ``address``
    turns what the receivers return into a typed address. ``flags`` is checked first, as the C
    method parses its arguments before it reads the address. ``audit``: raise the stdlib's audit
    event here (the C methods raise their own)."""

    def sendmsg(sock: StdSocket, buffers: Any, ancdata: Any, flags: Any, value: Any) -> int:
        if type(flags) is not int or not _INT_MIN <= flags <= _INT_MAX:
            flags = _c_int(flags)
        converted = None if value is None else convert(value)
        if audit:
            _audit("socket.sendmsg", sock, value)
        return send(sock, buffers, ancdata, flags, converted)

    def recvmsg(sock: StdSocket, bufsize: Any, ancbufsize: Any, flags: Any) -> tuple[Any, ...]:
        return _typed(receive(sock, bufsize, ancbufsize, flags), address)

    def recvmsg_into(sock: StdSocket, buffers: Any, ancbufsize: Any, flags: Any) -> tuple[Any, ...]:
        return _typed(receive_into(sock, buffers, ancbufsize, flags), address)

    return sendmsg, recvmsg, recvmsg_into


class _Never:
    """A type no value has: the ``direct_type`` of paths that offer no shortcut."""


_NO_RECENT: list[tuple[Any, Any]] = [(_Never, None)]  # a recent pair no value matches


class _Typed:
    """The typed-address classes of one family, learnt from what ``parse`` and ``decode`` return.

    Their instances are valid by construction (the contract), so they skip ``parse``. Learnt
    rather than declared: a family may return several classes under one ``address_type``
    (UNIX: path, abstract, unnamed), and ``type(v) in set`` is cheaper than ``isinstance``.
    """

    __slots__ = ("classes", "parse", "spec")

    def __init__(self, family: Family, spec: SocketSpec) -> None:
        self.classes = {family.address_type}
        self.parse = family.parse
        self.spec = spec

    def parsed(self, value: Any) -> Any:
        address = self.parse(value, self.spec)
        self.classes.add(type(address))
        return address

    def learnt(self, address: Any) -> Any:
        self.classes.add(type(address))
        return address


class NativePath:
    """Plugin-validated values into the interpreter's C methods; results back through the plugin.

    The operations are closures over the family's functions, built once per path: a UDP round
    trip has a budget of ~0.2 µs (3.8 µs in the stdlib, goal 0.95x), and attribute lookups and
    frames are what spend it. Typed addresses skip ``parse`` (see :class:`_Typed`); ``sendto``
    keeps its last (address, native value) pair, matched by identity: a reply to a memoized
    ``recvfrom`` sender, or a client's fixed destination, costs one comparison.

    Two shortcuts for the socket object's hottest methods (``sendto``, ``recvfrom``):
    ``direct_type``, the type whose values the C methods take as they are (the typed address,
    when the family has no ``to_native``), and ``results``, the memo from C results to typed
    addresses.
    """

    name = "native"
    __slots__ = ("accept", "address", "bind", "connect", "connect_ex", "direct_type", "family",
                 "getpeername", "getsockname", "recent", "recvfrom", "recvfrom_into", "recvmsg",
                 "recvmsg_into", "results", "sendmsg", "sendto", "spec")

    def __init__(self, family: Family, spec: SocketSpec) -> None:
        assert family.native is not None
        self.family = family
        self.spec = spec
        typed = _Typed(family, spec)
        classes, parsed, learnt = typed.classes, typed.parsed, typed.learnt
        to_native, from_native = family.native.to_native, family.native.from_native
        memo: dict[Any, Any] = {None: None}
        recent: list[tuple[Any, Any]] = [(_Never, None)]  # one pair, replaced whole: thread-safe

        def native(value: Any) -> Any:
            if type(value) not in classes:
                value = parsed(value)
            return value if to_native is None else to_native(value)

        def address(result: Any) -> Any:
            try:
                return memo[result]
            except KeyError:
                return _remember(memo, result, learnt(from_native(result, spec)))
            except TypeError:  # an unhashable native form: nothing to memoize
                return learnt(from_native(result, spec))

        def sendto(sock: StdSocket, data: Any, flags: Any, value: Any) -> int:
            last = recent[0]
            if value is last[0]:
                return _c_sendto(sock, data, flags, last[1])
            if type(value) not in classes:
                value = parsed(value)
            result = value if to_native is None else to_native(value)
            recent[0] = (value, result)
            return _c_sendto(sock, data, flags, result)

        def recvfrom(sock: StdSocket, bufsize: Any, flags: Any) -> tuple[bytes, Any]:
            data, result = _c_recvfrom(sock, bufsize, flags)
            return data, address(result)

        def recvfrom_into(sock: StdSocket, buffer: Any, nbytes: Any, flags: Any) -> tuple[int, Any]:
            received, result = _c_recvfrom_into(sock, buffer, nbytes, flags)
            return received, address(result)

        self.direct_type = family.address_type if to_native is None else _Never
        self.results = memo
        self.recent = recent
        self.address = address
        self.sendto = sendto
        self.recvfrom = recvfrom
        self.recvfrom_into = recvfrom_into
        self.sendmsg, self.recvmsg, self.recvmsg_into = _message_calls(
            _c_sendmsg, _c_recvmsg, _c_recvmsg_into, native, address, audit=False)
        self.bind = lambda sock, value: _c_bind(sock, native(value))
        self.connect = lambda sock, value: _c_connect(sock, native(value))
        self.connect_ex = lambda sock, value: _c_connect_ex(sock, native(value))
        self.accept = _c_accept
        self.getsockname = lambda sock: address(_c_getsockname(sock))
        self.getpeername = lambda sock: address(_c_getpeername(sock))


class RawPath:
    """Plugin-encoded sockaddr bytes into libc; the bytes the kernel returns decoded by the plugin.

    Built like :class:`NativePath`, for the same reasons. ``decode`` is memoized by the sockaddr
    bytes; ``encode`` through ``sendto``'s last pair only, since a dict keyed by typed addresses
    costs more than encoding when their hash is Python code.
    """

    name = "raw"
    __slots__ = NativePath.__slots__

    def __init__(self, family: Family, spec: SocketSpec) -> None:  # noqa: PLR0915 - a closure a call
        from . import _raw_syscalls as raw  # noqa: PLC0415 - ctypes only once a raw path exists

        self.family = family
        self.spec = spec
        typed = _Typed(family, spec)
        classes, parsed, learnt = typed.classes, typed.parsed, typed.learnt
        encode, decode = family.encode, family.decode
        raw_sendto, raw_recvfrom, raw_connect = raw.sendto, raw.recvfrom, raw.connect
        decoded: dict[Any, Any] = {None: None}
        recent: list[tuple[Any, bytes]] = [(_Never, b"")]  # one pair, replaced whole: thread-safe

        def sockaddr(value: Any) -> bytes:
            return encode(value if type(value) in classes else parsed(value))

        def address(data: bytes | None) -> Any:
            try:
                return decoded[data]
            except KeyError:
                return _remember(decoded, data, learnt(decode(data, spec))) if data is not None else None

        # The C methods raise the stdlib's audit events (socket.bind...) with the caller's value
        # once it parsed; the raw path does the same before each call.
        def bind(sock: StdSocket, value: Any) -> None:
            encoded = sockaddr(value)
            _audit("socket.bind", sock, value)
            raw.bind(sock, encoded)

        def sendto(sock: StdSocket, data: Any, flags: Any, value: Any) -> int:
            last = recent[0]
            if value is last[0]:
                _audit("socket.sendto", sock, value)
                return raw_sendto(sock, data, flags, last[1])
            typed = value if type(value) in classes else parsed(value)
            encoded = encode(typed)
            recent[0] = (typed, encoded)
            _audit("socket.sendto", sock, value)
            return raw_sendto(sock, data, flags, encoded)

        def recvfrom(sock: StdSocket, bufsize: Any, flags: Any) -> tuple[bytes, Any]:
            data, result = raw_recvfrom(sock, bufsize, flags)
            try:
                return data, decoded[result]
            except KeyError:
                return data, address(result)

        def connect(sock: StdSocket, value: Any) -> None:
            encoded = sockaddr(value)
            _audit("socket.connect", sock, value)
            code = raw_connect(sock, encoded)
            if code:
                raise OSError(code, os.strerror(code))

        def connect_ex(sock: StdSocket, value: Any) -> int:
            encoded = sockaddr(value)
            _audit("socket.connect", sock, value)
            try:
                code: int = raw_connect(sock, encoded)
            except TimeoutError:
                return errno.EWOULDBLOCK  # what the stdlib's connect_ex() returns on a timeout
            return code

        def recvfrom_into(sock: StdSocket, buffer: Any, nbytes: Any, flags: Any) -> tuple[int, Any]:
            received, result = raw.recvfrom_into(sock, buffer, nbytes, flags)
            return received, address(result)

        self.direct_type = _Never
        self.results = None
        self.recent = _NO_RECENT
        self.address = address
        self.bind = bind
        self.connect = connect
        self.connect_ex = connect_ex
        self.sendto = sendto
        self.recvfrom = recvfrom
        self.recvfrom_into = recvfrom_into
        self.sendmsg, self.recvmsg, self.recvmsg_into = _message_calls(
            raw.sendmsg, raw.recvmsg, raw.recvmsg_into, sockaddr, address, audit=True)
        self.accept = raw.accept
        self.getsockname = lambda sock: address(raw.getsockname(sock))
        self.getpeername = lambda sock: address(raw.getpeername(sock))


class StdlibPath:
    """No plugin claims the family: exactly the stdlib's behaviour and results."""

    name = "stdlib"
    direct_type = _Never
    results = None
    recent = _NO_RECENT
    __slots__ = ("spec",)

    def __init__(self, spec: SocketSpec) -> None:
        self.spec = spec

    def address(self, native: Any) -> Any:
        return native

    def bind(self, sock: StdSocket, value: Any) -> None:
        _c_bind(sock, value)

    def connect(self, sock: StdSocket, value: Any) -> None:
        _c_connect(sock, value)

    def connect_ex(self, sock: StdSocket, value: Any) -> int:
        return _c_connect_ex(sock, value)

    def sendto(self, sock: StdSocket, data: Any, flags: Any, value: Any) -> int:
        return _c_sendto(sock, data, flags, value)

    def recvfrom(self, sock: StdSocket, bufsize: Any, flags: Any) -> tuple[bytes, Any]:
        return _c_recvfrom(sock, bufsize, flags)

    def recvfrom_into(self, sock: StdSocket, buffer: Any, nbytes: Any, flags: Any) -> tuple[int, Any]:
        return _c_recvfrom_into(sock, buffer, nbytes, flags)

    def sendmsg(self, sock: StdSocket, buffers: Any, ancdata: Any, flags: Any, value: Any) -> int:
        return _c_sendmsg(sock, buffers, ancdata, flags, value)

    def recvmsg(self, sock: StdSocket, bufsize: Any, ancbufsize: Any, flags: Any) -> tuple[Any, ...]:
        return _c_recvmsg(sock, bufsize, ancbufsize, flags)

    def recvmsg_into(self, sock: StdSocket, buffers: Any, ancbufsize: Any, flags: Any) -> tuple[Any, ...]:
        return _c_recvmsg_into(sock, buffers, ancbufsize, flags)

    def accept(self, sock: StdSocket) -> tuple[int, Any]:
        return _c_accept(sock)  # type: ignore[no-any-return]

    def getsockname(self, sock: StdSocket) -> Any:
        return _c_getsockname(sock)

    def getpeername(self, sock: StdSocket) -> Any:
        return _c_getpeername(sock)


if TYPE_CHECKING:
    Path = NativePath | RawPath | StdlibPath


def _initial_mode() -> str:
    mode = os.environ.get(ENVIRONMENT, "auto") or "auto"
    if mode not in MODES:
        raise ValueError(f"{ENVIRONMENT} must be one of {', '.join(MODES)}, got {mode!r}")
    return mode


_mode = _initial_mode()
_paths: dict[tuple[int, int, int], Path] = {}
_paths_generation = -1
_lock = _thread.allocate_lock()  # not threading: import famsock stays light
_registry: Registry | None = None


def set_syscall_path(mode: str) -> str:
    """Choose ``"auto"`` (native where the plugin offers it) or ``"raw"`` for sockets whose path
    is not chosen yet (a socket chooses at its first address call); return the previous mode."""
    global _mode
    if mode not in MODES:
        raise ValueError(f"syscall path must be one of {', '.join(MODES)}, got {mode!r}")
    with _lock:
        previous, _mode = _mode, mode
        _paths.clear()
    return previous


def get_syscall_path() -> str:
    """The mode new sockets' paths are chosen by: ``"auto"`` or ``"raw"``."""
    return _mode


def path_for(number: int, type: int, proto: int) -> Path:
    """The path for sockets of this family, type and protocol (raises on a family conflict)."""
    global _paths_generation, _registry
    if _registry is None:
        from ._registry import registry  # noqa: PLC0415 - first address call, not import time

        _registry = registry
    family = _registry.lookup(number)  # loads plugins on first use
    key = (number, type, proto)
    with _lock:
        if _paths_generation != _registry.generation:
            _paths.clear()
            _paths_generation = _registry.generation
        path = _paths.get(key)
        if path is None:
            path = _paths[key] = _new_path(family, _spec(number, type, proto))
    return path


def _spec(number: int, type: int, proto: int) -> SocketSpec:
    from .contract import SocketSpec  # noqa: PLC0415 - the registry has imported it by now

    return SocketSpec(number, type, proto)


def _new_path(family: Family | None, spec: SocketSpec) -> Path:
    if family is None:
        return StdlibPath(spec)
    if _mode == "raw" or family.native is None:
        return RawPath(family, spec)
    return NativePath(family, spec)
