"""The constants AF_INET6 contributes to ``famsock``: the platform's IPv6 ones, and the
protocol-level ones IPv6 sockets share with IPv4 (``IPPROTO_*``, ``TCP_*``, UDP-Lite)."""

from __future__ import annotations

import _socket

__all__ = ["CONSTANTS"]

_PREFIXES = ("IPV6_", "IPPROTO_", "IPPORT_", "TCP_", "UDPLITE_", "SOL_TCP", "SOL_UDP")

CONSTANTS: dict[str, int] = {
    name: value
    for name, value in vars(_socket).items()
    if name.startswith(_PREFIXES) and type(value) is int
}
