"""A netlink connection: a famsock AF_NETLINK socket and a conversation on it (blocking I/O).

    from famsock_netlink import Connection

    with Connection() as nl:                                   # NETLINK_ROUTE
        for link in nl.dump("rt-link", "getlink"):             # a generator: constant memory
            print(link.fixed["ifi-index"], link["ifname"])
        nl.request("rt-link", "dellink", attributes={"ifname": "nope"})   # OSError ENODEV

Options set on the socket (each a ``setsockopt`` at level ``SOL_NETLINK``): ``NETLINK_EXT_ACK``
(the kernel explains refusals) and ``NETLINK_CAP_ACK`` (errors do not echo whole requests) are
on by default; ``strict=True`` sets ``NETLINK_GET_STRICT_CHK``; ``no_enobufs=True`` sets
``NETLINK_NO_ENOBUFS`` (overruns are then not reported: events are lost silently). ``groups``:
multicast groups to join (numbers; any number, through ``NETLINK_ADD_MEMBERSHIP``), whose
messages ``events()`` yields. Not thread-safe: one connection per thread (or use asyncio's).
"""

from __future__ import annotations

import errno
from collections.abc import Generator, Iterable, Mapping
from typing import Any, Literal

import famsock

from ._conversation import Conversation, Pending
from ._errors import MalformedMessageError, OverrunError
from ._groups import configure
from ._messages import Message
from ._targets import EventReader, Prepared, Target, prepare, prepare_raw

__all__ = ["Connection", "Endpoint"]

MSG_TRUNC = 0x20
DEFAULT_BUFFER = 1 << 20  # no datagram the kernel sends is larger: replies are never cut


class Endpoint:
    """What the blocking and the asyncio connection share: the configured socket, the conversation
    (the sans-I/O part), the receive buffer, and routing a received datagram."""

    def __init__(self, protocol: int, timeout: float | None, *, groups: Iterable[int],
                 events: Iterable[Target], ext_ack: bool, cap_ack: bool, strict: bool, no_enobufs: bool,
                 receive_buffer: int | None, peer: int, foreign: Literal["raise", "discard"],
                 buffer_size: int) -> None:
        self.protocol = protocol
        self.sock = famsock.socket(famsock.AF_NETLINK, famsock.SOCK_RAW, protocol)
        try:
            configure(self.sock, groups=groups, ext_ack=ext_ack, cap_ack=cap_ack, strict=strict,
                      no_enobufs=no_enobufs, receive_buffer=receive_buffer)
            self.sock.settimeout(timeout)  # 0.0: non-blocking
            self.address = self.sock.getsockname()
        except BaseException:
            self.sock.close()
            raise
        self.conversation = Conversation(self.address[0], peer, foreign, event_reader=EventReader(events))
        self._buffer = bytearray(buffer_size)
        self._view = memoryview(self._buffer)

    @property
    def pid(self) -> int:
        """This socket's port ID (the kernel chose it at ``bind()``)."""
        return int(self.address[0])

    def _recvmsg(self) -> tuple[int, int, Any]:
        """One datagram into the buffer: its size, flags and sender. ENOBUFS (events were lost) is
        the conversation's overrun; BlockingIOError and timeouts are the socket's own."""
        try:
            size, _ancillary, flags, address = self.sock.recvmsg_into([self._view])
        except OSError as exc:
            if exc.errno == errno.ENOBUFS:
                raise self.conversation.overrun(f"netlink socket (port {self.pid})") from None
            raise
        return size, flags, address

    def _route(self, size: int, flags: int, address: Any) -> None:
        """Hand a received datagram to the conversation; one cut short fails every request."""
        if flags & MSG_TRUNC:
            error = MalformedMessageError(f"a netlink datagram larger than the {len(self._buffer)}-byte "
                                          f"buffer was cut ({type(self).__name__}(buffer_size=...) larger)")
            self.conversation.fail_all(error)
            raise error
        self.conversation.feed(bytes(self._view[:size]), address[0], address[1])

    def fileno(self) -> int:
        return self.sock.fileno()

    def close(self) -> None:
        self.sock.close()


class Connection(Endpoint):
    """A netlink socket and the requests in flight on it; see the module's docstring."""

    def __init__(self, protocol: int = 0, *, groups: Iterable[int] = (), events: Iterable[Target] = (),
                 ext_ack: bool = True, cap_ack: bool = True, strict: bool = False, no_enobufs: bool = False,
                 receive_buffer: int | None = None, timeout: float | None = None, peer: int = 0,
                 foreign: Literal["raise", "discard"] = "raise", buffer_size: int = DEFAULT_BUFFER) -> None:
        super().__init__(protocol, timeout, groups=groups, events=events, ext_ack=ext_ack, cap_ack=cap_ack,
                         strict=strict, no_enobufs=no_enobufs, receive_buffer=receive_buffer, peer=peer,
                         foreign=foreign, buffer_size=buffer_size)

    # -- requests ---------------------------------------------------------------------------------

    def request(self, target: Target, operation: str, *, fixed: Mapping[str, Any] | None = None,
                attributes: Mapping[Any, Any] | None = None, flags: int = 0) -> list[Message]:
        """A ``do`` request: waits for its ACK and returns its replies (often none, one for a get).
        ``NetlinkError`` (an ``OSError``) when the kernel refuses it."""
        pending = self.submit(target, operation, "do", fixed=fixed, attributes=attributes, flags=flags)
        return list(self.replies(pending))

    def dump(self, target: Target, operation: str, *, fixed: Mapping[str, Any] | None = None,
             attributes: Mapping[Any, Any] | None = None, flags: int = 0) -> Generator[Message, None, None]:
        """A ``dump`` request: yields each object as it arrives, until ``NLMSG_DONE``."""
        return self.replies(self.submit(target, operation, "dump", fixed=fixed, attributes=attributes,
                                        flags=flags))

    def submit(self, target: Target, operation: str, kind: Literal["do", "dump"] = "do", *,
               fixed: Mapping[str, Any] | None = None, attributes: Mapping[Any, Any] | None = None,
               flags: int = 0) -> Pending:
        """Send a request and return it in flight; read its replies with ``replies(pending)``, in any
        order with other requests' (each reply goes to its own request)."""
        return self._send(prepare(target, operation, kind, fixed, attributes, flags))

    def submit_raw(self, message_type: int, payload: bytes = b"", *, flags: int = 0,
                   kind: Literal["do", "dump"] = "do") -> Pending:
        """A request of no declared family: its replies are ``RawMessage`` (header fields, payload)."""
        return self._send(prepare_raw(message_type, payload, flags, kind))

    def _send(self, prepared: Prepared) -> Pending:
        pending = self.conversation.start(prepared.request, prepared.kind, prepared.reader, prepared.what,
                                          prepared.locate)
        self._flush()
        return pending

    def _flush(self) -> None:
        """Send what the conversation has to send (a new request; a dump held until the last ended)."""
        outbox = self.conversation.outbox
        while outbox:
            pending = outbox.popleft()
            try:
                self.sock.sendto(pending.request, (self.conversation.peer, 0))
            except BaseException:
                self.conversation.abandon(pending, sent=False)
                raise

    def replies(self, pending: Pending) -> Generator[Any, None, None]:
        """A request's replies as they arrive; then its outcome (an exception, if it failed). Closing
        the generator early abandons the request: its remaining replies are dropped."""
        conversation = self.conversation
        finished = False
        try:
            while True:
                if pending.replies:
                    yield pending.take()
                elif pending.finished:
                    finished = True
                    conversation.forget(pending)
                    problem = pending.outcome()
                    if problem is not None:
                        raise problem
                    return
                else:
                    self.receive()
        finally:
            if not finished:
                conversation.abandon(pending)
                self._flush()

    # -- receiving --------------------------------------------------------------------------------

    def receive(self) -> None:
        """Read one datagram and route its messages (to requests in flight, or to events)."""
        size, flags, address = self._recvmsg()
        try:
            self._route(size, flags, address)
        finally:
            self._flush()

    def events(self, overruns: Literal["raise", "yield"] = "raise") -> Generator[Any, None, None]:
        """Messages of the joined multicast groups, as they arrive (blocking; with a timeout,
        ``TimeoutError`` ends the wait). An overrun (events lost) raises :class:`OverrunError`, or with
        ``overruns="yield"`` is yielded as one and listening goes on."""
        events = self.conversation.events
        while True:
            while events:
                yield events.popleft()
            try:
                self.receive()
            except OverrunError as overrun:
                if overruns == "raise":
                    raise
                yield overrun

    # -- the socket -------------------------------------------------------------------------------

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self.sock.fileno() < 0 else f"port {self.pid}"
        return f"<famsock_netlink.Connection protocol {self.protocol} {state}, " \
               f"{len(self.conversation.pending)} requests in flight>"
