"""``RawBackend``: plugin-encoded ``struct sockaddr`` bytes into libc, the kernel's bytes decoded.

Works for every family, the ones the interpreter has never heard of included; forced by
``FAMSOCK_SYSCALL_PATH=raw`` or ``famsock.set_syscall_path("raw")``. The libc calls are
:mod:`famsock._raw_calls` and :mod:`famsock._raw_messages`.
"""

from __future__ import annotations

import errno
import os
from sys import audit as _audit, byteorder as _byteorder

from ._backend_parts import (
    NO_RECENT,
    Never,
    TypedClasses,
    message_calls,
    parsed_for_sendto,
    raw_sendto as sendto_raw_sockaddr,
    remember,
)
from ._boundary import SOCKADDR_MAX, bad_sockaddr, decode_or_raw
from ._raw_sockaddr import RawSockaddr
from .contract import loaded

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs 3.6 ms
if TYPE_CHECKING:
    from socket import socket as StdSocket
    from typing import Any

    from ._registry import Registry
    from .contract import Family, SocketSpec

__all__ = ["RawBackend"]

_NO_FLAGS = 0  # flags tested by identity first: the cheapest test there is (CPython has one 0)
_INT_MAX = 0x7FFFFFFF


class RawBackend:
    """Plugin-encoded sockaddr bytes into libc; the bytes the kernel returns decoded by the plugin.

    Built like :class:`NativeBackend`, for the same reasons. ``decode`` is memoized by the sockaddr
    bytes; ``encode`` through ``sendto``'s last pair only, since a dict keyed by typed addresses
    costs more than encoding when their hash is Python code. Bytes whose ``sa_family`` is not the
    socket's, or that the plugin cannot decode, go to :func:`famsock._boundary.decode_or_raw`
    (memoized too: the bytes name their family).
    """

    name = "raw"
    # sent, connected: sendto()'s and connect()'s last (typed address, sockaddr bytes) pairs, which
    # the C accelerator's fast paths read (with memo and address) by slot offset (famsock/_accel.c)
    __slots__ = ("accept", "address", "bind", "connect", "connect_ex", "connected", "direct_type", "family",
                 "getpeername", "getsockname", "memo", "recent", "recvfrom", "recvfrom_into", "recvmsg",
                 "recvmsg_into", "results", "sendmsg", "sendto", "sent", "spec")

    def __init__(self, family: Family[Any], spec: SocketSpec, registry: Registry) -> None:  # noqa: PLR0915
        # ctypes only once a raw backend exists
        from . import _raw_calls as raw, _raw_messages as messages  # noqa: PLC0415
        from ._blocking import POLLIN, POLLOUT, retry  # noqa: PLC0415
        from ._libc import (  # noqa: PLC0415
            ADDRESS_SIZE,
            DATA_SIZE,
            Scratch,
            pool as _pool,
            recvfrom as libc_recvfrom,
            sendto as libc_sendto,
        )

        _accelerate()
        pool = _pool  # a closure cell: pool.pop() on an imported name makes a bound method each time
        receiving = raw.receiving

        self.family = family
        self.spec = spec
        typed = TypedClasses(family, spec, registry)
        classes, parsed, learnt = typed.classes, typed.parsed, typed.learnt
        encode, decode, check = loaded(family.encode), loaded(family.decode), family.check_use
        raw_sendto, raw_recvfrom, raw_connect = raw.sendto, raw.recvfrom, raw.connect
        decoded: dict[Any, Any] = {None: None}
        recent: list[tuple[Any, bytes]] = [(Never, b"")]  # one pair, replaced whole: thread-safe
        ours = family.number.to_bytes(2, _byteorder)  # sa_family, host order, as the kernel writes it
        longest = SOCKADDR_MAX

        def encoded(address: Any, operation: str) -> bytes:
            if check is not None:
                check(address, spec, operation)  # type: ignore[arg-type]
            data = encode(address, spec)
            if type(data) is not bytes or data[:2] != ours or len(data) > longest:
                raise bad_sockaddr(registry, family, data)
            return data

        def sockaddr(value: Any, operation: str) -> bytes:
            if type(value) is RawSockaddr:
                return value.sockaddr
            return encoded(value if type(value) in classes else parsed(value), operation)

        def address(data: bytes | None, sock: StdSocket | None = None) -> Any:
            try:
                return decoded[data]
            except KeyError:
                if data is None:
                    return None
                if data[:2] != ours:  # the kernel moved the socket (IPV6_ADDRFORM), or 1 byte
                    return remember(decoded, data, decode_or_raw(registry, data, spec))
                try:
                    result = learnt(decode(data, spec), "decode")
                except ValueError as exc:
                    result = RawSockaddr.from_sockaddr(
                        data, f"the {family.name!r} plugin cannot decode it: {exc}")
                return remember(decoded, data, result)

        def bind(sock: StdSocket, value: Any) -> None:
            data = sockaddr(value, "bind")
            _audit("socket.bind", sock, value)
            raw.bind(sock, data)

        # sendto() and recvfrom() make the straight attempt of famsock._raw_calls' fast paths here,
        # for the usual arguments on a socket without a timeout: one Python frame less a call
        # (~0.05 us of a raw UDP round trip's ~0.2 us budget). Anything else, and every retry or
        # error, is _raw_calls' (the same code, where the tests of its modes run).

        def sendto(sock: StdSocket, data: Any, flags: Any, value: Any) -> int:
            last = recent[0]
            if value is last[0]:
                _audit("socket.sendto", sock, value)
                destination = last[1]
            elif type(value) is RawSockaddr:
                return sendto_raw_sockaddr(sock, data, flags, value)
            else:
                typed = value if type(value) in classes else parsed_for_sendto(parsed, value, data, flags)
                destination = encoded(typed, "sendto")
                recent[0] = (typed, destination)
                _audit("socket.sendto", sock, value)
            if flags is _NO_FLAGS and type(data) is bytes and len(data) <= _INT_MAX and not sock.timeout:
                sent: int = libc_sendto(sock.fileno(), data, len(data), 0, destination, len(destination))
                if sent >= 0:
                    return sent
                return retry(sock, POLLOUT, lambda: libc_sendto(sock.fileno(), data, len(data), 0,
                                                                destination, len(destination)))
            return raw_sendto(sock, data, flags, destination)

        def recvfrom(sock: StdSocket, bufsize: Any, flags: Any) -> tuple[bytes, Any]:
            if flags is _NO_FLAGS and type(bufsize) is int and 0 <= bufsize <= DATA_SIZE and not sock.timeout:
                try:
                    scratch = pool.pop()
                except IndexError:
                    scratch = Scratch()
                try:
                    length = scratch.length_view
                    length[0] = ADDRESS_SIZE
                    received = libc_recvfrom(sock.fileno(), scratch.data, bufsize, 0, scratch.address_ref,
                                             scratch.length_ref)
                    if received < 0:
                        received = retry(sock, POLLIN, receiving(sock, scratch, scratch.data, bufsize, 0))
                    size = length[0]
                    # no MSG_TRUNC: the count is at most bufsize, and all of it was written now
                    data = scratch.data_view[:received].tobytes()
                    result = scratch.address_view[:size].tobytes() if size else None
                finally:
                    pool.append(scratch)
            else:
                data, result = raw_recvfrom(sock, bufsize, flags)
            try:
                return data, decoded[result]
            except KeyError:
                return data, address(result)

        connected: list[tuple[Any, bytes]] = [(Never, b"")]  # as recent, for connect()

        def connect(sock: StdSocket, value: Any) -> None:
            # A client connecting to the same server again skips check_use and encode, as sendto()
            last = connected[0]
            if value is last[0]:
                data = last[1]
            elif type(value) is RawSockaddr:
                data = value.sockaddr
            else:
                typed = value if type(value) in classes else parsed(value)
                data = encoded(typed, "connect")
                connected[0] = (typed, data)
            _audit("socket.connect", sock, value)
            code = raw_connect(sock, data)
            if code:
                raise OSError(code, os.strerror(code))

        def connect_ex(sock: StdSocket, value: Any) -> int:
            data = sockaddr(value, "connect")
            _audit("socket.connect", sock, value)
            try:
                code: int = raw_connect(sock, data)
            except TimeoutError:
                return errno.EWOULDBLOCK  # what the stdlib's connect_ex() returns on a timeout
            return code

        def recvfrom_into(sock: StdSocket, buffer: Any, nbytes: Any, flags: Any) -> tuple[int, Any]:
            received, result = raw.recvfrom_into(sock, buffer, nbytes, flags)
            return received, address(result)

        self.direct_type = Never
        self.results = None  # no shortcut for the socket object; the memo is for inspection
        self.memo = decoded
        self.recent = NO_RECENT
        self.sent = recent
        self.connected = connected
        self.address = address
        self.bind = bind
        self.connect = connect
        self.connect_ex = connect_ex
        self.sendto = sendto
        self.recvfrom = recvfrom
        self.recvfrom_into = recvfrom_into
        self.sendmsg, self.recvmsg, self.recvmsg_into = message_calls(
            messages.sendmsg, messages.recvmsg, messages.recvmsg_into, sockaddr, address, audit=True)
        self.accept = raw.accept
        self.getsockname = lambda sock: address(raw.getsockname(sock))
        self.getpeername = lambda sock: address(raw.getpeername(sock))


def _accelerate() -> None:
    """Give raw sockets the C accelerator's fast paths, if it is in use (at each backend made: the
    accelerator installs once)."""
    from ._backend_parts import accel  # noqa: PLC0415

    if accel is not None:
        from . import _raw_calls as raw  # noqa: PLC0415

        accel.install_raw(RawBackend, {
            "sendto_failed": raw.sendto_failed, "recvfrom_failed": raw.recvfrom_failed,
            "connect_failed": raw.connect_failed, "accept_failed": raw.accept_failed})
