"""famsock's own exceptions and warnings; everything else raised is the stdlib's type."""

from __future__ import annotations

import errno

__all__ = ["FamilyConflictError", "FamilyError", "PluginError", "PluginWarning"]


class FamilyError(OSError):
    """famsock cannot handle this address family: no usable plugin claims it.

    An ``OSError`` with ``errno.EAFNOSUPPORT``, as the stdlib's "bad family" errors are, so code
    that handles those handles this.
    """

    def __init__(self, message: str) -> None:
        super().__init__(errno.EAFNOSUPPORT, message)


class FamilyConflictError(FamilyError):
    """Two plugins claim one family (or one constant); the message names both distributions."""


class PluginError(FamilyError):
    """A family plugin returned something its contract rules out (an address of the wrong
    class, bytes that are not a ``struct sockaddr`` of its family...); the message names the
    family and the plugin. Nothing was sent or returned."""


class PluginWarning(UserWarning):
    """A family plugin was skipped; ``famsock families`` shows it with the reason."""
