"""selectors over famsock sockets: a non-blocking accept/recv loop, as in the selectors docs.

A selector only needs ``fileno()``; what this checks is that famsock's address methods behave
as the loop expects in non-blocking mode (``accept`` and ``recvfrom`` raising
``BlockingIOError`` when nothing is ready, ``connect_ex`` returning ``EINPROGRESS``) on both
syscall paths, and that the addresses they return are the plugin's, equal to the stdlib's.
"""

from __future__ import annotations

import errno
import selectors
import socket as stdlib
import time
from collections.abc import Iterator
from typing import Any

import pytest

import famsock
from famsock.testing import open_fds, stdlib_names
from tests.helpers import IPS, Ip

DEADLINE = 10  # seconds for a whole loop


@pytest.fixture(autouse=True)
def _no_fd_leaks() -> Iterator[None]:
    before = open_fds()
    yield
    assert open_fds() == before


def events(selector: selectors.BaseSelector, deadline: float) -> Iterator[tuple[Any, int]]:
    """(registered data, ready events) until the deadline; the test's loop breaks out first."""
    while True:
        remaining = deadline - time.monotonic()
        assert remaining > 0, "the selector loop did not finish in time"
        for key, mask in selector.select(remaining):
            yield key.data, mask


def echo_loop(selector: selectors.BaseSelector, server: famsock.socket, clients: list[famsock.socket],
              accepted: list[tuple[famsock.socket, Any]]) -> dict[int, bytes]:
    """Serve with one selector: the listener accepts, connections answer in upper case; each
    client, once connected, sends a line and keeps the answer. Returns the answers."""
    selector.register(server, selectors.EVENT_READ, "listener")
    for number, client in enumerate(clients):
        client.setblocking(False)
        assert client.connect_ex(server.getsockname()) in (0, errno.EINPROGRESS)
        selector.register(client, selectors.EVENT_WRITE, number)
    answers: dict[int, bytes] = {}
    for data, _ in events(selector, time.monotonic() + DEADLINE):
        if data == "listener":
            conn, peer = server.accept()
            conn.setblocking(False)
            accepted.append((conn, peer))
            selector.register(conn, selectors.EVENT_READ, conn)
        elif isinstance(data, famsock.socket):  # an accepted connection
            received = data.recv(100)
            if received:
                data.sendall(received.upper())
            else:
                selector.unregister(data)
        else:  # a client
            client = clients[data]
            if selector.get_key(client).events == selectors.EVENT_WRITE:  # now connected
                assert client.getsockopt(stdlib.SOL_SOCKET, stdlib.SO_ERROR) == 0
                client.sendall(b"client %d" % data)
                selector.modify(client, selectors.EVENT_READ, data)
            else:
                answers[data] = client.recv(100)
                selector.unregister(client)
                client.shutdown(stdlib.SHUT_WR)  # the server reads the end and unregisters
        if len(answers) == len(clients) and len(selector.get_map()) == 1:
            return answers
    raise AssertionError("unreachable: events() ends by failing")


@pytest.mark.parametrize("ip", IPS)
def test_echo_loop_over_listening_and_connected_sockets(syscall_path: str, ip: Ip) -> None:
    with selectors.DefaultSelector() as selector, famsock.socket(ip.family) as server:
        server.bind(ip.local)
        server.listen()
        server.setblocking(False)
        with pytest.raises(BlockingIOError):  # what the loop relies on when it wakes up for nothing
            server.accept()
        clients = [famsock.socket(ip.family) for _ in range(3)]
        accepted: list[tuple[famsock.socket, Any]] = []
        try:
            answers = echo_loop(selector, server, clients, accepted)
            assert answers == {number: b"CLIENT %d" % number for number in range(3)}
            assert len(accepted) == 3
            for conn, peer in accepted:
                assert isinstance(conn, famsock.socket)
                assert conn.syscall_path == syscall_path
                assert type(peer) is ip.address_type
                assert peer == stdlib_names(conn)[1]
                assert conn.getsockname() == server.getsockname() == stdlib_names(conn)[0]
            assert {peer for _, peer in accepted} == {stdlib_names(client)[0] for client in clients}
        finally:
            for sock in [*clients, *(conn for conn, _ in accepted)]:
                sock.close()


@pytest.mark.parametrize("ip", IPS)
def test_datagram_socket_read_when_ready(syscall_path: str, ip: Ip) -> None:
    with selectors.DefaultSelector() as selector, \
            famsock.socket(ip.family, famsock.SOCK_DGRAM) as receiver, \
            stdlib.socket(ip.family, stdlib.SOCK_DGRAM) as sender:
        receiver.bind(ip.local)
        receiver.setblocking(False)
        sender.bind(ip.local)
        with pytest.raises(BlockingIOError):
            receiver.recvfrom(100)
        selector.register(receiver, selectors.EVENT_READ)
        assert selector.select(0) == []

        for number in range(3):
            sender.sendto(b"datagram %d" % number, receiver.getsockname())
        received = []
        for _ in events(selector, time.monotonic() + DEADLINE):
            try:
                while True:
                    received.append(receiver.recvfrom(100))  # drain what is ready
            except BlockingIOError:
                pass
            if len(received) == 3:
                break

        assert [data for data, _ in received] == [b"datagram 0", b"datagram 1", b"datagram 2"]
        for _, address in received:
            assert type(address) is ip.address_type
            assert address == sender.getsockname()
