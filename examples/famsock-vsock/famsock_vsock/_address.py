"""``VsockAddress``, the parsing of user values into it, and its text form.

The stdlib's AF_VSOCK address is ``(cid, port)``, two C ``unsigned int``s, which it reads with
``PyArg_ParseTuple("II")``: no range check, so ``(-1, 80)`` silently becomes
``(4294967295, 80)`` (VMADDR_CID_ANY) and ``(2**32 + 3, 80)`` becomes ``(3, 80)``. Here a value out
of 0-4294967295 is ``OverflowError``; types are checked as the stdlib does (``operator.index``:
ints, bools and ``__index__`` objects; ``TypeError`` for the rest).
"""

from __future__ import annotations

from operator import index, itemgetter
from typing import TYPE_CHECKING, Any, NoReturn

from famsock.contract import SocketSpec, shorten

from ._constants import U32_MAX, VMADDR_CID_ANY, VMADDR_FLAG_TO_HOST, VMADDR_PORT_ANY

__all__ = ["VsockAddress", "from_text", "make", "parse", "to_text"]

_FLAGS_MAX = 0xFF  # svm_flags is a __u8
_CID_NAMES = {"any": VMADDR_CID_ANY, "hypervisor": 0, "local": 1, "host": 2}
_FLAG_NAMES = {"to_host": VMADDR_FLAG_TO_HOST}


class VsockAddress(tuple[int, int]):
    """An AF_VSOCK socket address: the stdlib's ``(cid, port)`` tuple, with attributes.

    cid
        The context id: a machine (0 hypervisor, 1 local, 2 host, 3+ guests; 4294967295 any).
    port
        The port (4294967295: any, the kernel picks one).
    flags
        ``svm_flags`` (``VMADDR_FLAG_TO_HOST``), 0 almost always. Not part of the tuple: the
        stdlib's form has no flags, so equality and hashing ignore them.

    ``VsockAddress(cid, port, flags=0)`` checks every field; pickles and copies go through it.
    """

    __module__ = "famsock_vsock"
    __match_args__ = ("cid", "port")

    if TYPE_CHECKING:
        @property
        def cid(self) -> int: ...

        @property
        def port(self) -> int: ...
    else:
        cid = property(itemgetter(0), doc="The context id (CID).")
        port = property(itemgetter(1), doc="The port.")

    @property
    def flags(self) -> int:
        """``svm_flags``: 0, or ``VMADDR_FLAG_TO_HOST`` (route through the host)."""
        flags: int = self.__dict__.get("_flags", 0)
        return flags

    def __new__(cls, cid: Any, port: Any, flags: Any = 0) -> VsockAddress:
        return make(_u32("cid", cid), _u32("port", port), _flags(flags))

    def __reduce__(self) -> tuple[type[VsockAddress], tuple[int, ...]]:
        return VsockAddress, ((self[0], self[1], self.flags) if self.flags else (self[0], self[1]))

    if not TYPE_CHECKING:  # hidden from mypy, which would then accept any assignment
        def __setattr__(self, name: str, value: object) -> NoReturn:
            raise AttributeError(f"{type(self).__name__} is immutable")

        def __delattr__(self, name: str) -> NoReturn:
            raise AttributeError(f"{type(self).__name__} is immutable")


_new = tuple.__new__


def make(cid: int, port: int, flags: int = 0) -> VsockAddress:
    """An address from fields already checked (the kernel's, or the constructor's)."""
    address: VsockAddress = _new(VsockAddress, (cid, port))
    if flags:
        address.__dict__["_flags"] = flags  # only flagged addresses hold a dict entry
    return address


def parse(value: Any, spec: SocketSpec | None = None) -> VsockAddress:
    """A user value, ``(cid, port)`` as the stdlib takes it, or a ``VsockAddress`` as it is."""
    if type(value) is VsockAddress:
        return value
    if not isinstance(value, tuple):
        raise TypeError(f"AF_VSOCK address must be a tuple (cid, port), not {type(value).__name__}: "
                        f"{shorten(value)}")
    if len(value) != 2:
        raise TypeError(f"AF_VSOCK address must be a pair (cid, port), got {len(value)} items: "
                        f"{shorten(value)}")
    return make(_u32("cid", value[0]), _u32("port", value[1]))


def _u32(name: str, value: Any) -> int:
    try:
        number = index(value)
    except TypeError:
        raise TypeError(f"AF_VSOCK {name} must be an integer, not {type(value).__name__}: "
                        f"{shorten(value)}") from None
    if not 0 <= number <= U32_MAX:
        hint = " (VMADDR_CID_ANY and VMADDR_PORT_ANY are 4294967295; the stdlib wraps -1 to it)" \
            if number == -1 else ""
        raise OverflowError(f"AF_VSOCK {name} must be 0-{U32_MAX}, got {number}{hint}")
    return int(number)


def _flags(value: Any) -> int:
    try:
        number = index(value)
    except TypeError:
        raise TypeError(f"AF_VSOCK flags must be an integer, not {type(value).__name__}: "
                        f"{shorten(value)}") from None
    if not 0 <= number <= _FLAGS_MAX:
        raise OverflowError(f"AF_VSOCK flags (svm_flags, 8 bits) must be 0-{_FLAGS_MAX}, got {number}")
    return int(number)


# -- the text form: vsock:CID:PORT[:FLAGS] ---------------------------------------------------------


def to_text(address: VsockAddress) -> str:
    """``"3:1024"``; ``any`` for VMADDR_CID_ANY and VMADDR_PORT_ANY; flags after a third colon
    (``"2:5000:to_host"``; bits without a name in hex, joined with ``+``)."""
    cid = "any" if address[0] == VMADDR_CID_ANY else str(address[0])
    port = "any" if address[1] == VMADDR_PORT_ANY else str(address[1])
    flags = address.flags
    if not flags:
        return f"{cid}:{port}"
    names = [name for name, bit in _FLAG_NAMES.items() if flags & bit]
    rest = flags & ~sum(_FLAG_NAMES.values())
    return f"{cid}:{port}:" + "+".join([*names, *([f"0x{rest:x}"] if rest else [])])


def from_text(text: str) -> VsockAddress:
    """The text after ``vsock:``: ``CID:PORT[:FLAGS]``; CID a number or ``any``, ``hypervisor``,
    ``local``, ``host``; PORT a number or ``any``; FLAGS ``to_host`` or a number, joined by ``+``."""
    parts = text.split(":")
    if len(parts) not in (2, 3):
        raise ValueError(f"vsock address text must be CID:PORT[:FLAGS], got {text!r}")
    cid = _number(parts[0], _CID_NAMES, "CID", text)
    port = _number(parts[1], {"any": VMADDR_PORT_ANY}, "PORT", text)
    flags = 0
    if len(parts) == 3:
        for part in parts[2].split("+"):
            flags |= _number(part, _FLAG_NAMES, "FLAGS", text)
    return VsockAddress(cid, port, flags)


def _number(part: str, names: dict[str, int], what: str, text: str) -> int:
    if part in names:
        return names[part]
    if part.isascii() and (part.isdigit() or (part[:2] == "0x" and len(part) > 2)):
        try:
            return int(part, 0 if part[:2] == "0x" else 10)
        except ValueError:
            pass
    raise ValueError(f"vsock address text {text!r}: {what} must be a number or one of "
                     f"{', '.join(names)}, got {part!r}")
