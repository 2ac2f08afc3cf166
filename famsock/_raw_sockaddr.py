"""``RawSockaddr``: an address of a family nobody typed, as ``(family, data)``.

What the kernel reports for a family no plugin claims, or bytes a plugin could not decode, come
back as a ``RawSockaddr`` instead of an error; and every address method takes one, on any socket,
straight to libc: ``socket(AF_XDP, SOCK_RAW).bind(RawSockaddr(AF_XDP, ...))`` reaches the kernel
with no plugin installed (the interpreter alone answers "bad family").

It is the stdlib's own form for a family the interpreter does not know (``makesockaddr()``'s
``(sa_family, sa_data)``), except that ``data`` is every byte after ``sa_family``, not 14 of them.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs 3.6 ms
if TYPE_CHECKING:
    from typing import Any

    from typing_extensions import Buffer

__all__ = ["TEXT_PREFIX", "RawSockaddr"]

TEXT_PREFIX = "raw"
_SOCKADDR_MAX = 128  # sizeof(struct sockaddr_storage)
_TEXT = r"(?P<family>[0-9]+):(?P<data>(?:[0-9a-fA-F]{2})*)\Z"


class RawSockaddr(tuple):  # type: ignore[type-arg]  # (int, bytes), as the stdlib's fallback form
    """A ``struct sockaddr`` as ``(family, data)``: its ``sa_family`` and every byte after it.

    family
        The AF number, 0-65535.
    data
        The bytes after ``sa_family``, at most 126 (``sizeof(struct sockaddr_storage)`` in all).
    reason
        Why no plugin read it ("" when none claims the family); not part of the value.
    """

    # No __slots__: the reason lives in the instance's __dict__, outside the tuple, so that ==
    # and hash() stay the stdlib form's.
    _reason = ""

    def __new__(cls, family: int, data: Buffer = b"") -> RawSockaddr:
        if type(family) is bool or not hasattr(family, "__index__"):
            raise TypeError(f"RawSockaddr family must be an int, not {type(family).__name__}")
        number = family.__index__()
        if not 0 <= number <= 0xFFFF:
            raise OverflowError(f"RawSockaddr family must be 0-65535 (sa_family_t), got {number}")
        try:
            payload = bytes(memoryview(data))
        except TypeError:
            raise TypeError(f"RawSockaddr data must be bytes-like, not {type(data).__name__}") from None
        if 2 + len(payload) > _SOCKADDR_MAX:
            raise ValueError(f"RawSockaddr data must be at most {_SOCKADDR_MAX - 2} bytes (a "
                             f"sockaddr_storage), got {len(payload)}")
        return tuple.__new__(cls, (int(number), payload))

    @classmethod
    def from_sockaddr(cls, sockaddr: bytes, reason: str = "") -> RawSockaddr:
        """The address of ``struct sockaddr`` bytes (at least ``sa_family``), with ``reason``."""
        if not 2 <= len(sockaddr) <= _SOCKADDR_MAX:
            raise ValueError(f"a sockaddr is 2 to {_SOCKADDR_MAX} bytes, got {len(sockaddr)}")
        address = tuple.__new__(cls, (int.from_bytes(sockaddr[:2], sys.byteorder), bytes(sockaddr[2:])))
        if reason:
            object.__setattr__(address, "_reason", reason)
        return address

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    @property
    def family(self) -> int:
        return self[0]  # type: ignore[no-any-return]

    @property
    def data(self) -> bytes:
        return self[1]  # type: ignore[no-any-return]

    @property
    def reason(self) -> str:
        return self._reason

    @property
    def sockaddr(self) -> bytes:
        """The ``struct sockaddr`` bytes: ``sa_family`` in host order, then ``data``."""
        return self.family.to_bytes(2, sys.byteorder) + self.data

    def __reduce__(self) -> tuple[Any, tuple[int, bytes]]:
        return RawSockaddr, (self.family, self.data)

    def __getnewargs__(self) -> tuple[int, bytes]:
        return self.family, self.data


def to_text(address: RawSockaddr) -> str:
    """``"44:0a0b..."``: the family's number and the data in hex (the text after ``raw:``)."""
    return f"{address.family}:{address.data.hex()}"


def from_text(text: str) -> RawSockaddr:
    import re  # noqa: PLC0415 - text forms are for the CLI and configuration, not import time

    match = re.match(_TEXT, text)
    if match is None:
        raise ValueError(f"raw address text must be FAMILY:HEX (an AF number, then the bytes after "
                         f"sa_family in hex), got {text!r}")
    try:
        return RawSockaddr(int(match["family"]), bytes.fromhex(match["data"]))
    except (OverflowError, ValueError) as exc:  # text is ValueError's: a family past 65535 too
        raise ValueError(f"raw address text {text!r}: {exc}") from None
