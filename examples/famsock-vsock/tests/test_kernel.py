"""AF_VSOCK on this machine's kernel, through famsock, side by side with the stdlib, both paths.

There is a vsock transport here (``/dev/vsock`` opens, a guest CID is assigned) but no loopback
transport: nothing on this machine can accept a vsock connection, so a connection to the own CID
fails with ENODEV (the kernel finds no transport for it). Binding and reading names works, and is
what is tested; a connection to CID 2 would reach the hypervisor's host, so none is made.
"""

from __future__ import annotations

import errno
import os
import socket as stdlib
import subprocess
import sys
import textwrap
from collections.abc import Iterator

import famsock_vsock
import pytest
from famsock_vsock import VMADDR_CID_ANY, VMADDR_PORT_ANY, VsockAddress

import famsock
from famsock.testing import (
    kernel_sockname,
    outcome,
    plain,
    same_outcome,
    stdlib_view,
    syscall_path as use_path,
)

pytestmark = [pytest.mark.family("vsock"), pytest.mark.usefixtures("no_fd_leak")]


@pytest.fixture(scope="module")
def cid() -> int:
    try:
        return famsock_vsock.local_cid()
    except OSError as exc:
        pytest.skip(f"no vsock transport gives this machine a CID: {exc}")


@pytest.fixture
def sock() -> Iterator[famsock.socket]:
    with famsock.socket(famsock.AF_VSOCK, famsock.SOCK_STREAM) as made:
        yield made


def test_an_unbound_socket_is_any_any(sock: famsock.socket, syscall_path: str) -> None:
    name = sock.getsockname()
    assert type(name) is VsockAddress and name == (VMADDR_CID_ANY, VMADDR_PORT_ANY)
    with stdlib_view(sock) as view:
        assert view.getsockname() == name
    assert famsock.address_to_text(name) == "vsock:any:any"


def test_bind_to_any_and_read_the_port_back(sock: famsock.socket, syscall_path: str) -> None:
    sock.bind((VMADDR_CID_ANY, VMADDR_PORT_ANY))
    assert sock.syscall_path == ("raw" if syscall_path == "raw" else "native")
    name = sock.getsockname()
    assert type(name) is VsockAddress and name.cid == VMADDR_CID_ANY
    assert 0 < name.port < VMADDR_PORT_ANY  # the kernel picked one
    with stdlib_view(sock) as view:
        theirs = view.getsockname()
    assert name == theirs and plain(name) == theirs and repr(name) == repr(theirs)
    assert kernel_sockname(sock) == famsock.encode(name)


def test_bind_to_the_own_cid(sock: famsock.socket, cid: int, syscall_path: str) -> None:
    sock.bind(famsock.address_from_text(f"vsock:{cid}:any"))
    name = sock.getsockname()
    assert name.cid == cid
    with stdlib_view(sock) as view:
        assert view.getsockname() == name


def test_bind_to_another_cid_is_the_kernels_eaddrnotavail(cid: int, syscall_path: str) -> None:
    other = (cid + 1, 5000)
    with famsock.socket(famsock.AF_VSOCK, famsock.SOCK_STREAM) as ours, \
            stdlib.socket(stdlib.AF_VSOCK, stdlib.SOCK_STREAM) as theirs:
        result = same_outcome(lambda: ours.bind(other), lambda: theirs.bind(other))
    assert result.raised and result.errno == errno.EADDRNOTAVAIL


def test_connect_to_the_own_cid_is_the_kernels_enodev(cid: int, syscall_path: str) -> None:
    """The kernel's answer where no transport reaches the own CID (no vsock loopback here)."""
    with famsock.socket(famsock.AF_VSOCK, famsock.SOCK_STREAM) as server:
        server.bind((VMADDR_CID_ANY, VMADDR_PORT_ANY))
        server.listen(1)
        target = (cid, server.getsockname().port)
        with famsock.socket(famsock.AF_VSOCK, famsock.SOCK_STREAM) as ours, \
                stdlib.socket(stdlib.AF_VSOCK, stdlib.SOCK_STREAM) as theirs:
            result = same_outcome(lambda: ours.connect(target), lambda: theirs.connect(target))
    assert result.raised and result.errno == errno.ENODEV


def test_seqpacket_binds_too(syscall_path: str) -> None:
    with famsock.socket(famsock.AF_VSOCK, famsock.SOCK_SEQPACKET) as sock:
        sock.bind((VMADDR_CID_ANY, 40001))
        assert sock.getsockname() == (VMADDR_CID_ANY, 40001)


def test_datagrams_are_the_kernels_enodev_here() -> None:
    """SOCK_DGRAM needs a transport that has datagrams (VMCI); virtio's has none: the kernel says so
    at socket(), for the stdlib and famsock alike, before any address is involved."""
    result = same_outcome(lambda: famsock.socket(famsock.AF_VSOCK, famsock.SOCK_DGRAM).close(),
                          lambda: stdlib.socket(stdlib.AF_VSOCK, stdlib.SOCK_DGRAM).close())
    assert result.raised and result.errno == errno.ENODEV


@pytest.mark.parametrize(("value", "lands_on"), [((-1, 40002), "any"), ((2**32 + 3, 40003), "cid 3")])
def test_the_stdlib_wraps_what_famsock_refuses(value: tuple[int, int], lands_on: str, cid: int) -> None:
    """The stdlib parses (cid, port) with "II": -1 becomes VMADDR_CID_ANY, 2**32 + 3 becomes 3.
    famsock refuses both before any syscall, on either path."""
    with stdlib.socket(stdlib.AF_VSOCK, stdlib.SOCK_STREAM) as theirs:
        wrapped = outcome(theirs.bind, value)
        expected = VMADDR_CID_ANY if lands_on == "any" else 3
        if wrapped.raised:  # 3 is not this machine's CID: the kernel refuses the wrapped value
            assert expected != cid and wrapped.errno == errno.EADDRNOTAVAIL
        else:
            assert theirs.getsockname()[0] == expected
    for path in ("auto", "raw"):
        with use_path(path), famsock.socket(famsock.AF_VSOCK, famsock.SOCK_STREAM) as ours:
            with pytest.raises(OverflowError, match="AF_VSOCK cid must be 0-4294967295"):
                ours.bind(value)
            assert ours.getsockname() == (VMADDR_CID_ANY, VMADDR_PORT_ANY)  # nothing was bound


def test_an_interpreter_without_vsock_still_has_it() -> None:
    """An interpreter built without <linux/vm_sockets.h> has no AF_VSOCK names and its C methods
    say "bad family"; simulated by removing the names from _socket before anything imports it.
    The plugin then offers no native path, and the raw path does everything."""
    program = textwrap.dedent("""
        import _socket
        for name in [n for n in dir(_socket) if "VSOCK" in n or n.startswith(("VMADDR", "SO_VM", "VM_SOCK",
                                                                              "IOCTL_VM"))]:
            delattr(_socket, name)
        import socket
        assert not hasattr(socket, "AF_VSOCK")
        import famsock
        with famsock.socket(famsock.AF_VSOCK, famsock.SOCK_STREAM) as sock:
            sock.bind((famsock.VMADDR_CID_ANY, 40004))
            name = sock.getsockname()
            print(sock.syscall_path, famsock.address_to_text(name), type(name).__name__)
            print(famsock.AF_VSOCK, famsock.VMADDR_CID_LOCAL)
    """)
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "FAMSOCK_SYSCALL_PATH": "auto"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["raw vsock:any:40004 VsockAddress", "40 1"]
