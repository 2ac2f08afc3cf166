"""Move this process into a private network namespace with only loopback, up.

Tests must not reach beyond this machine, yet resolving a name that is not in /etc/hosts asks
the configured DNS server. Inside a fresh namespace every such query fails at once (EAI_AGAIN)
and loopback behaves as usual. Needs root (or CAP_SYS_ADMIN); only the calling thread and the
threads and processes it starts afterwards are moved, so call it before starting any.
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import socket
import struct

__all__ = ["enter_private_network"]

_CLONE_NEWNET = 0x40000000
_SIOCGIFFLAGS = 0x8913
_SIOCSIFFLAGS = 0x8914
_IFF_UP = 0x1
_IFREQ = struct.Struct("16sH22x")  # struct ifreq: name, then ifr_flags in the 24-byte union


def enter_private_network() -> str:
    """Enter a new network namespace and bring ``lo`` up; return "" or why it could not."""
    if os.geteuid() != 0:
        return "not root"
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(_CLONE_NEWNET) != 0:
        code = ctypes.get_errno()
        return f"unshare(CLONE_NEWNET) failed: {os.strerror(code)}"
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        _, flags = _IFREQ.unpack(fcntl.ioctl(sock, _SIOCGIFFLAGS, _IFREQ.pack(b"lo", 0)))
        fcntl.ioctl(sock, _SIOCSIFFLAGS, _IFREQ.pack(b"lo", flags | _IFF_UP))
    return ""
