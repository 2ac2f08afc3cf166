"""``famsock.socket``: the stdlib's socket, with addresses handled by family plugins.

It subclasses ``socket.socket``, so the data path (``send``, ``recv``, ``recv_into``, ``sendall``,
``setsockopt``, ``settimeout``, ``makefile``...) stays the interpreter's C code at full speed and
``isinstance(s, socket.socket)`` holds wherever libraries check it (measured: overriding ``send``
/ ``recv`` in Python costs 27 %, see the brief). Only the methods that take or return addresses
are overridden; each hands its work to the socket's path (:mod:`famsock._paths`), chosen at the
first such call.
"""

from __future__ import annotations

import _socket
import os
import socket as _std

from ._paths import path_for

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs 3.6 ms
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

    from typing_extensions import Buffer

    from ._paths import Path

__all__ = ["SocketType", "socket"]

_MISSING: Any = object()
_c_sendto = _socket.socket.sendto
_c_recvfrom = _socket.socket.recvfrom


class _Unresolved:
    """A type no value has: the shortcut type of a socket whose path is not chosen yet."""


_UNRESOLVED_RECENT: list[tuple[Any, Any]] = [(_Unresolved, None)]
_family_of = _socket.socket.family.__get__  # the raw ints, without the enum conversion
_type_of = _socket.socket.type.__get__
_proto_of = _socket.socket.proto.__get__


class socket(_std.socket):
    """A socket whose addresses are parsed, checked, encoded and decoded by a family plugin.

    Same constructor and methods as ``socket.socket``. Address results are the plugin's typed
    addresses, equal to the stdlib's tuples or strings; families no plugin claims behave exactly
    as in the stdlib.
    """

    __slots__ = ("_famsock_direct", "_famsock_path", "_famsock_recent", "_famsock_results")

    def __init__(self, family: Any = -1, type: Any = -1, proto: Any = -1, fileno: Any = None) -> None:
        super().__init__(family, type, proto, fileno)
        self._famsock_path: Path | None = None
        self._famsock_direct: type = _Unresolved
        self._famsock_results: dict[Any, Any] | None = None
        self._famsock_recent: list[tuple[Any, Any]] = _UNRESOLVED_RECENT

    def _path(self) -> Path:
        path = self._famsock_path
        if path is None:
            self._adopt(path_for(_family_of(self), _type_of(self), _proto_of(self)))
            path = self._famsock_path
            assert path is not None
        return path

    def _adopt(self, path: Path) -> None:
        self._famsock_path = path
        self._famsock_direct = path.direct_type
        self._famsock_results = path.results
        self._famsock_recent = path.recent

    @property
    def syscall_path(self) -> str:
        """How this socket's address calls reach the kernel: ``native``, ``raw`` or ``stdlib``."""
        return self._path().name

    def bind(self, address: Any, /) -> None:
        (self._famsock_path or self._path()).bind(self, address)

    def connect(self, address: Any, /) -> None:
        (self._famsock_path or self._path()).connect(self, address)

    def connect_ex(self, address: Any, /) -> int:
        return (self._famsock_path or self._path()).connect_ex(self, address)

    # sendto() and recvfrom() take the native path's shortcuts (see famsock._paths.NativePath):
    # the type the C method takes as is, the last (typed address, native value) pair matched by
    # identity, and the memo of results. A UDP round trip leaves ~0.2 µs for all of famsock's
    # work, and one more Python frame costs ~0.05 µs. Other paths offer shortcuts nothing matches.

    def sendto(self, data: Buffer, flags_or_address: Any, address: Any = _MISSING, /) -> int:
        if address is _MISSING:
            if type(flags_or_address) is self._famsock_direct:
                return _c_sendto(self, data, flags_or_address)
            last = self._famsock_recent[0]
            if flags_or_address is last[0]:
                return _c_sendto(self, data, last[1])
            return (self._famsock_path or self._path()).sendto(self, data, 0, flags_or_address)
        if type(address) is self._famsock_direct:
            return _c_sendto(self, data, flags_or_address, address)
        last = self._famsock_recent[0]
        if address is last[0]:
            return _c_sendto(self, data, flags_or_address, last[1])
        return (self._famsock_path or self._path()).sendto(self, data, flags_or_address, address)

    def recvfrom(self, bufsize: int, flags: int = 0, /) -> tuple[bytes, Any]:
        results = self._famsock_results
        if results is None or flags:  # flags: MSG_TRUNC is the path's to handle
            return (self._famsock_path or self._path()).recvfrom(self, bufsize, flags)
        data, result = _c_recvfrom(self, bufsize, flags)
        try:
            return data, results[result]
        except (KeyError, TypeError):
            return data, self._famsock_path.address(result, self)  # type: ignore[union-attr]

    def recvfrom_into(self, buffer: Buffer, nbytes: int = 0, flags: int = 0) -> tuple[int, Any]:
        return (self._famsock_path or self._path()).recvfrom_into(self, buffer, nbytes, flags)

    # sendmsg() and the recvmsg()s take the stdlib's positional-only arguments and defaults: an
    # empty ``ancdata`` and a ``None`` address are what the C method does when they are left out.

    def sendmsg(self, buffers: Iterable[Buffer], ancdata: Iterable[tuple[int, int, Buffer]] = (),
                flags: int = 0, address: Any = None, /) -> int:
        return (self._famsock_path or self._path()).sendmsg(self, buffers, ancdata, flags, address)

    def recvmsg(self, bufsize: int, ancbufsize: int = 0, flags: int = 0, /
                ) -> tuple[bytes, list[tuple[int, int, bytes]], int, Any]:
        return (self._famsock_path or self._path()).recvmsg(self, bufsize, ancbufsize, flags)

    def recvmsg_into(self, buffers: Iterable[Buffer], ancbufsize: int = 0, flags: int = 0, /
                     ) -> tuple[int, list[tuple[int, int, bytes]], int, Any]:
        return (self._famsock_path or self._path()).recvmsg_into(self, buffers, ancbufsize, flags)

    def getsockname(self) -> Any:
        return (self._famsock_path or self._path()).getsockname(self)

    def getpeername(self) -> Any:
        return (self._famsock_path or self._path()).getpeername(self)

    def accept(self) -> tuple[socket, Any]:
        """Wait for a connection: return a new famsock socket and the peer's address."""
        path = self._famsock_path or self._path()
        fd, peer = path.accept(self)
        spec = path.spec
        try:
            conn = socket(spec.family, spec.type, spec.proto, fileno=fd)
        except BaseException:
            os.close(fd)
            raise
        conn._adopt(path)
        try:
            address = path.address(peer, conn)
            # As the stdlib (issue #7995): a listener's timeout must not make the new socket
            # non-blocking when no default timeout is set.
            if _std.getdefaulttimeout() is None and self.gettimeout():
                conn.setblocking(True)
        except BaseException:
            conn.close()
            raise
        return conn, address


SocketType = socket
