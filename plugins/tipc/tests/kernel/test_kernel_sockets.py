"""AF_TIPC sockets on the real kernel, on both syscall paths, side by side with the stdlib.

SOCK_RDM and SOCK_DGRAM take the raw path on both (a group member's sender is a pair of sockaddrs
the interpreter's code cuts in half); SOCK_STREAM and SOCK_SEQPACKET the interpreter's own code on
the native path. Each test does with famsock what it does with the stdlib's socket, and compares.
"""

from __future__ import annotations

import errno
import socket as stdlib
from collections.abc import Callable
from typing import Any

import pytest
from famsock_tipc import (
    TipcDestination,
    TipcErrorInfo,
    TipcServiceAddress,
    TipcServiceRange,
    TipcSocketAddress,
)
from tipc_kernel import AF_TIPC, SOL_TIPC, connect_and_accept, same_error

import famsock
from famsock.testing import syscall_path as use_path
from famsock.testing.compare import famsock_view, plain, raised_by, stdlib_view

Make = Callable[..., Any]
CONNECTION_KINDS = [pytest.param(stdlib.SOCK_STREAM, id="stream"),
                    pytest.param(stdlib.SOCK_SEQPACKET, id="seqpacket")]


def test_rdm_bind_a_range_sendto_a_service_recvfrom_the_sender(
        tipc: Make, plain_tipc: Make, service_type: int, syscall_path: str) -> None:
    server, client = tipc(), tipc()
    server.bind((famsock.TIPC_ADDR_NAMESEQ, service_type, 0, 99))
    client.sendto(b"to 42", (famsock.TIPC_ADDR_NAME, service_type, 42, 0))
    data, sender = server.recvfrom(100)
    assert data == b"to 42"
    assert sender == client.getsockname()
    assert type(sender) is TipcSocketAddress and sender.member is None
    assert sender.node == 0 and sender.scope == 0  # this namespace's node has no address yet
    # what the stdlib reads for the same socket, and for the same exchange of its own
    with stdlib_view(client) as view:
        assert plain(sender) == view.getsockname()
    theirs_server, theirs_client = plain_tipc(), plain_tipc()
    theirs_server.bind((stdlib.TIPC_ADDR_NAMESEQ, service_type + 1, 0, 99))
    theirs_client.sendto(b"to 42", (stdlib.TIPC_ADDR_NAME, service_type + 1, 42, 0))
    theirs_data, theirs_sender = theirs_server.recvfrom(100)
    assert (theirs_data, theirs_sender) == (b"to 42", theirs_client.getsockname())
    assert type(theirs_sender) is tuple and len(theirs_sender) == len(sender)
    # and across: a stdlib client, a famsock server
    theirs_client.sendto(b"mixed", (stdlib.TIPC_ADDR_NAME, service_type, 7, 0))
    assert server.recvfrom(100) == (b"mixed", theirs_client.getsockname())


def test_rdm_typed_addresses_reach_the_same_sockets(tipc: Make, service_type: int, syscall_path: str) -> None:
    server, client = tipc(), tipc()
    server.bind(TipcServiceRange(service_type, 10, 19))
    client.sendto(b"typed", TipcServiceAddress(service_type, 15))
    assert server.recvfrom(100) == (b"typed", client.getsockname())
    assert famsock.address_to_text(client.getsockname()) == f"tipc:socket:0x0:{client.getsockname().ref}"


@pytest.mark.parametrize("form", ["typed", "tuple", "4-tuple", "text"])
def test_replies_to_a_socket_address(tipc: Make, service_type: int, syscall_path: str, form: str) -> None:
    server, client = tipc(), tipc()
    server.bind(TipcServiceAddress(service_type, 1))
    client.sendto(b"ping", (famsock.TIPC_ADDR_NAME, service_type, 1, 0))
    _, sender = server.recvfrom(100)
    reply_to: Any = {"typed": sender, "tuple": plain(sender), "4-tuple": plain(sender)[:4],
                     "text": famsock.address_from_text(famsock.address_to_text(sender))}[form]
    server.sendto(b"pong", reply_to)
    data, replier = client.recvfrom(100)
    assert (data, replier) == (b"pong", server.getsockname())
    assert reply_to[0] == famsock.TIPC_ADDR_ID


def test_the_stdlib_replies_to_famsocks_socket_address(tipc: Make, plain_tipc: Make, service_type: int,
                                                        syscall_path: str) -> None:
    client, server = tipc(), plain_tipc()
    server.bind((stdlib.TIPC_ADDR_NAME, service_type, 1, 0))
    client.sendto(b"ping", (famsock.TIPC_ADDR_NAME, service_type, 1, 0))
    _, sender = server.recvfrom(100)
    server.sendto(b"pong", sender)
    assert client.recvfrom(100) == (b"pong", server.getsockname())


@pytest.mark.parametrize("kind", CONNECTION_KINDS)
def test_connect_and_accept_by_name(tipc: Make, service_type: int, syscall_path: str, kind: int) -> None:
    server, client = tipc(kind), tipc(kind)
    server.bind((famsock.TIPC_ADDR_NAME, service_type, 1, 0))
    server.listen()
    conn, peer = connect_and_accept(server, client, (famsock.TIPC_ADDR_NAME, service_type, 1, 0))
    with conn:
        assert type(peer) is TipcSocketAddress
        assert peer == client.getsockname() == conn.getpeername()
        assert client.getpeername() == conn.getsockname()
        assert conn.syscall_path == client.syscall_path == ("native" if syscall_path == "native" else "raw")
        client.sendall(b"hello")
        assert conn.recv(100) == b"hello"
        with stdlib_view(conn) as view:
            assert (view.getsockname(), view.getpeername()) == (plain(conn.getsockname()), plain(peer))
        with famsock_view(conn, "raw") as raw, famsock_view(conn, "native") as native:
            assert raw.getpeername() == native.getpeername() == peer


@pytest.mark.parametrize("kind", CONNECTION_KINDS)
def test_the_stdlib_connects_to_famsocks_server(tipc: Make, plain_tipc: Make, service_type: int,
                                                syscall_path: str, kind: int) -> None:
    server, client = tipc(kind), plain_tipc(kind)
    server.bind(TipcServiceRange(service_type, 0, 9))
    server.listen()
    conn, peer = connect_and_accept(server, client, (stdlib.TIPC_ADDR_NAME, service_type, 5, 0))
    with conn:
        assert peer == client.getsockname() and type(plain(peer)) is type(client.getsockname())
        assert client.getpeername() == conn.getsockname()


def test_a_lookup_domain_reaches_the_kernel(tipc: Make, service_type: int, syscall_path: str) -> None:
    """The stdlib cannot set a service address's domain; famsock can (raw path): the kernel looks
    the name up on that node only. No node 0x1234 here: nothing is found."""
    server, client = tipc(), tipc()
    server.bind(TipcServiceAddress(service_type, 1))
    client.sendto(b"anywhere", TipcServiceAddress(service_type, 1, domain=0))
    assert server.recv(100) == b"anywhere"
    with pytest.raises(OSError) as raised:
        client.sendto(b"elsewhere", TipcServiceAddress(service_type, 1, domain=0x1234))
    assert raised.value.errno == errno.EHOSTUNREACH


def test_the_native_path_refuses_a_domain(tipc: Make, service_type: int) -> None:
    with use_path("auto"):
        client = tipc(stdlib.SOCK_STREAM)
        with pytest.raises(ValueError, match="raw syscall path"):
            client.connect(TipcServiceAddress(service_type, 1, domain=0x1234))


def test_a_negative_scope_withdraws_a_binding(tipc: Make, plain_tipc: Make, service_type: int,
                                              syscall_path: str) -> None:
    """The kernel reads ``scope < 0`` in bind() as "withdraw"; famsock's -2 and the stdlib's
    4294967294 (how it reads -2) mean the same."""
    client = tipc()
    for withdraw, make in ((-2, tipc), (2**32 - 2, plain_tipc)):
        server = make()
        server.bind((famsock.TIPC_ADDR_NAME, service_type, 3, 0))
        client.sendto(b"bound", (famsock.TIPC_ADDR_NAME, service_type, 3, 0))
        assert server.recv(100) == b"bound"
        server.bind((famsock.TIPC_ADDR_NAME, service_type, 3, 0, withdraw))
        with pytest.raises(OSError) as raised:
            client.sendto(b"gone", (famsock.TIPC_ADDR_NAME, service_type, 3, 0))
        assert raised.value.errno == errno.EHOSTUNREACH


# -- what a call cannot take: the kernel's errno, a clearer message --------------------------------


def test_binding_to_a_socket_address_is_refused(tipc: Make, plain_tipc: Make, syscall_path: str) -> None:
    ours, theirs = tipc(), plain_tipc()
    raised = same_error(lambda: ours.bind((famsock.TIPC_ADDR_ID, 0, 12345, 0)),
                        lambda: theirs.bind((stdlib.TIPC_ADDR_ID, 0, 12345, 0)))
    assert isinstance(raised, OSError) and raised.errno == errno.EAFNOSUPPORT
    assert "cannot bind to a socket address" in str(raised)


@pytest.mark.parametrize("kind", CONNECTION_KINDS)
def test_connecting_to_a_range_is_refused(tipc: Make, plain_tipc: Make, service_type: int, syscall_path: str,
                                          kind: int) -> None:
    ours, theirs = tipc(kind), plain_tipc(kind)
    raised = same_error(lambda: ours.connect((famsock.TIPC_ADDR_NAMESEQ, service_type, 0, 9)),
                        lambda: theirs.connect((stdlib.TIPC_ADDR_NAMESEQ, service_type, 0, 9)))
    assert isinstance(raised, OSError) and raised.errno == errno.EINVAL and "service range" in str(raised)


def test_a_datagram_socket_connects_to_a_range(tipc: Make, service_type: int, syscall_path: str) -> None:
    """For SOCK_RDM, connect() to a range sets the default destination: send() multicasts."""
    first, second, sender = tipc(), tipc(), tipc()
    first.bind((famsock.TIPC_ADDR_NAMESEQ, service_type, 0, 4))
    second.bind((famsock.TIPC_ADDR_NAMESEQ, service_type, 5, 9))
    sender.connect((famsock.TIPC_ADDR_NAMESEQ, service_type, 0, 9))
    sender.send(b"all")
    assert first.recv(100) == second.recv(100) == b"all"


@pytest.mark.parametrize(("value", "error"), [
    ((7, 1000, 0, 9), TypeError),              # unknown addr_type
    ((0, 1000, 0, 9), TypeError),
    ((1, 1000, 0), TypeError),                 # wrong arity
    ((1, 1000, 0, 9, 2, 0), TypeError),
    ([1, 1000, 0, 9], TypeError),              # not a tuple
    ((1, 1000.0, 0, 9), TypeError),            # not an int
    ((1, "1000", 0, 9), TypeError),
])
def test_bad_input_raises_what_the_stdlib_raises(tipc: Make, plain_tipc: Make, syscall_path: str, value: Any,
                                                 error: type[BaseException]) -> None:
    raised = same_error(lambda: tipc().bind(value), lambda: plain_tipc().bind(value))
    assert type(raised) is error and "AF_TIPC" in str(raised)


@pytest.mark.parametrize("value", [
    (1, -1, 0, 9),                             # the stdlib binds type 4294967295
    (1, 2**32 + 1000, 0, 9),                   # ... type 1000
    (2, 1000, 2**32 + 5, 0),
    (1, 1000, 0, 9, 258),                      # ... scope 2 (the low 8 bits)
    (1, 1000, 0, 9, -129),
])
def test_out_of_range_fields_are_refused_where_the_stdlib_wraps(tipc: Make, plain_tipc: Make,
                                                               syscall_path: str, value: Any) -> None:
    with pytest.raises(OverflowError, match=r"AF_TIPC .*must be"):
        tipc().bind(value)
    theirs = plain_tipc()
    error = raised_by(theirs.bind, value)  # wraps silently; what the kernel makes of it is the kernel's
    assert error is None or (isinstance(error, OSError) and error.errno is not None), error


def test_a_names_v3_is_refused_where_the_stdlib_ignores_it(tipc: Make, plain_tipc: Make, service_type: int,
                                                          syscall_path: str) -> None:
    server, theirs = tipc(), plain_tipc()
    server.bind(TipcServiceAddress(service_type, 1))
    theirs.sendto(b"domain ignored", (stdlib.TIPC_ADDR_NAME, service_type, 1, 0x1234))
    assert server.recv(100) == b"domain ignored"
    with pytest.raises(ValueError, match="v3"):
        tipc().sendto(b"x", (famsock.TIPC_ADDR_NAME, service_type, 1, 0x1234))


# -- control messages -------------------------------------------------------------------------------


def test_a_returned_message_comes_with_errinfo_and_retdata(tipc: Make, syscall_path: str) -> None:
    sender = tipc()
    sender.setsockopt(SOL_TIPC, famsock.TIPC_DEST_DROPPABLE, 0)  # return what cannot be delivered
    own = sender.getsockname()
    sender.sendto(b"lost", TipcSocketAddress(own.node, 12345, scope=0))  # no such socket here
    data, ancdata, _, source = sender.recvmsg(100, 1024)
    assert data == b""
    assert famsock.decode_ancillary(ancdata, sender.family) == [
        (SOL_TIPC, famsock.TIPC_ERRINFO, TipcErrorInfo(famsock.TIPC_ERR_NO_PORT, 4)),
        (SOL_TIPC, famsock.TIPC_RETDATA, b"lost"),
    ]
    assert source == (famsock.TIPC_ADDR_ID, own.node, 12345, 0, 0)


@pytest.mark.parametrize(("destination", "expected"), [
    ((2, 0, 7, 0), (0, 7, 7)),                 # anycast to one instance
    ((1, 0, 3, 9), (0, 3, 9)),                 # multicast to a range
])
def test_the_destination_name_comes_with_the_message(tipc: Make, service_type: int, syscall_path: str,
                                                     destination: tuple[int, ...],
                                                     expected: tuple[int, int, int]) -> None:
    server, client = tipc(), tipc()
    server.bind(TipcServiceRange(service_type, 0, 99))
    client.sendto(b"named", (destination[0], service_type, *destination[2:]))
    data, ancdata, _, sender = server.recvmsg(100, 1024)
    assert (data, sender) == (b"named", client.getsockname())
    [(level, kind, value)] = famsock.decode_ancillary(ancdata, AF_TIPC)
    assert (level, kind) == (SOL_TIPC, famsock.TIPC_DESTNAME)
    assert value == TipcDestination(service_type, *expected[1:]) and type(value) is TipcDestination
