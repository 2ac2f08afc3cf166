"""Where plugins' results enter the core: checked once, and read by the family the kernel reports.

What a plugin returns is checked when it is computed (memoized results are not checked again):
``parse``, ``decode`` and ``from_native`` must return an instance of the family's
``address_type`` whose class is not one of the interpreter's own (``tuple``, ``str``...: users
pass those, and they must be parsed); ``encode`` must return ``bytes`` of a ``struct sockaddr``
of the family: 2 to 128 bytes (``sizeof(struct sockaddr_storage)``) starting with its
``sa_family``. Anything else is a :class:`~famsock.PluginError` naming the family and the
plugin's distribution, raised before any syscall.

Bytes a plugin's ``decode`` refuses (``ValueError``), and bytes of a family no plugin claims,
become a :class:`~famsock.RawSockaddr` that keeps them and the reason: a result is never lost.

The kernel may report an address of another family than the socket was opened with (Linux's
IPV6_ADDRFORM turns an AF_INET6 socket into an AF_INET one). Results are read by the family the
kernel reports: on the raw path by the sockaddr's ``sa_family`` (a field every sockaddr has), on
the native path by ``SO_DOMAIN`` once the socket's own ``from_native`` refused the value (the C
method decoded it by ``sa_family`` already; with no plugin for that family, its value is the
stdlib's own and is returned as it is).
"""

from __future__ import annotations

import _socket
from sys import byteorder

from ._raw_sockaddr import RawSockaddr

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs 3.6 ms
if TYPE_CHECKING:
    from socket import socket as StdSocket
    from typing import Any

    from ._registry import Registry
    from .contract import Family, SocketSpec

__all__ = ["SOCKADDR_MAX", "NotMoved", "bad_sockaddr", "check_address", "decode_or_raw", "moved_native",
           "plugin_error", "proper"]

SOCKADDR_MAX = 128  # sizeof(struct sockaddr_storage): no sockaddr is longer
_SO_DOMAIN: int | None = getattr(_socket, "SO_DOMAIN", None)  # Linux, FreeBSD
_SOL_SOCKET = _socket.SOL_SOCKET
_c_getsockopt = _socket.socket.getsockopt


def proper(cls: type) -> bool:
    """Whether ``cls`` may be a typed-address class: not one of the interpreter's own (``tuple``,
    ``str``, ``bytes``...), whose values users pass and which must therefore be parsed."""
    return cls.__module__ != "builtins"


def _shown(value: Any) -> str:
    """``repr(value)``, short, for a message about a faulty plugin: its repr may fail too."""
    try:
        text = repr(value)
    except Exception:  # a broken object is what these messages are about
        text = object.__repr__(value)
    return text if len(text) <= 80 else text[:77] + "..."


def plugin_error(registry: Registry, family: Family[Any], hook: str, problem: str) -> Exception:
    """The PluginError for a fault of ``family``'s plugin in ``hook``."""
    from ._errors import PluginError  # noqa: PLC0415 - an error path

    return PluginError(f"faulty famsock plugin for family {family.name!r} ({family.constant} = "
                       f"{family.number}) from {registry.source_of(family)}: {hook}() {problem}")


def check_address(registry: Registry, family: Family[Any], address: Any, hook: str) -> None:
    """Raise PluginError unless ``address`` can be a typed address of ``family``."""
    cls = type(address)
    wanted = family.address_type
    if not proper(cls) or not isinstance(address, wanted):
        raise plugin_error(registry, family, hook,
                           f"returned {cls.__qualname__} {_shown(address)}, not a typed address (an "
                           f"instance of {wanted.__qualname__}, of a class that is not built in)")


def bad_sockaddr(registry: Registry, family: Family[Any], encoded: Any) -> Exception:
    """The PluginError for an ``encode`` result that is not a sockaddr of ``family``."""
    if type(encoded) is not bytes:
        problem = f"a {type(encoded).__qualname__}, not bytes: {_shown(encoded)}"
    elif not 2 <= len(encoded) <= SOCKADDR_MAX:
        problem = f"{len(encoded)} bytes; a sockaddr is 2 to {SOCKADDR_MAX} bytes"
    else:
        found = int.from_bytes(encoded[:2], byteorder)
        problem = f"a sockaddr of family {found} (its sa_family, the first two bytes), not {family.number}"
    return plugin_error(registry, family, "encode", f"returned {problem}")


def decode_or_raw(registry: Registry, data: bytes, spec: SocketSpec) -> Any:
    """The typed address for sockaddr ``data``, by the family its ``sa_family`` names (``spec``
    is the socket's); a RawSockaddr, with the reason, where no plugin reads it."""
    if len(data) < 2:
        return RawSockaddr.from_sockaddr(data.ljust(2, b"\0"), f"a sockaddr of {len(data)} bytes")
    number = int.from_bytes(data[:2], byteorder)
    family = registry.lookup(number)
    if family is None:
        return RawSockaddr.from_sockaddr(data, f"no famsock plugin handles address family {number}")
    try:
        address = family.decode(data, spec._replace(family=number))
    except ValueError as exc:
        return RawSockaddr.from_sockaddr(data, f"the {family.name!r} plugin cannot decode it: {exc}")
    check_address(registry, family, address, "decode")
    return address


class NotMoved:
    """What :func:`moved_native` returns when the socket is still of its backend's family."""


def _kernel_family(sock: StdSocket) -> int | None:
    """The family the kernel reports for ``sock`` (SO_DOMAIN), or None where it cannot say."""
    if _SO_DOMAIN is None:
        return None
    try:
        return int(_c_getsockopt(sock, _SOL_SOCKET, _SO_DOMAIN))
    except OSError:
        return None


def moved_native(registry: Registry, sock: StdSocket, result: Any, family: Family[Any],
                 spec: SocketSpec) -> Any:
    """A C method's ``result`` that ``family``'s ``from_native`` refused, read by the family the
    kernel reports for ``sock``: its plugin's typed address, or the stdlib's value where no
    plugin (or no native handling) is; :class:`NotMoved` if the family is the same."""
    number = _kernel_family(sock)
    if number is None or number == family.number:
        return NotMoved
    other = registry.lookup(number)
    if other is None or other.native is None:
        return result  # the interpreter decoded it by its sa_family: the stdlib's own value
    address = other.native.from_native(result, spec._replace(family=number))
    check_address(registry, other, address, "from_native")
    return address
