"""``PassthroughBackend``: families no plugin claims, as the stdlib handles them.

Values and results pass through the C methods untouched, so famsock stays a drop-in
replacement; a ``RawSockaddr`` goes to libc in every address method; and where the interpreter
cannot read the family's addresses at all ("bad family"), results come from libc as
``RawSockaddr`` instead of that error.
"""

from __future__ import annotations

import os

from ._backend_parts import (
    NO_RECENT,
    Never,
    c_accept,
    c_bind,
    c_connect,
    c_connect_ex,
    c_getpeername,
    c_getsockname,
    c_recvfrom_checked,
    c_recvfrom_into,
    c_recvmsg,
    c_recvmsg_into,
    c_sendmsg,
    c_sendto,
    raw_bind,
    raw_connect,
    raw_connect_ex,
    raw_sendmsg,
    raw_sendto,
    typed_result,
)
from ._boundary import decode_or_raw
from ._c_arguments import c_int
from ._raw_sockaddr import RawSockaddr

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs 3.6 ms
if TYPE_CHECKING:
    from collections.abc import Callable
    from socket import socket as StdSocket
    from typing import Any

    from ._registry import Registry
    from .contract import SocketSpec

__all__ = ["PassthroughBackend", "c_getsockname"]


def _bad_family(exc: OSError) -> bool:
    """Whether a C method refused the socket's family itself ("getsockaddrlen: bad family"):
    the interpreter cannot read this family's addresses, whatever the call."""
    return exc.errno is None and "bad family" in str(exc)


class PassthroughBackend:
    """No plugin claims the family: the stdlib's behaviour and results, with two additions.

    A ``RawSockaddr`` goes to libc in every address method. Where the interpreter cannot read the
    family's addresses at all (it raises "bad family" before any syscall), results are read
    through libc as ``RawSockaddr`` instead: ``getsockname()`` of an AF_XDP socket answers.
    """

    name = "stdlib"
    direct_type = Never
    results = None
    recent = NO_RECENT
    __slots__ = ("registry", "spec", "through_libc")

    def __init__(self, spec: SocketSpec, registry: Registry) -> None:
        self.spec = spec
        self.registry = registry
        self.through_libc = False  # set once the interpreter says "bad family"

    def address(self, value: Any, sock: StdSocket | None = None) -> Any:
        return value  # already the stdlib's value, or a RawSockaddr from libc

    def _read(self, data: bytes | None) -> Any:
        return None if data is None else decode_or_raw(self.registry, data, self.spec)

    def bind(self, sock: StdSocket, value: Any) -> None:
        if type(value) is RawSockaddr:
            return raw_bind(sock, value)
        return c_bind(sock, value)

    def connect(self, sock: StdSocket, value: Any) -> None:
        if type(value) is RawSockaddr:
            return raw_connect(sock, value)
        return c_connect(sock, value)

    def connect_ex(self, sock: StdSocket, value: Any) -> int:
        if type(value) is RawSockaddr:
            return raw_connect_ex(sock, value)
        return c_connect_ex(sock, value)

    def sendto(self, sock: StdSocket, data: Any, flags: Any, value: Any) -> int:
        if type(value) is RawSockaddr:
            return raw_sendto(sock, data, flags, value)
        return c_sendto(sock, data, flags, value)

    def sendmsg(self, sock: StdSocket, buffers: Any, ancdata: Any, flags: Any, value: Any) -> int:
        if type(value) is RawSockaddr:
            return raw_sendmsg(sock, buffers, ancdata, c_int(flags), value)
        return c_sendmsg(sock, buffers, ancdata, flags, value)

    def _through_c(self, call: Callable[..., Any], *arguments: Any) -> Any:
        """``call(*arguments)``, or ``_NotRead`` if the interpreter refuses the family itself."""
        if self.through_libc:
            return _NotRead
        try:
            return call(*arguments)
        except OSError as exc:
            if not _bad_family(exc):
                raise
        self.through_libc = True
        return _NotRead

    def recvfrom(self, sock: StdSocket, bufsize: Any, flags: Any) -> tuple[bytes, Any]:
        from . import _raw_calls as raw  # noqa: PLC0415 - ctypes only once needed

        result = self._through_c(c_recvfrom_checked, sock, bufsize, flags)
        if result is not _NotRead:
            return result  # type: ignore[no-any-return]
        data, sockaddr = raw.recvfrom(sock, bufsize, flags)
        return data, self._read(sockaddr)

    def recvfrom_into(self, sock: StdSocket, buffer: Any, nbytes: Any, flags: Any) -> tuple[int, Any]:
        from . import _raw_calls as raw  # noqa: PLC0415 - ctypes only once needed

        result = self._through_c(c_recvfrom_into, sock, buffer, nbytes, flags)
        if result is not _NotRead:
            return result  # type: ignore[no-any-return]
        received, sockaddr = raw.recvfrom_into(sock, buffer, nbytes, flags)
        return received, self._read(sockaddr)

    def recvmsg(self, sock: StdSocket, bufsize: Any, ancbufsize: Any, flags: Any) -> tuple[Any, ...]:
        from . import _raw_messages as raw  # noqa: PLC0415 - ctypes only once needed

        result = self._through_c(c_recvmsg, sock, bufsize, ancbufsize, flags)
        if result is not _NotRead:
            return result  # type: ignore[no-any-return]
        return typed_result(raw.recvmsg(sock, bufsize, ancbufsize, flags),
                            lambda data, _: self._read(data), sock)

    def recvmsg_into(self, sock: StdSocket, buffers: Any, ancbufsize: Any, flags: Any) -> tuple[Any, ...]:
        from . import _raw_messages as raw  # noqa: PLC0415 - ctypes only once needed

        result = self._through_c(c_recvmsg_into, sock, buffers, ancbufsize, flags)
        if result is not _NotRead:
            return result  # type: ignore[no-any-return]
        return typed_result(raw.recvmsg_into(sock, buffers, ancbufsize, flags),
                      lambda data, _: self._read(data), sock)

    def accept(self, sock: StdSocket) -> tuple[int, Any]:
        from . import _raw_calls as raw  # noqa: PLC0415 - ctypes only once needed

        result = self._through_c(c_accept, sock)
        if result is not _NotRead:
            return result  # type: ignore[no-any-return]
        fd, sockaddr = raw.accept(sock)
        try:
            return fd, self._read(sockaddr)
        except BaseException:
            os.close(fd)
            raise

    def getsockname(self, sock: StdSocket) -> Any:
        from . import _raw_calls as raw  # noqa: PLC0415 - ctypes only once needed

        result = self._through_c(c_getsockname, sock)
        return self._read(raw.getsockname(sock)) if result is _NotRead else result

    def getpeername(self, sock: StdSocket) -> Any:
        from . import _raw_calls as raw  # noqa: PLC0415 - ctypes only once needed

        result = self._through_c(c_getpeername, sock)
        return self._read(raw.getpeername(sock)) if result is _NotRead else result


class _NotRead:
    """What :meth:`PassthroughBackend._through_c` returns when the interpreter refuses the family."""
