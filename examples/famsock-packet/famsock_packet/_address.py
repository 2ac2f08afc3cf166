"""``PacketAddress``, the parsing of user values into it, and its text form.

The stdlib's AF_PACKET address is ``(ifname, proto, pkttype, hatype, addr)``: ``bind()`` and
``sendto()`` take two to five of them (``pkttype`` 0, ``hatype`` 0 and ``addr`` ``b''`` by
default), results always have five. The stdlib reads the integers as C ints and stores them in
``unsigned char``/``unsigned short`` fields, so a ``pkttype`` of 256 silently becomes 0 and a
``hatype`` of 65537 becomes 1; it copies the interface name into a 16-byte buffer, so a name
longer than 15 bytes silently names another interface. Here each is an error.

The interface is named in the value and numbered in ``struct sockaddr_ll``: ``parse`` looks the
name up (``if_nametoindex``) and the address keeps the number as ``ifindex``, so that ``encode``
is a pure function of the address; ``decode`` looks the number up (``if_indextoname``), as the
stdlib does, and gives ``''`` where no interface has it any more. Both lookups are made in the
calling thread's network namespace (the stdlib asks the socket's), which is the same one unless
a program moves threads between namespaces.
"""

from __future__ import annotations

import _socket
import errno
from operator import index, itemgetter
from typing import TYPE_CHECKING, Any, NoReturn

from famsock.contract import SocketSpec, shorten

from ._constants import PKTTYPE_NAMES

__all__ = ["IFNAMSIZ", "PacketAddress", "from_text", "make", "parse", "rebuild", "to_text"]

IFNAMSIZ = 16  # the kernel's interface names: 15 bytes and a NUL
_HWADDR_MAX = 8  # sizeof(sll_addr): what bind() and sendto() take
_HALEN_MAX = 0xFF  # sll_halen: what the kernel may report (InfiniBand: 20 bytes)
_IFINDEX_MAX = 0x7FFFFFFF  # sll_ifindex is a C int
_PKTTYPE_BY_NUMBER = {number: name for name, number in PKTTYPE_NAMES.items()}


class PacketAddress(tuple[str, int, int, int, bytes]):
    """An AF_PACKET socket address: the stdlib's ``(ifname, proto, pkttype, hatype, addr)``.

    ifname
        The interface's name (``''``: none; an unbound socket's name, or a number no interface has).
    proto
        The Ethernet protocol number (``ETH_P_*``), host order: 0x0800 for IPv4.
    pkttype
        ``PACKET_HOST``, ``PACKET_BROADCAST``...: what kind of frame arrived (ignored on send).
    hatype
        The ARP hardware type (``ARPHRD_ETHER`` 1, ``ARPHRD_LOOPBACK`` 772).
    addr
        The hardware address: the sender's on receipt, the destination's on send.
    ifindex
        The interface's number, looked up when the address was made: not part of the tuple (the
        stdlib's form has none), so equality and hashing ignore it.

    ``PacketAddress(ifname, proto, pkttype=0, hatype=0, addr=b'')`` checks every field and looks
    the interface up, as ``bind()`` does. An address with no interface (``ifname`` ``''``) comes
    only from the kernel and is never sent.
    """

    __module__ = "famsock_packet"
    __match_args__ = ("ifname", "proto", "pkttype", "hatype", "addr")

    if TYPE_CHECKING:
        @property
        def ifname(self) -> str: ...

        @property
        def proto(self) -> int: ...

        @property
        def pkttype(self) -> int: ...

        @property
        def hatype(self) -> int: ...

        @property
        def addr(self) -> bytes: ...
    else:
        ifname = property(itemgetter(0), doc="The interface's name.")
        proto = property(itemgetter(1), doc="The Ethernet protocol number, host order.")
        pkttype = property(itemgetter(2), doc="The packet type (PACKET_HOST...).")
        hatype = property(itemgetter(3), doc="The ARP hardware type (ARPHRD_*).")
        addr = property(itemgetter(4), doc="The hardware address.")

    @property
    def ifindex(self) -> int:
        """The interface's number (0: none), as it was when the address was made."""
        number: int = self.__dict__["_ifindex"]
        return number

    def __new__(cls, ifname: Any, proto: Any, pkttype: Any = 0, hatype: Any = 0,
                addr: Any = b"") -> PacketAddress:
        return parse((ifname, proto, pkttype, hatype, addr))

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Rebuilt checked, and with the interface number it was made with (a pickle may be read
        # where no such interface exists: the address is still what it was).
        return rebuild, (*self, self.ifindex)

    if not TYPE_CHECKING:  # hidden from mypy, which would then accept any assignment
        def __setattr__(self, name: str, value: object) -> NoReturn:
            raise AttributeError(f"{type(self).__name__} is immutable")

        def __delattr__(self, name: str) -> NoReturn:
            raise AttributeError(f"{type(self).__name__} is immutable")


_new = tuple.__new__


def make(ifname: str, proto: int, pkttype: int, hatype: int, addr: bytes, ifindex: int) -> PacketAddress:
    """An address from fields already checked (the kernel's, the stdlib's, or parse's)."""
    address: PacketAddress = _new(PacketAddress, (ifname, proto, pkttype, hatype, addr))
    address.__dict__["_ifindex"] = ifindex
    return address


def parse(value: Any, spec: SocketSpec | None = None) -> PacketAddress:
    """A user value, ``(ifname, proto[, pkttype[, hatype[, addr]]])`` as the stdlib takes it, or a
    ``PacketAddress`` as it is; the interface is looked up."""
    if type(value) is PacketAddress:
        return value
    if not isinstance(value, tuple):
        raise TypeError(f"AF_PACKET address must be a tuple (ifname, proto[, pkttype[, hatype[, addr]]]), "
                        f"not {type(value).__name__}: {shorten(value)}")
    if not 2 <= len(value) <= 5:
        raise TypeError(f"AF_PACKET address must be a tuple of two to five items (ifname, proto[, pkttype"
                        f"[, hatype[, addr]]]), got {len(value)}: {shorten(value)}")
    ifname, proto, pkttype, hatype, addr = value + (0, 0, b"")[len(value) - 2:]
    # types first, as the stdlib's PyArg_ParseTuple: a wrong type never costs a lookup
    name = _name(ifname)
    numbers = [_integer(field, number) for field, number in
               (("proto", proto), ("pkttype", pkttype), ("hatype", hatype))]
    hwaddr = _bytes(addr)
    for (field, limit), number in zip((("proto", 0xFFFF), ("pkttype", 0xFF), ("hatype", 0xFFFF)), numbers,
                                      strict=True):
        if not 0 <= number <= limit:
            raise OverflowError(f"AF_PACKET {field} must be 0-{limit}, got {number}")
    if len(hwaddr) > _HWADDR_MAX:
        raise ValueError(f"AF_PACKET hardware address must be {_HWADDR_MAX} bytes or less, got "
                         f"{len(hwaddr)}: {hwaddr.hex(':')}")
    return make(name, numbers[0], numbers[1], numbers[2], hwaddr, interface_index(name))


def rebuild(ifname: Any, proto: Any, pkttype: Any, hatype: Any, addr: Any, ifindex: Any) -> PacketAddress:
    """An address as the kernel may report it, every field checked, nothing looked up: what
    pickles hold (``addr`` may be longer than 8 bytes, ``ifname`` empty)."""
    name = _name(ifname)
    if len(name.encode()) >= IFNAMSIZ:
        raise ValueError(f"AF_PACKET interface name must be at most {IFNAMSIZ - 1} bytes: {name!r}")
    fields = [_integer(field, value) for field, value in (("proto", proto), ("pkttype", pkttype),
                                                           ("hatype", hatype), ("ifindex", ifindex))]
    for field, number, limit in zip(("proto", "pkttype", "hatype", "ifindex"), fields,
                                    (0xFFFF, 0xFF, 0xFFFF, _IFINDEX_MAX), strict=True):
        if not 0 <= number <= limit:
            raise OverflowError(f"AF_PACKET {field} must be 0-{limit}, got {number}")
    hwaddr = _bytes(addr)
    if len(hwaddr) > _HALEN_MAX:
        raise ValueError(f"AF_PACKET hardware address must be {_HALEN_MAX} bytes or less, got {len(hwaddr)}")
    return make(name, fields[0], fields[1], fields[2], hwaddr, fields[3])


def interface_index(name: str) -> int:
    """The interface's number in this thread's network namespace; ``OSError`` (ENODEV) if none."""
    size = len(name.encode())
    if size >= IFNAMSIZ:  # the stdlib would look up its first 15 bytes: maybe another interface
        raise OSError(errno.ENODEV, f"AF_PACKET interface {shorten(name)}: No such device (names have at "
                                    f"most {IFNAMSIZ - 1} bytes, this one {size})")
    try:
        number: int = _socket.if_nametoindex(name) if name else 0
    except OSError:
        number = 0
    if not number:
        raise OSError(errno.ENODEV, f"AF_PACKET interface {name!r}: No such device")
    return number


def interface_name(ifindex: int) -> str:
    """The name of interface ``ifindex`` in this thread's network namespace; ``''`` if none."""
    if ifindex <= 0:
        return ""
    try:
        name: str = _socket.if_indextoname(ifindex)
    except OSError:
        return ""
    return name


def _name(ifname: Any) -> str:
    if not isinstance(ifname, str):
        raise TypeError(f"AF_PACKET interface name must be str, not {type(ifname).__name__}: "
                        f"{shorten(ifname)}")
    if "\0" in ifname:
        raise ValueError(f"AF_PACKET interface name must not contain a NUL character: {shorten(ifname)}")
    try:
        ifname.encode()
    except UnicodeEncodeError as exc:
        raise ValueError(f"AF_PACKET interface name {shorten(ifname)} is not text: {exc.reason}") from None
    return str(ifname)


def _integer(field: str, value: Any) -> int:
    try:
        return int(index(value))
    except TypeError:
        raise TypeError(f"AF_PACKET {field} must be an integer, not {type(value).__name__}: "
                        f"{shorten(value)}") from None


def _bytes(value: Any) -> bytes:
    if isinstance(value, str):
        raise TypeError(f"AF_PACKET hardware address must be bytes-like, not str: {shorten(value)}")
    try:
        with memoryview(value) as view:
            if not view.c_contiguous:
                raise BufferError(f"AF_PACKET hardware address must be a contiguous buffer: "
                                  f"{shorten(value)}")
            return view.tobytes()
    except TypeError:
        raise TypeError(f"AF_PACKET hardware address must be bytes-like, not {type(value).__name__}: "
                        f"{shorten(value)}") from None


# -- the text form: packet:IFACE:PROTO[:PKTTYPE[:HATYPE[:ADDR]]] ------------------------------------


def to_text(address: PacketAddress) -> str:
    """``"eth0:0x0800:broadcast:1:02:00:00:00:00:01"``: trailing fields left out where they are
    the defaults (``host``, 0, no address). An interface known only by number is ``%N``."""
    ifname, proto, pkttype, hatype, addr = address
    iface = ifname or (f"%{address.ifindex}" if address.ifindex else "")
    fields = [iface, f"0x{proto:04x}", _PKTTYPE_BY_NUMBER.get(pkttype, str(pkttype)), str(hatype),
              addr.hex(":")]
    while len(fields) > 2 and fields[-1] in ("", "0", "host"):
        fields.pop()
    return ":".join(fields)


def from_text(text: str) -> PacketAddress:
    """The text after ``packet:``: ``IFACE:PROTO[:PKTTYPE[:HATYPE[:ADDR]]]``. IFACE is a name
    (looked up), ``%N`` (an interface number with no name) or nothing (no interface); PROTO a
    number (``0x0800`` or ``2048``); PKTTYPE a name (``host``, ``broadcast``...) or number; HATYPE
    a number; ADDR hex bytes separated by colons (``02:00:00:00:00:01``)."""
    fields = text.split(":", 4)
    if len(fields) < 2:
        raise ValueError(f"packet address text must be IFACE:PROTO[:PKTTYPE[:HATYPE[:ADDR]]], got {text!r}")
    iface, proto, pkttype, hatype, addr = fields + ["host", "0", ""][len(fields) - 2:]
    numbers = (_number(proto, {}, "PROTO", text), _number(pkttype, PKTTYPE_NAMES, "PKTTYPE", text),
               _number(hatype, {}, "HATYPE", text))
    try:
        hwaddr = bytes.fromhex(addr.replace(":", "")) if addr else b""
    except ValueError:
        raise ValueError(f"packet address text {text!r}: ADDR must be hex bytes separated by colons, "
                         f"got {addr!r}") from None
    if not iface:
        return rebuild("", *numbers, hwaddr, 0)
    if iface.startswith("%"):
        return rebuild("", *numbers, hwaddr, _number(iface[1:], {}, "IFACE's %N", text))
    # not parse(): an address the kernel reported may have more than 8 bytes of hardware address
    return rebuild(iface, *numbers, hwaddr, interface_index(_name(iface)))


def _number(part: str, names: dict[str, int], what: str, text: str) -> int:
    if part in names:
        return names[part]
    if part.isascii() and (part.isdigit() or (part[:2] == "0x" and len(part) > 2)):
        try:
            return int(part, 0 if part[:2] == "0x" else 10)
        except ValueError:
            pass
    known = f" or one of {', '.join(names)}" if names else ""
    raise ValueError(f"packet address text {text!r}: {what} must be a number{known}, got {part!r}")
