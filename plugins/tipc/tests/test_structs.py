"""TIPC's structs against bytes from C (tests/vectors/tipc_structs.c): the constants, the topology
service's subscription and event in both byte orders, the group request, the control messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from famsock_tipc import (
    TipcDestination,
    TipcErrorInfo,
    TipcEvent,
    TipcEventKind,
    TipcGroupRequest,
    TipcSocketAddress,
    TipcSubscription,
    decode_event,
    decode_subscription,
    encode_subscription,
)
from famsock_tipc._constants import HEADER
from famsock_tipc._structs import encode_group_request, subscription_byteorder

import famsock
from famsock.testing import c_vectors
from famsock.testing.compare import raised_by

GENERATOR = Path(__file__).parent / "vectors" / "tipc_structs.c"
VECTORS = c_vectors.load(GENERATOR)
NATIVE = VECTORS["byteorder"]
OTHER = "big" if NATIVE == "little" else "little"
SUBSCRIPTIONS = {case["id"]: case for case in VECTORS["subscriptions"]}
SOL_TIPC = 271


def test_the_vectors_are_what_the_headers_give() -> None:
    if c_vectors.compiler() is None:
        pytest.skip("no C compiler to regenerate the vectors with")
    assert c_vectors.regenerate(GENERATOR) == VECTORS


def test_every_constant_is_the_headers() -> None:
    constants = dict(VECTORS["constants"])
    assert constants.pop("AF_TIPC") == famsock.AF_TIPC
    assert constants == HEADER
    for name, value in constants.items():
        assert getattr(famsock, name) == value, name


def test_the_layouts_are_the_headers() -> None:
    assert VECTORS["sizes"]["tipc_subscr"] == 28 and VECTORS["sizes"]["tipc_event"] == 48
    assert VECTORS["sizes"]["tipc_group_req"] == 16
    assert VECTORS["offsets"] == {"subscr.seq": 0, "subscr.timeout": 12, "subscr.filter": 16,
                                  "subscr.usr_handle": 20, "event.event": 0, "event.found_lower": 4,
                                  "event.found_upper": 8, "event.port.ref": 12, "event.port.node": 16,
                                  "event.s": 20}


def _subscription(case: dict[str, Any]) -> TipcSubscription:
    return TipcSubscription(case["type"], case["lower"], case["upper"], case["timeout"], case["filter"],
                            bytes.fromhex(case["handle"]))


@pytest.mark.parametrize("case", VECTORS["subscriptions"], ids=lambda case: case["id"])
def test_subscriptions_in_both_byte_orders(case: dict[str, Any]) -> None:
    """The swapped image is what a subscriber of the other byte order writes: the server tells
    which from the filter field, and so does famsock."""
    subscription = _subscription(case)
    cancel = bool(case["filter"] & 4)
    plain = subscription._replace(filter=case["filter"] & ~4)
    for order, image in ((NATIVE, case["native"]), (OTHER, case["swapped"])):
        data = bytes.fromhex(image)
        assert encode_subscription(plain, order, cancel=cancel) == data  # type: ignore[arg-type]
        assert subscription_byteorder(data) == order
        assert decode_subscription(data) == subscription
        assert decode_subscription(data, order) == subscription


@pytest.mark.parametrize("case", VECTORS["events"], ids=lambda case: f"event-{case['event']}")
def test_events_in_both_byte_orders(case: dict[str, Any]) -> None:
    expected = TipcEvent(TipcEventKind(case["event"]), case["found_lower"], case["found_upper"],
                         TipcSocketAddress(case["node"], case["ref"], scope=0),
                         _subscription(SUBSCRIPTIONS[case["subscription"]]))
    for order, image in ((NATIVE, case["native"]), (OTHER, case["swapped"])):
        data = bytes.fromhex(image)
        event = decode_event(data)
        assert event == expected
        assert decode_event(data, order) == expected  # type: ignore[arg-type]
        assert type(event.port) is TipcSocketAddress and type(event.kind) is TipcEventKind


def test_the_timeout_is_in_milliseconds_and_forever_is_all_ones() -> None:
    forever = encode_subscription(TipcSubscription(1000, 0, 9, -1), NATIVE)  # the stdlib's TIPC_WAIT_FOREVER
    assert forever[12:16] == b"\xff\xff\xff\xff"
    assert decode_subscription(forever).timeout_ms == 0xFFFFFFFF
    timed = encode_subscription(TipcSubscription(1000, 0, 9, 400), NATIVE)
    assert decode_subscription(timed).timeout_ms == 400


@pytest.mark.parametrize(("value", "error"), [
    (TipcSubscription(1000, 0, 9, filter=0), ValueError),  # no byte order to tell: the server would misread
    (TipcSubscription(1000, 0, 9, filter=4), ValueError),  # a cancel of nothing
    (TipcSubscription(1000, -1, 9), OverflowError),
    (TipcSubscription(1000, 0, 2**32), OverflowError),
    (TipcSubscription(1000, 0, 9, timeout_ms=-2), OverflowError),
    (TipcSubscription(1000, 0, 9, handle=b"123456789"), TypeError),
    (TipcSubscription(1000, 0, 9, handle="text"), TypeError),  # type: ignore[arg-type]
    ((1000, 0), TypeError),
    ("subscription", TypeError),
])
def test_bad_subscriptions_are_refused(value: Any, error: type[BaseException]) -> None:
    assert type(raised_by(encode_subscription, value, NATIVE)) is error


def test_events_that_are_not_events_are_refused() -> None:
    event = bytes.fromhex(VECTORS["events"][0]["native"])
    assert type(raised_by(decode_event, event[:47])) is ValueError
    assert type(raised_by(decode_event, b"\x09" + event[1:], NATIVE)) is ValueError
    assert type(raised_by(decode_event, event, "middle")) is ValueError


@pytest.mark.parametrize("case", VECTORS["group_requests"], ids=lambda case: str(case["type"]))
def test_group_requests(case: dict[str, Any]) -> None:
    request = TipcGroupRequest(case["type"], case["instance"], case["scope"], case["flags"])
    assert encode_group_request(request).hex() == case["hex"]
    assert encode_group_request(tuple(request)).hex() == case["hex"]


def test_a_group_request_defaults_to_cluster_scope_and_no_flags() -> None:
    assert encode_group_request((4000, 1)) == encode_group_request((4000, 1, 2, 0))
    assert type(raised_by(encode_group_request, (4000,))) is TypeError
    assert type(raised_by(encode_group_request, (4000, -1))) is OverflowError
    assert type(raised_by(encode_group_request, [4000, 1])) is TypeError


def test_the_control_messages_decode_through_famsock() -> None:
    errinfo, destname = VECTORS["errinfo"], VECTORS["destname"]
    items = famsock.decode_ancillary([(SOL_TIPC, 1, bytes.fromhex(errinfo["hex"])), (SOL_TIPC, 2, b"lost"),
                                      (SOL_TIPC, 3, bytes.fromhex(destname["hex"]))], famsock.AF_TIPC)
    assert items == [(SOL_TIPC, 1, TipcErrorInfo(errinfo["error"], errinfo["length"])),
                     (SOL_TIPC, 2, b"lost"),
                     (SOL_TIPC, 3, TipcDestination(destname["type"], destname["lower"], destname["upper"]))]
    assert type(items[0][2]) is TipcErrorInfo and type(items[2][2]) is TipcDestination
    # cut short: the bytes, as the stdlib gives them
    short = [(SOL_TIPC, 1, b"\x02\0\0")]
    assert famsock.decode_ancillary(short, famsock.AF_TIPC) == short
    # another family's socket: not TIPC's items
    assert famsock.decode_ancillary([(SOL_TIPC, 3, b"x" * 12)], famsock.AF_INET) == [(SOL_TIPC, 3, b"x" * 12)]


def test_the_control_messages_are_receive_only() -> None:
    assert type(raised_by(famsock.encode_ancillary, [(SOL_TIPC, 1, TipcErrorInfo(2, 4))],
                          famsock.AF_TIPC)) is TypeError


def test_a_timeout_event_reads_its_range_from_the_subscription() -> None:
    """Linux 5.12 to at least 6.1 write a timeout event's found_lower/found_upper in the kernel's
    own byte order, whatever the subscriber's (subscr.c copies the subscriber's raw range and
    swaps it again): for a subscriber of the other order they arrive swapped. A timeout's range is
    by definition the subscription's, which the event echoes intact: famsock reads it there."""
    [case] = [case for case in VECTORS["events"] if case["event"] == 3]
    subscription = _subscription(SUBSCRIPTIONS[case["subscription"]])
    swapped, native = bytes.fromhex(case["swapped"]), bytes.fromhex(case["native"])
    as_the_kernel_writes = swapped[:4] + native[4:12] + swapped[12:]  # the range left in host order
    assert as_the_kernel_writes != swapped
    event = decode_event(as_the_kernel_writes)
    assert (event.kind, event.found_lower, event.found_upper) == (TipcEventKind.TIMEOUT, subscription.lower,
                                                                  subscription.upper)
    assert event.subscription == subscription
