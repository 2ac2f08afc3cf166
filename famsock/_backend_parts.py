"""The parts every backend is built from (:mod:`famsock._backends` chooses one per socket).

- the interpreter's C methods, taken once from ``_socket.socket``, and ``recvfrom()`` without the
  uninitialised bytes CPython returns with ``MSG_TRUNC``;
- the C methods' argument order kept where a plugin's ``parse`` runs first (``sendto()``);
- :class:`TypedClasses`: which classes skip ``parse`` (learnt, checked once at the boundary);
- :func:`remember`: the bounded memo of results (thread-safe without locks: see below);
- ``RawSockaddr`` values to libc from any backend (``raw_bind``...), with the stdlib's audit events;
- ``sendmsg``/``recvmsg``/``recvmsg_into`` built over a backend's own calls (:func:`message_calls`),
  received descriptors closed when a result cannot reach the caller;
- ``accel``: the optional C fast paths (``famsock._accel``), or None (:func:`accelerator`).

Shared caches are safe across threads without locks on the hot paths: each update is one atomic
dict, set or list operation, and no reader depends on two of them happening together. A memo
miss on "no address" (``None``) is answered by the backend itself, never by a plugin: a thread
may look while another thread's eviction has emptied the memo.
"""

from __future__ import annotations

import _socket
import errno
import os
from operator import index
from sys import audit as _audit, maxsize as _maxsize

from ._boundary import check_address, proper
from ._raw_sockaddr import RawSockaddr

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs 3.6 ms
if TYPE_CHECKING:
    from collections.abc import Callable
    from socket import socket as StdSocket
    from typing import Any

    from ._registry import Registry
    from .contract import Family, SocketSpec

__all__ = ["ACCELERATOR_ENVIRONMENT", "MEMO_LIMIT", "NO_RECENT", "Never", "TypedClasses", "accel",
           "accelerator", "c_accept", "c_bind", "c_connect",
           "c_connect_ex", "c_getpeername", "c_getsockname", "c_recvfrom_checked", "c_recvfrom_into",
           "c_recvmsg", "c_recvmsg_into", "c_sendmsg", "c_sendto", "close_fds", "message_calls",
           "parsed_for_sendto", "raw_bind", "raw_connect", "raw_connect_ex", "raw_sendmsg", "raw_sendto",
           "remember", "typed_result"]

MEMO_LIMIT = 1024

_ss = _socket.socket
c_bind = _ss.bind
c_connect = _ss.connect
c_connect_ex = _ss.connect_ex
c_sendto = _ss.sendto
c_recvfrom = _ss.recvfrom
c_recvfrom_into = _ss.recvfrom_into
c_accept = _ss._accept  # type: ignore[attr-defined]
c_getsockname = _ss.getsockname
c_getpeername = _ss.getpeername
c_sendmsg = _ss.sendmsg
c_recvmsg = _ss.recvmsg
c_recvmsg_into = _ss.recvmsg_into
INT_MIN, INT_MAX = -0x80000000, 0x7FFFFFFF
_LONG_MAX = _maxsize  # a C long is a Py_ssize_t on Linux (LP64 and ILP32 alike)
_SOL_SOCKET = _socket.SOL_SOCKET
_SCM_RIGHTS = _socket.SCM_RIGHTS
_MSG_TRUNC = _socket.MSG_TRUNC
_FD_SIZE = memoryview(bytes(8)).cast("i").itemsize  # sizeof(int), without importing struct
_BYTES_LIMIT = _maxsize - 33  # sys.getsizeof(b""): past this, bytes() raises OverflowError
_ZEROED_IN_PLACE = 1 << 20


# -- the optional C accelerator -------------------------------------------------------------------
# famsock._accel, built from famsock/_accel.c when the install had a C compiler: the socket
# object's __init__, sendto, recvfrom, connect and accept in C, with the shortcuts its Python
# methods take (which stay their slow path), and the raw path's syscalls for them. Read once, at a
# process's first address call (this module's import).

ACCELERATOR_ENVIRONMENT = "FAMSOCK_ACCELERATOR"  # "0": never; "1": required; unset or "auto": if built


def _load_accelerator() -> tuple[Any, str]:
    setting = os.environ.get(ACCELERATOR_ENVIRONMENT, "auto") or "auto"
    if setting not in ("0", "1", "auto"):
        raise ValueError(f"{ACCELERATOR_ENVIRONMENT} must be one of 0, 1, auto, got {setting!r}")
    if setting == "0":
        return None, f"python ({ACCELERATOR_ENVIRONMENT}=0)"
    try:
        # __import__: the module may not exist where type checkers look (no compiler, no .so)
        accelerator_module = __import__("famsock._accel", fromlist=["install_socket"])
    except ImportError as exc:
        if setting == "1":
            raise ImportError(
                f"{ACCELERATOR_ENVIRONMENT}=1, but famsock._accel cannot be imported: {exc}") from exc
        return None, f"python (famsock._accel is not built: {exc})"
    return accelerator_module, "c"


accel, _accelerator_in_use = _load_accelerator()


def accelerator() -> str:
    """Which fast paths sockets use: ``"c"`` (famsock._accel), or ``"python (why)"``."""
    return _accelerator_in_use


def c_int(value: Any) -> int:
    """:func:`famsock._c_arguments.c_int`, imported when first needed (unusual flags): a first
    bind() imports one module fewer."""
    from ._c_arguments import c_int as checked  # noqa: PLC0415

    return checked(value)


def remember(memo: dict[Any, Any], key: Any, value: Any) -> Any:
    if len(memo) >= MEMO_LIMIT:
        # A bound, not an LRU: refilling costs one call per address. Other threads may read
        # the memo between these two steps: they miss and compute the entry (None included:
        # the backends answer it themselves).
        memo.clear()
        memo[None] = None
    memo[key] = value
    return value


# -- the C methods, as the stdlib's arguments reach them ----------------------------------------

def parsed_for_sendto(parsed: Callable[[Any], Any], value: Any, data: Any, flags: Any) -> Any:
    """``parsed(value)``; should it fail, the error the C ``sendto()`` gives first, for a bad
    ``data`` or ``flags``: it reads them before it looks at the address."""
    try:
        return parsed(value)
    except Exception:
        try:
            view = memoryview(data)
        except TypeError:
            raise TypeError(f"a bytes-like object is required, not {type(data).__name__!r}") from None
        with view:
            if not view.c_contiguous:
                raise BufferError("memoryview: underlying buffer is not C-contiguous") from None
        c_int(flags)
        raise


def c_recvfrom_checked(sock: StdSocket, bufsize: Any, flags: Any) -> tuple[bytes, Any]:
    """The C ``recvfrom()``, minus the bytes it would return that the kernel never wrote.

    With ``MSG_TRUNC`` the kernel reports a datagram's whole length (on a stream, how many bytes
    it discarded, writing none), and CPython returns that many bytes, all past what the kernel
    wrote being uninitialised memory. Here the kernel writes into a zeroed buffer of ``bufsize``
    bytes instead, and at most ``bufsize`` bytes come back (the whole length is what
    ``recvfrom_into()`` returns, and what ``recvmsg()`` flags with MSG_TRUNC)."""
    if type(flags) is int and not flags & _MSG_TRUNC:
        return c_recvfrom(sock, bufsize, flags)
    size = index(bufsize)  # the C method's order: "n|i"
    if not -_LONG_MAX - 1 <= size <= _LONG_MAX:
        raise OverflowError("Python int too large to convert to C ssize_t")
    flags = c_int(flags)
    if not flags & _MSG_TRUNC or size < 0 or size > _BYTES_LIMIT:
        return c_recvfrom(sock, bufsize, flags)  # its own errors
    buffer = _zeroed(size)
    received, result = c_recvfrom_into(sock, buffer, size, flags)
    return bytes(memoryview(buffer)[:min(received, size)]), result


def _zeroed(size: int) -> Any:
    """A zeroed writable buffer: large ones are anonymous mappings, whose pages cost nothing
    until the kernel writes them (``bytearray(size)`` writes every byte first)."""
    if size <= _ZEROED_IN_PLACE:
        return bytearray(size)
    import mmap  # noqa: PLC0415 - only large truncated reads need it

    try:
        return mmap.mmap(-1, size)
    except OSError:  # ENOMEM: what the C method raises when it cannot allocate
        raise MemoryError from None


# -- RawSockaddr, to libc from any backend --------------------------------------------------------
# The C methods raise the stdlib's audit events (socket.bind...) with the caller's value; calls
# made through libc raise them too, before each call.

def raw_bind(sock: StdSocket, value: RawSockaddr) -> None:
    from . import _raw_calls as raw  # noqa: PLC0415 - ctypes only once needed

    _audit("socket.bind", sock, value)
    raw.bind(sock, value.sockaddr)


def raw_connect(sock: StdSocket, value: RawSockaddr) -> None:
    from . import _raw_calls as raw  # noqa: PLC0415 - ctypes only once needed

    _audit("socket.connect", sock, value)
    code = raw.connect(sock, value.sockaddr)
    if code:
        raise OSError(code, os.strerror(code))


def raw_connect_ex(sock: StdSocket, value: RawSockaddr) -> int:
    from . import _raw_calls as raw  # noqa: PLC0415 - ctypes only once needed

    _audit("socket.connect", sock, value)
    try:
        code: int = raw.connect(sock, value.sockaddr)
    except TimeoutError:
        return errno.EWOULDBLOCK  # what the stdlib's connect_ex() returns on a timeout
    return code


def raw_sendto(sock: StdSocket, data: Any, flags: Any, value: RawSockaddr) -> int:
    from . import _raw_calls as raw  # noqa: PLC0415 - ctypes only once needed

    _audit("socket.sendto", sock, value)
    return raw.sendto(sock, data, flags, value.sockaddr)


def raw_sendmsg(sock: StdSocket, buffers: Any, ancdata: Any, flags: Any, value: RawSockaddr) -> int:
    from . import _raw_messages as raw  # noqa: PLC0415 - ctypes only once needed

    _audit("socket.sendmsg", sock, value)
    return raw.sendmsg(sock, buffers, ancdata, flags, value.sockaddr)


# -- recvmsg results ------------------------------------------------------------------------------

def close_fds(ancdata: list[tuple[int, int, bytes]]) -> None:
    """Close the descriptors SCM_RIGHTS items of a recvmsg() result brought, when the result
    cannot reach the caller (its address fails to convert): nobody else would ever close them.
    The stdlib does the same when it fails to build a result."""
    from contextlib import suppress  # noqa: PLC0415 - an error path: import famsock stays light

    for level, kind, data in ancdata:
        if level == _SOL_SOCKET and kind == _SCM_RIGHTS:
            for fd in memoryview(data[:len(data) - len(data) % _FD_SIZE]).cast("i"):
                with suppress(OSError):
                    os.close(fd)


def typed_result(result: tuple[Any, list[tuple[int, int, bytes]], int, Any],
           address: Callable[[Any, StdSocket], Any], sock: StdSocket
           ) -> tuple[Any, list[tuple[int, int, bytes]], int, Any]:
    """A recvmsg() result with its address typed; received descriptors closed if that fails."""
    data, ancdata, flags, native = result
    try:
        return data, ancdata, flags, address(native, sock)
    except BaseException:
        close_fds(ancdata)
        raise


def message_calls(send: Callable[..., int], receive: Callable[..., Any], receive_into: Callable[..., Any],
                   convert: Callable[[Any, str], Any], address: Callable[[Any, StdSocket], Any],
                   audit: bool) -> tuple[Any, Any, Any]:
    """A backend's ``sendmsg``, ``recvmsg`` and ``recvmsg_into``, over its own calls (the C methods
    or libc): ``convert`` turns a user's address into what ``send`` takes, ``address`` turns what
    the receivers return into a typed address. ``flags`` is checked first, as the C method parses
    its arguments before it reads the address. ``audit``: raise the stdlib's audit event here
    (the C methods raise their own)."""

    def sendmsg(sock: StdSocket, buffers: Any, ancdata: Any, flags: Any, value: Any) -> int:
        if type(flags) is not int or not INT_MIN <= flags <= INT_MAX:
            flags = c_int(flags)
        if type(value) is RawSockaddr:
            return raw_sendmsg(sock, buffers, ancdata, flags, value)
        converted = None if value is None else convert(value, "sendto")
        if audit:
            _audit("socket.sendmsg", sock, value)
        return send(sock, buffers, ancdata, flags, converted)

    def recvmsg(sock: StdSocket, bufsize: Any, ancbufsize: Any, flags: Any) -> tuple[Any, ...]:
        return typed_result(receive(sock, bufsize, ancbufsize, flags), address, sock)

    def recvmsg_into(sock: StdSocket, buffers: Any, ancbufsize: Any, flags: Any) -> tuple[Any, ...]:
        return typed_result(receive_into(sock, buffers, ancbufsize, flags), address, sock)

    return sendmsg, recvmsg, recvmsg_into


class Never:
    """A type no value has: the ``direct_type`` of backends that offer no shortcut."""


NO_RECENT: list[tuple[Any, Any]] = [(Never, None)]  # a recent pair no value matches


class TypedClasses:
    """The typed-address classes of one family, learnt from what ``parse``, ``decode`` and
    ``from_native`` return.

    Their instances are valid by construction (the contract), so they skip ``parse``. Learnt
    rather than declared: a family may return several classes under one ``address_type``
    (UNIX: path, abstract, unnamed), and ``type(v) in set`` is cheaper than ``isinstance``.
    A class is checked once, when first seen, so a plugin's fault cannot make ``tuple`` a class
    whose values skip ``parse``; the set only ever grows, one atomic ``add`` at a time.
    """

    __slots__ = ("classes", "family", "parse", "registry", "spec")

    def __init__(self, family: Family[Any], spec: SocketSpec, registry: Registry) -> None:
        cls = family.address_type
        self.classes = {cls} if proper(cls) else set()
        self.family = family
        self.parse = family.parse
        self.registry = registry
        self.spec = spec

    def parsed(self, value: Any) -> Any:
        address = self.parse(value, self.spec)
        if type(address) not in self.classes:
            self.learn(address, "parse")
        return address

    def learnt(self, address: Any, hook: str) -> Any:
        if type(address) not in self.classes:
            self.learn(address, hook)
        return address

    def learn(self, address: Any, hook: str) -> None:
        check_address(self.registry, self.family, address, hook)
        self.classes.add(type(address))


