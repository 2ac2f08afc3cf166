"""The module's functions and names, each compared with the stdlib's on the same inputs."""

from __future__ import annotations

import errno
import os
import socket as stdlib
import subprocess
import sys
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from famsock_inet import InetAddress
from famsock_inet6 import Inet6Address

import famsock
from famsock.testing import open_fds, outcome

#: The names famsock replaces with its own (they build famsock sockets or typed addresses).
OWN = {"socket", "socketpair", "fromfd", "create_connection", "create_server", "getaddrinfo",
       "inet_pton", "inet_ntop"}


# -- names ---------------------------------------------------------------------------------------

def test_every_public_name_of_the_stdlib_exists_with_an_equal_value() -> None:
    for name in stdlib.__all__:
        assert hasattr(famsock, name), name
        if name not in OWN:
            assert getattr(famsock, name) == getattr(stdlib, name), name
    for name in OWN:
        assert getattr(famsock, name) is not getattr(stdlib, name), name


def test_the_stdlib_objects_are_the_same_objects() -> None:
    for name in ("AddressFamily", "SocketKind", "MsgFlag", "AddressInfo", "SocketType", "error",
                 "herror", "gaierror", "timeout", "getdefaulttimeout", "gethostbyname", "htons",
                 "send_fds", "recv_fds", "AF_INET", "SOCK_STREAM", "MSG_PEEK", "AI_PASSIVE"):
        assert getattr(famsock, name) is getattr(stdlib, name), name


def test_star_import_gives_what_the_stdlibs_gives() -> None:
    code = ("from socket import *\nfrom socket import __all__ as s\nstd = {n: globals()[n] for n in s}\n"
            "from famsock import *\nimport famsock\n"
            "assert all(n in globals() for n in famsock.__all__)\n"
            "print(sorted(n for n in s if globals()[n] != std[n]))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == str(sorted(OWN))


def test_constants_have_the_stdlibs_enum_types() -> None:
    assert type(famsock.AF_INET6) is stdlib.AddressFamily
    assert type(famsock.SOCK_DGRAM) is stdlib.SocketKind
    assert type(famsock.MSG_PEEK) is stdlib.MsgFlag
    assert type(famsock.AI_PASSIVE) is stdlib.AddressInfo
    assert famsock.AF_DECnet == stdlib.AF_DECnet  # no plugin: still present


# -- sockets from functions ------------------------------------------------------------------------

def test_socketpair_defaults_to_af_unix_and_gives_famsock_sockets() -> None:
    ours, theirs = famsock.socketpair(), stdlib.socketpair()
    with ours[0], ours[1], theirs[0], theirs[1]:
        for sock in ours:
            assert isinstance(sock, famsock.socket)
            assert (sock.family, sock.type) == (theirs[0].family, theirs[0].type) == (
                famsock.AF_UNIX, famsock.SOCK_STREAM)
        ours[0].sendall(b"pair")
        assert ours[1].recv(4) == b"pair"
        assert ours[0].getsockname() == theirs[0].getsockname() == ""


def test_socketpair_of_other_types_and_its_errors() -> None:
    ours, theirs = famsock.socketpair(famsock.AF_UNIX, famsock.SOCK_DGRAM), stdlib.socketpair(
        stdlib.AF_UNIX, stdlib.SOCK_DGRAM)
    with ours[0], ours[1], theirs[0], theirs[1]:
        ours[0].send(b"datagram")
        theirs[0].send(b"datagram")
        assert ours[1].recvfrom(10) == theirs[1].recvfrom(10)
    before = open_fds()
    assert outcome(lambda: famsock.socketpair(famsock.AF_INET)) == outcome(
        lambda: stdlib.socketpair(stdlib.AF_INET)) == ("raised", OSError, errno.EOPNOTSUPP)
    assert open_fds() == before


def test_fromfd_duplicates() -> None:
    with stdlib.socket(stdlib.AF_INET, stdlib.SOCK_DGRAM) as original:
        original.bind(("127.0.0.1", 0))
        with famsock.fromfd(original.fileno(), famsock.AF_INET, famsock.SOCK_DGRAM) as copy, \
                stdlib.fromfd(original.fileno(), stdlib.AF_INET, stdlib.SOCK_DGRAM) as reference:
            assert isinstance(copy, famsock.socket)
            assert copy.fileno() not in (original.fileno(), reference.fileno())
            assert copy.getsockname() == reference.getsockname() == original.getsockname()
            assert type(copy.getsockname()) is InetAddress
        original.getsockname()  # still open


def test_create_connection(syscall_path: str) -> None:
    with stdlib.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        with famsock.create_connection(("localhost", port), timeout=5) as client:
            conn, peer = server.accept()
            with conn:
                assert isinstance(client, famsock.socket)
                assert client.gettimeout() == 5
                assert client.getpeername() == ("127.0.0.1", port)
                assert peer == client.getsockname()
                assert client.syscall_path == syscall_path


def test_create_connection_source_address_and_default_timeout(syscall_path: str) -> None:
    with stdlib.create_server(("127.0.0.1", 0)) as server, stdlib.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        source = probe.getsockname()
        probe.close()
        previous = famsock.getdefaulttimeout()
        famsock.setdefaulttimeout(7)
        try:
            with famsock.create_connection(server.getsockname(), source_address=source) as client:
                assert client.getsockname() == source
                assert client.gettimeout() == 7
        finally:
            famsock.setdefaulttimeout(previous)
        server.accept()[0].close()


def test_create_connection_errors_like_the_stdlib(syscall_path: str) -> None:
    with stdlib.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()
        ours = outcome(lambda: famsock.create_connection(closed, timeout=5))
        assert ours == outcome(lambda: stdlib.create_connection(closed, timeout=5))
        assert ours == ("raised", ConnectionRefusedError, errno.ECONNREFUSED)
        if sys.version_info >= (3, 11):
            with pytest.raises(ExceptionGroup) as group:  # noqa: F821
                famsock.create_connection(closed, all_errors=True)
            assert [type(e) for e in group.value.exceptions] == [ConnectionRefusedError]


@pytest.mark.usefixtures("isolated_network")
def test_create_connection_to_an_unresolvable_host() -> None:
    address = ("no-such-host.invalid", 80)
    assert outcome(lambda: famsock.create_connection(address)) == outcome(
        lambda: stdlib.create_connection(address))


def test_create_server(syscall_path: str) -> None:
    with famsock.create_server(("127.0.0.1", 0), backlog=3, reuse_port=True) as server:
        assert isinstance(server, famsock.socket)
        assert server.getsockopt(famsock.SOL_SOCKET, famsock.SO_REUSEADDR)
        assert server.getsockopt(famsock.SOL_SOCKET, famsock.SO_REUSEPORT)
        with stdlib.create_connection(server.getsockname()) as client:
            conn, peer = server.accept()
            with conn:
                assert peer == client.getsockname()


def test_create_server_dualstack_accepts_ipv4_clients(syscall_path: str) -> None:
    assert famsock.has_dualstack_ipv6() == stdlib.has_dualstack_ipv6()
    with famsock.create_server(("::", 0), family=famsock.AF_INET6, dualstack_ipv6=True) as server:
        assert not server.getsockopt(famsock.IPPROTO_IPV6, famsock.IPV6_V6ONLY)
        with stdlib.create_connection(("127.0.0.1", server.getsockname()[1])) as client:
            conn, peer = server.accept()
            with conn:
                assert type(peer) is Inet6Address
                assert peer[:2] == ("::ffff:127.0.0.1", client.getsockname()[1])


def test_create_server_checks_like_the_stdlib() -> None:
    def attempt(create: Callable[..., stdlib.socket], **kwargs: Any) -> Any:
        return outcome(lambda: create(("", 0), **kwargs).close())

    for kwargs in ({"dualstack_ipv6": True}, {"family": famsock.AF_INET6, "dualstack_ipv6": True,
                                              "reuse_port": True}):
        assert attempt(famsock.create_server, **kwargs) == attempt(stdlib.create_server, **kwargs)
    with stdlib.create_server(("127.0.0.1", 0)) as taken:
        address = taken.getsockname()
        with pytest.raises(OSError) as expected:
            stdlib.create_server(address)
        with pytest.raises(OSError) as caught:
            famsock.create_server(address)
        assert str(caught.value) == str(expected.value)  # "... (while attempting to bind on address ...)"
        assert caught.value.errno == errno.EADDRINUSE


# -- name and text lookups -------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("host", "port", "family", "kind", "flags"),
    [("localhost", 80, 0, 0, 0), ("127.0.0.1", "http", famsock.AF_INET, famsock.SOCK_STREAM, 0),
     ("::1", 443, famsock.AF_INET6, 0, 0), (None, 8080, 0, famsock.SOCK_STREAM, famsock.AI_PASSIVE),
     ("fe80::1%1", 0, famsock.AF_INET6, famsock.SOCK_DGRAM, famsock.AI_NUMERICHOST),
     (b"127.0.0.1", None, 0, 0, 0)],
)
def test_getaddrinfo_equals_the_stdlib_with_typed_addresses(
        host: Any, port: Any, family: int, kind: int, flags: int) -> None:
    ours = famsock.getaddrinfo(host, port, family, kind, 0, flags)
    theirs = stdlib.getaddrinfo(host, port, family, kind, 0, flags)
    assert ours == theirs
    for af, socktype, _, _, address in ours:
        assert type(af) is stdlib.AddressFamily
        assert type(socktype) is stdlib.SocketKind
        assert type(address) is (InetAddress if af == famsock.AF_INET else Inet6Address)


@pytest.mark.parametrize(("host", "port"), [("127.0.0.1", "no-such-service"), ("127.0.0.1", -1),
                                            ("::1", 2**16), (1, 80)])
def test_getaddrinfo_fails_like_the_stdlib(host: Any, port: Any) -> None:
    assert outcome(lambda: famsock.getaddrinfo(host, port)) == outcome(
        lambda: stdlib.getaddrinfo(host, port))


@pytest.mark.usefixtures("isolated_network")
def test_getaddrinfo_of_an_unresolvable_host() -> None:
    assert outcome(lambda: famsock.getaddrinfo("no-such-host.invalid", 80)) == outcome(
        lambda: stdlib.getaddrinfo("no-such-host.invalid", 80))


def test_getnameinfo_takes_typed_addresses() -> None:
    flags = famsock.NI_NUMERICHOST | famsock.NI_NUMERICSERV
    for typed, plain in ((InetAddress("127.0.0.1", 80), ("127.0.0.1", 80)),
                         (Inet6Address("::1", 443), ("::1", 443, 0, 0))):
        assert famsock.getnameinfo(typed, flags) == stdlib.getnameinfo(plain, flags)


@pytest.mark.usefixtures("isolated_network")  # names other than localhost could ask DNS elsewhere
def test_host_database_functions_are_the_stdlibs() -> None:
    for name, args in (("gethostbyname", ("localhost",)), ("gethostbyname_ex", ("localhost",)),
                       ("gethostbyaddr", ("127.0.0.1",)), ("getfqdn", ()), ("gethostname", ()),
                       ("getprotobyname", ("udp",)), ("getservbyname", ("http", "tcp")),
                       ("getservbyport", (22,)), ("if_nameindex", ()), ("if_nametoindex", ("lo",)),
                       ("if_indextoname", (1,))):
        assert outcome(partial(getattr(famsock, name), *args)) == outcome(
            partial(getattr(stdlib, name), *args)), name


def test_byte_order_and_ipv4_text_functions() -> None:
    assert famsock.htonl(1) == stdlib.htonl(1) == 0x01000000
    assert famsock.ntohs(famsock.htons(8080)) == 8080
    assert famsock.inet_aton("1.2.3.4") == stdlib.inet_aton("1.2.3.4") == b"\x01\x02\x03\x04"
    assert famsock.inet_ntoa(b"\x7f\x00\x00\x01") == "127.0.0.1"


@pytest.mark.parametrize(
    ("family", "text"),
    [(famsock.AF_INET, "192.0.2.1"), (famsock.AF_INET6, "2001:db8::1"), (famsock.AF_INET6, "::ffff:1.2.3.4")],
)
def test_inet_pton_and_ntop_are_answered_by_the_plugins(family: int, text: str) -> None:
    packed = famsock.inet_pton(family, text)
    assert packed == stdlib.inet_pton(family, text)
    assert famsock.inet_ntop(family, packed) == stdlib.inet_ntop(family, packed)
    assert famsock.inet_ntop(family, bytearray(packed)) == stdlib.inet_ntop(family, packed)


@pytest.mark.parametrize(
    ("call", "args", "message"),
    [("inet_pton", (famsock.AF_INET, "1.2.3"), "'1.2.3' is not an AF_INET address"),
     ("inet_pton", (famsock.AF_INET6, "::g"), "'::g' is not an AF_INET6 address"),
     ("inet_pton", (famsock.AF_INET, b"1.2.3.4"), "must be str"),
     ("inet_pton", (famsock.AF_UNIX, "x"), "not supported"),
     ("inet_ntop", (famsock.AF_INET, b"123"), "AF_INET needs 4 bytes, got 3"),
     ("inet_ntop", (famsock.AF_INET6, b"1" * 15), "AF_INET6 needs 16 bytes, got 15"),
     ("inet_ntop", (famsock.AF_INET, "1234"), "bytes-like"),
     ("inet_ntop", (famsock.AF_UNIX, b"1234"), "unknown address family 1")],
)
def test_inet_pton_and_ntop_fail_like_the_stdlib(call: str, args: tuple[Any, ...], message: str) -> None:
    with pytest.raises(Exception) as expected:
        getattr(stdlib, call)(*args)
    with pytest.raises(type(expected.value), match=message) as caught:
        getattr(famsock, call)(*args)
    assert getattr(caught.value, "errno", None) == getattr(expected.value, "errno", None)


def test_default_timeout_is_shared_with_the_stdlib_and_applies_to_new_sockets() -> None:
    previous = famsock.getdefaulttimeout()
    try:
        famsock.setdefaulttimeout(3.5)
        assert stdlib.getdefaulttimeout() == 3.5
        with famsock.socket() as sock:
            assert sock.gettimeout() == 3.5
    finally:
        famsock.setdefaulttimeout(previous)
    assert famsock.getdefaulttimeout() is previous


def test_fd_functions() -> None:
    with famsock.socket() as sock:
        copy = famsock.dup(sock.fileno())
        assert copy != sock.fileno()
        famsock.close(copy)
        with pytest.raises(OSError) as caught:
            os.fstat(copy)
        assert caught.value.errno == errno.EBADF


def test_send_fds_and_recv_fds_on_famsock_sockets(tmp_path: Any) -> None:
    left, right = famsock.socketpair()
    with left, right, open(tmp_path / "passed", "w+b") as passed:
        passed.write(b"through SCM_RIGHTS")
        passed.flush()
        assert famsock.send_fds(left, [b"fd"], [passed.fileno()]) == 2
        data, fds, _, _ = famsock.recv_fds(right, 10, 1)
        assert data == b"fd"
        with os.fdopen(fds[0], "rb") as received:
            received.seek(0)
            assert received.read() == b"through SCM_RIGHTS"

