"""The topology service on the real kernel: publish and withdraw events, timeouts (milliseconds),
cancels, in both byte orders (the server reads the order from the filter field), sync and asyncio.

No test waits on time: a subscription's timeout is the kernel's to keep, and "no event" is shown
by order (the server answers one connection in order, and a publication's events are queued
when the name is bound).
"""

from __future__ import annotations

import asyncio
import socket as stdlib
from collections.abc import Callable
from typing import Any

import pytest
from famsock_tipc import (
    TOPOLOGY_SERVICE,
    AsyncTipcTopologyWatcher,
    TipcEvent,
    TipcEventKind,
    TipcServiceRange,
    TipcSubscription,
    TipcTopologyWatcher,
    decode_event,
    encode_subscription,
)
from tipc_kernel import BOUNDED

import famsock

Make = Callable[..., Any]
ORDERS = ["little", "big"]  # one is this machine's, the other is swapped on the wire


@pytest.fixture(params=ORDERS)
def watcher(request: pytest.FixtureRequest, syscall_path: str) -> Any:
    with TipcTopologyWatcher(byteorder=request.param, timeout=BOUNDED) as watching:
        yield watching


def test_publish_and_withdraw(watcher: TipcTopologyWatcher, tipc: Make, service_type: int) -> None:
    subscription = watcher.subscribe(service_type, 0, 99)
    assert subscription == TipcSubscription(service_type, 0, 99, 0xFFFFFFFF, famsock.TIPC_SUB_PORTS,
                                            subscription.handle)
    server = tipc()
    server.bind(TipcServiceRange(service_type, 10, 19))
    published = watcher.receive()
    assert published == TipcEvent(TipcEventKind.PUBLISHED, 10, 19, server.getsockname(), subscription)
    server.close()
    withdrawn = watcher.receive()
    assert withdrawn == published._replace(kind=TipcEventKind.WITHDRAWN)


def test_what_is_published_already_is_reported_at_once(watcher: TipcTopologyWatcher, tipc: Make,
                                                       service_type: int) -> None:
    first, second = tipc(), tipc()
    first.bind((famsock.TIPC_ADDR_NAME, service_type, 1, 0))
    second.bind((famsock.TIPC_ADDR_NAME, service_type, 2, 0))
    watcher.subscribe(service_type)  # every instance
    events = {(event.found_lower, event.port) for event in (watcher.receive(), watcher.receive())}
    assert events == {(1, first.getsockname()), (2, second.getsockname())}


def test_a_subscription_times_out(watcher: TipcTopologyWatcher, service_type: int) -> None:
    subscription = watcher.subscribe(service_type, 5, 6, timeout_ms=200)
    event = watcher.receive()
    assert (event.kind, event.found_lower, event.found_upper) == (TipcEventKind.TIMEOUT, 5, 6)
    assert event.subscription == subscription and event.subscription.timeout_ms == 200


def test_service_subscriptions_see_the_first_up_and_the_last_down(watcher: TipcTopologyWatcher, tipc: Make,
                                                                  service_type: int) -> None:
    watcher.subscribe(service_type, filter=famsock.TIPC_SUB_SERVICE)
    first, second = tipc(), tipc()
    first.bind((famsock.TIPC_ADDR_NAME, service_type, 1, 0))
    second.bind((famsock.TIPC_ADDR_NAME, service_type, 1, 0))
    assert watcher.receive().kind is TipcEventKind.PUBLISHED
    first.close()
    second.close()
    assert watcher.receive().kind is TipcEventKind.WITHDRAWN


def test_cancel_ends_a_subscription(watcher: TipcTopologyWatcher, tipc: Make, service_type: int) -> None:
    marker = tipc()
    marker.bind((famsock.TIPC_ADDR_NAME, service_type + 1, 0, 0))
    cancelled = watcher.subscribe(service_type, 0, 9)
    kept = watcher.subscribe(service_type, 0, 99)
    watcher.cancel(cancelled)
    watcher.subscribe(service_type + 1)  # answered at once: the cancel before it is done
    assert watcher.receive().found_lower == 0
    server = tipc()
    server.bind((famsock.TIPC_ADDR_NAME, service_type, 5, 0))  # in both ranges
    marker.close()  # a withdrawal, queued after the publication's events
    publication, withdrawal = watcher.receive(), watcher.receive()
    assert publication.kind is TipcEventKind.PUBLISHED and publication.subscription == kept
    # had the cancel not taken, the cancelled subscription's publication event would come here
    assert withdrawal.kind is TipcEventKind.WITHDRAWN and withdrawal.subscription.type == service_type + 1


def test_the_stdlib_reads_the_same_events(tipc: Make, plain_tipc: Make, service_type: int,
                                          syscall_path: str) -> None:
    """A stdlib socket speaking the topology protocol with famsock's bytes gets the bytes famsock's
    watcher decodes; its address for the service is the stdlib's tuple."""
    theirs = plain_tipc(stdlib.SOCK_SEQPACKET)
    theirs.connect((stdlib.TIPC_ADDR_NAME, stdlib.TIPC_TOP_SRV, stdlib.TIPC_TOP_SRV, 0))
    assert TOPOLOGY_SERVICE == (2, 1, 1, 1, 0)
    subscription = TipcSubscription(service_type, 0, 9, handle=b"stdlib!!")
    theirs.send(encode_subscription(subscription, "big"))
    with TipcTopologyWatcher(timeout=BOUNDED) as watcher:
        ours = watcher.subscribe(service_type, 0, 9)
        server = tipc()
        server.bind((famsock.TIPC_ADDR_NAME, service_type, 3, 0))
        event = watcher.receive()
    data = theirs.recv(100)
    assert decode_event(data) == event._replace(subscription=subscription)
    assert ours.handle != subscription.handle


@pytest.mark.parametrize("byteorder", ORDERS)
def test_asyncio_publish_withdraw_and_timeout(tipc: Make, service_type: int, syscall_path: str,
                                              byteorder: str) -> None:
    async def watch() -> list[TipcEvent]:
        watcher = await AsyncTipcTopologyWatcher.connect(byteorder=byteorder)  # type: ignore[arg-type]
        async with watcher:
            await watcher.subscribe(service_type, 0, 9)
            server = tipc()
            server.bind((famsock.TIPC_ADDR_NAME, service_type, 4, 0))
            events = [await asyncio.wait_for(watcher.receive(), BOUNDED)]
            server.close()
            events.append(await asyncio.wait_for(watcher.receive(), BOUNDED))
            await watcher.subscribe(service_type + 1, timeout_ms=100)
            async for event in watcher:
                events.append(event)
                break
            return events

    published, withdrawn, timeout = asyncio.run(asyncio.wait_for(watch(), 4 * BOUNDED))
    assert (published.kind, published.found_lower, published.found_upper) == (TipcEventKind.PUBLISHED, 4, 4)
    assert withdrawn == published._replace(kind=TipcEventKind.WITHDRAWN)
    assert timeout.kind is TipcEventKind.TIMEOUT and timeout.subscription.type == service_type + 1
    assert timeout.subscription.timeout_ms == 100


def test_a_watcher_refuses_what_the_server_would_misread() -> None:
    with TipcTopologyWatcher(timeout=BOUNDED) as watcher:
        with pytest.raises(ValueError, match="byte order"):
            watcher.subscribe(1000, filter=0)
        with pytest.raises(OverflowError):
            watcher.subscribe(1000, 0, 2**32)
    with pytest.raises(ValueError, match="byteorder"):
        TipcTopologyWatcher(byteorder="middle")  # type: ignore[arg-type]
