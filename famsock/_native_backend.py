"""``NativeBackend``: plugin-validated values into the interpreter's own C methods.

The fast path, where the interpreter handles the family and this socket's type and protocol
(the plugin says so with ``Family.native``); results come back through the plugin's
``from_native``, memoized.
"""

from __future__ import annotations

from ._backend_parts import (
    Never,
    TypedClasses,
    c_accept,
    c_bind,
    c_connect,
    c_connect_ex,
    c_getpeername,
    c_getsockname,
    c_recvfrom_checked,
    c_recvfrom_into,
    c_recvmsg,
    c_recvmsg_into,
    c_sendmsg,
    c_sendto,
    message_calls,
    parsed_for_sendto,
    raw_bind,
    raw_connect,
    raw_connect_ex,
    raw_sendto,
    remember,
)
from ._boundary import NotMoved, moved_native, proper
from ._raw_sockaddr import RawSockaddr

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs 3.6 ms
if TYPE_CHECKING:
    from socket import socket as StdSocket
    from typing import Any

    from ._registry import Registry
    from .contract import Family, SocketSpec

__all__ = ["NativeBackend"]



class NativeBackend:
    """Plugin-validated values into the interpreter's C methods; results back through the plugin.

    The operations are closures over the family's functions, built once per backend: a UDP round
    trip has a budget of ~0.2 µs (3.8 µs in the stdlib, goal 0.97x), and attribute lookups and
    frames are what spend it. Typed addresses skip ``parse`` (see :class:`TypedClasses`); ``sendto``
    keeps its last (address, native value) pair, matched by identity: a reply to a memoized
    ``recvfrom`` sender, or a client's fixed destination, costs one comparison.

    Two shortcuts for the socket object's hottest methods (``sendto``, ``recvfrom``):
    ``direct_type``, the type whose values the C methods take as they are (the typed address,
    when the family has neither ``to_native`` nor ``check_use``), and ``results``, the memo from C
    results to typed addresses. A result ``from_native`` refuses is read by the family the
    kernel reports (:func:`famsock._boundary.moved_native`) and not memoized: the same value may
    come from sockets the kernel has not moved.
    """

    name = "native"
    # received: the C accelerator's recvfrom() keeps the last (native, typed) pair it found in
    # the memo here, and reads it by slot offset (famsock/_accel.c); unused without it
    __slots__ = ("accept", "address", "bind", "connect", "connect_ex", "direct_type", "family", "getpeername",
                 "getsockname", "memo", "received", "recent", "recvfrom", "recvfrom_into", "recvmsg",
                 "recvmsg_into", "results", "sendmsg", "sendto", "spec")

    def __init__(self, family: Family[Any], spec: SocketSpec, registry: Registry) -> None:  # noqa: PLR0915
        assert family.native is not None
        _accelerate()
        self.family = family
        self.spec = spec
        typed = TypedClasses(family, spec, registry)
        classes, parsed, learnt = typed.classes, typed.parsed, typed.learnt
        to_native, from_native = family.native.to_native, family.native.from_native
        check = family.check_use
        memo: dict[Any, Any] = {None: None}
        recent: list[tuple[Any, Any]] = [(Never, None)]  # one pair, replaced whole: thread-safe

        def native(value: Any, operation: str) -> Any:
            if type(value) not in classes:
                value = parsed(value)
            if check is not None:
                check(value, spec, operation)  # type: ignore[arg-type]
            return value if to_native is None else to_native(value, spec)

        def convert(result: Any, sock: StdSocket) -> tuple[Any, bool]:
            """The typed address, and whether it may be memoized (it is the socket's family's).

            A value ``from_native`` refuses is read by the family the kernel reports; if the socket
            has not moved, it is returned as the stdlib gave it (as the raw backend returns a
            ``RawSockaddr`` for bytes ``decode`` refuses): a result is never lost."""
            try:
                return learnt(from_native(result, spec), "from_native"), True
            except ValueError:
                moved = moved_native(registry, sock, result, family, spec)
                return (result if moved is NotMoved else moved), False

        def address(result: Any, sock: StdSocket) -> Any:
            try:
                return memo[result]
            except KeyError:
                if result is None:  # not from the memo: another thread may be evicting it
                    return None
                converted, ours = convert(result, sock)
                return remember(memo, result, converted) if ours else converted
            except TypeError:  # an unhashable native form: nothing to memoize
                return convert(result, sock)[0]

        def sendto(sock: StdSocket, data: Any, flags: Any, value: Any) -> int:
            last = recent[0]
            if value is last[0]:
                return c_sendto(sock, data, flags, last[1])
            if type(value) is RawSockaddr:
                return raw_sendto(sock, data, flags, value)
            typed = value if type(value) in classes else parsed_for_sendto(parsed, value, data, flags)
            result = native(typed, "sendto")
            recent[0] = (typed, result)
            return c_sendto(sock, data, flags, result)

        def recvfrom(sock: StdSocket, bufsize: Any, flags: Any) -> tuple[bytes, Any]:
            data, result = c_recvfrom_checked(sock, bufsize, flags)
            return data, address(result, sock)

        def recvfrom_into(sock: StdSocket, buffer: Any, nbytes: Any, flags: Any) -> tuple[int, Any]:
            received, result = c_recvfrom_into(sock, buffer, nbytes, flags)
            return received, address(result, sock)

        def bind(sock: StdSocket, value: Any) -> None:
            if type(value) is RawSockaddr:
                return raw_bind(sock, value)
            return c_bind(sock, native(value, "bind"))

        def connect(sock: StdSocket, value: Any) -> None:
            if type(value) is RawSockaddr:
                return raw_connect(sock, value)
            return c_connect(sock, native(value, "connect"))

        def connect_ex(sock: StdSocket, value: Any) -> int:
            if type(value) is RawSockaddr:
                return raw_connect_ex(sock, value)
            return c_connect_ex(sock, native(value, "connect"))

        direct = family.address_type
        self.direct_type = direct if to_native is None and check is None and proper(direct) else Never
        self.results = self.memo = memo
        self.recent = recent
        self.received = [(Never, None)]  # a pair no result matches (not of Never's type)
        self.address = address
        self.sendto = sendto
        self.recvfrom = recvfrom
        self.recvfrom_into = recvfrom_into
        self.sendmsg, self.recvmsg, self.recvmsg_into = message_calls(
            c_sendmsg, c_recvmsg, c_recvmsg_into, native, address, audit=False)
        self.bind = bind
        self.connect = connect
        self.connect_ex = connect_ex
        self.accept = c_accept
        self.getsockname = lambda sock: address(c_getsockname(sock), sock)
        self.getpeername = lambda sock: address(c_getpeername(sock), sock)


def _accelerate() -> None:
    """Tell the C accelerator, if it is in use, where NativeBackend keeps its last result (at each
    backend made: the accelerator installs once)."""
    from ._backend_parts import accel  # noqa: PLC0415

    if accel is not None:
        accel.install_native(NativeBackend)
