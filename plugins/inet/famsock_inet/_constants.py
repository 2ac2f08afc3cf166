"""The constants AF_INET contributes to ``famsock``: the platform's IPv4 and TCP/UDP ones."""

from __future__ import annotations

import _socket
import sys

__all__ = ["CONSTANTS", "IP_PKTINFO"]

_PREFIXES = ("IPPROTO_", "IPPORT_", "INADDR_", "IP_", "TCP_", "UDPLITE_", "SOL_IP", "SOL_TCP",
             "SOL_UDP")

CONSTANTS: dict[str, int] = {
    name: value
    for name, value in vars(_socket).items()
    if name.startswith(_PREFIXES) and type(value) is int
}

if sys.platform == "linux":
    # <linux/in.h>'s value (tests/vectors/ip_structs.c checks it): interpreters before 3.12 lack
    # the name, and famsock decodes the control messages it names
    CONSTANTS.setdefault("IP_PKTINFO", 8)
IP_PKTINFO: int | None = CONSTANTS.get("IP_PKTINFO")
