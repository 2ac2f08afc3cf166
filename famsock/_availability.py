"""Whether this kernel can open sockets of a family, and if not, why."""

from __future__ import annotations

import _socket

from ._registry import registry
from .contract import Availability, Family

__all__ = ["availability"]


def availability(family: Family[object]) -> Availability:
    """The plugin's own probe if it has one, else: can we open one of its socket types?"""
    if family.probe is not None:
        try:
            return family.probe()
        except Exception as exc:
            return Availability(False, f"the plugin's probe raised {type(exc).__name__}: {exc}")
    loopbacks = registry.loopbacks(family.number)
    kinds = [(lb.type, lb.proto) for lb in loopbacks] or [(min(family.socket_types), 0)]
    failure = ""
    for kind, proto in kinds:
        try:
            _socket.socket(family.number, kind, proto).close()
        except OSError as exc:
            failure = f"socket({family.constant}, {_kind_name(kind)}, {proto}) failed: {exc}"
            continue
        return Availability(True)
    return Availability(False, failure)


def _kind_name(kind: int) -> str:
    names = [n for n in ("SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW", "SOCK_RDM", "SOCK_SEQPACKET")
             if getattr(_socket, n, None) == kind]
    return names[0] if names else str(kind)
