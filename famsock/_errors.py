"""famsock's own exceptions and warnings; everything else raised is the stdlib's type."""

from __future__ import annotations

import errno

__all__ = ["FamilyConflictError", "FamilyError", "PluginWarning"]


class FamilyError(OSError):
    """famsock cannot handle this address family: no usable plugin claims it.

    An ``OSError`` with ``errno.EAFNOSUPPORT``, as the stdlib's "bad family" errors are, so code
    that handles those handles this.
    """

    def __init__(self, message: str) -> None:
        super().__init__(errno.EAFNOSUPPORT, message)


class FamilyConflictError(FamilyError):
    """Two plugins claim one family (or one constant); the message names both distributions."""


class PluginWarning(UserWarning):
    """A family plugin was skipped; ``famsock families`` shows it with the reason."""
