"""The asyncio connection: the same conversation, on a non-blocking socket in the running loop.

    async with AsyncConnection() as nl:
        async for link in nl.dump("rt-link", "getlink"):
            ...
        await nl.request("rt-link", "dellink", attributes={"ifname": "nope"})

It never runs a loop of its own, so it works inside any running loop. Several tasks may wait on
requests of one connection at once: one of them reads at a time (a lock), and each datagram's
messages go to their own requests. A dump is read only as fast as it is consumed (the kernel
fills the socket again only when it is read), so memory stays flat however large the dump.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Iterable, Mapping
from typing import Any, Literal

from ._connection import DEFAULT_BUFFER, Endpoint
from ._conversation import Pending
from ._errors import OverrunError
from ._messages import Message
from ._targets import Prepared, Target, prepare, prepare_raw

__all__ = ["AsyncConnection"]


class AsyncConnection(Endpoint):
    """A netlink socket for asyncio; the options are :class:`famsock_netlink.Connection`'s."""

    def __init__(self, protocol: int = 0, *, groups: Iterable[int] = (), events: Iterable[Target] = (),
                 ext_ack: bool = True, cap_ack: bool = True, strict: bool = False, no_enobufs: bool = False,
                 receive_buffer: int | None = None, peer: int = 0,
                 foreign: Literal["raise", "discard"] = "raise", buffer_size: int = DEFAULT_BUFFER) -> None:
        super().__init__(protocol, 0.0, groups=groups, events=events, ext_ack=ext_ack, cap_ack=cap_ack,
                         strict=strict, no_enobufs=no_enobufs, receive_buffer=receive_buffer, peer=peer,
                         foreign=foreign, buffer_size=buffer_size)
        self._reading = asyncio.Lock()

    # -- requests ---------------------------------------------------------------------------------

    async def request(self, target: Target, operation: str, *, fixed: Mapping[str, Any] | None = None,
                      attributes: Mapping[Any, Any] | None = None, flags: int = 0) -> list[Message]:
        """A ``do`` request: its replies once the kernel ACKed it (``NetlinkError`` if refused)."""
        pending = await self.submit(target, operation, "do", fixed=fixed, attributes=attributes, flags=flags)
        return [reply async for reply in self.replies(pending)]

    async def dump(self, target: Target, operation: str, *, fixed: Mapping[str, Any] | None = None,
                   attributes: Mapping[Any, Any] | None = None,
                   flags: int = 0) -> AsyncGenerator[Message, None]:
        """A ``dump`` request: each object as it arrives, until ``NLMSG_DONE``."""
        pending = await self.submit(target, operation, "dump", fixed=fixed, attributes=attributes,
                                    flags=flags)
        async for reply in self.replies(pending):
            yield reply

    async def submit(self, target: Target, operation: str, kind: Literal["do", "dump"] = "do", *,
                     fixed: Mapping[str, Any] | None = None, attributes: Mapping[Any, Any] | None = None,
                     flags: int = 0) -> Pending:
        """Send a request; read its replies with ``replies(pending)``."""
        return await self._send(prepare(target, operation, kind, fixed, attributes, flags))

    async def submit_raw(self, message_type: int, payload: bytes = b"", *, flags: int = 0,
                         kind: Literal["do", "dump"] = "do") -> Pending:
        return await self._send(prepare_raw(message_type, payload, flags, kind))

    async def _send(self, prepared: Prepared) -> Pending:
        pending = self.conversation.start(prepared.request, prepared.kind, prepared.reader, prepared.what,
                                          prepared.locate)
        await self._flush()
        return pending

    async def _flush(self) -> None:
        """Send what the conversation has to send (a new request; a dump held until the last ended)."""
        outbox = self.conversation.outbox
        while outbox:
            pending = outbox.popleft()
            try:
                while True:
                    try:
                        self.sock.sendto(pending.request, (self.conversation.peer, 0))
                        break
                    except BlockingIOError:
                        await self._ready(writable=True)
            except BaseException:
                self.conversation.abandon(pending, sent=False)
                raise

    async def replies(self, pending: Pending) -> AsyncGenerator[Any, None]:
        """A request's replies as they arrive, then its outcome; leaving early abandons it."""
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
                    async with self._reading:
                        if not pending.replies and not pending.finished:  # another task may have read them
                            await self._receive()
        finally:
            if not finished:
                conversation.abandon(pending)
                await self._flush()

    async def events(self, overruns: Literal["raise", "yield"] = "raise") -> AsyncGenerator[Any, None]:
        """Messages of the joined multicast groups as they arrive; overruns as in ``Connection.events``."""
        events = self.conversation.events
        while True:
            while events:
                yield events.popleft()
            try:
                async with self._reading:
                    if not events:
                        await self._receive()
            except OverrunError as overrun:
                if overruns == "raise":
                    raise
                yield overrun

    # -- receiving --------------------------------------------------------------------------------

    async def _receive(self) -> None:
        while True:
            try:
                size, flags, address = self._recvmsg()
                break
            except BlockingIOError:
                await self._ready(writable=False)
        try:
            self._route(size, flags, address)
        finally:
            await self._flush()

    async def _ready(self, writable: bool) -> None:
        loop = asyncio.get_running_loop()
        ready = loop.create_future()
        fd = self.sock.fileno()
        if writable:
            add, remove = loop.add_writer, loop.remove_writer
        else:
            add, remove = loop.add_reader, loop.remove_reader
        add(fd, _set, ready)
        try:
            await ready
        finally:
            remove(fd)

    # -- the socket -------------------------------------------------------------------------------

    async def __aenter__(self) -> AsyncConnection:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.close()


def _set(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
