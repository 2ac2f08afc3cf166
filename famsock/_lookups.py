"""Module functions that turn names and text into addresses, answered by the families' plugins.

``getaddrinfo`` returns the plugins' typed addresses; ``inet_pton``/``inet_ntop`` are answered by
the family's plugin when it offers them (an ``InetText`` registration), else by the platform, as
in the stdlib. The other lookups (host names, services, protocols) are the stdlib's own functions.
"""

from __future__ import annotations

import _socket
from socket import AddressFamily, SocketKind

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs 3.6 ms
if TYPE_CHECKING:
    from typing import Any

    from ._registry import Registry

__all__ = ["getaddrinfo", "inet_ntop", "inet_pton"]


def _enum(value: int, kind: type[Any]) -> Any:
    try:
        return kind(value)
    except ValueError:
        return value  # a number the stdlib's enum does not know stays a number, as in the stdlib


def _registry() -> Registry:
    from ._registry import registry  # noqa: PLC0415 - plugins load at first use, not at import

    return registry


def getaddrinfo(host: Any, port: Any, family: int = 0, type: int = 0, proto: int = 0,
                flags: int = 0) -> list[tuple[Any, Any, int, str, Any]]:
    """The stdlib's ``getaddrinfo``, with each sockaddr as its family's typed address."""
    from .contract import SocketSpec  # noqa: PLC0415

    registry = _registry()
    results = []
    for af, kind, protocol, canonname, found in _socket.getaddrinfo(host, port, family, type, proto, flags):
        chosen = registry.lookup(af)
        typed = found
        if chosen is not None and chosen.native is not None:
            typed = chosen.native.from_native(found, SocketSpec(af, kind, protocol))
        results.append((_enum(af, AddressFamily), _enum(kind, SocketKind), protocol, canonname, typed))
    return results


_MISSING: Any = object()


def inet_pton(address_family: int = _MISSING, ip_string: str = _MISSING, /,
              *extra: Any, **keywords: Any) -> bytes:
    """``ip_string`` packed as the family's plugin (or, without one, the platform) reads it."""
    if ip_string is _MISSING or extra or keywords:  # the C function's own words for it
        return _socket.inet_pton(*_given(address_family, ip_string), *extra, **keywords)
    text = _registry().inet_text(address_family)
    if text is not None:
        return text.pton(ip_string)
    return _socket.inet_pton(address_family, ip_string)


def inet_ntop(address_family: int = _MISSING, packed_ip: Any = _MISSING, /,
              *extra: Any, **keywords: Any) -> str:
    """``packed_ip`` as text, as the family's plugin (or, without one, the platform) writes it."""
    if packed_ip is _MISSING or extra or keywords:  # the C function's own words for it
        return _socket.inet_ntop(*_given(address_family, packed_ip), *extra, **keywords)
    text = _registry().inet_text(address_family)
    if text is not None:
        return text.ntop(packed_ip)
    return _socket.inet_ntop(address_family, packed_ip)


def _given(*arguments: Any) -> list[Any]:
    """The arguments up to the first one left out."""
    given = []
    for value in arguments:
        if value is _MISSING:
            break
        given.append(value)
    return given
