"""A socket the kernel moved to another family: its addresses are read by the kernel's family.

Linux's IPV6_ADDRFORM turns a connected AF_INET6 UDP (or TCP) socket whose addresses are
IPv4-mapped into an AF_INET one. The socket object still says AF_INET6, but the kernel now
reports ``sockaddr_in``: the stdlib returns ``('127.0.0.1', port)`` (its C code decodes by the
sockaddr's ``sa_family``), and famsock must return the same, as an ``InetAddress``, on both
paths.
"""

from __future__ import annotations

import socket as stdlib
import struct
import sys
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

import pytest

import famsock
from famsock.codec import family
from famsock.contract import SocketSpec
from famsock.testing import syscall_path as use_path
from tests.helpers import FakePlugin, use_plugins

pytestmark = [
    pytest.mark.family("inet", "inet6"),
    pytest.mark.skipif(sys.platform != "linux", reason="IPV6_ADDRFORM is Linux's"),
]

#: famsock's constant where a plugin or the platform has it; 1 is its value in <linux/in6.h>.
IPV6_ADDRFORM: int = getattr(famsock, "IPV6_ADDRFORM", 1)


def moved_to_inet(stack: ExitStack) -> tuple[famsock.socket, stdlib.socket]:
    """An AF_INET6 UDP socket connected to an IPv4 peer through a mapped address, then turned
    into AF_INET; and its peer (a stdlib AF_INET socket)."""
    peer = stack.enter_context(stdlib.socket(stdlib.AF_INET, stdlib.SOCK_DGRAM))
    peer.bind(("127.0.0.1", 0))
    sock = stack.enter_context(famsock.socket(famsock.AF_INET6, famsock.SOCK_DGRAM))
    sock.connect(("::ffff:127.0.0.1", peer.getsockname()[1]))
    sock.setsockopt(stdlib.IPPROTO_IPV6, IPV6_ADDRFORM, stdlib.AF_INET)
    assert sock.getsockopt(stdlib.SOL_SOCKET, stdlib.SO_DOMAIN) == stdlib.AF_INET
    assert sock.family == stdlib.AF_INET6  # what the socket object was opened with, as the stdlib
    return sock, peer


def assert_inet(address: Any, expected: Any) -> None:
    """``address`` is the stdlib's ``expected`` as a whole, working InetAddress."""
    assert type(expected) is tuple and len(expected) == 2
    assert address == expected
    assert type(address) is family("inet").address_type
    assert repr(address) == repr(expected)  # a whole object, printed as the stdlib's value
    assert str(address) == str(expected)
    assert famsock.address_to_text(address) == f"inet:{expected[0]}:{expected[1]}"
    assert address.port == expected[1]


def test_names_are_read_by_the_family_the_kernel_reports(syscall_path: str) -> None:
    with ExitStack() as stack:
        sock, peer = moved_to_inet(stack)
        assert sock.syscall_path == syscall_path
        for _ in range(2):  # the second time from the memo, if the path memoizes
            assert_inet(sock.getsockname(), stdlib.socket.getsockname(sock))
            assert_inet(sock.getpeername(), stdlib.socket.getpeername(sock))
        assert sock.getpeername() == peer.getsockname()


def test_received_datagrams_name_their_sender_as_the_stdlib(syscall_path: str) -> None:
    with ExitStack() as stack:
        sock, peer = moved_to_inet(stack)
        peer.sendto(b"one", stdlib.socket.getsockname(sock))
        data, sender = sock.recvfrom(100)
        assert data == b"one"
        assert_inet(sender, peer.getsockname())
        peer.sendto(b"two", stdlib.socket.getsockname(sock))
        buffer = bytearray(100)
        size, sender = sock.recvfrom_into(buffer)
        assert bytes(buffer[:size]) == b"two"
        assert_inet(sender, peer.getsockname())
        peer.sendto(b"three", stdlib.socket.getsockname(sock))
        data, _, _, sender = sock.recvmsg(100)
        assert data == b"three"
        assert_inet(sender, peer.getsockname())


def test_the_stdlib_agrees() -> None:
    """The reference: a stdlib socket moved the same way reports ('127.0.0.1', port)."""
    with ExitStack() as stack:
        peer = stack.enter_context(stdlib.socket(stdlib.AF_INET, stdlib.SOCK_DGRAM))
        peer.bind(("127.0.0.1", 0))
        sock = stack.enter_context(stdlib.socket(stdlib.AF_INET6, stdlib.SOCK_DGRAM))
        sock.connect(("::ffff:127.0.0.1", peer.getsockname()[1]))
        sock.setsockopt(stdlib.IPPROTO_IPV6, IPV6_ADDRFORM, stdlib.AF_INET)
        assert sock.getpeername() == peer.getsockname()
        assert sock.getsockname()[0] == "127.0.0.1"


def test_inet6_from_native_refuses_what_is_not_its_four_tuple() -> None:
    native = family("inet6").native
    assert native is not None
    spec = SocketSpec(stdlib.AF_INET6, stdlib.SOCK_DGRAM, 0)
    for value in [("127.0.0.1", 5000), ("::1", 5000, 0), ("::1", 5000, 0, 0, 0), "::1", None]:
        with pytest.raises(ValueError, match="AF_INET6"):
            native.from_native(value, spec)
    assert native.from_native(("::1", 5000, 0, 0), spec) == ("::1", 5000, 0, 0)


@pytest.fixture
def only_inet6(monkeypatch: pytest.MonkeyPatch) -> None:
    """famsock knows AF_INET6 only: no plugin for the family the kernel moves the socket to."""
    use_plugins(monkeypatch, ("inet6-alone", FakePlugin(family("inet6"))))


@pytest.mark.usefixtures("only_inet6")
def test_without_a_plugin_for_the_new_family_native_gives_the_stdlibs_value() -> None:
    """As for any family no plugin claims (PassthroughBackend): the stdlib's value, untouched."""
    with ExitStack() as stack:
        stack.enter_context(use_path("auto"))
        sock, peer = moved_to_inet(stack)
        name = sock.getsockname()
        assert type(name) is tuple
        assert name == stdlib.socket.getsockname(sock)
        assert sock.getpeername() == peer.getsockname()


@pytest.mark.usefixtures("only_inet6")
def test_without_a_plugin_for_the_new_family_raw_gives_the_kernels_bytes() -> None:
    """The raw path has only the kernel's bytes, which nothing here can read: a RawSockaddr of
    the family the kernel reports, with the reason, never an error or a broken address."""
    calls: list[Callable[[famsock.socket], Any]] = [famsock.socket.getsockname, famsock.socket.getpeername]
    with ExitStack() as stack:
        stack.enter_context(use_path("raw"))
        sock, _ = moved_to_inet(stack)
        for call in calls:
            host, port = getattr(stdlib.socket, call.__name__)(sock)
            address = call(sock)
            assert type(address) is famsock.RawSockaddr
            assert address.reason == "no famsock plugin handles address family 2"
            assert address == (stdlib.AF_INET, struct.pack("!H4s8x", port, stdlib.inet_aton(host)))
