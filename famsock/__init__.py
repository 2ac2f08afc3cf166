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
import sys as _sys
from socket import (  # the stdlib's own objects: `except famsock.error` catches socket.error
    CMSG_LEN as CMSG_LEN,
    CMSG_SPACE as CMSG_SPACE,
    AddressFamily as AddressFamily,
    AddressInfo as AddressInfo,
    MsgFlag as MsgFlag,
    SocketIO as SocketIO,
    SocketKind as SocketKind,
    close as close,
    dup as dup,
    error as error,
    gaierror as gaierror,
    getdefaulttimeout as getdefaulttimeout,
    getfqdn as getfqdn,
    gethostbyaddr as gethostbyaddr,
    gethostbyname as gethostbyname,
    gethostbyname_ex as gethostbyname_ex,
    gethostname as gethostname,
    getnameinfo as getnameinfo,
    getprotobyname as getprotobyname,
    getservbyname as getservbyname,
    getservbyport as getservbyport,
    herror as herror,
    htonl as htonl,
    htons as htons,
    if_indextoname as if_indextoname,
    if_nameindex as if_nameindex,
    if_nametoindex as if_nametoindex,
    inet_aton as inet_aton,
    inet_ntoa as inet_ntoa,
    ntohl as ntohl,
    ntohs as ntohs,
    recv_fds as recv_fds,
    send_fds as send_fds,
    setdefaulttimeout as setdefaulttimeout,
    sethostname as sethostname,
    timeout as timeout,
)

from ._backends import get_syscall_path as get_syscall_path, set_syscall_path as set_syscall_path
from ._errors import (
    FamilyConflictError as FamilyConflictError,
    FamilyError as FamilyError,
    PluginError as PluginError,
    PluginWarning as PluginWarning,
)
from ._socket_object import accelerator as accelerator, socket as socket

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs 3.6 ms
if TYPE_CHECKING:  # the names __getattr__ serves on first use, as type checkers should see them
    from typing import Any

    from ._ancillary import decode_ancillary as decode_ancillary, encode_ancillary as encode_ancillary
    from ._batch import DatagramBatch as DatagramBatch
    from ._connections import (
        create_connection as create_connection,
        create_server as create_server,
        fromfd as fromfd,
        has_dualstack_ipv6 as has_dualstack_ipv6,
        socketpair as socketpair,
        to_stdlib as to_stdlib,
    )
    from ._lookups import getaddrinfo as getaddrinfo, inet_ntop as inet_ntop, inet_pton as inet_pton
    from ._patching import (
        StdlibPatch as StdlibPatch,
        patch_stdlib as patch_stdlib,
        unpatch_stdlib as unpatch_stdlib,
    )
    from ._raw_sockaddr import RawSockaddr as RawSockaddr
    from .codec import (
        address_from_text as address_from_text,
        address_to_text as address_to_text,
        decode as decode,
        encode as encode,
        family as family,
        parse_address as parse_address,
    )
    from .contract import hookimpl as hookimpl

__version__ = "0.1.0"

# The stdlib's public names (its family constants resolve through __getattr__), then famsock's.
__all__ = [  # noqa: PLE0604 - starts from the stdlib's list
    *_std.__all__,
    "AddressInfo", "DatagramBatch", "FamilyConflictError", "FamilyError", "MsgFlag", "PluginError",
    "PluginWarning", "RawSockaddr", "SocketIO", "StdlibPatch",
    "address_from_text", "address_to_text", "decode", "decode_ancillary", "encode", "encode_ancillary",
    "accelerator", "family", "get_syscall_path",
    "hookimpl", "parse_address", "patch_stdlib", "set_syscall_path", "to_stdlib", "unpatch_stdlib",
]

SocketType = _std.SocketType
has_ipv6 = _std.has_ipv6

#: Names served on first use, so that importing famsock imports neither pluggy nor ctypes, nor
#: modules a process that only binds and sends never uses (each import costs ~0.3 ms).
_LAZY = {
    "create_connection": "famsock._connections",
    "create_server": "famsock._connections",
    "fromfd": "famsock._connections",
    "has_dualstack_ipv6": "famsock._connections",
    "socketpair": "famsock._connections",
    "to_stdlib": "famsock._connections",
    "getaddrinfo": "famsock._lookups",
    "inet_ntop": "famsock._lookups",
    "inet_pton": "famsock._lookups",
    "hookimpl": "famsock.contract",
    "DatagramBatch": "famsock._batch",
    "address_from_text": "famsock.codec",
    "decode_ancillary": "famsock._ancillary",
    "encode_ancillary": "famsock._ancillary",
    "address_to_text": "famsock.codec",
    "RawSockaddr": "famsock._raw_sockaddr",
    "decode": "famsock.codec",
    "encode": "famsock.codec",
    "family": "famsock.codec",
    "parse_address": "famsock.codec",
    "patch_stdlib": "famsock._patching",
    "unpatch_stdlib": "famsock._patching",
    "StdlibPatch": "famsock._patching",
}


def __getattr__(name: str) -> Any:
    """Lazy names; family constants (a plugin's value, else the platform's, as the stdlib); then
    every other name of the stdlib's ``socket``."""
    module = _LAZY.get(name)
    if module is not None:
        __import__(module)  # importlib.import_module() without importing importlib
        value = getattr(_sys.modules[module], name)
    elif (name.isupper() and name[0].isalpha()) or name.startswith("AF_"):  # AF_DECnet
        # Constants are the stdlib's own objects (famsock.AF_INET is socket.AF_INET, an enum
        # member). A name the platform defines is the platform's value in every plugin (the
        # loader refuses another), so it needs no plugin loaded: famsock.TCP_NODELAY is
        # socket.TCP_NODELAY. Other names come from the plugin that contributes them.
        value = getattr(_std, name, None)
        if value is None:
            value = getattr(_socket, name, None)
        if value is None:
            from ._registry import registry  # noqa: PLC0415

            value = registry.constant(name)
        if value is None:
            raise AttributeError(f"module 'famsock' has no attribute {name!r}: no installed family "
                                 "plugin contributes it and the platform does not define it")
    elif hasattr(_std, name):
        # Any other name of the stdlib's module, private ones included, as its own object:
        # http.client, ssl, ftplib... read socket._GLOBAL_DEFAULT_TIMEOUT at import.
        value = getattr(_std, name)
    else:
        raise AttributeError(f"module 'famsock' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    from ._registry import registry  # noqa: PLC0415

    return sorted({*globals(), *_LAZY, *registry.constant_names(), *dir(_std)})
