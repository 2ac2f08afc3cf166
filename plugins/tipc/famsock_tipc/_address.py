"""The typed AF_TIPC addresses, which are the stdlib's own tuples, and the parsing of user values.

The stdlib's form is ``(addr_type, v1, v2, v3, scope)``; ``<linux/tipc.h>`` gives the three
kinds their modern names, with the same ``addrtype`` numbers:

===========================  =================================  ==================================
class                        addr_type                          the stdlib's tuple
===========================  =================================  ==================================
:class:`TipcServiceRange`    TIPC_SERVICE_RANGE = NAMESEQ = 1   ``(1, type, lower, upper, scope)``
:class:`TipcServiceAddress`  TIPC_SERVICE_ADDR = NAME = 2       ``(2, type, instance, instance, scope)``
:class:`TipcSocketAddress`   TIPC_SOCKET_ADDR = ID = 3          ``(3, node, ref, 0, scope)``
===========================  =================================  ==================================

Each is a ``tuple`` subclass that adds attributes and changes nothing else, so ``==``,
``hash()``, ``str()``, ``repr()`` and JSON are the stdlib's. Where the stdlib loses information,
famsock checks ranges and keeps it instead (plugins/tipc/README.md lists each difference):

- ``v1``-``v3`` are ``__u32``: the stdlib masks (``-1`` becomes 4294967295, ``2**32`` becomes 0);
  here they must be 0-4294967295 (``OverflowError``).
- ``scope`` is a ``signed char`` in ``struct sockaddr_tipc``: the stdlib squeezes any int into it
  (258 becomes 2) and reports a negative one as its unsigned 32-bit value (-1 as 4294967295).
  Here a scope is -128..127 (``OverflowError`` otherwise); the tuple holds the stdlib's reading
  (4294967295), the ``scope`` attribute the signed value (-1). A negative scope in ``bind()``
  withdraws the binding.
- The stdlib cannot set a service address's lookup ``domain`` (``v3`` of a NAME is ignored, and
  read back as the instance again). ``TipcServiceAddress(type, instance, domain=node)`` sets it
  (raw syscall path); a plain tuple whose ``v3`` is neither 0 nor the instance is refused
  (``ValueError``), rather than silently ignored. Likewise an ID's ``v3`` must be 0.
- A group message's sender comes with its member name (a pair of sockaddrs); the stdlib reads
  only the first. :attr:`TipcSocketAddress.member` keeps the second (raw syscall path).

``domain`` and ``member`` are outside the tuple, so addresses that differ only there are equal
(as their stdlib forms are); the text form keeps them. Unknown ``addr_type``, wrong arity and
non-integers are ``TypeError``, as in the stdlib.
"""

from __future__ import annotations

from operator import index, itemgetter

# This module loads at a process's first address call (famsock imports every plugin then): no
# typing, no re at run time (the text form's pattern is compiled at its first use).
from famsock.contract import shorten

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ~4 ms
if TYPE_CHECKING:
    from re import Pattern
    from typing import Any, ClassVar, NoReturn, SupportsIndex, TypeAlias

    from famsock.contract import SocketSpec

__all__ = [
    "SCOPE_NAMES",
    "AnyTipcAddress",
    "TipcAddress",
    "TipcServiceAddress",
    "TipcServiceRange",
    "TipcSocketAddress",
    "from_text",
    "parse",
    "to_text",
]

SERVICE_RANGE, SERVICE_ADDR, SOCKET_ADDR = 1, 2, 3  # the addrtype values, legacy NAMESEQ/NAME/ID
CLUSTER_SCOPE = 2  # what the stdlib gives a 4-tuple, and famsock's constructors by default
U32_MAX = 0xFFFFFFFF
SCOPE_MIN, SCOPE_MAX = -128, 127
_WRAP = 1 << 32
SCOPE_NAMES = {1: "zone", 2: "cluster", 3: "node"}  # TIPC_ZONE_SCOPE (deprecated), CLUSTER, NODE
_SCOPES_BY_NAME = {name: value for value, name in SCOPE_NAMES.items()}
_SHAPE = "(addr_type, v1, v2, v3[, scope])"
_KINDS = ("TIPC_ADDR_NAMESEQ/TIPC_SERVICE_RANGE (1), TIPC_ADDR_NAME/TIPC_SERVICE_ADDR (2) or "
          "TIPC_ADDR_ID/TIPC_SOCKET_ADDR (3)")
_CACHE_LIMIT = 512


class TipcAddress:
    """An AF_TIPC socket address: the base of the three kinds, each the stdlib's own 5-tuple.

    ``TipcAddress(value)`` takes what ``bind()`` does (a 4- or 5-tuple) and returns the address
    of the right kind. Attributes: ``kind`` (``"service-range"``, ``"service"``, ``"socket"``),
    ``addr_type`` and ``scope`` (signed, -128..127); ``stdlib``: the same value as a plain tuple.
    """

    __slots__ = ()
    kind: ClassVar[str] = ""

    def __new__(cls, value: Any) -> AnyTipcAddress:  # type: ignore[misc]  # a subclass's instance
        return parse(value)

    if TYPE_CHECKING:
        @property
        def addr_type(self) -> int: ...

        @property
        def scope(self) -> int: ...
    else:
        addr_type = property(itemgetter(0), doc="TIPC_SERVICE_RANGE, TIPC_SERVICE_ADDR or TIPC_SOCKET_ADDR.")
        scope = property(lambda self: _signed(self[4]), doc="The scope, a signed char (-128..127).")

        def __setattr__(self, name: str, value: object) -> NoReturn:
            raise AttributeError(f"{type(self).__name__} is immutable")

        def __delattr__(self, name: str) -> NoReturn:
            raise AttributeError(f"{type(self).__name__} is immutable")

    @property
    def stdlib(self) -> tuple[int, int, int, int, int]:
        """The stdlib's plain tuple for this address (``type(x) is tuple``)."""
        return tuple(self)  # type: ignore[arg-type, return-value]  # a subclass's


class TipcServiceRange(TipcAddress, tuple[int, int, int, int, int]):
    """A service range (``TIPC_ADDR_NAMESEQ``): ``(1, type, lower, upper, scope)``.

    What a server binds to (every instance in ``lower``-``upper``), and what a datagram is
    multicast to. ``TipcServiceRange(type, lower, upper, scope=TIPC_CLUSTER_SCOPE)``.
    """

    __slots__ = ()
    __module__ = "famsock_tipc"
    __match_args__ = ("type", "lower", "upper", "scope")
    kind = "service-range"

    if TYPE_CHECKING:
        @property
        def type(self) -> int: ...

        @property
        def lower(self) -> int: ...

        @property
        def upper(self) -> int: ...
    else:
        type = property(itemgetter(1), doc="The service type.")
        lower = property(itemgetter(2), doc="The lowest instance.")
        upper = property(itemgetter(3), doc="The highest instance.")

    def __new__(cls, type: SupportsIndex, lower: SupportsIndex, upper: SupportsIndex, *,
                scope: SupportsIndex = CLUSTER_SCOPE) -> TipcServiceRange:
        address = _parse((SERVICE_RANGE, type, lower, upper, scope), "TipcServiceRange")
        assert isinstance(address, TipcServiceRange)
        return address

    def __reduce__(self) -> tuple[Any, ...]:
        return _rebuild, (SERVICE_RANGE, self[1], self[2], self[3], self.scope, 0, None)


class TipcServiceAddress(TipcAddress, tuple[int, int, int, int, int]):
    """A service address (``TIPC_ADDR_NAME``): ``(2, type, instance, instance, scope)``.

    What a client connects or sends to; the kernel picks one socket bound to it (anycast).
    ``TipcServiceAddress(type, instance, domain=0, scope=TIPC_CLUSTER_SCOPE)``: ``domain``, a
    node address, asks the kernel to look the service up on that node only (0: anywhere). The
    stdlib's tuple has no room for it: it reads the instance twice, as the stdlib reports.
    """

    # no __slots__: a tuple subclass keeps extra fields (the domain) in its __dict__
    __module__ = "famsock_tipc"
    __match_args__ = ("type", "instance", "domain", "scope")
    kind = "service"
    _domain: int

    if TYPE_CHECKING:
        @property
        def type(self) -> int: ...

        @property
        def instance(self) -> int: ...
    else:
        type = property(itemgetter(1), doc="The service type.")
        instance = property(itemgetter(2), doc="The service instance.")

    @property
    def domain(self) -> int:
        """The lookup domain: the node to find the service on, 0 for any."""
        domain: int = self.__dict__.get("_domain", 0)
        return domain

    def __new__(cls, type: SupportsIndex, instance: SupportsIndex, *, domain: SupportsIndex = 0,
                scope: SupportsIndex = CLUSTER_SCOPE) -> TipcServiceAddress:
        address = _parse((SERVICE_ADDR, type, instance, 0, scope), "TipcServiceAddress")
        assert isinstance(address, TipcServiceAddress)
        checked = _u32("TipcServiceAddress", "domain", domain)
        return _service(tuple(address), checked) if checked else address

    def __reduce__(self) -> tuple[Any, ...]:
        return _rebuild, (SERVICE_ADDR, self[1], self[2], 0, self.scope, self.domain, None)


class TipcSocketAddress(TipcAddress, tuple[int, int, int, int, int]):
    """A socket address (``TIPC_ADDR_ID``): ``(3, node, ref, 0, scope)``, one socket anywhere.

    What ``getsockname()``, ``getpeername()``, ``accept()`` and ``recvfrom()`` report (scope 0),
    and what a reply goes to; no socket can bind to one. In ``struct sockaddr_tipc`` the kernel
    stores ``ref`` before ``node``; the stdlib's tuple has ``node`` first.

    ``member``: for a message received from a group member, the sender's member name
    ``TipcServiceAddress(group type, member instance, scope=0)``; ``None`` otherwise.
    """

    __module__ = "famsock_tipc"
    __match_args__ = ("node", "ref", "scope")
    kind = "socket"

    if TYPE_CHECKING:
        @property
        def node(self) -> int: ...

        @property
        def ref(self) -> int: ...
    else:
        node = property(itemgetter(1), doc="The node address (0: this node, when it has none).")
        ref = property(itemgetter(2), doc="The socket's reference (port number) on its node.")

    @property
    def member(self) -> TipcServiceAddress | None:
        """The sending group member's name, or ``None``."""
        return self.__dict__.get("_member")

    def __new__(cls, node: SupportsIndex, ref: SupportsIndex, *, scope: SupportsIndex = CLUSTER_SCOPE,
                member: tuple[SupportsIndex, SupportsIndex] | None = None) -> TipcSocketAddress:
        address = _parse((SOCKET_ADDR, node, ref, 0, scope), "TipcSocketAddress")
        assert isinstance(address, TipcSocketAddress)
        if member is None:
            return address
        group, instance = _member_fields(member)
        return _socket(tuple(address), _service((SERVICE_ADDR, group, instance, instance, 0), 0))

    def __reduce__(self) -> tuple[Any, ...]:
        member = self.member
        return _rebuild, (SOCKET_ADDR, self[1], self[2], 0, self.scope, 0,
                          None if member is None else (member[1], member[2]))


#: An address of any kind, for annotations (the base :class:`TipcAddress` is a mixin).
AnyTipcAddress: TypeAlias = "TipcServiceRange | TipcServiceAddress | TipcSocketAddress"
CLASSES: dict[int, type[Any]] = {SERVICE_RANGE: TipcServiceRange, SERVICE_ADDR: TipcServiceAddress,
                                 SOCKET_ADDR: TipcSocketAddress}
_TYPED = frozenset(CLASSES.values())
_new = tuple.__new__  # build without re-validating: for values checked here or the kernel's


def _service(fields: tuple[int, ...], domain: int) -> TipcServiceAddress:
    address: TipcServiceAddress = _new(TipcServiceAddress, fields)
    if domain:
        address.__dict__["_domain"] = domain
    return address


def _socket(fields: tuple[int, ...], member: TipcServiceAddress | None) -> TipcSocketAddress:
    address: TipcSocketAddress = _new(TipcSocketAddress, fields)
    if member is not None:
        address.__dict__["_member"] = member
    return address


def build(kind: int, v1: int, v2: int, v3: int, scope: int, domain: int = 0,
          member: tuple[int, int] | None = None) -> AnyTipcAddress:
    """The typed address of checked fields (``scope`` signed), as the stdlib's tuple holds them."""
    stored = scope % _WRAP
    if kind == SERVICE_RANGE:
        return _new(TipcServiceRange, (kind, v1, v2, v3, stored))
    if kind == SERVICE_ADDR:
        return _service((kind, v1, v2, v2, stored), domain)
    group = None if member is None else _service((SERVICE_ADDR, member[0], member[1], member[1], 0), 0)
    return _socket((kind, v1, v2, 0, stored), group)


def _rebuild(kind: int, v1: int, v2: int, v3: int, scope: int, domain: int,
             member: tuple[int, int] | None) -> AnyTipcAddress:
    """What pickles and copies call: every field checked again, as the constructors do."""
    address = _parse((kind, v1, v2, v3, scope), "TipcAddress")
    checked_domain = _u32("TipcServiceAddress", "domain", domain) if kind == SERVICE_ADDR else 0
    group = _member_fields(member) if kind == SOCKET_ADDR and member is not None else None
    return build(kind, address[1], address[2], address[3], address.scope, checked_domain, group)


def _member_fields(member: Any) -> tuple[int, int]:
    if not isinstance(member, tuple) or len(member) not in (2, 5):
        raise TypeError(f"AF_TIPC member must be (group type, member instance), not {shorten(member)}")
    group, instance = (member[1], member[2]) if len(member) == 5 else member
    return _u32("TipcSocketAddress", "member type", group), _u32("TipcSocketAddress", "member instance",
                                                                 instance)


_cache: dict[tuple[Any, ...], AnyTipcAddress] = {}


def parse(value: Any, spec: SocketSpec | None = None) -> AnyTipcAddress:
    """A user value (the stdlib's 4- or 5-tuple, or a typed address) as a checked address."""
    if type(value) in _TYPED:
        return value  # type: ignore[no-any-return]
    if type(value) is tuple:
        try:
            hit = _cache.get(value)
        except Exception:  # an unhashable field: the slow path says what is wrong
            hit = None
        if hit is not None and all(type(field) is int for field in value):  # True == 1: ints only
            return hit
        address = _parse(value, "AF_TIPC address")
        if all(type(field) is int for field in value):
            if len(_cache) >= _CACHE_LIMIT:
                _cache.clear()
            _cache[value] = address
        return address
    return _parse(value, "AF_TIPC address")


def _parse(value: Any, what: str) -> AnyTipcAddress:
    if not isinstance(value, tuple):
        raise TypeError(f"AF_TIPC address must be a tuple {_SHAPE}, not {type(value).__name__}: "
                        f"{shorten(value)}")
    if len(value) not in (4, 5):
        raise TypeError(f"AF_TIPC address must be a tuple {_SHAPE}, got {len(value)} items: "
                        f"{shorten(value)}")
    # types first, in order, as the stdlib's "IIII|I" reads them; then what they mean
    kind = _integer(what, "addr_type", value[0])
    names = _FIELDS.get(kind, ("v1", "v2", "v3"))
    numbers = [_integer(what, name, field) for name, field in zip((*names, "scope"), value[1:], strict=False)]
    if kind not in CLASSES:
        raise TypeError(f"AF_TIPC addr_type must be {_KINDS}, got {kind}: {shorten(value)}")
    v1, v2, v3 = (_u32(what, name, field) for name, field in zip(names, numbers, strict=False))
    scope = _scope(what, numbers[3]) if len(value) == 5 else CLUSTER_SCOPE
    if kind == SERVICE_ADDR and v3 not in (0, v2):
        raise ValueError(f"AF_TIPC TIPC_ADDR_NAME's v3 must be 0 or the instance ({v2}), got {v3}: the "
                         "stdlib ignores it (it cannot set the lookup domain); use famsock_tipc."
                         f"TipcServiceAddress(type, instance, domain=...) for one: {shorten(value)}")
    if kind == SOCKET_ADDR and v3 != 0:
        raise ValueError(f"AF_TIPC TIPC_ADDR_ID's v3 must be 0 (the stdlib ignores it), got {v3}: "
                         f"{shorten(value)}")
    return build(kind, v1, v2, v3, scope)


_FIELDS = {SERVICE_RANGE: ("type", "lower", "upper"), SERVICE_ADDR: ("type", "instance", "v3"),
           SOCKET_ADDR: ("node", "ref", "v3")}


def _integer(what: str, name: str, value: Any) -> int:
    try:
        return index(value)
    except TypeError:
        broken = "" if not hasattr(type(value), "__index__") else " (its __index__ failed)"
        raise TypeError(f"{_prefix(what)} {name} must be an integer, not {type(value).__name__}: "
                        f"{shorten(value)}{broken}") from None


def _u32(what: str, name: str, value: Any) -> int:
    number = _integer(what, name, value)
    if not 0 <= number <= U32_MAX:
        raise OverflowError(f"{_prefix(what)} {name} must be 0-{U32_MAX} (a __u32), got {number}")
    return number


def _scope(what: str, value: Any) -> int:
    """The signed scope, from -128..127 or the stdlib's reading of a negative one (2**32-128..)."""
    number = _integer(what, "scope", value)
    if SCOPE_MIN <= number <= SCOPE_MAX:
        return number
    if _WRAP + SCOPE_MIN <= number <= U32_MAX:
        return number - _WRAP
    raise OverflowError(f"{_prefix(what)} scope must be -128..127 (a signed char; the stdlib would keep "
                        f"only its low 8 bits), got {number}")


def _prefix(what: str) -> str:
    return what if what.startswith("AF_TIPC") else f"AF_TIPC {what}"


def _signed(stored: int) -> int:
    return stored - _WRAP if stored > SCOPE_MAX else stored


# -- the text form ------------------------------------------------------------------------------

_TEXT = (r"(?P<kind>range|service|socket):(?P<first>[^:/;@]+):(?P<second>[^/;@]+)"
         r"(?:@(?P<domain>[^/;]+))?(?:/(?P<scope>[^;]+))?(?:;member=(?P<member>[^:]+):(?P<mi>.+))?\Z")
_text_pattern: Pattern[str] | None = None


def _text_form() -> Pattern[str]:
    """The text form's pattern, compiled at the first :func:`from_text` (``re`` costs ~10 ms)."""
    global _text_pattern
    if _text_pattern is None:
        import re  # noqa: PLC0415

        _text_pattern = re.compile(_TEXT)
    return _text_pattern


def to_text(address: TipcAddress) -> str:
    """The text after ``tipc:``: ``range:TYPE:LOWER-UPPER``, ``service:TYPE:INSTANCE[@DOMAIN]``
    or ``socket:NODE:REF[;member=TYPE:INSTANCE]``, then ``/SCOPE`` unless the scope is 0
    (``zone``, ``cluster``, ``node``, or the signed number). Nodes and domains in hex."""
    scope = address.scope
    suffix = "" if scope == 0 else "/" + SCOPE_NAMES.get(scope, str(scope))
    if isinstance(address, TipcServiceRange):
        return f"range:{address[1]}:{address[2]}-{address[3]}{suffix}"
    if isinstance(address, TipcServiceAddress):
        domain = address.domain
        return f"service:{address[1]}:{address[2]}{f'@{domain:#x}' if domain else ''}{suffix}"
    assert isinstance(address, TipcSocketAddress)
    member = address.member
    tail = "" if member is None else f";member={member[1]}:{member[2]}"
    return f"socket:{address[1]:#x}:{address[2]}{suffix}{tail}"


def from_text(text: str) -> AnyTipcAddress:
    """The text after ``tipc:`` (see :func:`to_text`); numbers in decimal or ``0x`` hex."""
    match = _text_form().match(text)
    if match is None:
        raise ValueError(f"tipc address text must be range:TYPE:LOWER-UPPER, service:TYPE:INSTANCE[@DOMAIN] "
                         f"or socket:NODE:REF, each with an optional /SCOPE, got {text!r}")
    kind, first, second = match["kind"], _number(match["first"], text), match["second"]
    scope = _text_scope(match["scope"], text)
    misplaced = (match["domain"] is not None and kind != "service") or (
        match["member"] is not None and kind != "socket")
    if misplaced:
        raise ValueError(f"tipc address text {text!r}: only a service has an @DOMAIN, only a socket a member")
    if kind == "range":
        lower, dash, upper = second.partition("-")
        if not dash:
            raise ValueError(f"tipc address text {text!r}: a range is TYPE:LOWER-UPPER")
        return TipcServiceRange(first, _number(lower, text), _number(upper, text), scope=scope)
    if kind == "service":
        domain = 0 if match["domain"] is None else _number(match["domain"], text)
        return TipcServiceAddress(first, _number(second, text), domain=domain, scope=scope)
    member = None if match["member"] is None else (_number(match["member"], text), _number(match["mi"], text))
    return TipcSocketAddress(first, _number(second, text), scope=scope, member=member)


def _number(part: str, text: str) -> int:
    try:
        return int(part, 0)
    except ValueError:
        raise ValueError(f"tipc address text {text!r}: {part!r} is not a number") from None


def _text_scope(part: str | None, text: str) -> int:
    if part is None:
        return 0
    if part in _SCOPES_BY_NAME:
        return _SCOPES_BY_NAME[part]
    try:
        return int(part)
    except ValueError:
        raise ValueError(f"tipc address text {text!r}: scope {part!r} is not zone, cluster, node or a "
                         "number") from None
