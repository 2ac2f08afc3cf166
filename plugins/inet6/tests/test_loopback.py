"""AF_INET6 on the real kernel, for every address form: famsock and stdlib sockets side by side.

Each form (a way of writing an address) goes through bind, connect, connect_ex, accept, sendto,
recvfrom, recvfrom_into, getsockname and getpeername on both syscall paths, in both directions
(famsock server / stdlib client and the reverse), and every address famsock reports is compared
with what the stdlib reports for the same endpoint, or for the same input.
"""

from __future__ import annotations

import errno
import socket as stdlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import famsock_inet6
import pytest
from famsock_inet6 import Inet6Address

import famsock

pytestmark = pytest.mark.usefixtures("no_fd_leak")

Build = Callable[[int, int], Any]  # (port, lo's index) -> an address value


@dataclass(frozen=True)
class Form:
    """A way to write an address. ``twin`` is the same address as the stdlib must be given it,
    where it differs: the stdlib drops a host's ``%scope`` (it takes the tuple's scope_id)."""

    name: str
    build: Build
    twin: Build | None = None
    link_local: bool = False

    def stdlib(self, port: int, scope: int) -> Any:
        return (self.twin or self.build)(port, scope)


def _link_local_quad(port: int, scope: int) -> tuple[str, int, int, int]:
    return ("fe80::1", port, 0, scope)


FORMS = [
    Form("pair", lambda p, s: ("::1", p)),
    Form("triple", lambda p, s: ("::1", p, 0)),
    Form("quad", lambda p, s: ("::1", p, 0, 0)),
    Form("typed", lambda p, s: Inet6Address("::1", p)),
    Form("expanded", lambda p, s: ("0:0:0:0:0:0:0:1", p)),
    Form("bytes", lambda p, s: (b"::1", p)),
    Form("bytearray", lambda p, s: (bytearray(b"::1"), p)),
    Form("any", lambda p, s: ("", p)),  # connecting to :: reaches ::1 on Linux
    # the kernel ignores both on ::1 (no flow label manager; not link-local): the maxima pass
    Form("max-flowinfo-and-scope", lambda p, s: ("::1", p, 0xFFFFF, 2**32 - 1)),
    Form("mapped", lambda p, s: ("::ffff:127.0.0.1", p)),
    Form("mapped-hex", lambda p, s: ("::ffff:7f00:1", p)),
    Form("link-local", _link_local_quad, link_local=True),
    Form("link-local-typed", lambda p, s: Inet6Address("fe80::1", p, 0, s), link_local=True),
    Form("link-local-%name", lambda p, s: ("fe80::1%lo", p), _link_local_quad, link_local=True),
    Form("link-local-%index", lambda p, s: (f"fe80::1%{s}", p), _link_local_quad, link_local=True),
    Form("link-local-%name-and-scope_id", lambda p, s: ("fe80::1%lo", p, 0, s), link_local=True),
    Form("link-local-text", lambda p, s: famsock.address_from_text(f"inet6:[fe80::1%lo]:{p}"),
         _link_local_quad, link_local=True),
]


@pytest.fixture(params=FORMS, ids=[form.name for form in FORMS])
def form(request: pytest.FixtureRequest) -> tuple[Form, int]:
    """A form and the scope its link-local forms use (lo's index, with fe80::1 on lo)."""
    chosen: Form = request.param
    scope = request.getfixturevalue("link_local") if chosen.link_local else 0
    return chosen, scope


def _endpoint(address: Any) -> tuple[Any, ...]:
    """An address without its port: what two sockets bound alike have in common."""
    return (address[0], *address[2:])


def _sockets(kind: int) -> tuple[famsock.socket, stdlib.socket]:
    ours = famsock.socket(famsock.AF_INET6, kind)
    theirs = stdlib.socket(stdlib.AF_INET6, kind)
    ours.settimeout(5)
    theirs.settimeout(5)
    return ours, theirs


def test_udp_both_directions(syscall_path: str, form: tuple[Form, int]) -> None:
    """A stdlib twin, bound alike, receives the same datagrams: famsock must report what it does
    (a socket bound to :: sends from ::1, so getsockname() alone is not the sender)."""
    shape, scope = form
    ours, theirs = _sockets(stdlib.SOCK_DGRAM)
    with ours, theirs, stdlib.socket(stdlib.AF_INET6, stdlib.SOCK_DGRAM) as twin:
        twin.settimeout(5)
        ours.bind(shape.build(0, scope))
        theirs.bind(shape.stdlib(0, scope))
        twin.bind(shape.stdlib(0, scope))
        assert ours.syscall_path == syscall_path
        mine = ours.getsockname()
        assert type(mine) is Inet6Address
        assert _endpoint(mine) == _endpoint(twin.getsockname())  # the same input binds alike

        theirs.sendto(b"to famsock", shape.stdlib(mine.port, scope))
        theirs.sendto(b"to famsock", 0, shape.stdlib(twin.getsockname()[1], scope))
        received = ours.recvfrom(100)
        assert received == twin.recvfrom(100)
        assert received[0] == b"to famsock"
        assert type(received[1]) is Inet6Address

        their_port = theirs.getsockname()[1]
        ours.sendto(b"to stdlib", shape.build(their_port, scope))
        ours.sendto(b"with flags", 0, shape.build(their_port, scope))
        twin.sendto(b"from twin", shape.stdlib(their_port, scope))
        for expected in (b"to stdlib", b"with flags"):
            data, sender = theirs.recvfrom(100)
            assert (data, sender[1]) == (expected, mine.port)
        data, twin_sender = theirs.recvfrom(100)
        assert data == b"from twin"
        assert _endpoint(sender) == _endpoint(twin_sender)

        theirs.sendto(b"0123456789", shape.stdlib(mine.port, scope))
        theirs.sendto(b"0123456789", shape.stdlib(twin.getsockname()[1], scope))
        buffer, twin_buffer = bytearray(16), bytearray(16)
        received_into = ours.recvfrom_into(buffer, 4)
        assert received_into == twin.recvfrom_into(twin_buffer, 4)
        assert received_into[0] == 4 and buffer[:4] == twin_buffer[:4] == b"0123"
        assert type(received_into[1]) is Inet6Address


def test_udp_connect_reports_what_the_stdlib_reports(syscall_path: str, form: tuple[Form, int]) -> None:
    shape, scope = form
    ours, theirs = _sockets(stdlib.SOCK_DGRAM)
    with ours, theirs, stdlib.socket(stdlib.AF_INET6, stdlib.SOCK_DGRAM) as server:
        server.settimeout(5)
        server.bind(shape.stdlib(0, scope))
        port = server.getsockname()[1]
        ours.connect(shape.build(port, scope))
        theirs.connect(shape.stdlib(port, scope))
        assert ours.getpeername() == theirs.getpeername()
        assert ours.getpeername().port == port
        assert type(ours.getpeername()) is Inet6Address
        assert _endpoint(ours.getsockname()) == _endpoint(theirs.getsockname())
        ours.send(b"connected")
        assert server.recvfrom(100) == (b"connected", ours.getsockname())


def test_tcp_famsock_server_stdlib_client(syscall_path: str, form: tuple[Form, int]) -> None:
    shape, scope = form
    with famsock.socket(famsock.AF_INET6) as server, stdlib.socket(stdlib.AF_INET6) as twin:
        server.bind(shape.build(0, scope))
        twin.bind(shape.stdlib(0, scope))
        assert _endpoint(server.getsockname()) == _endpoint(twin.getsockname())
        server.listen()
        server.settimeout(5)
        with stdlib.socket(stdlib.AF_INET6) as client:
            client.settimeout(5)
            client.connect(shape.stdlib(server.getsockname().port, scope))
            conn, peer = server.accept()
            with conn:
                assert isinstance(conn, famsock.socket)
                assert conn.syscall_path == syscall_path
                assert type(peer) is Inet6Address
                assert peer == client.getsockname() == conn.getpeername()
                assert conn.getsockname() == client.getpeername()
                assert type(conn.getsockname()) is Inet6Address
                client.sendall(b"ping")
                assert conn.recv(4) == b"ping"


def test_tcp_famsock_client_stdlib_server(syscall_path: str, form: tuple[Form, int]) -> None:
    shape, scope = form
    with stdlib.socket(stdlib.AF_INET6) as server:
        server.bind(shape.stdlib(0, scope))
        server.listen()
        server.settimeout(5)
        port = server.getsockname()[1]
        ours, theirs = _sockets(stdlib.SOCK_STREAM)
        with ours, theirs:
            ours.connect(shape.build(port, scope))
            conn, peer = server.accept()
            with conn:
                assert peer == ours.getsockname()
                assert ours.getpeername() == conn.getsockname()
            assert theirs.connect_ex(shape.stdlib(port, scope)) == 0
            assert _endpoint(ours.getpeername()) == _endpoint(theirs.getpeername())
            assert _endpoint(ours.getsockname()) == _endpoint(theirs.getsockname())
            server.accept()[0].close()
        with famsock.socket(famsock.AF_INET6) as other:
            assert other.connect_ex(shape.build(port, scope)) == 0
            conn, peer = server.accept()
            with conn:
                assert peer == other.getsockname()
                assert other.getpeername() == conn.getsockname()


def test_tcp_has_no_sender_address_as_in_the_stdlib(syscall_path: str) -> None:
    with stdlib.create_server(("::1", 0), family=stdlib.AF_INET6) as server, \
            famsock.socket(famsock.AF_INET6) as client:
        client.settimeout(5)
        client.connect(server.getsockname())
        conn, _ = server.accept()
        with conn:
            conn.sendall(b"hello")
            assert client.recvfrom(5) == (b"hello", None)


def test_connect_ex_reports_refusal_like_the_stdlib(syscall_path: str) -> None:
    with stdlib.socket(stdlib.AF_INET6) as probe:
        probe.bind(("::1", 0))
        closed = probe.getsockname()  # bound, not listening: nobody accepts there
        with famsock.socket(famsock.AF_INET6) as ours, stdlib.socket(stdlib.AF_INET6) as theirs:
            assert ours.connect_ex(closed) == theirs.connect_ex(closed) == errno.ECONNREFUSED
        with famsock.socket(famsock.AF_INET6) as ours, pytest.raises(ConnectionRefusedError):
            ours.connect(closed)


def test_unbound_and_unconnected_like_the_stdlib(syscall_path: str) -> None:
    with famsock.socket(famsock.AF_INET6) as ours, stdlib.socket(stdlib.AF_INET6) as theirs:
        assert ours.getsockname() == theirs.getsockname() == ("::", 0, 0, 0)
        with pytest.raises(OSError) as expected:
            theirs.getpeername()
        with pytest.raises(OSError) as caught:
            ours.getpeername()
        assert caught.value.errno == expected.value.errno == errno.ENOTCONN


def test_raw_icmpv6_sockets_report_what_the_stdlib_reports(syscall_path: str) -> None:
    echo_request = bytes([128, 0, 0, 0, 0, 1, 0, 1]) + b"famsock"  # the kernel fills the checksum
    try:
        ours = famsock.socket(famsock.AF_INET6, famsock.SOCK_RAW, famsock.IPPROTO_ICMPV6)
    except PermissionError:
        pytest.skip("raw sockets need CAP_NET_RAW")
    theirs = stdlib.socket(stdlib.AF_INET6, stdlib.SOCK_RAW, stdlib.IPPROTO_ICMPV6)
    with ours, theirs:
        ours.settimeout(5)
        theirs.settimeout(5)
        assert ours.getsockname() == theirs.getsockname() == ("::", stdlib.IPPROTO_ICMPV6, 0, 0)
        ours.sendto(echo_request, ("::1", 0))
        data, sender = theirs.recvfrom(100)
        assert data[0] == 128 and data[8:] == b"famsock"
        mine = ours.recvfrom(100)
        assert mine == (data, sender) == (data, ("::1", 0, 0, 0))
        assert type(mine[1]) is Inet6Address


# -- IPv4 through IPv6 sockets ----------------------------------------------------------------


def _dual_stack(sock: stdlib.socket) -> None:
    sock.setsockopt(stdlib.IPPROTO_IPV6, stdlib.IPV6_V6ONLY, 0)
    sock.settimeout(5)


def test_dual_stack_tcp_server_reports_ipv4_clients_as_mapped(syscall_path: str) -> None:
    """An IPV6_V6ONLY=0 server on :: accepts IPv4 clients; both servers report them alike."""
    with famsock.socket(famsock.AF_INET6) as ours, stdlib.socket(stdlib.AF_INET6) as theirs:
        reports = []
        for server in (ours, theirs):
            _dual_stack(server)
            server.bind(("", 0))
            server.listen()
            port = server.getsockname()[1]
            with stdlib.create_connection(("127.0.0.1", port), timeout=5) as client:
                conn, peer = server.accept()
                with conn:
                    host, client_port = client.getsockname()
                    assert peer == (f"::ffff:{host}", client_port, 0, 0) == conn.getpeername()
                    assert conn.getsockname() == ("::ffff:127.0.0.1", port, 0, 0)
                    reports.append((type(peer), type(conn.getsockname()), _endpoint(peer)))
        assert reports[0] == (Inet6Address, Inet6Address, ("::ffff:127.0.0.1", 0, 0))
        assert reports[0][2] == reports[1][2]


def test_dual_stack_udp_server_answers_ipv4_clients(syscall_path: str) -> None:
    with famsock.socket(famsock.AF_INET6, famsock.SOCK_DGRAM) as server, \
            stdlib.socket(stdlib.AF_INET, stdlib.SOCK_DGRAM) as client:
        _dual_stack(server)
        server.bind(("::", 0))
        client.settimeout(5)
        client.sendto(b"v4", ("127.0.0.1", server.getsockname().port))
        data, sender = server.recvfrom(10)
        assert (data, sender) == (b"v4", ("::ffff:127.0.0.1", client.getsockname()[1], 0, 0))
        assert type(sender) is Inet6Address
        server.sendto(b"back", sender)
        assert client.recvfrom(10) == (b"back", ("127.0.0.1", server.getsockname().port))


def test_ipv6_client_reaches_an_ipv4_server_through_its_mapped_address(syscall_path: str) -> None:
    with stdlib.create_server(("127.0.0.1", 0)) as server, famsock.socket(famsock.AF_INET6) as ours:
        server.settimeout(5)
        ours.settimeout(5)
        port = server.getsockname()[1]
        ours.connect(("::ffff:127.0.0.1", port))
        conn, peer = server.accept()
        with conn:
            assert ours.getpeername() == ("::ffff:127.0.0.1", port, 0, 0)
            assert ours.getsockname() == (f"::ffff:{peer[0]}", peer[1], 0, 0)


@pytest.mark.parametrize("loopback", famsock_inet6.famsock_loopbacks(),
                         ids=lambda loopback: "stream" if loopback.type == stdlib.SOCK_STREAM else "dgram")
def test_the_echo_loopbacks_serve_on_ipv6_loopback(syscall_path: str, loopback: Any) -> None:
    assert loopback.family == famsock.AF_INET6
    with famsock.socket(famsock.AF_INET6, loopback.type, loopback.proto) as server:
        server.settimeout(5)
        server.bind(loopback.address())
        assert server.getsockname() == ("::1", server.getsockname().port, 0, 0)
        with famsock.socket(famsock.AF_INET6, loopback.type, loopback.proto) as client:
            client.settimeout(5)
            if loopback.type == stdlib.SOCK_STREAM:
                server.listen()
                client.connect(server.getsockname())
                conn, peer = server.accept()
                with conn:
                    assert peer == client.getsockname()
                    client.sendall(b"echo")
                    conn.sendall(conn.recv(4))
                assert client.recv(4) == b"echo"
            else:
                client.bind(loopback.address())
                client.sendto(b"echo", server.getsockname())
                data, sender = server.recvfrom(4)
                assert sender == client.getsockname()
                server.sendto(data, sender)
                assert client.recvfrom(4) == (b"echo", server.getsockname())
