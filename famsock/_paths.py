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
addresses are immutable and equal addresses encode alike (the contract), so paths memoize
``encode``/``decode``/``from_native`` in small dicts; ``parse`` is the plugin's to cache, since
only it knows when a value's meaning can change (host names do).
"""

from __future__ import annotations

import _socket
import _thread
import errno
import os

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs 3.6 ms
if TYPE_CHECKING:
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


def _remember(memo: dict[Any, Any], key: Any, value: Any) -> Any:
    if len(memo) >= _MEMO_LIMIT:
        memo.clear()  # a bound, not an LRU: refilling costs one call per address
        memo[None] = None
    memo[key] = value
    return value


class NativePath:
    """Plugin-validated values into the interpreter's C methods; results back through the plugin.

    The operations are closures over the family's functions, built once per path: a UDP round
    trip has a budget of ~0.2 µs (3.8 µs in the stdlib, goal 0.95x), and attribute lookups and
    frames are what spend it. A value that already is the family's typed address skips ``parse``
    (the contract: ``parse(address) is address``).
    """

    name = "native"
    __slots__ = ("accept", "address", "bind", "connect", "connect_ex", "family", "getpeername",
                 "getsockname", "recvfrom", "recvfrom_into", "sendto", "spec")

    def __init__(self, family: Family, spec: SocketSpec) -> None:
        assert family.native is not None
        self.family = family
        self.spec = spec
        parse, address_type = family.parse, family.address_type
        to_native, from_native = family.native.to_native, family.native.from_native
        memo: dict[Any, Any] = {None: None}

        def native(value: Any) -> Any:
            if type(value) is not address_type:
                value = parse(value, spec)
            return value if to_native is None else to_native(value)

        def address(result: Any) -> Any:
            try:
                return memo[result]
            except KeyError:
                return _remember(memo, result, from_native(result, spec))
            except TypeError:  # an unhashable native form: nothing to memoize
                return from_native(result, spec)

        def sendto(sock: StdSocket, data: Any, flags: Any, value: Any) -> int:
            if type(value) is not address_type:
                value = parse(value, spec)
            return _c_sendto(sock, data, flags, value if to_native is None else to_native(value))

        def recvfrom(sock: StdSocket, bufsize: Any, flags: Any) -> tuple[bytes, Any]:
            data, result = _c_recvfrom(sock, bufsize, flags)
            try:
                return data, memo[result]
            except (KeyError, TypeError):
                return data, address(result)

        def recvfrom_into(sock: StdSocket, buffer: Any, nbytes: Any, flags: Any) -> tuple[int, Any]:
            received, result = _c_recvfrom_into(sock, buffer, nbytes, flags)
            return received, address(result)

        self.address = address
        self.sendto = sendto
        self.recvfrom = recvfrom
        self.recvfrom_into = recvfrom_into
        self.bind = lambda sock, value: _c_bind(sock, native(value))
        self.connect = lambda sock, value: _c_connect(sock, native(value))
        self.connect_ex = lambda sock, value: _c_connect_ex(sock, native(value))
        self.accept = _c_accept
        self.getsockname = lambda sock: address(_c_getsockname(sock))
        self.getpeername = lambda sock: address(_c_getpeername(sock))


class RawPath:
    """Plugin-encoded sockaddr bytes into libc; the bytes the kernel returns decoded by the plugin.

    Built like :class:`NativePath`, for the same reason; ``encode``/``decode`` are memoized.
    """

    name = "raw"
    __slots__ = NativePath.__slots__

    def __init__(self, family: Family, spec: SocketSpec) -> None:
        self.family = family
        self.spec = spec
        parse, address_type = family.parse, family.address_type
        encode, decode = family.encode, family.decode
        encoded: dict[Any, bytes] = {}
        decoded: dict[Any, Any] = {None: None}

        def sockaddr(value: Any) -> bytes:
            if type(value) is not address_type:
                value = parse(value, spec)
            try:
                return encoded[value]
            except KeyError:
                return _remember(encoded, value, encode(value))  # type: ignore[no-any-return]

        def address(data: bytes | None) -> Any:
            try:
                return decoded[data]
            except KeyError:
                return _remember(decoded, data, decode(data, spec)) if data is not None else None

        def connect(sock: StdSocket, value: Any) -> None:
            code = raw.connect(sock, sockaddr(value))
            if code:
                raise OSError(code, os.strerror(code))

        def connect_ex(sock: StdSocket, value: Any) -> int:
            encoded_address = sockaddr(value)
            try:
                code: int = raw.connect(sock, encoded_address)
            except TimeoutError:
                return errno.EWOULDBLOCK  # what the stdlib's connect_ex() returns on a timeout
            return code

        def recvfrom(sock: StdSocket, bufsize: Any, flags: Any) -> tuple[bytes, Any]:
            data, result = raw.recvfrom(sock, bufsize, flags)
            try:
                return data, decoded[result]
            except KeyError:
                return data, address(result)

        def recvfrom_into(sock: StdSocket, buffer: Any, nbytes: Any, flags: Any) -> tuple[int, Any]:
            received, result = raw.recvfrom_into(sock, buffer, nbytes, flags)
            return received, address(result)

        self.address = address
        self.bind = lambda sock, value: raw.bind(sock, sockaddr(value))
        self.connect = connect
        self.connect_ex = connect_ex
        self.sendto = lambda sock, data, flags, value: raw.sendto(sock, data, flags, sockaddr(value))
        self.recvfrom = recvfrom
        self.recvfrom_into = recvfrom_into
        self.accept = raw.accept
        self.getsockname = lambda sock: address(raw.getsockname(sock))
        self.getpeername = lambda sock: address(raw.getpeername(sock))


class StdlibPath:
    """No plugin claims the family: exactly the stdlib's behaviour and results."""

    name = "stdlib"
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
raw: Any = None  # famsock._raw_syscalls, once a raw path exists


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
    global raw
    if family is None:
        return StdlibPath(spec)
    if _mode == "raw" or family.native is None:
        from . import _raw_syscalls  # noqa: PLC0415 - ctypes only when a raw path exists

        raw = _raw_syscalls
        return RawPath(family, spec)
    return NativePath(family, spec)
