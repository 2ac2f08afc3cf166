"""The address codec, without sockets: user values, typed addresses, text and sockaddr bytes.

    >>> import famsock
    >>> address = famsock.parse_address(famsock.AF_INET, ("127.0.0.1", 8080))
    >>> famsock.encode(address).hex()
    '02001f907f0000010000000000000000'
    >>> famsock.decode(famsock.encode(address)) == ("127.0.0.1", 8080)
    True
    >>> famsock.address_to_text(address)
    'inet:127.0.0.1:8080'
    >>> famsock.address_from_text("inet:127.0.0.1:8080") == address
    True

Bytes of a family no plugin claims decode to a :class:`~famsock.RawSockaddr`, whose text form is
``raw:<AF number>:<hex>``. What plugins return is checked as on a socket (:mod:`famsock._boundary`).
"""

from __future__ import annotations

import sys
from typing import Any

from ._boundary import SOCKADDR_MAX, bad_sockaddr, check_address, decode_or_raw
from ._errors import FamilyConflictError, FamilyError
from ._raw_sockaddr import TEXT_PREFIX, RawSockaddr, from_text as _raw_from_text, to_text as _raw_to_text
from ._registry import registry
from .contract import Family, SocketSpec

__all__ = ["address_from_text", "address_to_text", "decode", "encode", "family", "parse_address"]


def family(key: int | str) -> Family[Any]:
    """The registered family for an ``AF_*`` number or a family name (``"inet"``)."""
    if isinstance(key, str):
        return registry.family_named(key)
    found = registry.lookup(int(key))
    if found is None:
        raise FamilyError(f"no famsock plugin handles address family {int(key)}")
    return found


def parse_address(family_key: int | str, value: Any, type: int | None = None,
                  proto: int | None = None) -> Any:
    """Validate ``value`` as ``bind()`` would for a socket of this family, type and protocol."""
    chosen = family(family_key)
    address = chosen.parse(value, SocketSpec(chosen.number, type, proto))
    check_address(registry, chosen, address, "parse")
    return address


def encode(address: Any, family_key: int | str | None = None, type: int | None = None,
           proto: int | None = None) -> bytes:
    """The ``struct sockaddr`` bytes for a typed address, or for a value of ``family_key``."""
    if isinstance(address, RawSockaddr):
        return address.sockaddr
    chosen = registry.family_for_address(address) if family_key is None else family(family_key)
    spec = SocketSpec(chosen.number, type, proto)
    if family_key is not None:
        address = parse_address(chosen.number, address, type, proto)
    data = chosen.encode(address, spec)
    if data.__class__ is bytes and 2 <= len(data) <= SOCKADDR_MAX and data[:2] == _sa_family(chosen.number):
        return data
    raise bad_sockaddr(registry, chosen, data)


def decode(data: bytes, type: int | None = None, proto: int | None = None) -> Any:
    """The typed address for ``struct sockaddr`` bytes, by the family in their first two bytes;
    a :class:`~famsock.RawSockaddr` (with the reason) where no plugin reads them."""
    data = bytes(data)
    if not 2 <= len(data) <= SOCKADDR_MAX:
        raise ValueError(f"a sockaddr is 2 to {SOCKADDR_MAX} bytes (sa_family first), got {len(data)}")
    return decode_or_raw(registry, data, SocketSpec(int.from_bytes(data[:2], sys.byteorder), type, proto))


def address_to_text(address: Any) -> str:
    """The text form of a typed address: ``"inet:127.0.0.1:8080"``, ``"unix:/run/x.sock"``...

    For configuration files, command lines and messages; ``str(address)`` stays the stdlib's.
    """
    if isinstance(address, RawSockaddr):
        return f"{TEXT_PREFIX}:{_raw_to_text(address)}"
    chosen = registry.family_for_address(address)
    return f"{chosen.name}:{chosen.to_text(address)}"


def address_from_text(text: str) -> Any:
    """The address a text form names: ``"inet:127.0.0.1:8080"``, ``"unix:/run/x.sock"``..."""
    if not isinstance(text, str):  # bytes would fail in partition() with a misleading message
        raise TypeError(f"an address text form is a str, not {type(text).__name__}")
    name, colon, rest = text.partition(":")
    if not colon:
        raise ValueError(f"an address text form is '<family>:<address>', got {text!r}")
    if name == TEXT_PREFIX:
        return _raw_from_text(rest)
    try:
        chosen = registry.family_named(name)
    except FamilyConflictError:
        raise
    except FamilyError as exc:
        raise ValueError(f"{text!r}: {exc.strerror}") from None
    address = chosen.from_text(rest)
    check_address(registry, chosen, address, "from_text")
    return address


def _sa_family(number: int) -> bytes:
    return number.to_bytes(2, sys.byteorder)
