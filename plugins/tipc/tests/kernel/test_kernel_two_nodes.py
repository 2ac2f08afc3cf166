"""Two TIPC nodes in one kernel: two network namespaces joined by a veth pair, each a node with its
own identity and an Ethernet bearer (iproute2's ``tipc``). A service published on one is seen
by the other's topology watcher, and reached by name, from the other, on both syscall paths.

Sockets are made on a thread inside each namespace (a socket stays in the namespace it was made
in); the calls on them may come from any thread.
"""

from __future__ import annotations

import errno
import shutil
import socket as stdlib
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import pytest
from famsock_tipc import TipcEventKind, TipcServiceAddress, TipcTopologyWatcher
from tipc_kernel import AF_TIPC, BOUNDED, connect_and_accept

import famsock
from famsock.testing.netns import multi_host_unusable, named_namespace, namespace_thread, run_ip, veth_pair

NODE_STATE = 0  # TIPC_NODE_STATE: the service whose instances are the nodes that are up
LINK_UP = 60.0  # seconds for the two nodes to find each other, bounded


@dataclass
class Node:
    name: str
    address: int
    thread: ThreadPoolExecutor

    def socket(self, kind: int = stdlib.SOCK_RDM) -> famsock.socket:
        """A famsock socket in this node's namespace."""
        sock: famsock.socket = self.thread.submit(famsock.socket, AF_TIPC, kind).result()
        sock.settimeout(BOUNDED)
        return sock

    def watcher(self, timeout: float = BOUNDED) -> TipcTopologyWatcher:
        watcher: TipcTopologyWatcher = self.thread.submit(TipcTopologyWatcher, timeout=timeout).result()
        return watcher


def _tipc(namespace: str, *arguments: str) -> None:
    subprocess.run(["ip", "netns", "exec", namespace, "tipc", *arguments], check=True, capture_output=True,
                   text=True, timeout=60)


def _own_address() -> int:
    with famsock.socket(AF_TIPC, stdlib.SOCK_RDM) as sock:
        return int(sock.getsockname().node)


@pytest.fixture(scope="module")
def nodes() -> Iterator[tuple[Node, Node]]:
    reason = multi_host_unusable() or ("" if shutil.which("tipc") else "needs iproute2's tipc command")
    if reason:
        pytest.skip(reason)
    with ExitStack() as stack:
        made = []
        for side in ("a", "b"):
            namespace = stack.enter_context(named_namespace(f"tipc-{side}"))
            made.append((side, namespace))
        (_, first), (_, second) = made
        veth_pair((first, "tipca", 0), (second, "tipcb", 0))
        threads = []
        for side, namespace in made:
            run_ip("-n", namespace, "link", "set", f"tipc{side}", "up")
            _tipc(namespace, "node", "set", "identity", f"famsock-node-{side}")
            _tipc(namespace, "bearer", "enable", "media", "eth", "dev", f"tipc{side}")
            threads.append((namespace, stack.enter_context(namespace_thread(namespace))))
        seen = [_wait_for_cluster(namespace, thread) for namespace, thread in threads]
        one, other = (Node(namespace, thread.submit(_own_address).result(), thread)
                      for namespace, thread in threads)
        assert one.address and other.address and one.address != other.address, (one, other)
        assert seen == [{one.address, other.address}] * 2, (seen, one, other)
        yield one, other


def _wait_for_cluster(namespace: str, thread: ThreadPoolExecutor) -> set[int]:
    """The addresses of the nodes up, seen from this one once there are two (bounded): its own,
    which TIPC assigns a trial period after its bearer is up (the hash of its identity, unless a
    neighbour has it), and the other's, once their link is up."""
    def watch() -> set[int]:
        up: set[int] = set()
        with TipcTopologyWatcher(timeout=LINK_UP) as watcher:
            watcher.subscribe(NODE_STATE, timeout_ms=int(LINK_UP * 1000))
            while len(up) < 2:
                event = watcher.receive()
                assert event.kind is not TipcEventKind.TIMEOUT, f"{namespace}: up after {LINK_UP} s: {up}"
                (up.add if event.kind is TipcEventKind.PUBLISHED else up.discard)(event.found_lower)
        return up

    return thread.submit(watch).result()


def test_the_nodes_see_each_other(nodes: tuple[Node, Node]) -> None:
    one, other = nodes
    with other.watcher() as watcher:
        watcher.subscribe(NODE_STATE)
        seen = {watcher.receive().found_lower for _ in range(2)}  # itself and the other
    assert seen == {one.address, other.address}


def test_published_on_one_seen_and_reached_from_the_other(nodes: tuple[Node, Node], service_type: int,
                                                         syscall_path: str) -> None:
    one, other = nodes
    with ExitStack() as stack:
        watcher = stack.enter_context(other.watcher())
        subscription = watcher.subscribe(service_type)
        server = stack.enter_context(one.socket(stdlib.SOCK_STREAM))
        server.bind(TipcServiceAddress(service_type, 1))
        server.listen()
        published = watcher.receive()
        assert published.kind is TipcEventKind.PUBLISHED and published.subscription == subscription
        assert published.port == server.getsockname() and published.port.node == one.address
        # connect by name, from the other node
        client = stack.enter_context(other.socket(stdlib.SOCK_STREAM))
        conn, peer = connect_and_accept(server, client, (famsock.TIPC_ADDR_NAME, service_type, 1, 0))
        stack.enter_context(conn)
        assert peer == client.getsockname() and peer.node == other.address
        assert client.getpeername() == conn.getsockname() and client.getpeername().node == one.address
        client.sendall(b"across")
        assert conn.recv(100) == b"across"
        server.close()  # the name goes with the listening socket
        assert watcher.receive() == published._replace(kind=TipcEventKind.WITHDRAWN)


def test_datagrams_by_name_and_replies_across_nodes(nodes: tuple[Node, Node], service_type: int,
                                                    syscall_path: str) -> None:
    one, other = nodes
    with ExitStack() as stack:
        server = stack.enter_context(one.socket())
        server.bind((famsock.TIPC_ADDR_NAMESEQ, service_type, 0, 9))
        _wait_for_publication(other, service_type)
        client = stack.enter_context(other.socket())
        client.sendto(b"ping", (famsock.TIPC_ADDR_NAME, service_type, 4, 0))
        data, sender = server.recvfrom(100)
        assert (data, sender) == (b"ping", client.getsockname()) and sender.node == other.address
        server.sendto(b"pong", sender)
        assert client.recvfrom(100) == (b"pong", server.getsockname())


def test_a_lookup_domain_picks_the_node(nodes: tuple[Node, Node], service_type: int,
                                        syscall_path: str) -> None:
    """The same name on both nodes: ``domain`` (famsock only; the stdlib cannot set it) says on
    which node the kernel looks it up. Raw path: the interpreter's code would drop it."""
    one, other = nodes
    with ExitStack() as stack:
        servers = {}
        for node in nodes:
            servers[node.address] = stack.enter_context(node.socket())
            servers[node.address].bind(TipcServiceAddress(service_type, 1))
        _wait_for_publication(other, service_type, count=2)
        client = stack.enter_context(other.socket())
        for node in (one, other, one):
            message = f"to {node.name}".encode()
            client.sendto(message, TipcServiceAddress(service_type, 1, domain=node.address))
            assert servers[node.address].recvfrom(100) == (message, client.getsockname())
        with pytest.raises(OSError) as raised:
            client.sendto(b"nowhere", TipcServiceAddress(service_type, 1, domain=0x1234))
        assert raised.value.errno == errno.EHOSTUNREACH


def _wait_for_publication(node: Node, service_type: int, count: int = 1) -> Any:
    """Until ``node`` knows of ``count`` publications of the type (name tables sync across)."""
    with node.watcher() as watcher:
        watcher.subscribe(service_type)
        return [watcher.receive() for _ in range(count)]
