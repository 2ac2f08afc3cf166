"""The topology service: who publishes which service names, as they come and go (sync and asyncio).

A watcher is a SOCK_SEQPACKET connection to the service ``(TIPC_ADDR_NAME, TIPC_TOP_SRV,
TIPC_TOP_SRV)`` of its own node. Each :meth:`~TipcTopologyWatcher.subscribe` sends a
``struct tipc_subscr``; the server answers with a ``struct tipc_event`` for every matching
publication there is, then one per publication and withdrawal, and a ``TIMEOUT`` event when the
subscription's timeout (milliseconds) runs out. :meth:`~TipcTopologyWatcher.cancel` ends one.

The watcher writes subscriptions in the byte order it was given (``"native"``, ``"little"`` or
``"big"``), the server answers in it (it tells which from the filter field), and events are
read in it. Each subscription gets a handle of its own unless given one (8 bytes, echoed in its
events), so events can be told apart.
"""

from __future__ import annotations

import itertools
import sys

from ._address import U32_MAX, TipcServiceAddress
from ._structs import (
    EVENT_SIZE,
    SUB_PORTS,
    WAIT_FOREVER,
    TipcEvent,
    TipcSubscription,
    decode_event,
    encode_subscription,
)

# asyncio (~60 ms) is imported by the asyncio watcher's methods, not here: a blocking watcher, or
# ``from famsock_tipc import TOPOLOGY_SERVICE``, does not pay for it. Nor typing, at run time.
TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ~4 ms
if TYPE_CHECKING:
    import asyncio
    from collections.abc import AsyncIterator, Iterator
    from types import TracebackType
    from typing import Any, Literal

    from typing_extensions import Self

    from ._structs import ByteOrder

__all__ = ["TOPOLOGY_SERVICE", "AsyncTipcTopologyWatcher", "TipcTopologyWatcher"]

TOP_SRV = 1
#: The topology service's name, on every node.
TOPOLOGY_SERVICE = TipcServiceAddress(TOP_SRV, TOP_SRV, scope=0)
_SOCK_SEQPACKET = 5


def _loop() -> asyncio.AbstractEventLoop:
    import asyncio  # noqa: PLC0415 - see above; a dictionary lookup once imported

    return asyncio.get_running_loop()


class _Watcher:
    """What both watchers share: the socket, the byte order, the subscriptions' handles."""

    def __init__(self, byteorder: ByteOrder | Literal["native"]) -> None:
        if byteorder not in ("native", "little", "big"):
            raise ValueError(f"byteorder must be 'native', 'little' or 'big', not {byteorder!r}")
        self.byteorder: ByteOrder = sys.byteorder if byteorder == "native" else byteorder
        self._serial = itertools.count(1)
        import famsock  # noqa: PLC0415 - the plugin is imported by famsock's registry

        self.socket = famsock.socket(famsock.AF_TIPC, _SOCK_SEQPACKET)

    def _subscription(self, type: int, lower: int | None, upper: int | None, timeout_ms: int, filter: int,
                      handle: bytes | None) -> TipcSubscription:
        """The subscription as the server will echo it: range filled in, handle padded to 8."""
        if lower is None:
            lower, upper = 0, U32_MAX if upper is None else upper
        elif upper is None:
            upper = lower
        if handle is None:
            handle = b"fs" + next(self._serial).to_bytes(6, "big")
        subscription = TipcSubscription(type, lower, upper, WAIT_FOREVER if timeout_ms == -1 else timeout_ms,
                                         filter, bytes(handle).ljust(8, b"\0"))
        encode_subscription(subscription, self.byteorder)  # checks every field now
        return subscription

    def _event(self, data: bytes) -> TipcEvent:
        if not data:
            raise ConnectionError("the TIPC topology service closed the connection")
        return decode_event(data, self.byteorder)

    def fileno(self) -> int:
        return self.socket.fileno()

    def close(self) -> None:
        self.socket.close()


class TipcTopologyWatcher(_Watcher):
    """A blocking watcher: ``with TipcTopologyWatcher() as w: w.subscribe(1000); w.receive()``.

    ``timeout``: seconds each call may block (``None``: for ever), as ``socket.settimeout``.
    """

    def __init__(self, *, byteorder: ByteOrder | Literal["native"] = "native",
                 timeout: float | None = None) -> None:
        super().__init__(byteorder)
        try:
            self.socket.settimeout(timeout)
            self.socket.connect(TOPOLOGY_SERVICE)
        except BaseException:
            self.socket.close()
            raise

    def subscribe(self, type: int, lower: int | None = None, upper: int | None = None, *,
                  timeout_ms: int = WAIT_FOREVER, filter: int = SUB_PORTS,
                  handle: bytes | None = None) -> TipcSubscription:
        """Watch ``type``: all instances, ``lower`` alone, or ``lower``-``upper``. Returns the
        subscription, which the events echo and :meth:`cancel` takes."""
        subscription = self._subscription(type, lower, upper, timeout_ms, filter, handle)
        self.socket.sendall(encode_subscription(subscription, self.byteorder))
        return subscription

    def cancel(self, subscription: TipcSubscription) -> None:
        """End a subscription (no event follows)."""
        self.socket.sendall(encode_subscription(subscription, self.byteorder, cancel=True))

    def receive(self) -> TipcEvent:
        """The next event; ``TimeoutError`` after the watcher's timeout."""
        return self._event(self.socket.recv(EVENT_SIZE))

    def __iter__(self) -> Iterator[TipcEvent]:
        while True:
            yield self.receive()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()


class AsyncTipcTopologyWatcher(_Watcher):
    """An asyncio watcher: ``async with await AsyncTipcTopologyWatcher.connect() as w:``, then
    ``await w.subscribe(1000)`` and ``async for event in w``."""

    def __init__(self, *, byteorder: ByteOrder | Literal["native"] = "native") -> None:
        super().__init__(byteorder)
        self.socket.setblocking(False)

    @classmethod
    async def connect(cls, *, byteorder: ByteOrder | Literal["native"] = "native"
                      ) -> AsyncTipcTopologyWatcher:
        watcher = cls(byteorder=byteorder)
        try:
            await _loop().sock_connect(watcher.socket, TOPOLOGY_SERVICE)
        except BaseException:
            watcher.close()
            raise
        return watcher

    async def subscribe(self, type: int, lower: int | None = None, upper: int | None = None, *,
                        timeout_ms: int = WAIT_FOREVER, filter: int = SUB_PORTS,
                        handle: bytes | None = None) -> TipcSubscription:
        """As :meth:`TipcTopologyWatcher.subscribe`."""
        subscription = self._subscription(type, lower, upper, timeout_ms, filter, handle)
        await _loop().sock_sendall(self.socket, encode_subscription(subscription,
                                                                                         self.byteorder))
        return subscription

    async def cancel(self, subscription: TipcSubscription) -> None:
        await _loop().sock_sendall(
            self.socket, encode_subscription(subscription, self.byteorder, cancel=True))

    async def receive(self) -> TipcEvent:
        return self._event(await _loop().sock_recv(self.socket, EVENT_SIZE))

    def __aiter__(self) -> AsyncIterator[TipcEvent]:
        return self

    async def __anext__(self) -> TipcEvent:
        return await self.receive()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self.close()
