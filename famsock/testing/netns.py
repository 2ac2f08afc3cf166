"""Network namespaces for tests: a private one for the session, and named ones joined by veth.

:func:`enter_private_network` moves this process into a private network namespace with only
loopback, up. Tests must not reach beyond this machine, yet resolving a name that is not in
/etc/hosts asks the configured DNS server. Inside a fresh namespace every such query fails at
once (EAI_AGAIN) and loopback behaves as usual. Needs root (or CAP_SYS_ADMIN); only the calling
thread and the threads and processes it starts afterwards are moved, so call it before starting
any.

The rest builds "hosts" for multi-host tests, one named namespace each (iproute2's ``ip netns``),
joined by veth pairs, and runs code inside them on threads: ``setns(CLONE_NEWNET)`` moves only
the calling thread, and a socket stays in the namespace of the thread that created it, so a test
can create sockets in two namespaces and compare their results in one process. Interface names,
``%scope`` texts and /proc/sys/net are read in the calling thread's namespace too.
"""

from __future__ import annotations

import ctypes
import fcntl
import itertools
import json
import os
import shutil
import socket
import struct
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

__all__ = [
    "NETNS_DIRECTORY",
    "enter_namespace",
    "enter_private_network",
    "multi_host_unusable",
    "named_namespace",
    "namespace_thread",
    "run_ip",
    "unique_name",
    "veth_pair",
    "wait_for_link",
    "write_sysctl",
]

NETNS_DIRECTORY = "/run/netns"  # where `ip netns add` mounts named namespaces
_CLONE_NEWNET = 0x40000000
_SIOCGIFFLAGS = 0x8913
_SIOCSIFFLAGS = 0x8914
_IFF_UP = 0x1
_IFREQ = struct.Struct("16sH22x")  # struct ifreq: name, then ifr_flags in the 24-byte union
_IP_SECONDS = 30  # any one `ip` command
_serial = itertools.count(1)


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


def multi_host_unusable() -> str:
    """"" when named namespaces and veth pairs can be made here, else why not (a skip reason)."""
    if os.geteuid() != 0:
        return "needs root to create network namespaces"
    if shutil.which("ip") is None:
        return "needs iproute2's ip command"
    return ""


def run_ip(*arguments: str) -> str:
    """Run ``ip ARGUMENTS`` and return its output; ``OSError`` with ip's message if it fails."""
    done = subprocess.run(["ip", *arguments], capture_output=True, text=True, timeout=_IP_SECONDS,
                          check=False)
    if done.returncode:
        raise OSError(f"ip {' '.join(arguments)} failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout


def unique_name(prefix: str = "famsock") -> str:
    """A namespace name no other run uses: pid, counter and random part (``ip netns list`` shows
    whose it is; the namespaces' mount points are shared with every process of the machine)."""
    return f"{prefix}-{os.getpid()}-{next(_serial)}-{os.urandom(3).hex()}"


@contextmanager
def named_namespace(prefix: str = "famsock") -> Iterator[str]:
    """A new named network namespace with ``lo`` up; deleted at exit, whatever happens."""
    name = unique_name(prefix)
    run_ip("netns", "add", name)
    try:
        run_ip("-n", name, "link", "set", "lo", "up")
        yield name
    finally:
        run_ip("netns", "delete", name)


def enter_namespace(name: str) -> None:
    """Move the calling thread (only it) into the named network namespace."""
    fd = os.open(os.path.join(NETNS_DIRECTORY, name), os.O_RDONLY | os.O_CLOEXEC)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.setns(fd, _CLONE_NEWNET) != 0:
            code = ctypes.get_errno()
            raise OSError(code, f"setns() into network namespace {name!r}: {os.strerror(code)}")
    finally:
        os.close(fd)


@contextmanager
def namespace_thread(name: str) -> Iterator[ThreadPoolExecutor]:
    """An executor whose one thread lives in the named namespace: what it runs creates sockets
    there and resolves interface names there. The thread ends at exit."""
    with ThreadPoolExecutor(1, f"netns-{name}", initializer=enter_namespace, initargs=(name,)) as executor:
        yield executor


def write_sysctl(key: str, value: str) -> None:
    """Write ``/proc/sys/KEY`` (``net/ipv6/conf/veth0/accept_dad``: slashes, since interface names
    may hold dots) in the calling thread's network namespace, which is what /proc/sys/net shows."""
    with open(os.path.join("/proc/sys", key), "w") as file:
        file.write(value)


def veth_pair(first: tuple[str, str, int], second: tuple[str, str, int]) -> None:
    """A veth pair from ``(namespace, interface name, ifindex)`` to another (ifindex 0: the
    kernel's choice), both ends created in their namespaces and left down."""
    def end(namespace: str, interface: str, ifindex: int) -> list[str]:
        return [interface, *(["index", str(ifindex)] if ifindex else []), "netns", namespace]

    run_ip("link", "add", *end(*first), "type", "veth", "peer", "name", *end(*second))


def wait_for_link(namespace: str, interface: str, seconds: float = 10.0) -> None:
    """Wait until the interface is operationally up and has no tentative IPv6 address (DAD
    pending); ``TimeoutError`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        link: list[dict[str, Any]] = json.loads(run_ip("-j", "-n", namespace, "link", "show", "dev",
                                                       interface))
        tentative = json.loads(run_ip("-j", "-n", namespace, "-6", "address", "show", "dev", interface,
                                      "tentative") or "[]")
        if link[0].get("operstate") == "UP" and not any(entry.get("addr_info") for entry in tentative):
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"{interface} in {namespace} is not up after {seconds} s: {link}, "
                               f"tentative: {tentative}")
        time.sleep(0.05)
