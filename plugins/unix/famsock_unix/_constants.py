"""The constants AF_UNIX contributes to ``famsock``: the platform's own, where it has them."""

from __future__ import annotations

import _socket

__all__ = ["CONSTANTS"]

# Ancillary messages and options of AF_UNIX sockets: Linux's, the BSDs' and macOS's spellings.
_NAMES = ("SCM_RIGHTS", "SCM_CREDENTIALS", "SCM_CREDS", "SCM_PIDFD", "SO_PASSCRED", "SO_PEERCRED",
          "SO_PASSPIDFD", "SO_PEERPIDFD", "SO_PASSSEC", "SO_PEERSEC", "LOCAL_PEERCRED", "LOCAL_CREDS",
          "LOCAL_CREDS_PERSISTENT")

CONSTANTS: dict[str, int] = {
    name: value for name, value in vars(_socket).items() if name in _NAMES and type(value) is int
}
