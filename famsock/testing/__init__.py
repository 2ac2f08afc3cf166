"""famsock.testing: pytest support for famsock and for family plugins.

Loaded by pytest automatically (the ``pytest11`` entry point) wherever famsock is installed; it
adds nothing to a run until asked:

- ini option ``famsock_netns = true``: run the session in a private network namespace (see
  :mod:`famsock.testing.netns`); the ``isolated_network`` fixture skips tests that need it when
  that was not possible.
- fixture ``syscall_path``: run a test once on the native path and once on the raw path.
- marker ``@pytest.mark.family("unix")``: skip, with the reason, when that family is not
  installed or the kernel cannot open its sockets.

- hypothesis, when installed: the ``famsock`` settings profile is loaded for every run
  (derandomized, bounded example counts, so local runs reproduce CI); set
  ``FAMSOCK_HYPOTHESIS_PROFILE=fuzz`` for 20 times the examples, random.

Also here: :mod:`famsock.testing.conformance` (the checks every family plugin runs on itself),
:mod:`famsock.testing.c_vectors` (test vectors printed by a C program from the headers),
:mod:`famsock.testing.strategies` (hypothesis strategies for socket arguments and user values)
and :mod:`famsock.testing.netns` (private network namespaces, named ones joined by veth pairs).
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING

from .._paths import set_syscall_path

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["syscall_path"]


@contextmanager
def syscall_path(mode: str) -> Iterator[str]:
    """Choose the syscall path (``"auto"`` or ``"raw"``) for sockets made inside the block."""
    previous = set_syscall_path(mode)
    try:
        yield mode
    finally:
        set_syscall_path(previous)
