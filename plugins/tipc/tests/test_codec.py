"""The AF_TIPC codec beyond the kit's table, no kernel needed: the C vectors against the headers on
this machine, the group member's pair, the native path's limits, and which call takes which kind."""

from __future__ import annotations

import errno
import pickle
import socket
from pathlib import Path

import pytest
from famsock_tipc import FAMILY, TipcServiceAddress, TipcServiceRange, TipcSocketAddress
from famsock_tipc._codec import applies, check_use, decode, encode, from_native, to_native
from famsock_tipc._constants import CONSTANTS, HEADER

import famsock
from famsock.contract import SocketSpec
from famsock.testing import c_vectors
from famsock.testing.compare import raised_by

GENERATOR = Path(__file__).parent / "vectors" / "sockaddr_tipc.c"
VECTORS = c_vectors.load(GENERATOR)
CASES = {case["id"]: case for case in VECTORS["cases"]}
STREAM = SocketSpec(30, socket.SOCK_STREAM, 0)
SEQPACKET = SocketSpec(30, socket.SOCK_SEQPACKET, 0)
RDM = SocketSpec(30, socket.SOCK_RDM, 0)
DGRAM = SocketSpec(30, socket.SOCK_DGRAM, 0)


def test_the_vectors_are_what_the_headers_give() -> None:
    if c_vectors.compiler() is None:
        pytest.skip("no C compiler to regenerate the vectors with")
    assert c_vectors.regenerate(GENERATOR) == VECTORS


def test_the_layout_is_the_headers() -> None:
    assert VECTORS["size"] == 16
    assert VECTORS["offsets"] == {
        "family": 0, "addrtype": 2, "scope": 3, "addr": 4, "id.ref": 4, "id.node": 8, "nameseq.type": 4,
        "nameseq.lower": 8, "nameseq.upper": 12, "name.type": 4, "name.instance": 8, "name.domain": 12}
    assert VECTORS["AF_TIPC"] == FAMILY.number == famsock.AF_TIPC


def test_a_group_members_pair_keeps_the_member() -> None:
    """The kernel reports a group message's sender and its member name; the stdlib reads only
    the first sockaddr, famsock keeps both (the second as ``member``)."""
    case = CASES["group-member"]
    data = bytes.fromhex(case["hex"])
    address = decode(data, RDM)
    assert address == (3, case["node"], case["ref"], 0, 0)
    assert isinstance(address, TipcSocketAddress)
    assert address.member == (2, 4000, 2, 2, 0) and isinstance(address.member, TipcServiceAddress)
    assert (address.member.type, address.member.instance) == tuple(case["member"])
    text = famsock.address_to_text(address)
    assert text == f"tipc:socket:{case['node']:#x}:{case['ref']};member=4000:2"
    assert famsock.address_from_text(text).member == address.member
    assert pickle.loads(pickle.dumps(address)).member == address.member
    # sent, it is the socket address alone: connect() takes exactly one sockaddr_tipc
    assert encode(address, RDM) == data[:16]
    assert famsock.decode(data) == address and famsock.decode(data).member == address.member


def test_the_domain_is_kept_where_the_stdlib_drops_it() -> None:
    case = CASES["service-domain"]
    address = decode(bytes.fromhex(case["hex"]), RDM)
    assert isinstance(address, TipcServiceAddress)
    assert address.domain == 0x1001001
    assert address == (2, 1000, 5, 5, 3)  # what the stdlib reads there
    assert encode(address, RDM).hex() == case["hex"]


def test_from_native_reads_only_the_stdlibs_form() -> None:
    assert from_native((1, 1000, 0, 99, 2), STREAM) == (1, 1000, 0, 99, 2)
    assert type(from_native((3, 0, 7, 0, 0), STREAM)) is TipcSocketAddress
    for value in [(1, 2, 3, 4), (4, 1, 2, 3, 0), [3, 0, 7, 0, 0], ("", 0)]:
        assert type(raised_by(from_native, value, STREAM)) is ValueError, value


def test_the_native_path_is_for_connection_sockets_only() -> None:
    """Datagram sockets may receive a member's pair, which the C methods cut to its first half."""
    assert applies(STREAM) and applies(SEQPACKET)
    assert not applies(RDM) and not applies(DGRAM) and not applies(SocketSpec(30))


def test_to_native_refuses_a_domain_the_interpreter_would_drop() -> None:
    plain = TipcServiceAddress(1000, 5)
    assert to_native(plain, STREAM) is plain
    raised = raised_by(to_native, TipcServiceAddress(1000, 5, domain=0x1001001), STREAM)
    assert type(raised) is ValueError and "raw syscall path" in str(raised)


@pytest.mark.parametrize(("address", "spec", "operation", "code"), [
    (TipcSocketAddress(0, 7), RDM, "bind", errno.EAFNOSUPPORT),
    (TipcSocketAddress(0, 7), STREAM, "bind", errno.EAFNOSUPPORT),
    (TipcServiceRange(1000, 0, 9), STREAM, "connect", errno.EINVAL),
    (TipcServiceRange(1000, 0, 9), SEQPACKET, "connect", errno.EINVAL),
])
def test_check_use_refuses_a_kind_the_call_cannot_take(address: object, spec: SocketSpec, operation: str,
                                                       code: int) -> None:
    raised = raised_by(check_use, address, spec, operation)
    assert type(raised) is OSError and raised.errno == code, raised
    assert "AF_TIPC" in str(raised)


@pytest.mark.parametrize(("address", "spec", "operation"), [
    (TipcServiceRange(1000, 0, 9), RDM, "bind"),
    (TipcServiceAddress(1000, 5), STREAM, "bind"),
    (TipcServiceRange(1000, 0, 9), RDM, "connect"),  # a datagram socket's default multicast
    (TipcServiceRange(1000, 0, 9), RDM, "sendto"),
    (TipcSocketAddress(0, 7), STREAM, "connect"),
    (TipcSocketAddress(0, 7), RDM, "sendto"),
])
def test_check_use_lets_the_rest_through(address: object, spec: SocketSpec, operation: str) -> None:
    assert raised_by(check_use, address, spec, operation) is None


def test_every_stdlib_constant_is_the_stdlibs_and_the_headers() -> None:
    stdlib_names = {name for name in dir(socket) if name.startswith("TIPC_") or name == "SOL_TIPC"}
    assert stdlib_names <= set(CONSTANTS)
    for name in stdlib_names:
        assert CONSTANTS[name] == getattr(socket, name) == HEADER[name], name
        assert getattr(famsock, name) == getattr(socket, name), name


def test_the_modern_constants_are_famsocks() -> None:
    for name in ("TIPC_SERVICE_RANGE", "TIPC_SERVICE_ADDR", "TIPC_SOCKET_ADDR", "TIPC_NODE_STATE",
                 "TIPC_LINK_STATE", "TIPC_GROUP_JOIN", "TIPC_GROUP_LEAVE", "TIPC_MCAST_BROADCAST",
                 "TIPC_MCAST_REPLICAST", "TIPC_NODELAY", "TIPC_SOCK_RECVQ_DEPTH", "TIPC_ERRINFO"):
        assert getattr(famsock, name) == HEADER[name], name


def test_typed_addresses_are_immutable_and_valid_by_construction() -> None:
    address = TipcServiceAddress(1000, 5, domain=7)
    for name in ("domain", "type", "scope", "anything"):
        assert type(raised_by(setattr, address, name, 1)) is AttributeError
    assert type(raised_by(TipcServiceRange, 1000, 0, 2**32)) is OverflowError
    assert type(raised_by(TipcServiceAddress, 1000, 5, domain=-1)) is OverflowError
    assert type(raised_by(TipcSocketAddress, 0, 7, member=(4000,))) is TypeError
    assert type(raised_by(TipcSocketAddress, 0, 7, scope=200)) is OverflowError
