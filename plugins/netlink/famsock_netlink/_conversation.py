"""A netlink conversation as a state machine: requests in flight, and where each reply goes.

Sans-I/O: it takes the datagrams a socket received (``feed``) and the requests to send
(``start``), and never touches a socket; the sync and asyncio connections drive it.

Every message of a datagram is checked before it is believed:

- the **sender** (the ``nl_pid`` of the datagram's source address) must be the peer (0, the
  kernel): anything else is an :class:`UnexpectedReplyError` (or dropped and counted, with
  ``foreign="discard"``), read no further;
- a unicast message's **sequence number** must be that of a request in flight, and its
  ``nlmsg_pid`` this socket's port (or 0): else :class:`UnexpectedReplyError`. Replies to a request
  the caller gave up on (an abandoned dump) are dropped until its end;
- multicast messages (a source address with group bits) are events, kept for ``events()``.

A request ends at its ``NLMSG_ERROR`` (an ACK, or the kernel's errno: :class:`NetlinkError`)
or, for a dump, its ``NLMSG_DONE`` (whose errno is checked); a dump with ``NLM_F_DUMP_INTR``
on any message ends in :class:`DumpInterruptedError` after its messages. Several requests may be in
flight at once: each reply goes to its own request's queue. The kernel runs one dump per socket
at a time (a second one is refused with EBUSY), so a dump started while another runs is held
and sent when the running one ends: requests to send wait in ``outbox``, in order.
"""

from __future__ import annotations

import os
import struct
from collections import deque
from collections.abc import Callable
from typing import Any, Literal, NamedTuple

from ._errors import (
    DumpInterruptedError,
    MalformedMessageError,
    OverrunError,
    UnexpectedReplyError,
    netlink_error,
)
from ._extack import done_errno, read_error
from ._header import HEADER_SIZE, split

__all__ = ["Conversation", "Pending", "RawMessage"]

NLMSG_NOOP, NLMSG_ERROR, NLMSG_DONE, NLMSG_OVERRUN = 1, 2, 3, 4
NLM_F_MULTI, NLM_F_DUMP_INTR = 0x2, 0x10
Kind = Literal["do", "dump"]
#: ``reader(data, type, flags, seq, pid, offset, length) -> reply``
Reader = Callable[[bytes, int, int, int, int, int, int], Any]


class RawMessage(NamedTuple):
    """A message no declaration reads: its header's fields and its payload."""

    type: int
    flags: int
    seq: int
    pid: int
    payload: bytes


def read_raw(data: bytes, kind: int, flags: int, seq: int, pid: int, offset: int, length: int) -> RawMessage:
    return RawMessage(kind, flags, seq, pid, data[offset + HEADER_SIZE:offset + length])


class Pending:
    """A request in flight: its replies so far, and how it ended."""

    __slots__ = ("error", "finished", "interrupted", "kind", "locate", "reader", "replies", "request", "seq",
                 "what", "yielded")

    def __init__(self, seq: int, kind: Kind, request: bytes, reader: Reader, what: str,
                 locate: Callable[[int], str | None] | None) -> None:
        self.seq = seq
        self.kind = kind
        self.request = request
        self.reader = reader
        self.what = what
        self.locate = locate
        self.replies: deque[Any] = deque()
        self.finished = False
        self.error: BaseException | None = None
        self.interrupted = False
        self.yielded = 0

    def outcome(self) -> BaseException | None:
        """Why the request failed, once finished and its replies taken; ``None``: it succeeded."""
        if self.error is not None:
            return self.error
        if self.interrupted:
            return DumpInterruptedError(self.yielded, self.what)
        return None

    def take(self) -> Any:
        self.yielded += 1
        return self.replies.popleft()


class Conversation:
    """Requests in flight on one netlink socket, and the routing of what it receives."""

    def __init__(self, local_pid: int, peer: int = 0, foreign: Literal["raise", "discard"] = "raise",
                 first_seq: int | None = None, event_reader: Reader | None = None) -> None:
        self.local_pid = local_pid
        self.peer = peer
        self.foreign = foreign
        self.pending: dict[int, Pending] = {}
        self.abandoned: set[int] = set()
        self.events: deque[Any] = deque()
        self.event_reader = event_reader or read_raw
        self.discarded = 0
        self.outbox: deque[Pending] = deque()
        self._dumping: int | None = None  # the seq of the dump the kernel is running for this socket
        self._held: deque[Pending] = deque()
        self._seq = first_seq if first_seq is not None else int.from_bytes(os.urandom(4), "little") or 1

    # -- requests -----------------------------------------------------------------------------------

    def start(self, request: bytes, kind: Kind, reader: Reader | None = None, what: str = "netlink request",
              locate: Callable[[int], str | None] | None = None) -> Pending:
        """A new request in flight: ``request`` (a whole message) gets the next sequence number and
        this socket's port; send ``pending.request``."""
        if len(request) < HEADER_SIZE:
            raise ValueError(f"a netlink request is {HEADER_SIZE} bytes at least, got {len(request)}")
        seq = self._next_seq()
        patched = bytearray(request)
        struct.pack_into("=II", patched, 8, seq, self.local_pid)
        pending = Pending(seq, kind, bytes(patched), reader or read_raw, what, locate)
        self.pending[seq] = pending
        if kind == "dump" and self._dumping is not None:
            self._held.append(pending)
        else:
            if kind == "dump":
                self._dumping = seq
            self.outbox.append(pending)
        return pending

    def _dump_over(self, seq: int) -> None:
        """The kernel ended the dump ``seq``: send the next held one."""
        if self._dumping != seq:
            return
        self._dumping = None
        while self._held:
            following = self._held.popleft()
            if self.pending.get(following.seq) is following and not following.finished:
                self._dumping = following.seq
                self.outbox.append(following)
                return

    def _next_seq(self) -> int:
        for _ in range(len(self.pending) + len(self.abandoned) + 2):  # bounded: skips only seqs in use
            self._seq = self._seq % 0xFFFFFFFF + 1  # 1..2**32-1: 0 is what notifications carry
            if self._seq not in self.pending and self._seq not in self.abandoned:
                return self._seq
        raise RuntimeError("no free netlink sequence number")  # unreachable: 2**32-1 numbers

    def abandon(self, pending: Pending, sent: bool = True) -> None:
        """The caller gives up on a request: its remaining replies will be dropped (``sent``:
        whether it reached the socket at all)."""
        if self.pending.pop(pending.seq, None) is None or pending.finished:
            return
        held = pending in self._held
        if sent and not held:
            self.abandoned.add(pending.seq)
        elif pending.kind == "dump" and not held:
            self._dump_over(pending.seq)

    def forget(self, pending: Pending) -> None:
        """A finished request whose outcome was taken."""
        self.pending.pop(pending.seq, None)

    def fail_all(self, error: BaseException) -> None:
        """The stream is broken (a malformed or truncated datagram, replies dropped by the
        kernel): every request in flight ends with ``error``; late replies are dropped."""
        for pending in list(self.pending.values()):
            if not pending.finished:
                pending.error = error
                pending.finished = True
                self.abandoned.add(pending.seq)
        self._held.clear()
        self.outbox.clear()
        self._dumping = None

    # -- what arrives -------------------------------------------------------------------------------

    def overrun(self, what: str = "netlink socket") -> OverrunError:
        """ENOBUFS from the socket: the kernel dropped messages (replies too, possibly)."""
        error = OverrunError(what)
        self.fail_all(error)
        return error

    def feed(self, data: bytes, sender: int, groups: int = 0) -> None:
        """Route one datagram from ``(sender, groups)``. Raises what was wrong with it after
        routing the rest (``UnexpectedReplyError``, ``MalformedMessageError``)."""
        if sender != self.peer:
            self.discarded += 1
            if self.foreign == "raise":
                peer = "the kernel (port 0)" if self.peer == 0 else f"port {self.peer}"
                raise UnexpectedReplyError(f"a netlink datagram from port {sender}, not from {peer}: dropped "
                                           f"({len(data)} bytes)")
            return
        try:
            messages = list(split(data))
        except MalformedMessageError as exc:
            self.fail_all(exc)
            raise
        problem: BaseException | None = None
        for length, kind, flags, seq, pid, offset in messages:
            try:
                if groups:
                    self._event(data, kind, flags, seq, pid, offset, length)
                else:
                    self._reply(data, kind, flags, seq, pid, offset, length)
            except (UnexpectedReplyError, MalformedMessageError) as exc:
                problem = problem or exc
        if problem is not None:
            raise problem

    def _event(self, data: bytes, kind: int, flags: int, seq: int, pid: int, offset: int,
               length: int) -> None:
        if kind >= 16:
            self.events.append(self.event_reader(data, kind, flags, seq, pid, offset, length))

    def _reply(self, data: bytes, kind: int, flags: int, seq: int, pid: int, offset: int,
               length: int) -> None:
        pending = self.pending.get(seq)
        if pending is None:
            if seq in self.abandoned:
                if kind in (NLMSG_ERROR, NLMSG_DONE):
                    self.abandoned.discard(seq)
                    self._dump_over(seq)
                return
            if seq == 0 and kind >= 16:  # unsolicited unicast from the kernel (audit, uevents...)
                self._event(data, kind, flags, seq, pid, offset, length)
                return
            raise UnexpectedReplyError(f"a netlink message (type {kind}) with sequence number {seq}, which "
                                       f"no request in flight has ({_in_flight(self.pending)})")
        if pid not in (self.local_pid, 0):
            raise UnexpectedReplyError(f"a reply to {pending.what} (seq {seq}) addressed to port {pid}, not "
                                       f"to this socket's port {self.local_pid}")
        if pending.finished:
            return
        if flags & NLM_F_DUMP_INTR:
            pending.interrupted = True
        if kind == NLMSG_ERROR:
            self._error(pending, data, offset, length, flags)
        elif kind == NLMSG_DONE:
            code, extack = done_errno(data, offset, length, flags)
            if code:
                pending.error = netlink_error(code, extack, None, pending.what)
            self._finish(pending)
        elif kind == NLMSG_OVERRUN:
            pending.error = OverrunError(pending.what)
            self._finish(pending)
        elif kind != NLMSG_NOOP:
            try:
                pending.replies.append(pending.reader(data, kind, flags, seq, pid, offset, length))
            except MalformedMessageError as exc:
                pending.error = exc
                self._finish(pending)
                self.abandoned.add(seq)
                raise

    def _error(self, pending: Pending, data: bytes, offset: int, length: int, flags: int) -> None:
        try:
            code, _seq, request_type, extack = read_error(data, offset, length, flags)
        except MalformedMessageError as exc:
            pending.error = exc
            self._finish(pending)
            raise
        if code:
            if extack.offset is not None and pending.locate is not None:
                extack = _with_attribute(extack, pending.locate(extack.offset))
            pending.error = netlink_error(code, extack, request_type, pending.what)
        elif pending.kind == "dump":  # an ACK ends a dump only if it failed to start
            return
        self._finish(pending)

    def _finish(self, pending: Pending) -> None:
        pending.finished = True
        if pending.kind == "dump":
            self._dump_over(pending.seq)


def _with_attribute(extack: Any, attribute: str | None) -> Any:
    from dataclasses import replace  # noqa: PLC0415 - errors only

    return replace(extack, attribute=attribute)


def _in_flight(pending: dict[int, Pending]) -> str:
    if not pending:
        return "none is in flight"
    shown = ", ".join(str(seq) for seq in list(pending)[:5])
    return f"in flight: {shown}{'...' if len(pending) > 5 else ''}"

