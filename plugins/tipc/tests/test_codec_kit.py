"""famsock's kernel-free codec kit over AF_TIPC: the C vectors, and what each step refuses.

The stdlib's forms: ``(1, type, lower, upper, scope)``, ``(2, type, instance, instance, scope)``
(the instance twice, the domain lost), ``(3, node, ref, 0, scope)``, each scope read as C reads
a ``signed char`` into an ``unsigned int`` (-1 is 4294967295). A 4-tuple gets scope 2.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path
from typing import Any

from famsock_tipc import TipcServiceAddress, TipcServiceRange, TipcSocketAddress

from famsock.testing import c_vectors
from famsock.testing.codec_kit import Address, CodecConformance, DecodeError, ParseError, Row, TextError

VECTORS = c_vectors.load(Path(__file__).parent / "vectors" / "sockaddr_tipc.c")
_FAMILY = VECTORS["AF_TIPC"].to_bytes(2, sys.byteorder)
_SCOPES = {0: "", 1: "/zone", 2: "/cluster", 3: "/node"}

# The text forms of the vectors, as documented (plugins/tipc/README.md).
TEXTS = {
    "range": "tipc:range:1000:0-99/cluster",
    "range-node-scope": "tipc:range:18888:17-17/node",
    "range-zone-scope": "tipc:range:64:1-2/zone",
    "range-scope-0": "tipc:range:4242:0-0",
    "range-widest": "tipc:range:4294967295:0-4294967295/cluster",
    "range-inverted": "tipc:range:1000:9-3/cluster",
    "range-withdraw": "tipc:range:1000:0-99/-2",
    "service": "tipc:service:18888:17/cluster",
    "topology-service": "tipc:service:1:1",
    "service-domain": "tipc:service:1000:5@0x1001001/node",
    "service-scope-min": "tipc:service:1000:4294967295/-128",
    "service-scope-max": "tipc:service:0:0/127",
    "service-withdraw": "tipc:service:1000:5/-3",
    "socket": "tipc:socket:0x1001001:12345",
    "socket-own-node": "tipc:socket:0x0:4294967295",
    "socket-cluster-scope": "tipc:socket:0xdeadbeef:1/cluster",
}


def _stdlib(case: dict[str, Any]) -> tuple[int, ...]:
    scope = case["scope"] % 2**32  # a signed char, read by Py_BuildValue("I")
    if case["kind"] == "service-range":
        return (1, case["type"], case["lower"], case["upper"], scope)
    if case["kind"] == "service":
        return (2, case["type"], case["instance"], case["instance"], scope)
    return (3, case["node"], case["ref"], 0, scope)


def _values(case: dict[str, Any], stdlib: tuple[int, ...]) -> list[Any]:
    """The user values that mean this address: the stdlib's tuple, the 4-tuple for the stdlib's
    default scope, the signed scope, the typed constructors, and a NAME's v3 as 0."""
    values: list[Any] = [stdlib]
    if case["scope"] == 2:
        values.append(stdlib[:4])
    if case["scope"] < 0:
        values.append((*stdlib[:4], case["scope"]))
    if case["kind"] == "service-range":
        values.append(TipcServiceRange(case["type"], case["lower"], case["upper"], scope=case["scope"]))
    elif case["kind"] == "service":
        values.append(TipcServiceAddress(case["type"], case["instance"], domain=case["domain"],
                                         scope=case["scope"]))
        if case["domain"]:
            return values[-1:]  # a plain tuple cannot hold the domain
        values.append((2, case["type"], case["instance"], 0, stdlib[4]))
    else:
        values.append(TipcSocketAddress(case["node"], case["ref"], scope=case["scope"]))
    return values


def _vector_row(case: dict[str, Any]) -> Address:
    stdlib = _stdlib(case)
    # socket addresses are what stream sockets report through the interpreter's own code too
    kind = socket.SOCK_STREAM if case["kind"] == "socket" else None
    return Address(case["id"], stdlib, values=_values(case, stdlib), sockaddr=bytes.fromhex(case["hex"]),
                   text=TEXTS[case["id"]], type=kind)


def _sockaddr(addrtype: int, scope: int, first: int, second: int, third: int,
              family: bytes = _FAMILY) -> bytes:
    return (family + bytes([addrtype, scope % 256]) + first.to_bytes(4, sys.byteorder)
            + second.to_bytes(4, sys.byteorder) + third.to_bytes(4, sys.byteorder))


_SOCKET = _sockaddr(3, 0, 12345, 0x1001001, 0)
_MEMBER = _sockaddr(2, 0, 4000, 2, 0)

ROWS: list[Row] = [
    *(_vector_row(case) for case in VECTORS["cases"] if case["id"] in TEXTS),
    # the kernel zeroes bytes 12:16 of a socket address; both readers ignore them
    Address("socket-padding", (3, 0x1001001, 12345, 0, 0), sockaddr=_SOCKET,
            also_decodes=[_sockaddr(3, 0, 12345, 0x1001001, 0xFFFFFFFF)], text="tipc:socket:0x1001001:12345"),
    ParseError("list", [1, 1000, 0, 99], TypeError, match="must be a tuple"),
    ParseError("none", None, TypeError),
    ParseError("three-items", (1, 1000, 0), TypeError, match="got 3 items"),
    ParseError("six-items", (1, 1000, 0, 99, 2, 0), TypeError, match="got 6 items"),
    ParseError("addr-type-0", (0, 1000, 0, 99), TypeError, match="addr_type"),
    ParseError("addr-type-4", (4, 1000, 0, 99), TypeError, match="addr_type"),
    ParseError("addr-type-wraps-to-1", (2**32 + 1, 1000, 0, 99), TypeError, match="addr_type"),
    ParseError("addr-type-text", ("1", 1000, 0, 99), TypeError, match="must be an integer"),
    ParseError("float-field", (1, 1000.0, 0, 99), TypeError, match="type must be an integer"),
    ParseError("negative-type", (1, -1, 0, 99), OverflowError, match="type must be 0-4294967295"),
    ParseError("type-2**32", (2, 2**32, 0, 0), OverflowError, match="type must be 0-4294967295"),
    ParseError("upper-2**32", (1, 1000, 0, 2**32), OverflowError, match="upper"),
    ParseError("ref-negative", (3, 0, -1, 0), OverflowError, match="ref"),
    ParseError("scope-128", (1, 1000, 0, 99, 128), OverflowError, match="signed char"),
    ParseError("scope-258", (1, 1000, 0, 99, 258), OverflowError, match="signed char"),
    ParseError("scope--129", (1, 1000, 0, 99, -129), OverflowError, match="signed char"),
    ParseError("scope-2**32", (1, 1000, 0, 99, 2**32), OverflowError, match="signed char"),
    ParseError("scope-text", (1, 1000, 0, 99, "node"), TypeError, match="scope must be an integer"),
    ParseError("name-v3-domain", (2, 1000, 5, 0x1001001), ValueError, match="domain"),
    ParseError("id-v3", (3, 0x1001001, 12345, 7), ValueError, match="v3 must be 0"),
    DecodeError("empty", b"", match="16 bytes"),
    DecodeError("15-bytes", _SOCKET[:15], match="16 bytes"),
    DecodeError("17-bytes", _SOCKET + b"\0", match="16 bytes"),
    DecodeError("33-bytes", _SOCKET + _MEMBER + b"\0", match="16 bytes"),
    DecodeError("inet-family", _sockaddr(3, 0, 1, 2, 0, family=(2).to_bytes(2, sys.byteorder)),
                match="sa_family is 2"),
    DecodeError("addrtype-0", _sockaddr(0, 0, 1, 2, 3), match="addrtype 0"),
    DecodeError("addrtype-4", _sockaddr(4, 2, 1, 2, 3), match="addrtype 4"),
    DecodeError("pair-of-ranges", _sockaddr(1, 0, 1000, 0, 9) + _MEMBER, match="starts with a socket"),
    DecodeError("pair-second-not-a-name", _SOCKET + _SOCKET, match="member's service address"),
    TextError("no-kind", "tipc:1000:0-99"),
    TextError("unknown-kind", "tipc:port:1:2"),
    TextError("range-without-dash", "tipc:range:1000:5"),
    TextError("not-a-number", "tipc:service:thousand:5"),
    TextError("unknown-scope", "tipc:service:1000:5/galaxy", match="scope"),
    TextError("domain-on-a-range", "tipc:range:1000:0-9@0x1001001", match="DOMAIN"),
    TextError("member-on-a-service", "tipc:service:1000:5;member=4000:2", match="member"),
    TextError("type-too-big", "tipc:service:4294967296:5", OverflowError),
    TextError("scope-too-big", "tipc:service:1000:5/300", OverflowError),
]


class TestCodecKit(CodecConformance):
    family_name = "tipc"
    rows = ROWS
