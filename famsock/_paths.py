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

    from . import _raw_syscalls as raw
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
    memo[key] = value
    return value


class NativePath:
    """Plugin-validated values into the interpreter's C methods; results back through the plugin."""

    name = "native"
    __slots__ = ("_from_native", "_memo", "_parse", "_to_native", "family", "spec")

    def __init__(self, family: Family, spec: SocketSpec) -> None:
        assert family.native is not None
        self.family = family
        self.spec = spec
        self._parse = family.parse
        self._to_native = family.native.to_native
        self._from_native = family.native.from_native
        self._memo: dict[Any, Any] = {}

    def _native(self, value: Any) -> Any:
        address = self._parse(value, self.spec)
        return address if self._to_native is None else self._to_native(address)

    def address(self, native: Any) -> Any:
        if native is None:
            return None
        try:
            return self._memo[native]
        except KeyError:
            return _remember(self._memo, native, self._from_native(native, self.spec))
        except TypeError:  # an unhashable native form: nothing to memoize
            return self._from_native(native, self.spec)

    def bind(self, sock: StdSocket, value: Any) -> None:
        _c_bind(sock, self._native(value))

    def connect(self, sock: StdSocket, value: Any) -> None:
        _c_connect(sock, self._native(value))

    def connect_ex(self, sock: StdSocket, value: Any) -> int:
        return _c_connect_ex(sock, self._native(value))

    def sendto(self, sock: StdSocket, data: Any, flags: Any, value: Any) -> int:
        address = self._parse(value, self.spec)
        if self._to_native is not None:
            address = self._to_native(address)
        return _c_sendto(sock, data, flags, address)

    def recvfrom(self, sock: StdSocket, bufsize: Any, flags: Any) -> tuple[bytes, Any]:
        data, native = _c_recvfrom(sock, bufsize, flags)
        return data, self.address(native)

    def recvfrom_into(self, sock: StdSocket, buffer: Any, nbytes: Any, flags: Any) -> tuple[int, Any]:
        received, native = _c_recvfrom_into(sock, buffer, nbytes, flags)
        return received, self.address(native)

    def accept(self, sock: StdSocket) -> tuple[int, Any]:
        return _c_accept(sock)  # type: ignore[no-any-return]

    def getsockname(self, sock: StdSocket) -> Any:
        return self.address(_c_getsockname(sock))

    def getpeername(self, sock: StdSocket) -> Any:
        return self.address(_c_getpeername(sock))


class RawPath:
    """Plugin-encoded sockaddr bytes into libc; the bytes the kernel returns decoded by the plugin."""

    name = "raw"
    __slots__ = ("_decode", "_decoded", "_encode", "_encoded", "_parse", "family", "spec")

    def __init__(self, family: Family, spec: SocketSpec) -> None:
        self.family = family
        self.spec = spec
        self._parse = family.parse
        self._encode = family.encode
        self._decode = family.decode
        self._encoded: dict[Any, bytes] = {}
        self._decoded: dict[bytes, Any] = {}

    def _sockaddr(self, value: Any) -> bytes:
        address = self._parse(value, self.spec)
        encoded = self._encoded.get(address)
        if encoded is None:
            encoded = _remember(self._encoded, address, self._encode(address))
        return encoded

    def address(self, data: bytes | None) -> Any:
        if data is None:
            return None
        address = self._decoded.get(data)
        if address is None:
            address = _remember(self._decoded, data, self._decode(data, self.spec))
        return address

    def bind(self, sock: StdSocket, value: Any) -> None:
        raw.bind(sock, self._sockaddr(value))

    def connect(self, sock: StdSocket, value: Any) -> None:
        code = raw.connect(sock, self._sockaddr(value))
        if code:
            raise OSError(code, os.strerror(code))

    def connect_ex(self, sock: StdSocket, value: Any) -> int:
        address = self._sockaddr(value)
        try:
            return raw.connect(sock, address)
        except TimeoutError:
            return errno.EWOULDBLOCK  # what the stdlib's connect_ex() returns on a timeout

    def sendto(self, sock: StdSocket, data: Any, flags: Any, value: Any) -> int:
        return raw.sendto(sock, data, flags, self._sockaddr(value))

    def recvfrom(self, sock: StdSocket, bufsize: Any, flags: Any) -> tuple[bytes, Any]:
        data, address = raw.recvfrom(sock, bufsize, flags)
        return data, self.address(address)

    def recvfrom_into(self, sock: StdSocket, buffer: Any, nbytes: Any, flags: Any) -> tuple[int, Any]:
        received, address = raw.recvfrom_into(sock, buffer, nbytes, flags)
        return received, self.address(address)

    def accept(self, sock: StdSocket) -> tuple[int, bytes | None]:
        return raw.accept(sock)

    def getsockname(self, sock: StdSocket) -> Any:
        return self.address(raw.getsockname(sock))

    def getpeername(self, sock: StdSocket) -> Any:
        return self.address(raw.getpeername(sock))


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
        from . import _raw_syscalls as raw  # noqa: PLC0415 - ctypes only when a raw path exists

        return RawPath(family, spec)
    return NativePath(family, spec)
