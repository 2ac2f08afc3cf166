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
    AddressFamily,
    AddressInfo,
    MsgFlag,
    SocketKind,
    error,
    gaierror,
    getdefaulttimeout,
    gethostname,
    herror,
    htonl,
    htons,
    inet_aton,
    inet_ntoa,
    ntohl,
    ntohs,
    setdefaulttimeout,
    timeout,
)

from ._constants import GENERIC_CONSTANTS as _GENERIC_CONSTANTS
from ._errors import FamilyConflictError, FamilyError, PluginWarning
from ._paths import get_syscall_path, set_syscall_path
from ._socket_object import socket

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs 3.6 ms
if TYPE_CHECKING:
    from typing import Any

__version__ = "0.1.0"

__all__ = [
    "AddressFamily", "AddressInfo", "FamilyConflictError", "FamilyError", "MsgFlag", "PluginWarning",
    "SocketKind", "SocketType", "error", "gaierror", "get_syscall_path", "getdefaulttimeout",
    "gethostname", "has_ipv6", "herror", "htonl", "htons", "inet_aton", "inet_ntoa", "ntohl", "ntohs",
    "set_syscall_path", "setdefaulttimeout", "socket", "timeout",
]
__all__ += list(_GENERIC_CONSTANTS)

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
