"""Constants of the socket layer itself, the same for every family.

They are the stdlib's own objects (``famsock.AF_INET is socket.AF_INET``), enum members where
the stdlib has enums. Constants of one family (``IP_*``, ``IPV6_*``, ``TIPC_*``...) come from its
plugin; names no plugin contributes fall back to the platform's value (see ``famsock.__getattr__``).
Every ``AF_*`` the platform knows is here, with or without a plugin, as in the stdlib.
"""

from __future__ import annotations

import socket as _std

__all__ = ["GENERIC_CONSTANTS", "GENERIC_PREFIXES"]

#: Prefixes (or whole names) of the constants that belong to no family.
GENERIC_PREFIXES = ("AF_", "SOCK_", "SO_", "SOL_SOCKET", "SOMAXCONN", "MSG_", "SHUT_",
                    "AI_", "NI_", "EAI_")

GENERIC_CONSTANTS: dict[str, int] = {
    name: value
    for name, value in vars(_std).items()
    if isinstance(value, int) and name.startswith(GENERIC_PREFIXES)
    and (name.isupper() or name.startswith("AF_"))  # AF_DECnet
}
