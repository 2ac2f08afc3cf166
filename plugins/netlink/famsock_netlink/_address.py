"""``NetlinkAddress`` and the parsing of user values into it, and its text form.

The stdlib takes ``(pid, groups)`` through the C format ``"II"``, which masks each integer to 32
bits: ``(-1, 0)`` binds port 4294967295 and ``(2**32, 0)`` becomes ``(0, 0)`` (autobind). Here
both must be 0..2**32-1 (``OverflowError`` otherwise); everything else the stdlib accepts is
accepted (``bool``, objects with ``__index__``), with its exception types.

Text form (after ``netlink:``): ``pid=PID`` and ``groups=0xMASK`` joined by ``,``, each optional
but one at least, in any order; numbers decimal or ``0x`` hex. ``to_text`` writes ``pid=123`` when
no group is set, else ``pid=0,groups=0x5``. The protocol (``NETLINK_ROUTE``...) is not part of it:
a protocol is the socket's, chosen at ``socket()``, and the same ``(pid, groups)`` means the same
thing on every protocol; ``netlink:route`` would name a socket, not an address.
"""

from __future__ import annotations

from collections.abc import Iterable
from operator import index, itemgetter

from famsock.contract import shorten

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: famsock loads this module at a first bind() of any family
if TYPE_CHECKING:
    from typing import Any, SupportsIndex, overload

    from famsock.contract import SocketSpec

__all__ = ["U32_MAX", "NetlinkAddress", "from_text", "parse", "to_text"]

U32_MAX = 0xFFFFFFFF
_ONE_ITERABLE: Any = object()  # NetlinkAddress(fields): one iterable given
_new = tuple.__new__


class NetlinkAddress(tuple[int, int]):
    """An AF_NETLINK socket address: the stdlib's ``(pid, groups)`` tuple, with attributes.

    pid
        The port ID, 0..2**32-1: 0 is the kernel as a destination, and "let the kernel choose"
        in ``bind()``; a process's first socket usually gets its process ID.
    groups
        The bit mask of multicast groups 1..32 (bit ``n - 1`` for group ``n``); groups beyond 32
        are joined with ``NETLINK_ADD_MEMBERSHIP`` (``famsock_netlink.join_group``).

    A ``tuple`` subclass that changes nothing the tuple does (``str()``, ``repr()``, ``==``,
    ``hash()``, JSON). The text form (``netlink:pid=123``) is ``famsock.address_to_text(a)``.
    Valid however it was built: the constructor, ``_make``, ``_replace``, copies and pickles check.
    """

    __slots__ = ()
    __module__ = "famsock_netlink"  # pickles name the public class
    __match_args__ = ("pid", "groups")

    if TYPE_CHECKING:
        @property
        def pid(self) -> int: ...

        @property
        def groups(self) -> int: ...
    else:
        pid = property(itemgetter(0), doc="The port ID, 0..2**32-1 (0: the kernel).")
        groups = property(itemgetter(1), doc="The multicast group mask (groups 1..32).")

    if TYPE_CHECKING:  # the constructor's two forms, for type checkers
        @overload
        def __new__(cls, pid: SupportsIndex, groups: SupportsIndex = 0) -> NetlinkAddress: ...

        @overload
        def __new__(cls, fields: Iterable[Any], /) -> NetlinkAddress: ...

    def __new__(cls, pid: Any, groups: Any = _ONE_ITERABLE) -> NetlinkAddress:
        if groups is _ONE_ITERABLE:
            if isinstance(pid, (str, bytes, bytearray)) or not isinstance(pid, Iterable):
                groups = 0  # NetlinkAddress(pid): no groups
            else:
                items = tuple(pid)
                if len(items) != 2:
                    raise TypeError(f"NetlinkAddress takes two fields (pid, groups), got {len(items)}: "
                                    f"{shorten(items)}")
                pid, groups = items
        return parse((pid, groups))

    @property
    def group_numbers(self) -> frozenset[int]:
        """The groups (1..32) of ``groups``' mask."""
        mask = self[1]
        return frozenset(bit + 1 for bit in range(32) if mask >> bit & 1)

    @property
    def from_kernel(self) -> bool:
        """Whether this is the kernel's address as a sender (pid 0): see ``famsock_netlink.security``."""
        return self[0] == 0

    @classmethod
    def _make(cls, iterable: Iterable[Any]) -> NetlinkAddress:
        fields = tuple(iterable)
        if len(fields) != 2:
            raise TypeError(f"Expected 2 arguments, got {len(fields)}")  # namedtuple's message
        return cls(*fields)

    def _replace(self, **changes: Any) -> NetlinkAddress:
        pid, groups = changes.pop("pid", self[0]), changes.pop("groups", self[1])
        if changes:
            raise ValueError(f"Got unexpected field names: {list(changes)!r}")  # namedtuple's message
        return self._make((pid, groups))

    __replace__ = _replace

    def __reduce__(self) -> tuple[type[NetlinkAddress], tuple[int, int]]:
        return self.__class__, (self[0], self[1])


def parse(value: Any, spec: SocketSpec | None = None) -> NetlinkAddress:
    """A user value, ``(pid, groups)``, as a checked address."""
    if type(value) is NetlinkAddress:
        return value
    if not isinstance(value, tuple):
        raise TypeError(f"AF_NETLINK address must be a tuple (pid, groups), not {type(value).__name__}: "
                        f"{shorten(value)}")
    if len(value) != 2:
        raise TypeError(f"AF_NETLINK address must be a pair (pid, groups), got {len(value)} items: "
                        f"{shorten(value)}")
    return _new(NetlinkAddress, (_u32(value[0], "pid"), _u32(value[1], "groups")))


def _u32(value: Any, field: str) -> int:
    if type(value) is int:
        number = value
    else:
        try:
            number = index(value)  # as the stdlib's "I": bool and __index__ objects, not floats
        except TypeError as exc:
            broken = f" ({exc})" if hasattr(type(value), "__index__") else ""
            raise TypeError(f"AF_NETLINK {field} must be an integer, not {type(value).__name__}: "
                            f"{shorten(value)}{broken}") from None
    if not 0 <= number <= U32_MAX:
        raise OverflowError(f"AF_NETLINK {field} must be 0-4294967295, got {number} (the stdlib would "
                            f"silently use {number & U32_MAX})")
    return int(number)


def to_text(address: NetlinkAddress) -> str:
    """``"pid=123"`` or ``"pid=0,groups=0x5"``: the text form after ``netlink:``."""
    pid, groups = address
    return f"pid={pid}" if not groups else f"pid={pid},groups={groups:#x}"


def from_text(text: str) -> NetlinkAddress:
    """``"pid=123,groups=0x5"`` (the text after ``netlink:``) as an address."""
    fields: dict[str, int] = {}
    for part in text.split(","):
        key, equals, number = part.partition("=")
        key = key.strip()
        if not equals or key not in ("pid", "groups"):
            raise ValueError("netlink address text must be pid=PID[,groups=MASK] (either first, one at "
                             f"least), got {text!r}")
        if key in fields:
            raise ValueError(f"netlink address text {text!r} gives {key} twice")
        fields[key] = _number(number.strip(), text)
    return parse((fields.get("pid", 0), fields.get("groups", 0)))


def _number(digits: str, text: str) -> int:
    hexadecimal = digits[:2].lower() == "0x"
    body = digits[2:] if hexadecimal else digits
    if not body or not body.isascii() or not (body.isalnum() if hexadecimal else body.isdigit()):
        raise ValueError(f"netlink address text {text!r}: {digits!r} is not a decimal or 0x number")
    try:
        return int(body, 16 if hexadecimal else 10)
    except ValueError:
        raise ValueError(f"netlink address text {text!r}: {digits!r} is not a decimal or 0x number") from None
