"""``struct sockaddr_vm`` bytes, and the stdlib's values, <-> ``VsockAddress``: pure functions.

Layout (16 bytes, <linux/vm_sockets.h>, all host order): svm_family 0:2, svm_reserved1 2:2,
svm_port 4:4, svm_cid 8:4, svm_flags 12:1, svm_zero 13:3. ``encode`` writes zeros where the C
library's ``memset`` leaves them; ``decode`` ignores svm_reserved1 and svm_zero, as the kernel does.
"""

from __future__ import annotations

import struct
from typing import Any

from famsock.contract import SocketSpec

from ._address import VsockAddress, make
from ._constants import AF_VSOCK, U32_MAX

__all__ = ["SOCKADDR_VM_SIZE", "decode", "encode", "from_native", "to_native"]

_LAYOUT = struct.Struct("=HHIIB3x")
SOCKADDR_VM_SIZE = _LAYOUT.size  # 16


def encode(address: VsockAddress, spec: SocketSpec | None = None) -> bytes:
    return _LAYOUT.pack(AF_VSOCK, 0, address[1], address[0], address.flags)


def decode(data: bytes, spec: SocketSpec | None = None) -> VsockAddress:
    if len(data) != SOCKADDR_VM_SIZE:
        raise ValueError(f"a sockaddr_vm is {SOCKADDR_VM_SIZE} bytes, got {len(data)}: {bytes(data).hex()}")
    family, _, port, cid, flags = _LAYOUT.unpack(data)
    if family != AF_VSOCK:
        raise ValueError(f"not an AF_VSOCK sockaddr: sa_family is {family}")
    return make(cid, port, flags)


def from_native(value: Any, spec: SocketSpec | None = None) -> VsockAddress:
    """The stdlib's ``(cid, port)`` (two unsigned ints from ``Py_BuildValue("II")``)."""
    if type(value) is not tuple or len(value) != 2 or not all(
            type(field) is int and 0 <= field <= U32_MAX for field in value):
        raise ValueError(f"not an AF_VSOCK address from the stdlib: {value!r}")
    return make(value[0], value[1])


def to_native(address: VsockAddress, spec: SocketSpec | None = None) -> VsockAddress:
    """The address itself (a ``(cid, port)`` tuple), which the C methods take; an address with
    ``svm_flags`` they cannot pass (their form has no flags), so it is refused, not cut."""
    if not address.flags:
        return address
    raise ValueError(f"AF_VSOCK address {tuple(address)!r} has svm_flags 0x{address.flags:x}, which the "
                     "interpreter's own AF_VSOCK support cannot pass: use the raw syscall path "
                     "(FAMSOCK_SYSCALL_PATH=raw or famsock.set_syscall_path('raw'))")
