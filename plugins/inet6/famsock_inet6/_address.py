"""``Inet6Address`` and the parsing of user values into it: the stdlib's rules, checked loudly.

Checks run as in famsock-inet: types first (host, NUL, port, flowinfo, scope_id, in the stdlib's
order; a port beyond a C int fails there, as the stdlib's "i" conversion does), then ranges, then
the host is read or resolved. The stdlib reads the host before it checks the port and flowinfo
ranges, so a value wrong in both ways can fail with another (still the stdlib's) exception type;
an out-of-range value never costs a name lookup here.

Where the stdlib loses information, famsock refuses or keeps it instead:

- ``flowinfo`` and ``scope_id`` are C ``unsigned int`` masks in the stdlib (``-1`` becomes
  0xffffffff, ``2**32`` becomes 0); here they must be 0-0xfffff and 0-2**32-1 (``OverflowError``).
  A typed address holds what ``sin6_flowinfo`` holds, all 32 bits (the kernel reports traffic
  class bits in it): its constructor, ``_make`` and ``from_text`` take 0-2**32-1; ``parse`` of
  a plain tuple keeps the stdlib's 20-bit limit; sending more is ``OverflowError`` (``encode``).
- The stdlib overwrites the scope a host's ``%scope`` gave with the tuple's ``scope_id`` (0 by
  default), so ``('fe80::1%lo', 80)`` binds without a scope. Here ``%scope`` sets ``scope_id``;
  a non-zero ``scope_id`` that disagrees with it is a ``ValueError``.

Addresses are canonical: the host is ``inet_ntop``'s text without ``%scope`` (as the stdlib
reports it since Python 3.7), the scope is in ``scope_id``.
"""

from __future__ import annotations

import _socket
from collections.abc import Iterable
from operator import index, itemgetter

from famsock.contract import SocketSpec

from ._host import ANY, BROADCAST, host_bytes, is_literal, literal, resolve, scope_text, shorten

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: a first bind() imports no typing
if TYPE_CHECKING:
    from typing import Any, SupportsIndex, overload

__all__ = ["Inet6Address", "from_text", "parse", "to_text"]

AF_INET6 = _socket.AF_INET6
FLOWINFO_MAX = 0xFFFFF  # a 20-bit flow label: the stdlib's bound for what is sent
SIN6_FLOWINFO_MAX = 0xFFFFFFFF  # what sin6_flowinfo holds: the flow label and the traffic class
SCOPE_ID_MAX = 0xFFFFFFFF
_C_INT_MIN, _C_INT_MAX = -(2**31), 2**31 - 1
_CACHE_LIMIT = 512
_SHAPE = "(host, port[, flowinfo[, scope_id]])"
_UNSET: Any = object()  # a field Inet6Address() was not given


class Inet6Address(tuple[str, int, int, int]):
    """An AF_INET6 socket address: the stdlib's ``(host, port, flowinfo, scope_id)``, with
    attributes.

    host
        The IPv6 address as ``inet_ntop`` writes it (``"::1"``, ``"::ffff:127.0.0.1"``), never
        a name and never with a ``%scope``.
    port
        The port, 0-65535.
    flowinfo
        ``sin6_flowinfo``, 0-2**32-1: the 20-bit flow label, and the traffic class above it
        where the kernel reports one. Only a flow label (0-0xfffff) can be sent.
    scope_id
        The interface index of a link-local address (0: none), 0-2**32-1.

    A ``tuple`` subclass that changes nothing the tuple does: ``str()``, ``repr()``, ``==``,
    ``hash()``, JSON and every tuple method give what the stdlib's 4-tuple gives. The text form
    (``inet6:[fe80::1%eth0]:80``) is ``famsock.address_to_text(address)``.

    Valid however it was built: the constructor (``Inet6Address(host, port[, flowinfo[,
    scope_id]])``, or one iterable of 2-4 fields, as ``tuple()`` takes), ``_make``, ``_replace``,
    copies and pickles all check; only ``tuple.__new__`` does not. A pickle calls
    ``famsock_inet6.Inet6Address(host, port, flowinfo, scope_id)``.
    """

    __slots__ = ()
    __module__ = "famsock_inet6"  # pickles name the public class, wherever it is defined
    __match_args__ = ("host", "port", "flowinfo", "scope_id")

    if TYPE_CHECKING:
        @property
        def host(self) -> str: ...

        @property
        def port(self) -> int: ...

        @property
        def flowinfo(self) -> int: ...

        @property
        def scope_id(self) -> int: ...
    else:  # C-level getters: as fast as a namedtuple's fields
        host = property(itemgetter(0), doc="The IPv6 address, as inet_ntop writes it.")
        port = property(itemgetter(1), doc="The port, 0-65535.")
        flowinfo = property(itemgetter(2), doc="sin6_flowinfo, 0-2**32-1.")
        scope_id = property(itemgetter(3), doc="The scope's interface index (0: none).")

    if TYPE_CHECKING:  # the constructor's two forms, for type checkers
        @overload
        def __new__(cls, host: str | bytes | bytearray, port: SupportsIndex, flowinfo: SupportsIndex = 0,
                    scope_id: SupportsIndex = 0) -> Inet6Address: ...

        @overload
        def __new__(cls, fields: Iterable[Any], /) -> Inet6Address: ...

    def __new__(cls, host: Any, port: Any = _UNSET, flowinfo: Any = _UNSET, scope_id: Any = _UNSET
                ) -> Inet6Address:
        """Check and normalize; host names are refused here (``parse`` resolves them)."""
        if port is _UNSET:
            host, port, flowinfo, scope_id = _fields(host, flowinfo, scope_id)
        else:
            flowinfo = 0 if flowinfo is _UNSET else flowinfo
            scope_id = 0 if scope_id is _UNSET else scope_id
        if not is_literal(host_bytes(host)):
            raise ValueError(f"Inet6Address host must be an IPv6 address (with an optional %scope), "
                             f"not a name: {shorten(host)} (famsock.parse_address resolves names)")
        return _parse((host, port, flowinfo, scope_id), SIN6_FLOWINFO_MAX)

    @classmethod
    def _make(cls, iterable: Iterable[Any]) -> Inet6Address:
        """As the constructor, from exactly four fields (namedtuple's ``_make``)."""
        fields = tuple(iterable)
        if len(fields) != 4:
            raise TypeError(f"Expected 4 arguments, got {len(fields)}")  # namedtuple's message
        return cls(*fields)

    def _replace(self, **changes: Any) -> Inet6Address:
        """A copy with some fields changed, checked as the constructor checks (namedtuple's
        ``_replace``; ``copy.replace`` on Python 3.13+)."""
        fields = tuple(changes.pop(name, value) for name, value in zip(_FIELD_NAMES, self, strict=True))
        if changes:
            raise ValueError(f"Got unexpected field names: {list(changes)!r}")  # namedtuple's message
        return self._make(fields)

    __replace__ = _replace

    def __reduce__(self) -> tuple[type[Inet6Address], tuple[str, int, int, int]]:
        # Through the constructor on every protocol: tuple's own reduction (protocols 0 and 1)
        # would rebuild with tuple.__new__, so an edited pickle would skip the checks.
        return self.__class__, (self[0], self[1], self[2], self[3])


_FIELD_NAMES = Inet6Address.__match_args__


def _fields(fields: Any, flowinfo: Any, scope_id: Any) -> tuple[Any, Any, Any, Any]:
    """``Inet6Address(iterable)``'s fields, as ``tuple(iterable)`` reads them, defaults added."""
    if isinstance(fields, (str, bytes, bytearray)) or flowinfo is not _UNSET or scope_id is not _UNSET:
        raise TypeError("Inet6Address takes (host, port[, flowinfo[, scope_id]]), or one iterable of "
                        f"those fields; got {shorten(fields)} without a port")
    items = tuple(fields)
    if not 2 <= len(items) <= 4:
        raise TypeError(f"Inet6Address takes 2-4 fields (host, port[, flowinfo[, scope_id]]), got "
                        f"{len(items)}: {shorten(items)}")
    host, port, flowinfo, scope_id = (*items, 0, 0)[:4]
    return host, port, flowinfo, scope_id


_new = tuple.__new__  # build without re-validating: for values parse() or the kernel produced
_cache: dict[tuple[Any, ...], Inet6Address] = {}


def parse(value: Any, spec: SocketSpec | None = None) -> Inet6Address:
    """A user value (``(host, port[, flowinfo[, scope_id]])``, or an ``Inet6Address``) as a
    checked, resolved address."""
    if type(value) is Inet6Address:
        return value
    if type(value) is tuple:
        try:
            hit = _cache.get(value)
        except Exception:  # TypeError, ValueError (a writable memoryview), what a __hash__ raises:
            hit = None  # the slow path says what is wrong, as the stdlib would
        if hit is not None:
            # 80.0 == 80: only int fields may hit what int fields put there (spelled out: the
            # fastest form, this is every sendto() with a plain tuple)
            size = len(value)
            if (type(value[1]) is int and (size < 3 or type(value[2]) is int)
                    and (size < 4 or type(value[3]) is int)):
                return hit
    return _parse(value)


def _all_int(value: tuple[Any, ...]) -> bool:
    return all(type(field) is int for field in value[1:])


def _parse(value: Any, flowinfo_max: int = FLOWINFO_MAX) -> Inet6Address:
    """``value`` checked; ``flowinfo_max`` is the stdlib's bound for user values, or all of
    ``sin6_flowinfo`` for the typed address's own constructors."""
    if not isinstance(value, tuple):
        raise TypeError(f"AF_INET6 address must be a tuple {_SHAPE}, not {type(value).__name__}: "
                        f"{shorten(value)}")
    if not 2 <= len(value) <= 4:
        raise TypeError(f"AF_INET6 address must be a tuple {_SHAPE}, got {len(value)} items: "
                        f"{shorten(value)}")
    host = value[0]
    name = host_bytes(host)
    fields = (*value[1:], 0, 0)
    port = _integer(fields[0], "port")
    if not _C_INT_MIN <= port <= _C_INT_MAX:
        # the stdlib reads the port as a C int ("O&i|II"): beyond one, its OverflowError comes
        # before the later fields are read (0-65535 is checked after them)
        _check_range(port, "port", 0xFFFF)
    flowinfo = _integer(fields[1], "flowinfo")
    scope_id = _integer(fields[2], "scope_id")
    _check_range(port, "port", 0xFFFF)
    _check_range(flowinfo, "flowinfo", flowinfo_max,
                 " (0xfffff: a 20-bit flow label)" if flowinfo_max == FLOWINFO_MAX else "")
    _check_range(scope_id, "scope_id", SCOPE_ID_MAX)
    packed, found_scope, looked_up = _host(name, host)
    address: Inet6Address = _new(Inet6Address, (_socket.inet_ntop(AF_INET6, packed), port, flowinfo,
                                                _scope(found_scope, scope_id, host)))
    # parse() hits the cache: only what its own limits take goes in
    if not looked_up and type(host) is str and flowinfo <= FLOWINFO_MAX and _all_int(value):
        if len(_cache) >= _CACHE_LIMIT:
            _cache.clear()
        _cache[value] = address  # a literal's meaning never changes; a name's or scope's may
    return address


def _integer(field: Any, what: str) -> int:
    try:
        return int(index(field))  # __index__ looked up on the type, its result an int: as the stdlib
    except TypeError as exc:
        broken = f" ({exc})" if hasattr(type(field), "__index__") else ""
        raise TypeError(f"AF_INET6 {what} must be an integer, not {type(field).__name__}: "
                        f"{shorten(field)}{broken}") from None


def _check_range(number: int, what: str, maximum: int, note: str = "") -> None:
    if not 0 <= number <= maximum:
        raise OverflowError(f"AF_INET6 {what} must be 0-{maximum}{note}, got {number}")


def _host(name: bytes, shown: Any) -> tuple[bytes, int, bool]:
    """(address bytes, scope_id or 0, whether it was looked up) for a host, in the stdlib's
    order of special cases."""
    if not name:
        return ANY, 0, False
    if name in BROADCAST:
        raise OSError(f"AF_INET6 host {shorten(shown)} is the IPv4 broadcast address; IPv6 has no "
                      "broadcast (use a multicast group such as ff02::1, or an AF_INET socket)")
    packed = literal(name)
    if packed is not None:
        return packed, 0, False
    packed, scope_id = resolve(name, shown)
    return packed, scope_id, True


def _scope(found: int, given: int, shown: Any) -> int:
    """The scope: the host's ``%scope`` (or its name's) unless ``scope_id`` says otherwise."""
    if found and given and found != given:
        raise ValueError(f"AF_INET6 host {shorten(shown)} has scope {found}, but scope_id is {given}: "
                         "give the scope once, or the same in both")
    return given or found


_TEXT = (r"\[(?P<host>[^\]]*)\]:(?P<port>[0-9]+)"
         r"(?:,flowinfo=(?P<flowinfo>0x[0-9a-f]+|[0-9]+))?\Z")
_text_form: Any = None  # _TEXT compiled at the first from_text(): a first bind() imports no re


def to_text(address: Inet6Address) -> str:
    """``"[fe80::1%eth0]:80"`` (``,flowinfo=0x12345`` when the flow label is not 0): the text form
    after ``inet6:``."""
    host = address.host
    if address.scope_id:
        host += "%" + scope_text(_socket.inet_pton(AF_INET6, host), address.scope_id)
    text = f"[{host}]:{address.port}"
    return f"{text},flowinfo={address.flowinfo:#07x}" if address.flowinfo else text


def from_text(text: str) -> Inet6Address:
    """``"[::1]:8080"``, ``"[fe80::1%eth0]:80,flowinfo=0x12345"`` (the text after ``inet6:``) as
    an address; names (in the brackets) are resolved, ``flowinfo`` is decimal or 0x-hex, up to
    2**32-1 as a typed address holds it."""
    global _text_form
    if _text_form is None:
        import re  # noqa: PLC0415

        _text_form = re.compile(_TEXT, re.ASCII | re.IGNORECASE)
    match = _text_form.match(text)
    if match is None:
        raise ValueError(f"inet6 address text must be [HOST]:PORT or [HOST]:PORT,flowinfo=N, "
                         f"got {text!r}")
    flow = match["flowinfo"] or "0"
    flowinfo = int(flow[2:], 16) if flow[:2].lower() == "0x" else int(flow)
    return _parse((match["host"], int(match["port"]), flowinfo), SIN6_FLOWINFO_MAX)
