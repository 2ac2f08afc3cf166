"""sin6_flowinfo on the real kernel: the flow label manager makes the kernel read and report it.

A socket with IPV6_FLOWINFO_SEND uses the flowinfo of the address it connects or sends to, and
the kernel refuses (EINVAL) a flow label the socket did not register with IPV6_FLOWLABEL_MGR;
getpeername() then reports the label. So a label famsock encoded in the wrong byte order (a
label no socket registered) would fail on the raw path, and a wrong decode would show in
getpeername(). The constants and the
layout of struct in6_flowlabel_req come from <linux/in6.h>, through the C vector generator.
"""

from __future__ import annotations

import errno
import itertools
import socket as stdlib
import struct
from pathlib import Path

import pytest
from famsock_inet6 import Inet6Address

import famsock
from famsock.testing import c_vectors

pytestmark = pytest.mark.usefixtures("no_fd_leak")

FLOWLABEL = c_vectors.load(Path(__file__).parent / "vectors" / "sockaddr_in6.c")["flowlabel"]
# Labels are exclusive to a socket and linger in the kernel after it closes: never reuse one.
# Below 0x80000, the half the flow label manager owns when net.ipv6.flowlabel_state_ranges is on.
_labels = itertools.count(0x12345, 0x111)


def _with_label(sock: stdlib.socket, label: int) -> None:
    """Register ``label`` for ``sock`` (towards ::1) and make the socket send with flowinfo."""
    request = bytearray(FLOWLABEL["size"])
    request[FLOWLABEL["flr_dst"]:FLOWLABEL["flr_dst"] + 16] = stdlib.inet_pton(stdlib.AF_INET6, "::1")
    struct.pack_into("!I", request, FLOWLABEL["flr_label"], label)  # a __be32 in the header
    struct.pack_into("=B", request, FLOWLABEL["flr_action"], FLOWLABEL["IPV6_FL_A_GET"])
    struct.pack_into("=B", request, FLOWLABEL["flr_share"], FLOWLABEL["IPV6_FL_S_EXCL"])
    struct.pack_into("=H", request, FLOWLABEL["flr_flags"], FLOWLABEL["IPV6_FL_F_CREATE"])
    try:
        sock.setsockopt(stdlib.IPPROTO_IPV6, FLOWLABEL["IPV6_FLOWLABEL_MGR"], bytes(request))
    except OSError as exc:
        pytest.skip(f"this kernel's flow label manager refused label {label:#x}: {exc}")
    sock.setsockopt(stdlib.IPPROTO_IPV6, FLOWLABEL["IPV6_FLOWINFO_SEND"], 1)


@pytest.mark.parametrize("kind", [stdlib.SOCK_STREAM, stdlib.SOCK_DGRAM], ids=["tcp", "udp"])
def test_connect_with_a_flow_label_reports_it_as_the_stdlib(syscall_path: str, kind: int) -> None:
    with stdlib.socket(stdlib.AF_INET6, kind) as server:
        server.bind(("::1", 0))
        if kind == stdlib.SOCK_STREAM:
            server.listen()
        port = server.getsockname()[1]
        with famsock.socket(famsock.AF_INET6, kind) as ours, stdlib.socket(stdlib.AF_INET6, kind) as theirs:
            mine, their = next(_labels), next(_labels)
            _with_label(ours, mine)
            _with_label(theirs, their)
            ours.connect(("::1", port, mine))
            theirs.connect(("::1", port, their))
            assert theirs.getpeername() == ("::1", port, their, 0)
            assert ours.getpeername() == ("::1", port, mine, 0)
            assert type(ours.getpeername()) is Inet6Address
            text = famsock.address_to_text(ours.getpeername())
            assert text == f"inet6:[::1]:{port},flowinfo={mine:#07x}"


@pytest.mark.parametrize("kind", [stdlib.SOCK_STREAM, stdlib.SOCK_DGRAM], ids=["tcp", "udp"])
def test_an_unregistered_label_is_refused_by_the_kernel_as_for_the_stdlib(syscall_path: str,
                                                                          kind: int) -> None:
    """The negative control: the kernel really reads the label famsock wrote."""
    with stdlib.socket(stdlib.AF_INET6, kind) as server:
        server.bind(("::1", 0))
        if kind == stdlib.SOCK_STREAM:
            server.listen()
        port = server.getsockname()[1]
        with famsock.socket(famsock.AF_INET6, kind) as ours, stdlib.socket(stdlib.AF_INET6, kind) as theirs:
            _with_label(ours, next(_labels))
            _with_label(theirs, next(_labels))
            unregistered = next(_labels)
            assert theirs.connect_ex(("::1", port, unregistered)) == errno.EINVAL
            assert ours.connect_ex(("::1", port, unregistered)) == errno.EINVAL


def test_sendto_with_a_flow_label(syscall_path: str) -> None:
    with stdlib.socket(stdlib.AF_INET6, stdlib.SOCK_DGRAM) as server, \
            famsock.socket(famsock.AF_INET6, famsock.SOCK_DGRAM) as ours:
        server.settimeout(5)
        server.bind(("::1", 0))
        ours.bind(("::1", 0))
        port = server.getsockname()[1]
        label = next(_labels)
        _with_label(ours, label)
        assert ours.sendto(b"labelled", ("::1", port, label)) == 8
        assert server.recvfrom(100) == (b"labelled", ours.getsockname())
        with pytest.raises(OSError) as refused:
            ours.sendto(b"unlabelled", ("::1", port, next(_labels)))
        assert refused.value.errno == errno.EINVAL
