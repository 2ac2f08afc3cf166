"""``XdpAddress``, the parsing of user values into it, and its text form.

``struct sockaddr_xdp`` names a queue of a network interface, and how to bind to it: flags
(``XDP_COPY``, ``XDP_ZEROCOPY``, ``XDP_USE_NEED_WAKEUP``, ``XDP_SHARED_UMEM``), the interface's
number, the queue's, and the descriptor of a socket whose UMEM this one shares. The stdlib has no
form for it (``bind()`` says "bad family"); here it is a plain tuple of the four numbers,
``(ifindex, queue_id, flags, shared_umem_fd)``, and ``bind()`` takes two to four of them, the
interface by number or by name (looked up in the calling thread's network namespace).
"""

from __future__ import annotations

import _socket
import errno
from operator import index, itemgetter
from typing import TYPE_CHECKING, Any

from famsock.contract import SocketSpec, shorten

from ._constants import FLAG_NAMES

__all__ = ["XdpAddress", "from_text", "parse", "to_text"]

_U32_MAX = 0xFFFFFFFF
_U16_MAX = 0xFFFF


class XdpAddress(tuple[int, int, int, int]):
    """An AF_XDP socket address, ``(ifindex, queue_id, flags, shared_umem_fd)``.

    ``XdpAddress(interface, queue_id, flags=0, shared_umem_fd=0)`` checks every field and takes
    the interface by number or name. A tuple: ``==``, ``hash()``, ``str()`` and JSON are the
    tuple's; the text form is ``famsock.address_to_text()`` (``xdp:5:0:copy``).
    """

    __slots__ = ()
    __module__ = "famsock_xdp"
    __match_args__ = ("ifindex", "queue_id", "flags", "shared_umem_fd")

    if TYPE_CHECKING:
        @property
        def ifindex(self) -> int: ...

        @property
        def queue_id(self) -> int: ...

        @property
        def flags(self) -> int: ...

        @property
        def shared_umem_fd(self) -> int: ...
    else:
        ifindex = property(itemgetter(0), doc="The network interface's number.")
        queue_id = property(itemgetter(1), doc="The interface's queue.")
        flags = property(itemgetter(2), doc="XDP_COPY, XDP_ZEROCOPY, XDP_USE_NEED_WAKEUP, XDP_SHARED_UMEM.")
        shared_umem_fd = property(itemgetter(3), doc="With XDP_SHARED_UMEM: the socket whose UMEM to share.")

    def __new__(cls, interface: Any, queue_id: Any, flags: Any = 0, shared_umem_fd: Any = 0) -> XdpAddress:
        return parse((interface, queue_id, flags, shared_umem_fd))

    def __reduce__(self) -> tuple[type[XdpAddress], tuple[int, int, int, int]]:
        return XdpAddress, (self[0], self[1], self[2], self[3])


_new = tuple.__new__


def make(ifindex: int, queue_id: int, flags: int, shared_umem_fd: int) -> XdpAddress:
    """An address from fields already checked (the kernel's bytes, or parse's)."""
    address: XdpAddress = _new(XdpAddress, (ifindex, queue_id, flags, shared_umem_fd))
    return address


def parse(value: Any, spec: SocketSpec | None = None) -> XdpAddress:
    """``(interface, queue_id[, flags[, shared_umem_fd]])``, the interface by number or name."""
    if type(value) is XdpAddress:
        return value
    if not isinstance(value, tuple):
        raise TypeError(f"AF_XDP address must be a tuple (interface, queue_id[, flags[, shared_umem_fd]]), "
                        f"not {type(value).__name__}: {shorten(value)}")
    if not 2 <= len(value) <= 4:
        raise TypeError(f"AF_XDP address must be a tuple of two to four items (interface, queue_id[, flags"
                        f"[, shared_umem_fd]]), got {len(value)}: {shorten(value)}")
    interface, queue_id, flags, shared_umem_fd = value + (0, 0)[len(value) - 2:]
    if isinstance(interface, str):
        numbers = [_integer(name, field) for name, field in
                   (("queue_id", queue_id), ("flags", flags), ("shared_umem_fd", shared_umem_fd))]
        _check(numbers)
        return make(_interface_index(interface), *numbers)
    numbers = [_integer(name, field) for name, field in (
        ("ifindex", interface), ("queue_id", queue_id), ("flags", flags), ("shared_umem_fd", shared_umem_fd))]
    _check_ifindex(numbers[0])
    _check(numbers[1:])
    return make(*numbers)


def _integer(name: str, value: Any) -> int:
    if name == "ifindex" and isinstance(value, (bytes, bytearray)):
        raise TypeError(f"AF_XDP interface must be a number or a str name, not {type(value).__name__}: "
                        f"{shorten(value)}")
    try:
        return int(index(value))
    except TypeError:
        what = ("interface must be a number or a str name" if name == "ifindex"
                else f"{name} must be an integer")
        raise TypeError(f"AF_XDP {what}, not {type(value).__name__}: {shorten(value)}") from None


def _check_ifindex(number: int) -> None:
    if not 0 <= number <= _U32_MAX:
        raise OverflowError(f"AF_XDP ifindex must be 0-{_U32_MAX}, got {number}")


def _check(numbers: list[int]) -> None:
    for name, number, limit in zip(("queue_id", "flags", "shared_umem_fd"), numbers,
                                   (_U32_MAX, _U16_MAX, _U32_MAX), strict=True):
        if not 0 <= number <= limit:
            raise OverflowError(f"AF_XDP {name} must be 0-{limit}, got {number}")


def _interface_index(name: str) -> int:
    if "\0" in name:
        raise ValueError(f"AF_XDP interface name must not contain a NUL character: {shorten(name)}")
    try:
        number: int = _socket.if_nametoindex(name) if name else 0
    except (OSError, UnicodeError):
        number = 0
    if not number:
        raise OSError(errno.ENODEV, f"AF_XDP interface {shorten(name)}: No such device")
    return number


# -- the text form: xdp:IFACE:QUEUE[:FLAGS[:SHARED_UMEM_FD]] ----------------------------------------


def to_text(address: XdpAddress) -> str:
    """``"5:0"``, ``"5:0:copy+need_wakeup"``, ``"5:1:shared_umem:7"``: the interface by number."""
    ifindex, queue_id, flags, fd = address
    fields = [str(ifindex), str(queue_id), _flags_text(flags), str(fd)]
    while len(fields) > 2 and fields[-1] == "0":
        fields.pop()
    return ":".join(fields)


def _flags_text(flags: int) -> str:
    if not flags:
        return "0"
    names = [name for name, bit in FLAG_NAMES.items() if flags & bit]
    rest = flags & ~sum(FLAG_NAMES.values())
    return "+".join([*names, *([f"0x{rest:x}"] if rest else [])])


def from_text(text: str) -> XdpAddress:
    """The text after ``xdp:``: ``IFACE:QUEUE[:FLAGS[:SHARED_UMEM_FD]]``; IFACE a number or an
    interface's name, FLAGS names (``copy``, ``zerocopy``, ``need_wakeup``, ``shared_umem``) or
    numbers joined with ``+``."""
    fields = text.split(":")
    if not 2 <= len(fields) <= 4:
        raise ValueError(f"xdp address text must be IFACE:QUEUE[:FLAGS[:SHARED_UMEM_FD]], got {text!r}")
    iface, queue, flags_text, fd = fields + ["0", "0"][len(fields) - 2:]
    if not iface:
        raise ValueError(f"xdp address text {text!r}: IFACE must be a number or an interface name")
    interface: int | str = _number(iface, {}, "IFACE", text) if _is_number(iface) else iface
    flags = 0
    for part in flags_text.split("+"):
        flags |= _number(part, FLAG_NAMES, "FLAGS", text)
    queue_id = _number(queue, {}, "QUEUE", text)
    return parse((interface, queue_id, flags, _number(fd, {}, "SHARED_UMEM_FD", text)))


def _is_number(part: str) -> bool:
    return part.isascii() and (part.isdigit() or (part[:2] == "0x" and len(part) > 2))


def _number(part: str, names: dict[str, int], what: str, text: str) -> int:
    if part in names:
        return names[part]
    if _is_number(part):
        try:
            return int(part, 0 if part[:2] == "0x" else 10)
        except ValueError:
            pass
    known = f" or one of {', '.join(names)}" if names else ""
    raise ValueError(f"xdp address text {text!r}: {what} must be a number{known}, got {part!r}")
