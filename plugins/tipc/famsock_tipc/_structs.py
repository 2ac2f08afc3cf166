"""TIPC's struct-valued items: the control messages ``recvmsg()`` returns, the group membership
option, and the topology service's subscription and event (tests/vectors/tipc_structs.c).

Control messages (level ``SOL_TIPC``, host byte order), receive only:

- ``TIPC_ERRINFO``: two ``__u32``, why a message came back (``TIPC_ERR_NO_PORT``...) and how many
  of its bytes follow in ``TIPC_RETDATA`` -> :class:`TipcErrorInfo`;
- ``TIPC_RETDATA``: the returned message's bytes -> ``bytes``;
- ``TIPC_DESTNAME``: the name a message was sent to, three ``__u32`` (type, lower, upper; an
  anycast's lower and upper are its instance) -> :class:`TipcDestination`.

``TIPC_GROUP_JOIN`` takes ``struct tipc_group_req`` (16 bytes: type, instance, scope, flags,
``__u32`` each) <- :class:`TipcGroupRequest`; ``getsockopt`` of it returns only the group's type
(an int), so it is set only.

``struct tipc_subscr`` (28 bytes: type, lower, upper, timeout in **milliseconds**, filter, an
8-byte handle) and ``struct tipc_event`` (48 bytes: event, found_lower, found_upper, the socket's
ref and node, then the subscription): the topology server reads a subscription in either byte
order, telling which from the filter (one of ``TIPC_SUB_PORTS``, ``TIPC_SUB_SERVICE``,
``TIPC_SUB_CANCEL`` must be set in the order it was written), and writes its events in that order
-- all but a timeout event's range, which Linux 5.12+ writes in its own order: famsock reads that
range from the event's copy of the subscription, which it equals by definition.
"""

from __future__ import annotations

import enum
import struct
import sys
from operator import index

from famsock.contract import shorten

from ._address import U32_MAX, TipcSocketAddress, build

# No typing at run time (a first recvmsg() with TIPC_ERRINFO loads this module): the records are
# famsock's stand-in NamedTuple, made by collections.namedtuple as typing's is.
TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ~4 ms
if TYPE_CHECKING:
    from typing import Any, Literal, NamedTuple, TypeAlias

    ByteOrder: TypeAlias = Literal["little", "big"]
else:
    from famsock._markers import NamedTuple

__all__ = [
    "EVENT_SIZE",
    "SUBSCRIPTION_SIZE",
    "ByteOrder",
    "TipcDestination",
    "TipcErrorInfo",
    "TipcEvent",
    "TipcEventKind",
    "TipcGroupRequest",
    "TipcSubscription",
    "decode_destname",
    "decode_errinfo",
    "decode_event",
    "decode_retdata",
    "decode_subscription",
    "encode_group_request",
    "encode_subscription",
    "subscription_byteorder",
]

SUB_PORTS, SUB_SERVICE, SUB_CANCEL = 1, 2, 4
_FILTER_MASK = SUB_PORTS | SUB_SERVICE | SUB_CANCEL  # the kernel's TIPC_FILTER_MASK
WAIT_FOREVER = U32_MAX  # (~0): the stdlib's TIPC_WAIT_FOREVER is -1
CLUSTER_SCOPE = 2
SUBSCRIPTION_SIZE = 28
EVENT_SIZE = 48
_ERRINFO = struct.Struct("=II")
_DESTNAME = struct.Struct("=III")
_GROUP_REQ = struct.Struct("=IIII")
_SUBSCR = {"little": struct.Struct("<IIIII8s"), "big": struct.Struct(">IIIII8s")}
_EVENT_HEAD = {"little": struct.Struct("<IIIII"), "big": struct.Struct(">IIIII")}
_NATIVE: ByteOrder = "little" if sys.byteorder == "little" else "big"


# -- control messages -----------------------------------------------------------------------------


class TipcErrorInfo(NamedTuple):
    """A ``TIPC_ERRINFO`` item: a message came back undelivered. ``error``: ``TIPC_ERR_NO_NAME``
    (1), ``TIPC_ERR_NO_PORT`` (2), ``TIPC_ERR_NO_NODE`` (3), ``TIPC_ERR_OVERLOAD`` (4) or
    ``TIPC_CONN_SHUTDOWN`` (5); ``length``: its bytes, which a ``TIPC_RETDATA`` item carries."""

    error: int
    length: int


class TipcDestination(NamedTuple):
    """A ``TIPC_DESTNAME`` item: the service name a message was sent to (``lower == upper`` for
    an anycast to one instance, a range for a multicast)."""

    type: int
    lower: int
    upper: int


def decode_errinfo(data: bytes) -> TipcErrorInfo:
    if len(data) != _ERRINFO.size:
        raise ValueError(f"a TIPC_ERRINFO item is {_ERRINFO.size} bytes, got {len(data)}: {data.hex()}")
    return TipcErrorInfo(*_ERRINFO.unpack(data))


def decode_retdata(data: bytes) -> bytes:
    """A ``TIPC_RETDATA`` item: the bytes of the message that came back."""
    return bytes(data)


def decode_destname(data: bytes) -> TipcDestination:
    if len(data) != _DESTNAME.size:
        raise ValueError(f"a TIPC_DESTNAME item is {_DESTNAME.size} bytes, got {len(data)}: {data.hex()}")
    return TipcDestination(*_DESTNAME.unpack(data))


# -- group membership -----------------------------------------------------------------------------


class TipcGroupRequest(NamedTuple):
    """``struct tipc_group_req``, ``TIPC_GROUP_JOIN``'s value: join group ``type`` as member
    ``instance``, visible in ``scope`` (``TIPC_CLUSTER_SCOPE`` or ``TIPC_NODE_SCOPE``), with
    ``flags`` ``TIPC_GROUP_LOOPBACK`` (receive one's own broadcasts) and
    ``TIPC_GROUP_MEMBER_EVTS`` (member joins and leaves arrive as empty ``MSG_OOB`` messages,
    a leave with ``MSG_EOR`` too, from the member's address)."""

    type: int
    instance: int
    scope: int = CLUSTER_SCOPE
    flags: int = 0


def encode_group_request(value: Any) -> bytes:
    """``struct tipc_group_req`` bytes for a :class:`TipcGroupRequest` or a tuple of its fields."""
    if not isinstance(value, tuple) or not 2 <= len(value) <= 4:
        raise TypeError(f"tipc_group_req must be (type, instance[, scope[, flags]]), not {shorten(value)}")
    request = TipcGroupRequest(*value)
    return _GROUP_REQ.pack(*(_u32("tipc_group_req", name, field)
                             for name, field in zip(TipcGroupRequest._fields, request, strict=True)))


# -- the topology service ------------------------------------------------------------------------


class TipcEventKind(enum.IntEnum):
    """What a topology event says: a matching name was published or withdrawn, or the
    subscription's timeout ran out."""

    PUBLISHED = 1
    WITHDRAWN = 2
    TIMEOUT = 3


class TipcSubscription(NamedTuple):
    """``struct tipc_subscr``: watch service ``type``'s instances ``lower``-``upper`` (type
    ``TIPC_NODE_STATE``, 0, watches nodes; ``TIPC_LINK_STATE``, 2, links).

    ``timeout_ms``: how long, in milliseconds (``0xFFFFFFFF``, or the stdlib's
    ``TIPC_WAIT_FOREVER`` -1: for ever), then a ``TIMEOUT`` event ends it. ``filter``:
    ``TIPC_SUB_PORTS`` (an event per publication) or ``TIPC_SUB_SERVICE`` (the first up and the
    last down only). ``handle``: 8 bytes of the subscriber's, echoed in every event.
    """

    type: int
    lower: int
    upper: int
    timeout_ms: int = WAIT_FOREVER
    filter: int = SUB_PORTS
    handle: bytes = bytes(8)


class TipcEvent(NamedTuple):
    """``struct tipc_event``: ``kind`` happened to instances ``found_lower``-``found_upper``,
    bound by socket ``port`` (for ``TIMEOUT``: the subscription's range, ``port`` zeros), for
    ``subscription``."""

    kind: TipcEventKind
    found_lower: int
    found_upper: int
    port: TipcSocketAddress
    subscription: TipcSubscription


def encode_subscription(subscription: Any, byteorder: ByteOrder = _NATIVE, *, cancel: bool = False) -> bytes:
    """``struct tipc_subscr`` bytes in ``byteorder`` (``"little"`` or ``"big"``); ``cancel``
    adds ``TIPC_SUB_CANCEL``, which asks the server to end the identical subscription."""
    if not isinstance(subscription, tuple) or not 3 <= len(subscription) <= 6:
        raise TypeError(f"tipc_subscr must be (type, lower, upper[, timeout_ms[, filter[, handle]]]), "
                        f"not {shorten(subscription)}")
    sub = TipcSubscription(*subscription)
    timeout = U32_MAX if sub.timeout_ms == -1 else _u32("tipc_subscr", "timeout_ms", sub.timeout_ms)
    filter_ = _u32("tipc_subscr", "filter", sub.filter)
    if not filter_ & (SUB_PORTS | SUB_SERVICE):
        raise ValueError(f"tipc_subscr filter must have TIPC_SUB_PORTS or TIPC_SUB_SERVICE set (the server "
                         f"reads the byte order from them), got {filter_:#x}")
    handle = sub.handle
    if not isinstance(handle, (bytes, bytearray)) or len(handle) > 8:
        raise TypeError(f"tipc_subscr handle must be at most 8 bytes, not {shorten(handle)}")
    fields = (_u32("tipc_subscr", "type", sub.type), _u32("tipc_subscr", "lower", sub.lower),
              _u32("tipc_subscr", "upper", sub.upper), timeout, filter_ | (SUB_CANCEL if cancel else 0))
    return _subscr(byteorder).pack(*fields, bytes(handle))


def subscription_byteorder(data: bytes) -> ByteOrder:
    """The byte order a ``struct tipc_subscr`` (or an event's copy of one) was written in, read as
    the kernel reads it: from which order has a filter bit set."""
    if len(data) < SUBSCRIPTION_SIZE:
        raise ValueError(f"a tipc_subscr is {SUBSCRIPTION_SIZE} bytes, got {len(data)}: {data.hex()}")
    native = int.from_bytes(data[16:20], _NATIVE)
    if native & _FILTER_MASK:
        return _NATIVE
    return "big" if _NATIVE == "little" else "little"


def decode_subscription(data: bytes, byteorder: ByteOrder | None = None) -> TipcSubscription:
    """A ``struct tipc_subscr``, in ``byteorder`` or (``None``) the one its filter tells."""
    if len(data) != SUBSCRIPTION_SIZE:
        raise ValueError(f"a tipc_subscr is {SUBSCRIPTION_SIZE} bytes, got {len(data)}: {data.hex()}")
    order = subscription_byteorder(data) if byteorder is None else byteorder
    return TipcSubscription(*_subscr(order).unpack(data))


def decode_event(data: bytes, byteorder: ByteOrder | None = None) -> TipcEvent:
    """A ``struct tipc_event``, in ``byteorder`` or (``None``) the one its subscription's filter
    tells (the server writes events in the subscriber's order)."""
    if len(data) != EVENT_SIZE:
        raise ValueError(f"a tipc_event is {EVENT_SIZE} bytes, got {len(data)}: {data.hex()}")
    order = subscription_byteorder(data[20:]) if byteorder is None else byteorder
    kind, lower, upper, ref, node = _event_head(order).unpack_from(data)
    try:
        event = TipcEventKind(kind)
    except ValueError:
        raise ValueError(f"unknown tipc_event event {kind} (1: published, 2: withdrawn, 3: timeout), read "
                         f"{order}-endian: {data.hex()}") from None
    port = build(3, node, ref, 0, 0)
    assert isinstance(port, TipcSocketAddress)
    subscription = TipcSubscription(*_subscr(order).unpack_from(data, 20))
    if event is TipcEventKind.TIMEOUT:
        # a timeout's range is the subscription's; Linux 5.12+ writes it in its own byte order
        # whatever the subscriber's (subscr.c swaps the subscriber's raw copy), so read it there
        lower, upper = subscription.lower, subscription.upper
    return TipcEvent(event, lower, upper, port, subscription)


def __getattr__(name: str) -> Any:
    """``ByteOrder``, the ``Literal`` type, made with typing when first asked for."""
    if name != "ByteOrder":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from typing import Literal  # noqa: PLC0415

    globals()["ByteOrder"] = value = Literal["little", "big"]
    return value


def _subscr(order: str) -> struct.Struct:
    try:
        return _SUBSCR[order]
    except KeyError:
        raise ValueError(f"byteorder must be 'little' or 'big', not {order!r}") from None


def _event_head(order: str) -> struct.Struct:
    _subscr(order)
    return _EVENT_HEAD[order]


def _u32(what: str, name: str, value: Any) -> int:
    try:
        number = index(value)
    except TypeError:
        raise TypeError(f"{what} {name} must be an integer, not {type(value).__name__}: "
                        f"{shorten(value)}") from None
    if not 0 <= number <= U32_MAX:
        raise OverflowError(f"{what} {name} must be 0-{U32_MAX} (a __u32), got {number}")
    return number
