"""AF_VSOCK's numbers, from <linux/vm_sockets.h> (tests/vectors/sockaddr_vm.c prints them).

Written here, not read from the interpreter: an interpreter built without the header has none of
them, and the point of this plugin is that such an interpreter still speaks AF_VSOCK. Where the
interpreter has a name, the tests check it has the same value.
"""

from __future__ import annotations

__all__ = ["AF_VSOCK", "CONSTANTS", "IOCTL_VM_SOCKETS_GET_LOCAL_CID", "U32_MAX", "VMADDR_CID_ANY",
           "VMADDR_CID_HOST", "VMADDR_CID_HYPERVISOR", "VMADDR_CID_LOCAL", "VMADDR_FLAG_TO_HOST",
           "VMADDR_PORT_ANY"]

AF_VSOCK = 40
U32_MAX = 0xFFFFFFFF
VMADDR_CID_ANY = U32_MAX  # -1U
VMADDR_PORT_ANY = U32_MAX  # -1U
VMADDR_CID_HYPERVISOR = 0
VMADDR_CID_LOCAL = 1
VMADDR_CID_HOST = 2
VMADDR_FLAG_TO_HOST = 0x01
IOCTL_VM_SOCKETS_GET_LOCAL_CID = 0x7B9  # _IO(7, 0xb9)

#: What this family adds to ``famsock`` (``famsock.VMADDR_CID_LOCAL``...).
CONSTANTS: dict[str, int] = {
    "VMADDR_CID_ANY": VMADDR_CID_ANY,
    "VMADDR_PORT_ANY": VMADDR_PORT_ANY,
    "VMADDR_CID_HYPERVISOR": VMADDR_CID_HYPERVISOR,
    "VMADDR_CID_LOCAL": VMADDR_CID_LOCAL,
    "VMADDR_CID_HOST": VMADDR_CID_HOST,
    "VMADDR_FLAG_TO_HOST": VMADDR_FLAG_TO_HOST,
    "VM_SOCKETS_INVALID_VERSION": U32_MAX,
    "SO_VM_SOCKETS_BUFFER_SIZE": 0,
    "SO_VM_SOCKETS_BUFFER_MIN_SIZE": 1,
    "SO_VM_SOCKETS_BUFFER_MAX_SIZE": 2,
    "SO_VM_SOCKETS_PEER_HOST_VM_ID": 3,
    "SO_VM_SOCKETS_TRUSTED": 5,
    "SO_VM_SOCKETS_CONNECT_TIMEOUT": 6,
    "SO_VM_SOCKETS_NONBLOCK_TXRX": 7,
    "IOCTL_VM_SOCKETS_GET_LOCAL_CID": IOCTL_VM_SOCKETS_GET_LOCAL_CID,
    "SOL_VSOCK": 287,
}
