"""The constants AF_INET contributes to ``famsock``: the platform's IPv4 and TCP/UDP ones."""

from __future__ import annotations

import _socket

__all__ = ["CONSTANTS"]

_PREFIXES = ("IPPROTO_", "IPPORT_", "INADDR_", "IP_", "TCP_", "UDPLITE_", "SOL_IP", "SOL_TCP",
             "SOL_UDP")

CONSTANTS: dict[str, int] = {
    name: value
    for name, value in vars(_socket).items()
    if name.startswith(_PREFIXES) and type(value) is int
}
