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
    from typing import Any

    from typing_extensions import Buffer

    from ._paths import Path

__all__ = ["SocketType", "socket"]

_MISSING: Any = object()
_family_of = _socket.socket.family.__get__  # the raw ints, without the enum conversion
_type_of = _socket.socket.type.__get__
_proto_of = _socket.socket.proto.__get__


class socket(_std.socket):
    """A socket whose addresses are parsed, checked, encoded and decoded by a family plugin.

    Same constructor and methods as ``socket.socket``. Address results are the plugin's typed
    addresses, equal to the stdlib's tuples or strings; families no plugin claims behave exactly
    as in the stdlib.
    """

    __slots__ = ("_famsock_path",)

    def __init__(self, family: Any = -1, type: Any = -1, proto: Any = -1, fileno: Any = None) -> None:
        super().__init__(family, type, proto, fileno)
        self._famsock_path: Path | None = None

    def _path(self) -> Path:
        path = self._famsock_path
        if path is None:
            path = self._famsock_path = path_for(_family_of(self), _type_of(self), _proto_of(self))
        return path

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

    def sendto(self, data: Buffer, flags_or_address: Any, address: Any = _MISSING, /) -> int:
        path = self._famsock_path or self._path()
        if address is _MISSING:
            return path.sendto(self, data, 0, flags_or_address)
        return path.sendto(self, data, flags_or_address, address)

    def recvfrom(self, bufsize: int, flags: int = 0, /) -> tuple[bytes, Any]:
        return (self._famsock_path or self._path()).recvfrom(self, bufsize, flags)

    def recvfrom_into(self, buffer: Buffer, nbytes: int = 0, flags: int = 0) -> tuple[int, Any]:
        return (self._famsock_path or self._path()).recvfrom_into(self, buffer, nbytes, flags)

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
        conn._famsock_path = path
        try:
            address = path.address(peer)
            # As the stdlib (issue #7995): a listener's timeout must not make the new socket
            # non-blocking when no default timeout is set.
            if _std.getdefaulttimeout() is None and self.gettimeout():
                conn.setblocking(True)
        except BaseException:
            conn.close()
            raise
        return conn, address


SocketType = socket
