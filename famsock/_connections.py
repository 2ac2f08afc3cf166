"""Module functions that make famsock sockets: pairs, adopted fds, connections, servers.

The stdlib's versions build stdlib sockets; these build famsock sockets, with the stdlib's
semantics (its argument checks, error messages and exception types) and its timeout sentinel,
so that code handing ``socket._GLOBAL_DEFAULT_TIMEOUT`` along (http.client) works with them.
Like the stdlib's, they instantiate the ``socket`` class their module holds at call time.
"""

from __future__ import annotations

import _socket
import errno
import operator
import os
import sys

from ._socket_object import socket

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs 3.6 ms
if TYPE_CHECKING:
    from types import ModuleType
    from typing import Any

    from .contract import ServerSetup

# The stdlib's module as famsock's package found it when it was imported: this module is
# imported on first use, when sys.modules["socket"] may be famsock itself.
if TYPE_CHECKING:
    import socket as _std
else:
    _std = sys.modules[__name__.rpartition(".")[0]]._std

__all__ = ["create_connection", "create_server", "fromfd", "has_dualstack_ipv6", "socketpair",
           "to_stdlib"]

_GLOBAL_DEFAULT_TIMEOUT = _std._GLOBAL_DEFAULT_TIMEOUT  # type: ignore[attr-defined]
has_dualstack_ipv6 = _std.has_dualstack_ipv6  # asks the kernel; no address to handle
stdlib_module = _std  # as found at import: sys.modules["socket"] may be famsock itself later
_StdSocket = _std.socket  # the stdlib's own class, kept: famsock.patch_stdlib() replaces it there

#: The module whose ``socket`` (and ``getaddrinfo``) the functions here call, looked up at each
#: call as the stdlib's functions look up their module's globals (CPython's test_socket patches
#: ``socket.socket`` and expects create_connection() to use it): famsock, whatever name it is
#: imported as, or the stdlib's ``socket`` while famsock is patched into it (famsock._patching).
home: ModuleType | None = None
_PACKAGE = __name__.rpartition(".")[0]


def _home() -> Any:
    return home or sys.modules[_PACKAGE]


def _socket_class() -> type[socket]:
    return _home().socket  # type: ignore[no-any-return]


def _adopt(fd: int, family: Any, type: Any, proto: Any) -> socket:
    """A socket of the module's class for ``fd``; the fd is closed if that fails."""
    try:
        return _socket_class()(family, type, proto, fd)
    except BaseException:
        os.close(fd)
        raise


def socketpair(family: Any = None, type: Any = _socket.SOCK_STREAM, proto: Any = 0) -> tuple[socket, socket]:
    """A pair of connected famsock sockets; AF_UNIX by default, as the stdlib."""
    if family is None:
        family = _socket.AF_UNIX
    first, second = _socket.socketpair(family, type, proto)
    first_fd, second_fd = first.detach(), second.detach()
    try:
        left = _adopt(first_fd, family, type, proto)
    except BaseException:
        os.close(second_fd)
        raise
    try:
        right = _adopt(second_fd, family, type, proto)
    except BaseException:
        left.close()
        raise
    return left, right


def fromfd(fd: Any, family: Any, type: Any, proto: Any = 0) -> socket:
    """A famsock socket on a duplicate of ``fd``, as the stdlib's ``fromfd``."""
    return _adopt(_socket.dup(fd), family, type, proto)  # not os.dup(): the stdlib's errors


def to_stdlib(sock: _StdSocket) -> _StdSocket:
    """Hand a famsock socket's fd over to a plain ``socket.socket`` (for trio, and for code that
    checks ``type(s) is socket.socket``). ``sock`` is detached: use the returned socket only.
    The timeout carries over; addresses are then the stdlib's forms, handled by the stdlib."""
    timeout = sock.gettimeout()
    family, kind, proto = sock.family, sock.type, sock.proto
    fd = sock.detach()
    if fd == -1:  # closed: what any other call on it raises, not socket()'s ValueError
        raise OSError(errno.EBADF, os.strerror(errno.EBADF))
    try:
        plain = _StdSocket(family, kind, proto, fileno=fd)
    except BaseException:
        os.close(fd)
        raise
    plain.settimeout(timeout)  # after socket(): it gives an fd the default timeout
    return plain


def create_connection(address: tuple[Any, Any], timeout: Any = _GLOBAL_DEFAULT_TIMEOUT,
                      source_address: Any = None, *, all_errors: bool = False) -> socket:
    """Connect to ``(host, port)``, trying each address ``getaddrinfo`` gives, as the stdlib.

    The first error is raised if every attempt fails, or all of them as an ExceptionGroup when
    ``all_errors`` is true (Python 3.11+, as in the stdlib).
    """
    if all_errors and sys.version_info < (3, 11):
        raise TypeError("create_connection(all_errors=True) needs Python 3.11 (ExceptionGroup)")
    host, port = address
    errors: list[OSError] = []
    for af, kind, proto, _, sockaddr in _home().getaddrinfo(host, port, 0, _socket.SOCK_STREAM):
        sock = None
        try:
            sock = _socket_class()(af, kind, proto)
            if timeout is not _GLOBAL_DEFAULT_TIMEOUT:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
            errors.clear()  # no reference cycles through the tracebacks
            return sock
        except OSError as exc:
            if not all_errors:
                errors.clear()
            errors.append(exc)
            if sock is not None:
                sock.close()
    if not errors:
        raise OSError("getaddrinfo returns an empty list")
    try:
        if all_errors and sys.version_info >= (3, 11):
            raise ExceptionGroup("create_connection failed", errors)  # noqa: F821 - 3.11+
        raise errors[0]
    finally:
        errors.clear()


def _server_setup(family: Any) -> ServerSetup | None:
    """The family's server setup; None for a value socket() refuses, left to refuse it."""
    from ._registry import registry  # noqa: PLC0415 - plugins load at first use

    try:
        number = operator.index(family)
    except TypeError:
        return None
    return registry.server_setup(number)


def create_server(address: Any, *, family: Any = _socket.AF_INET, backlog: int | None = None,
                  reuse_port: bool = False, dualstack_ipv6: bool = False) -> socket:
    """A listening TCP famsock socket bound to ``address``, as the stdlib's ``create_server``."""
    if reuse_port and not hasattr(_socket, "SO_REUSEPORT"):
        raise ValueError("SO_REUSEPORT not supported on this platform")
    setup = _server_setup(family)  # the family's part: IPv6's V6ONLY
    if dualstack_ipv6:
        if not has_dualstack_ipv6():
            raise ValueError("dualstack_ipv6 not supported on this platform")
        if setup is None or not setup.dualstack:
            raise ValueError("dualstack_ipv6 requires AF_INET6 family")  # the stdlib's words
    sock = _socket_class()(family, _socket.SOCK_STREAM)
    try:
        # as the stdlib: wherever it exists; failing is harmless (not contextlib: `import famsock`
        # imports none)
        try:  # noqa: SIM105
            sock.setsockopt(_socket.SOL_SOCKET, _socket.SO_REUSEADDR, 1)
        except OSError:
            pass
        if reuse_port:
            sock.setsockopt(_socket.SOL_SOCKET, _socket.SO_REUSEPORT, 1)
        if setup is not None:
            setup.prepare(sock, dualstack_ipv6)
        try:
            sock.bind(address)
        except OSError as exc:
            raise OSError(exc.errno, f"{exc.strerror} (while attempting to bind on address "
                                     f"{address!r})") from None
        if backlog is None:
            sock.listen()
        else:
            sock.listen(backlog)
    except BaseException:
        sock.close()
        raise
    return sock
