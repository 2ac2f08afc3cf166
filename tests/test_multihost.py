"""Two hosts: network namespaces joined by a veth pair, INET and INET6 traffic between them.

Host A (``vetha``, ifindex 11) and host B (``vethb``, ifindex 22) are named namespaces (``ip
netns``) with documentation addresses (192.0.2.0/24, 2001:db8::/64) and link-local ones
(fe80::1, fe80::2); DAD is off (``accept_dad=0``), so no address is ever tentative. The ifindexes
differ on purpose: a scope id read in the wrong namespace, or not at all, shows.

Each host is a thread that ``setns()``-ed into its namespace (``famsock.testing.netns``): a
socket lives in the namespace of the thread that created it, and ``%vetha`` resolves in the
calling thread's, so sockets are made and names resolved on the host's thread, while the test
compares everything in one process. (Subprocesses under ``ip netns exec`` would have to send
their results back as text, and could not compare with the stdlib on the same fd.)

Every famsock result is compared with the stdlib's, twice: a stdlib socket on a duplicate of the
same fd reads the same names (``getsockname``/``getpeername``, ``recvfrom`` with MSG_PEEK), and
the same exchange run with stdlib sockets gives the same addresses (ports aside). Where the
stdlib cannot do it (it drops a ``%scope`` given in the host, see famsock-inet6), that is
asserted as well.
"""

from __future__ import annotations

import errno
import os
import socket as stdlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from types import ModuleType
from typing import Any, TypeVar

import pytest

import famsock
from famsock.testing import open_fds
from famsock.testing.netns import (
    multi_host_unusable,
    named_namespace,
    namespace_thread,
    run_ip,
    veth_pair,
    wait_for_link,
    write_sysctl,
)

pytestmark = [pytest.mark.family("inet"), pytest.mark.family("inet6")]

TIMEOUT = 10.0  # seconds for any one call or exchange
_T = TypeVar("_T")


@dataclass(frozen=True)
class Host:
    """One end of the veth pair: its namespace, interface, addresses, and a thread inside it."""

    namespace: str
    interface: str
    ifindex: int
    ipv4: str
    ipv6: str
    link_local: str
    thread: ThreadPoolExecutor

    def run(self, function: Callable[..., _T], *arguments: Any) -> _T:
        """``function(*arguments)`` on this host's thread: sockets it makes live in this host."""
        return self.thread.submit(function, *arguments).result(TIMEOUT)


@pytest.fixture(scope="module")
def hosts() -> Iterator[tuple[Host, Host]]:
    why = multi_host_unusable()
    if why:
        pytest.skip(why)
    with ExitStack() as stack:
        made = []
        for interface, ifindex, number in (("vetha", 11, 1), ("vethb", 22, 2)):
            namespace = stack.enter_context(named_namespace("famsock-test"))
            thread = stack.enter_context(namespace_thread(namespace))  # ends before the namespace goes
            made.append(Host(namespace, interface, ifindex, f"192.0.2.{number}", f"2001:db8::{number}",
                             f"fe80::{number}", thread))
        first, second = made
        veth_pair((first.namespace, first.interface, first.ifindex),
                  (second.namespace, second.interface, second.ifindex))
        for host in made:
            _configure(host)
        for host in made:
            wait_for_link(host.namespace, host.interface)
        yield first, second


def _configure(host: Host) -> None:
    """Addresses on the interface, no DAD, no address the kernel makes up; then up."""
    host.run(write_sysctl, f"net/ipv6/conf/{host.interface}/accept_dad", "0")
    ip = ["-n", host.namespace]
    run_ip(*ip, "link", "set", "dev", host.interface, "addrgenmode", "none")
    for address in (f"{host.ipv4}/24", f"{host.ipv6}/64", f"{host.link_local}/64"):
        run_ip(*ip, "address", "add", address, "dev", host.interface)
    run_ip(*ip, "link", "set", "dev", host.interface, "up")


@pytest.fixture(autouse=True)
def _no_fd_leaks() -> Iterator[None]:
    before = open_fds()
    yield
    assert open_fds() == before


@dataclass(frozen=True)
class Route:
    """How host A reaches host B: an address family and the forms of the addresses."""

    name: str
    family: int

    def server(self, b: Host) -> Any:
        """What host B binds."""
        return {"inet": (b.ipv4, 0), "inet6": (b.ipv6, 0), "scope-name": (f"{b.link_local}%{b.interface}", 0),
                "scope-id": (b.link_local, 0, 0, b.ifindex)}[self.name]

    def target(self, b: Host, a: Host, port: int) -> Any:
        """What host A sends to: B's address, with A's interface as the scope."""
        return {"inet": (b.ipv4, port), "inet6": (b.ipv6, port),
                "scope-name": (f"{b.link_local}%{a.interface}", port),
                "scope-id": (b.link_local, port, 0, a.ifindex)}[self.name]

    def seen(self, host: Host, port: int | str, looking: Host) -> tuple[Any, ...]:
        """The stdlib's form of ``host``'s address as a socket in ``looking`` reports it (the
        port may be a role: see ``_normalized``)."""
        if self.family == stdlib.AF_INET:
            return (host.ipv4, port)
        if self.name == "inet6":
            return (host.ipv6, port, 0, 0)
        return (host.link_local, port, 0, looking.ifindex)

    @property
    def address_type(self) -> type:
        return famsock.family(self.family).address_type

    @property
    def in_stdlib(self) -> Route:
        """The route the stdlib takes for the same exchange: it drops a ``%scope`` given in the
        host (the tuple's scope_id, 0, wins), so it needs the scope id as a number."""
        return Route("scope-id", self.family) if self.name == "scope-name" else self


ROUTES = [Route("inet", stdlib.AF_INET), Route("inet6", stdlib.AF_INET6),
          Route("scope-name", stdlib.AF_INET6), Route("scope-id", stdlib.AF_INET6)]
ROUTE_IDS = [route.name for route in ROUTES]




def _bound(module: ModuleType, family: int, kind: int, address: Any) -> stdlib.socket:
    """A socket of ``module`` (famsock or the stdlib) bound to ``address``, in the calling
    thread's namespace."""
    sock: stdlib.socket = module.socket(family, kind)
    sock.settimeout(TIMEOUT)
    try:
        sock.bind(address)
    except BaseException:
        sock.close()
        raise
    return sock


def _connected(module: ModuleType, family: int, address: Any) -> stdlib.socket:
    sock: stdlib.socket = module.socket(family, stdlib.SOCK_STREAM)
    sock.settimeout(TIMEOUT)
    try:
        sock.connect(address)
    except BaseException:
        sock.close()
        raise
    return sock


def _unbound(module: ModuleType, family: int, kind: int) -> stdlib.socket:
    sock: stdlib.socket = module.socket(family, kind)
    sock.settimeout(TIMEOUT)
    return sock


def _names(sock: stdlib.socket) -> tuple[Any, Any]:
    """(getsockname(), getpeername() or None), as ``sock``'s own methods report them."""
    try:
        peer = sock.getpeername()
    except OSError as exc:
        if exc.errno != errno.ENOTCONN:
            raise
        peer = None
    return sock.getsockname(), peer


def _stdlib_view(sock: stdlib.socket) -> stdlib.socket:
    """A plain stdlib socket on a duplicate of ``sock``'s fd."""
    view = stdlib.socket(fileno=os.dup(sock.fileno()))
    view.settimeout(TIMEOUT)
    return view


def _checked_names(sock: stdlib.socket) -> tuple[Any, Any]:
    """``_names(sock)``, asserted equal to what a stdlib socket on the same fd reads."""
    names = _names(sock)
    with _stdlib_view(sock) as view:
        assert names == _names(view)
    return names


def _received(sock: stdlib.socket) -> tuple[bytes, Any]:
    """``sock.recvfrom()``, asserted equal to a stdlib ``recvfrom(MSG_PEEK)`` of that datagram."""
    with _stdlib_view(sock) as view:
        peeked = view.recvfrom(100, stdlib.MSG_PEEK)
    result = sock.recvfrom(100)
    assert result == peeked
    return result


def _normalized(value: Any, ports: dict[int, str]) -> Any:
    """Addresses with their ports named by role, so that runs compare (ports differ)."""
    if isinstance(value, tuple) and len(value) in (2, 4) and isinstance(value[0], str):
        return (value[0], ports.get(value[1], value[1]), *value[2:])
    if isinstance(value, (tuple, list)):
        return type(value)(_normalized(item, ports) for item in value)
    if isinstance(value, dict):
        return {key: _normalized(item, ports) for key, item in value.items()}
    return value


def _assert_typed(route: Route, *addresses: Any) -> None:
    for address in addresses:
        assert type(address) is route.address_type, address


def tcp_exchange(module: ModuleType, route: Route, a: Host, b: Host) -> dict[str, Any]:
    """B listens, A connects, one message each way; every name, ports named by role."""
    with ExitStack() as stack:
        listener = stack.enter_context(b.run(_bound, module, route.family, stdlib.SOCK_STREAM,
                                             route.server(b)))
        listener.listen()
        server_port = listener.getsockname()[1]
        client = stack.enter_context(a.run(_connected, module, route.family,
                                           route.target(b, a, server_port)))
        conn, peer = listener.accept()
        stack.enter_context(conn)
        client.sendall(b"from a")
        assert conn.recv(100) == b"from a"
        conn.sendall(b"from b")
        assert client.recv(100) == b"from b"
        results = {"listener": _checked_names(listener), "client": _checked_names(client),
                   "accepted": _checked_names(conn), "peer": peer}
        if module is famsock:
            _assert_typed(route, results["listener"][0], *results["client"], *results["accepted"], peer)
        normalized: dict[str, Any] = _normalized(results, {server_port: "server",
                                                           client.getsockname()[1]: "client"})
        return normalized


def udp_exchange(module: ModuleType, route: Route, a: Host, b: Host) -> dict[str, Any]:
    """B binds; A sends to it from an unbound socket and B answers the address ``recvfrom``
    gave; then A connects and both do it again. Every name, ports named by role."""
    with ExitStack() as stack:
        server = stack.enter_context(b.run(_bound, module, route.family, stdlib.SOCK_DGRAM, route.server(b)))
        server_port = server.getsockname()[1]
        target = route.target(b, a, server_port)
        client = stack.enter_context(a.run(_unbound, module, route.family, stdlib.SOCK_DGRAM))
        received = []
        for message in (b"from a", b"connected from a"):
            if message.startswith(b"connected"):
                a.run(client.connect, target)  # on A's thread: %vetha is A's interface
                client.send(message)
            else:
                a.run(client.sendto, message, target)
            received.append(_received(server))
            server.sendto(b"from b", received[-1][1])
            received.append(_received(client))
        results = {"server": _checked_names(server), "client": _checked_names(client), "received": received}
        if module is famsock:
            senders = [sender for _, sender in received]
            _assert_typed(route, results["server"][0], *results["client"], *senders)
        normalized: dict[str, Any] = _normalized(results, {server_port: "server",
                                                           client.getsockname()[1]: "client"})
        return normalized


def _expected_tcp(route: Route, a: Host, b: Host) -> dict[str, Any]:
    server, client = route.seen(b, "server", b), route.seen(a, "client", b)
    return {"listener": (server, None), "client": (route.seen(a, "client", a), route.seen(b, "server", a)),
            "accepted": (server, client), "peer": client}


def _expected_udp(route: Route, a: Host, b: Host) -> dict[str, Any]:
    from_a, from_b = route.seen(a, "client", b), route.seen(b, "server", a)
    return {"server": (route.seen(b, "server", b), None), "client": (route.seen(a, "client", a), from_b),
            "received": [(b"from a", from_a), (b"from b", from_b),
                         (b"connected from a", from_a), (b"from b", from_b)]}


@pytest.mark.parametrize("route", ROUTES, ids=ROUTE_IDS)
def test_tcp_between_two_hosts(syscall_path: str, hosts: tuple[Host, Host], route: Route) -> None:
    a, b = hosts
    result = tcp_exchange(famsock, route, a, b)
    assert result == _expected_tcp(route, a, b)
    assert result == tcp_exchange(stdlib, route.in_stdlib, a, b)


@pytest.mark.parametrize("route", ROUTES, ids=ROUTE_IDS)
def test_udp_between_two_hosts(syscall_path: str, hosts: tuple[Host, Host], route: Route) -> None:
    a, b = hosts
    result = udp_exchange(famsock, route, a, b)
    assert result == _expected_udp(route, a, b)
    assert result == udp_exchange(stdlib, route.in_stdlib, a, b)


@pytest.mark.parametrize("kind", [stdlib.SOCK_STREAM, stdlib.SOCK_DGRAM], ids=["tcp", "udp"])
def test_a_scope_given_in_the_host_is_kept_where_the_stdlib_drops_it(
        syscall_path: str, hosts: tuple[Host, Host], kind: int) -> None:
    _, b = hosts
    scoped = (f"{b.link_local}%{b.interface}", 0)
    with pytest.raises(OSError) as caught:  # bound with scope id 0: a link-local address needs one
        b.run(_bound, stdlib, stdlib.AF_INET6, kind, scoped)
    assert caught.value.errno == errno.EINVAL
    with b.run(_bound, famsock, stdlib.AF_INET6, kind, scoped) as sock:
        assert _checked_names(sock) == ((b.link_local, sock.getsockname()[1], 0, b.ifindex), None)


@pytest.mark.parametrize("kind", [stdlib.SOCK_STREAM, stdlib.SOCK_DGRAM], ids=["tcp", "udp"])
def test_a_scope_id_from_the_other_host_fails_as_in_the_stdlib(
        syscall_path: str, hosts: tuple[Host, Host], kind: int) -> None:
    """B's ifindex means nothing on A: the kernel refuses it, with the same error either way."""
    a, b = hosts
    with b.run(_bound, famsock, stdlib.AF_INET6, kind, (b.link_local, 0, 0, b.ifindex)) as server:
        if kind == stdlib.SOCK_STREAM:
            server.listen()
        target = (b.link_local, server.getsockname()[1], 0, b.ifindex)
        errors: list[int] = []
        for module in (stdlib, famsock):
            with a.run(_unbound, module, stdlib.AF_INET6, kind) as sock, pytest.raises(OSError) as caught:
                a.run(sock.connect if kind == stdlib.SOCK_STREAM else sock.sendto, *(
                    [target] if kind == stdlib.SOCK_STREAM else [b"lost", target]))
            errors.append(caught.value.errno or 0)
        assert errors[0] == errors[1] != 0, [errno.errorcode.get(code, code) for code in errors]
        # and a scope id that contradicts the %scope: the stdlib takes the number, famsock refuses
        with a.run(_unbound, famsock, stdlib.AF_INET6, kind) as sock, \
                pytest.raises(ValueError, match="has scope 11, but scope_id is 22"):
            a.run(sock.connect, (f"{b.link_local}%{a.interface}", target[1], 0, b.ifindex))


def test_text_form_names_the_scope_in_the_namespace_that_reads_it(
        syscall_path: str, hosts: tuple[Host, Host]) -> None:
    a, b = hosts
    scoped = (f"{b.link_local}%{b.interface}", 0)
    with b.run(_bound, famsock, stdlib.AF_INET6, stdlib.SOCK_DGRAM, scoped) as sock:
        name = sock.getsockname()
        port = name.port
        text = b.run(famsock.address_to_text, name)
        assert text == f"inet6:[fe80::2%vethb]:{port}"
        assert b.run(str, name) == str(tuple(name))  # str() stays the stdlib's
        assert b.run(famsock.address_from_text, text) == name
        # on A no interface has index 22, nor is there a vethb: the number is the text
        assert a.run(famsock.address_to_text, name) == f"inet6:[fe80::2%22]:{port}"
        assert a.run(famsock.address_from_text, f"inet6:[fe80::2%22]:{port}") == name
        with pytest.raises(stdlib.gaierror):
            a.run(famsock.address_from_text, text)
