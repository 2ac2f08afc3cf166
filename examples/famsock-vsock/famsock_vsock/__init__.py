"""famsock-vsock: the AF_VSOCK family (virtual machine sockets, ``(cid, port)``) for famsock.

A third-party plugin, published on its own: installed, it registers itself under the
``famsock.families`` entry point group, and ``famsock`` gives AF_VSOCK sockets typed addresses
(:class:`VsockAddress`, the stdlib's ``(cid, port)`` tuple) and the AF_VSOCK constants, even in an
interpreter built without ``<linux/vm_sockets.h>``, which has no AF_VSOCK of its own: every
number comes from the header through this package, and the raw syscall path needs nothing from
the interpreter. Where the interpreter has AF_VSOCK, its C methods do the calls (the native path).

Hooks (famsock.contract, version 2): the family, and loopbacks where the kernel has a loopback
transport (the ``vsock_loopback`` module) to echo over.
"""

from __future__ import annotations

import _socket
import fcntl
import os
import struct
import sys
from collections.abc import Sequence

from famsock.contract import Family, Loopback, Native, hookimpl

from ._address import VsockAddress, from_text, parse, to_text
from ._codec import decode, encode, from_native, to_native
from ._constants import (
    AF_VSOCK,
    CONSTANTS,
    IOCTL_VM_SOCKETS_GET_LOCAL_CID,
    VMADDR_CID_ANY,
    VMADDR_CID_HOST,
    VMADDR_CID_HYPERVISOR,
    VMADDR_CID_LOCAL,
    VMADDR_FLAG_TO_HOST,
    VMADDR_PORT_ANY,
)

__all__ = [
    "AF_VSOCK",
    "FAMILY",
    "VMADDR_CID_ANY",
    "VMADDR_CID_HOST",
    "VMADDR_CID_HYPERVISOR",
    "VMADDR_CID_LOCAL",
    "VMADDR_FLAG_TO_HOST",
    "VMADDR_PORT_ANY",
    "VsockAddress",
    "famsock_families",
    "famsock_loopbacks",
    "local_cid",
]
__version__ = "0.1.0"

famsock_contract = 2

_LINUX = sys.platform == "linux"
# The interpreter's own AF_VSOCK (CPython built with <linux/vm_sockets.h>): the native path.
_INTERPRETER_HAS_VSOCK = getattr(_socket, "AF_VSOCK", None) == AF_VSOCK
_LOOPBACK_TRANSPORT = "/sys/module/vsock_loopback"

FAMILY: Family[VsockAddress] = Family(
    name="vsock",
    number=AF_VSOCK,
    constant="AF_VSOCK",
    address_type=VsockAddress,
    socket_types=frozenset({_socket.SOCK_STREAM, _socket.SOCK_SEQPACKET, _socket.SOCK_DGRAM}),
    parse=parse,
    encode=encode,
    decode=decode,
    to_text=to_text,
    from_text=from_text,
    constants=CONSTANTS,
    native=Native(from_native=from_native, to_native=to_native) if _INTERPRETER_HAS_VSOCK else None,
    summary="VM sockets: (cid, port)",
)


def local_cid() -> int:
    """This machine's context id (CID), as the kernel's vsock transport reports it
    (``IOCTL_VM_SOCKETS_GET_LOCAL_CID`` on ``/dev/vsock``); ``OSError`` where there is none."""
    fd = os.open("/dev/vsock", os.O_RDONLY | os.O_CLOEXEC)
    try:
        data = fcntl.ioctl(fd, IOCTL_VM_SOCKETS_GET_LOCAL_CID, bytes(4))
    finally:
        os.close(fd)
    cid: int = struct.unpack("=I", data)[0]
    return cid


@hookimpl
def famsock_families() -> Sequence[Family[VsockAddress]]:
    return [FAMILY] if _LINUX else []


@hookimpl
def famsock_loopbacks() -> Sequence[Loopback]:
    # Without a loopback transport, nothing on this machine answers a vsock connection (a guest's
    # own CID gives ENODEV); with it, CID 1 (VMADDR_CID_LOCAL) is this machine.
    if not _LINUX or not os.path.isdir(_LOOPBACK_TRANSPORT):
        return []
    return [Loopback(AF_VSOCK, kind, lambda: (VMADDR_CID_LOCAL, VMADDR_PORT_ANY))
            for kind in (_socket.SOCK_STREAM, _socket.SOCK_SEQPACKET)]
