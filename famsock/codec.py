"""The address codec, without sockets: user values, typed addresses, text and sockaddr bytes.

    >>> import famsock
    >>> address = famsock.parse_address(famsock.AF_INET, ("127.0.0.1", 8080))
    >>> famsock.encode(address).hex()
    '02001f907f0000010000000000000000'
    >>> famsock.decode(famsock.encode(address)) == ("127.0.0.1", 8080)
    True
    >>> famsock.address_from_text(str(address)) == address
    True
"""

from __future__ import annotations

import sys
from typing import Any

from ._errors import FamilyConflictError, FamilyError
from ._registry import registry
from .contract import Family, SocketSpec

__all__ = ["address_from_text", "decode", "encode", "family", "parse_address"]


def family(key: int | str) -> Family:
    """The registered family for an ``AF_*`` number or a family name (``"inet"``)."""
    if isinstance(key, str):
        return registry.family_named(key)
    found = registry.lookup(int(key))
    if found is None:
        raise FamilyError(f"no famsock plugin handles address family {int(key)}")
    return found


def parse_address(family_key: int | str, value: Any, type: int = 0, proto: int = 0) -> Any:
    """Validate ``value`` as ``bind()`` would for a socket of this family, type and protocol."""
    chosen = family(family_key)
    return chosen.parse(value, SocketSpec(chosen.number, type, proto))


def encode(address: Any, family_key: int | str | None = None) -> bytes:
    """The ``struct sockaddr`` bytes for a typed address, or for a value of ``family_key``."""
    if family_key is None:
        chosen = registry.family_for_address(address)
        return chosen.encode(address)
    chosen = family(family_key)
    return chosen.encode(chosen.parse(address, SocketSpec(chosen.number, 0, 0)))


def decode(data: bytes, type: int = 0, proto: int = 0) -> Any:
    """The typed address for ``struct sockaddr`` bytes, by the family in their first two bytes."""
    data = bytes(data)
    if len(data) < 2:
        raise ValueError(f"a sockaddr needs at least 2 bytes (sa_family), got {len(data)}")
    number = int.from_bytes(data[:2], sys.byteorder)
    chosen = family(number)
    return chosen.decode(data, SocketSpec(number, type, proto))


def address_from_text(text: str) -> Any:
    """The address a text form names: ``"inet:127.0.0.1:8080"``, ``"unix:/run/x.sock"``..."""
    name, colon, rest = text.partition(":")
    if not colon:
        raise ValueError(f"an address text form is '<family>:<address>', got {text!r}")
    try:
        chosen = registry.family_named(name)
    except FamilyConflictError:
        raise
    except FamilyError as exc:
        raise ValueError(f"{text!r}: {exc.strerror}") from None
    return chosen.from_text(rest)
