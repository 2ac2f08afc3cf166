"""``struct sockaddr_tipc`` bytes, and the stdlib's tuples, <-> typed addresses: pure functions; and
which calls can take which kind.

Layout (16 bytes, <linux/tipc.h>, host byte order): family (u16) 0:2, addrtype (u8) 2, scope
(s8) 3, then a union at 4:16 -- a service range's type, lower, upper; a service address's type,
instance, domain; a socket address's **ref, then node**, then 4 bytes the kernel zeroes. A group
member's message reports a pair of them (32 bytes): the sending socket, then its member name as
a service address (the stdlib reads only the first).

The native path (the interpreter's own AF_TIPC code) is used for SOCK_STREAM and SOCK_SEQPACKET
sockets only, where it loses nothing: datagram sockets (SOCK_RDM, SOCK_DGRAM) may receive the
pair, whose second half the C methods drop, so they take the raw path. A lookup domain the C
methods cannot set either: ``to_native`` refuses an address with one (the raw path sends it).
"""

from __future__ import annotations

import _socket
import errno
import struct

from ._address import (
    CLASSES,
    SERVICE_ADDR,
    SERVICE_RANGE,
    SOCKET_ADDR,
    AnyTipcAddress,
    TipcAddress,
    TipcServiceAddress,
    TipcServiceRange,
    TipcSocketAddress,
    build,
)

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: this module loads at a process's first bind()
if TYPE_CHECKING:
    from famsock.contract import Operation, SocketSpec  # Operation: made with typing, on first use

__all__ = ["AF_TIPC", "SOCKADDR_TIPC_SIZE", "applies", "check_use", "decode", "encode", "from_native",
           "to_native"]

AF_TIPC: int = getattr(_socket, "AF_TIPC", 30)  # <linux/tipc.h>'s value where the stdlib lacks it
SOCKADDR_TIPC_SIZE = 16
_SOCKADDR = struct.Struct("=HBbIII")
_PAIR_SIZE = 2 * SOCKADDR_TIPC_SIZE
_CONNECTED = frozenset({_socket.SOCK_STREAM, _socket.SOCK_SEQPACKET})
_new = tuple.__new__


def encode(address: TipcAddress, spec: SocketSpec | None = None) -> bytes:
    """The 16 bytes of ``struct sockaddr_tipc`` (a member name is what the kernel reports, never
    sent: a ``connect()`` takes exactly 16 bytes)."""
    kind = address[0]  # type: ignore[index]  # a tuple underneath
    if kind == SOCKET_ADDR:
        node, ref = address[1], address[2]  # type: ignore[index]
        return _SOCKADDR.pack(AF_TIPC, kind, address.scope, ref, node, 0)
    third = address.domain if isinstance(address, TipcServiceAddress) else address[3]  # type: ignore[index]
    return _SOCKADDR.pack(AF_TIPC, kind, address.scope, address[1], address[2], third)  # type: ignore[index]


def decode(data: bytes, spec: SocketSpec | None = None) -> AnyTipcAddress:
    """A typed address from ``struct sockaddr_tipc`` bytes (16), or the kernel's pair (32)."""
    if len(data) not in (SOCKADDR_TIPC_SIZE, _PAIR_SIZE):
        raise ValueError(f"a sockaddr_tipc is {SOCKADDR_TIPC_SIZE} bytes ({_PAIR_SIZE} for a group member's "
                         f"pair), got {len(data)}: {data.hex()}")
    family, kind, scope, first, second, third = _SOCKADDR.unpack_from(data)
    if family != AF_TIPC:
        raise ValueError(f"not an AF_TIPC sockaddr: sa_family is {family}")
    if kind == SOCKET_ADDR:
        member = _member(data[SOCKADDR_TIPC_SIZE:]) if len(data) == _PAIR_SIZE else None
        return build(kind, second, first, 0, scope, member=member)  # the kernel stores ref first
    if len(data) == _PAIR_SIZE:
        raise ValueError(f"a sockaddr_tipc pair starts with a socket address (addrtype 3), got addrtype "
                         f"{kind}: {data.hex()}")
    if kind == SERVICE_ADDR:
        return build(kind, first, second, second, scope, domain=third)
    if kind == SERVICE_RANGE:
        return build(kind, first, second, third, scope)
    raise ValueError(f"unknown AF_TIPC addrtype {kind} (1: service range, 2: service address, 3: socket "
                     f"address): {data.hex()}")


def _member(data: bytes) -> tuple[int, int]:
    family, kind, _, group, instance, _ = _SOCKADDR.unpack(data)
    if family != AF_TIPC or kind != SERVICE_ADDR:
        raise ValueError(f"the second sockaddr_tipc of a pair must be a member's service address "
                         f"(family {AF_TIPC}, addrtype 2), got family {family}, addrtype {kind}: "
                         f"{data.hex()}")
    return group, instance



def from_native(value: tuple[int, int, int, int, int], spec: SocketSpec | None = None) -> AnyTipcAddress:
    """The stdlib's result ``(addr_type, v1, v2, v3, scope)``: already in range, so no checks."""
    if type(value) is not tuple or len(value) != 5:
        raise ValueError(f"not an AF_TIPC address from the stdlib: {value!r}")
    cls = CLASSES.get(value[0])
    if cls is None:
        raise ValueError(f"not an AF_TIPC address from the stdlib: unknown addr_type in {value!r}")
    address: AnyTipcAddress = _new(cls, value)
    return address


def to_native(address: TipcAddress, spec: SocketSpec | None = None) -> TipcAddress:
    """The typed address itself (the C methods take the tuple), unless it has a lookup domain:
    the interpreter's AF_TIPC code cannot set one, and would send without it."""
    if isinstance(address, TipcServiceAddress) and address.domain:
        raise ValueError(f"AF_TIPC: the interpreter's socket methods cannot set a lookup domain "
                         f"({address.domain:#x}) and would drop it; use the raw syscall path "
                         "(famsock.set_syscall_path('raw') or FAMSOCK_SYSCALL_PATH=raw) to send one")
    return address


def applies(spec: SocketSpec) -> bool:
    """Whether the native path is lossless for this socket: connection sockets only."""
    return spec.type in _CONNECTED


def check_use(address: TipcAddress, spec: SocketSpec, operation: Operation) -> None:
    """Refuse, as the kernel would (same errno), what a call cannot take, with a clearer message."""
    if operation == "bind" and isinstance(address, TipcSocketAddress):
        raise OSError(errno.EAFNOSUPPORT, f"AF_TIPC cannot bind to a socket address ({address!r}): bind "
                                          "a service range (TIPC_ADDR_NAMESEQ) or service address "
                                          "(TIPC_ADDR_NAME)")
    if operation == "connect" and isinstance(address, TipcServiceRange) and spec.type in _CONNECTED:
        raise OSError(errno.EINVAL, f"AF_TIPC cannot connect a {_kind(spec)} socket to a service range "
                                    f"({address!r}): connect to a service address or a socket address")


def _kind(spec: SocketSpec) -> str:
    return "SOCK_STREAM" if spec.type == _socket.SOCK_STREAM else "SOCK_SEQPACKET"

