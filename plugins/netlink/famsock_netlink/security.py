"""Is this message from the kernel? Checks for programs that act on netlink messages.

A netlink socket receives from whoever may send to its port: the kernel (port 0), and, on
protocols that allow it, other processes. ``NETLINK_ROUTE`` lets only processes with
``CAP_NET_ADMIN`` send to another socket's port or to a group; ``NETLINK_USERSOCK``, and families
of other protocols that set ``NL_CFG_F_NONROOT_SEND``, let **any** local user do it. A program
that changes the system on what a message says (a DHCP client adding the address it is told, a
daemon reacting to ``RTM_NEWLINK``, a udev-like listener of ``NETLINK_KOBJECT_UEVENT``) must
check who sent it, or any user can make it act: the classic udev flaw (CVE-2009-1185) was a
uevent listener that believed a message from a user process.

The sender is the source address of the datagram (``recvfrom``/``recvmsg``), filled in by the
kernel: ``nl_pid`` 0 is the kernel itself. The ``nlmsg_pid`` field inside a message is written by
the sender and proves nothing. :class:`famsock_netlink.Connection` checks every datagram's
source (``peer``, 0 by default) and refuses others; these helpers are for programs that read the
socket themselves.
"""

from __future__ import annotations

from typing import Any

__all__ = ["KERNEL_PID", "from_kernel", "require_kernel"]

KERNEL_PID = 0


def from_kernel(sender: Any) -> bool:
    """Whether a datagram's source address (``(pid, groups)`` as ``recvfrom`` returns it) is the
    kernel's. Anything that is not such an address is not."""
    return isinstance(sender, tuple) and len(sender) == 2 and sender[0] == KERNEL_PID \
        and isinstance(sender[0], int)


def require_kernel(sender: Any, what: str = "netlink message") -> None:
    """Raise ``PermissionError`` unless ``sender`` is the kernel (see :func:`from_kernel`)."""
    if not from_kernel(sender):
        raise PermissionError(f"{what} came from {sender!r}, not from the kernel (port 0): refused")
