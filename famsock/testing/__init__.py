"""famsock.testing: pytest support for famsock and for family plugins.

Loaded by pytest automatically (the ``pytest11`` entry point) wherever famsock is installed; it
adds nothing to a run until asked:

- ini option ``famsock_netns = true``: run the session in a private network namespace (see
  :mod:`famsock.testing.netns`); the ``isolated_network`` fixture skips tests that need it when
  that was not possible.
- fixture ``syscall_path``: run a test once on the native path and once on the raw path.
- fixture ``no_fd_leak``: fail a test that leaves a file descriptor open (or closes one it did
  not open), naming each; ``pytestmark = pytest.mark.usefixtures("no_fd_leak")`` for a module.
- marker ``@pytest.mark.family("unix")``: skip, with the reason, when that family is not
  installed or the kernel cannot open its sockets.
- hypothesis, when installed: the ``famsock`` settings profile is loaded for every run
  (derandomized, bounded example counts, so local runs reproduce CI); set
  ``FAMSOCK_HYPOTHESIS_PROFILE=fuzz`` for 20 times the examples, random.

Kits a family plugin runs on itself, by subclassing in its own tests:

- :mod:`famsock.testing.codec_kit` (``CodecConformance``): the codec against a table of rows
  (the stdlib's value, user values, sockaddr bytes from C, text form, refusals); no kernel.
- :mod:`famsock.testing.conformance` (``FamilyConformance``): on the real kernel, over the
  family's loopbacks, on both syscall paths; skips, with the reason, where there are none.
- :mod:`famsock.testing.properties` (``FamilyProperties``): hypothesis properties every codec
  has, over the family's strategies (imports hypothesis).

Helpers (:mod:`famsock.testing.compare`, the names below are importable from here too):

- ``outcome(call, *args)`` -> ``Outcome("returned", result)`` or ``Outcome("raised", type,
  errno)``; ``same_outcome(famsock_call, stdlib_call)`` asserts two calls end alike;
  ``raised_by(call, *args)`` the exception or ``None``;
- ``plain(address)``: a typed address as the stdlib's exact ``tuple``/``str``/``bytes``;
- ``stdlib_view(sock)`` / ``stdlib_names(sock)``: a plain ``socket.socket`` on a duplicate of a
  socket's fd, and its ``(getsockname(), getpeername() or None)``; ``famsock_view(sock, path)``:
  a famsock socket on a duplicate, on the ``"native"`` or ``"raw"`` path;
  ``kernel_sockname(sock)`` / ``kernel_peername(sock)``: the sockaddr bytes the kernel reports,
  through libc directly;
- ``open_fds()`` and the ``fds_unchanged()`` context manager (what ``no_fd_leak`` uses);
- ``syscall_path(mode)``: a context manager choosing the path (``"auto"``, ``"raw"``) for sockets
  whose path is chosen inside it.

Also: :mod:`famsock.testing.c_vectors` (test vectors printed by a C program from the headers),
:mod:`famsock.testing.strategies` (hypothesis strategies for socket arguments and user values;
imports hypothesis) and :mod:`famsock.testing.netns` (private network namespaces, named ones
joined by veth pairs).
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from .._backends import set_syscall_path

if TYPE_CHECKING:
    from collections.abc import Iterator

    from .compare import (
        Outcome,
        famsock_view,
        fds_unchanged,
        kernel_peername,
        kernel_sockname,
        open_fds,
        outcome,
        plain,
        raised_by,
        same_outcome,
        stdlib_names,
        stdlib_view,
    )

__all__ = [
    "Outcome",
    "famsock_view",
    "fds_unchanged",
    "kernel_peername",
    "kernel_sockname",
    "open_fds",
    "outcome",
    "plain",
    "raised_by",
    "same_outcome",
    "stdlib_names",
    "stdlib_view",
    "syscall_path",
]


def __getattr__(name: str) -> Any:
    """The helpers of :mod:`famsock.testing.compare`, imported on first use: pytest loads this
    package in every run, and most runs never ask for them."""
    if name in __all__:
        from . import compare  # noqa: PLC0415

        return getattr(compare, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@contextmanager
def syscall_path(mode: str) -> Iterator[str]:
    """Choose the syscall path (``"auto"`` or ``"raw"``) for sockets made inside the block."""
    previous = set_syscall_path(mode)
    try:
        yield mode
    finally:
        set_syscall_path(previous)
