"""famsock: Python's socket API, with every address family as a plugin.

    import famsock as socket

Everything the stdlib's ``socket`` module offers works the same; the methods that take or return
addresses go through the plugin of the socket's family (``famsock.families`` entry points),
which parses, checks, encodes and decodes them. See ARCHITECTURE.md.

Importing famsock loads no plugin: plugins load at the first address call or the first family
constant asked for, so ``import famsock`` costs little more than ``import socket``.
"""

from __future__ import annotations

import _socket
import socket as _std
from socket import (  # the stdlib's own objects: `except famsock.error` catches socket.error
    CMSG_LEN,
    CMSG_SPACE,
    AddressFamily,
    AddressInfo,
    MsgFlag,
    SocketIO,
    SocketKind,
    close,
    dup,
    error,
    gaierror,
    getdefaulttimeout,
    getfqdn,
    gethostbyaddr,
    gethostbyname,
    gethostbyname_ex,
    gethostname,
    getnameinfo,
    getprotobyname,
    getservbyname,
    getservbyport,
    herror,
    htonl,
    htons,
    if_indextoname,
    if_nameindex,
    if_nametoindex,
    inet_aton,
    inet_ntoa,
    ntohl,
    ntohs,
    recv_fds,
    send_fds,
    setdefaulttimeout,
    sethostname,
    timeout,
)

from ._connections import (
    create_connection,
    create_server,
    fromfd,
    has_dualstack_ipv6,
    socketpair,
    to_stdlib,
)
from ._constants import GENERIC_CONSTANTS as _GENERIC_CONSTANTS
from ._errors import FamilyConflictError, FamilyError, PluginWarning
from ._lookups import getaddrinfo, inet_ntop, inet_pton
from ._paths import get_syscall_path, set_syscall_path
from ._socket_object import socket

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs 3.6 ms
if TYPE_CHECKING:
    from typing import Any

__version__ = "0.1.0"

# The stdlib's public names (its family constants resolve through __getattr__), then famsock's.
__all__ = [  # noqa: PLE0604 - starts from the stdlib's list
    *_std.__all__,
    "AddressInfo", "FamilyConflictError", "FamilyError", "MsgFlag", "PluginWarning", "SocketIO",
    "address_from_text", "decode", "encode", "family", "get_syscall_path", "hookimpl",
    "parse_address", "set_syscall_path", "to_stdlib",
]

globals().update(_GENERIC_CONSTANTS)
SocketType = _std.SocketType
has_ipv6 = _std.has_ipv6

#: Names served on first use, so that importing famsock imports neither pluggy nor ctypes.
_LAZY = {
    "hookimpl": "famsock.contract",
    "address_from_text": "famsock.codec",
    "decode": "famsock.codec",
    "encode": "famsock.codec",
    "family": "famsock.codec",
    "parse_address": "famsock.codec",
}


def __getattr__(name: str) -> Any:
    """Lazy names, then family constants: a plugin's value, else the platform's (as the stdlib)."""
    module = _LAZY.get(name)
    if module is not None:
        import importlib  # noqa: PLC0415

        value = getattr(importlib.import_module(module), name)
    elif name.isupper() and name[0].isalpha():
        from ._registry import registry  # noqa: PLC0415

        value = registry.constant(name)
        if value is None:
            value = getattr(_std, name, None)
        if value is None:
            value = getattr(_socket, name, None)
        if value is None:
            raise AttributeError(f"module 'famsock' has no attribute {name!r}: no installed family "
                                 "plugin contributes it and the platform does not define it")
    else:
        raise AttributeError(f"module 'famsock' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    from ._registry import registry  # noqa: PLC0415

    return sorted({*globals(), *_LAZY, *registry.constant_names()})
