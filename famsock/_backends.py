"""How a socket's address-taking calls reach the kernel: one backend per (family, type, proto).

- :class:`~famsock._native_backend.NativeBackend`: the plugin validates, the interpreter's own C
  method does the call. The fast path, where the interpreter handles the family and this
  socket's type and protocol (the plugin says so with ``Family.native``).
- :class:`~famsock._raw_backend.RawBackend`: the plugin validates and encodes ``struct sockaddr``
  bytes, libc does the call (:mod:`famsock._raw_calls`). Works for every family; forced by
  ``FAMSOCK_SYSCALL_PATH=raw`` or :func:`set_syscall_path` (the "syscall path" users choose is
  the backend).
- :class:`~famsock._passthrough_backend.PassthroughBackend`: no plugin claims the family, so
  famsock does what the stdlib does: values and results pass through untouched; where the
  interpreter cannot read the family's addresses at all ("bad family"), results come from libc
  as ``RawSockaddr``.

Every backend takes a :class:`~famsock.RawSockaddr` in every address method, to libc as it is.

A backend is chosen at a socket's first address-taking call and shared by every socket of the
same (family, type, proto): it carries the ``SocketSpec`` its plugin calls get. Typed addresses
are immutable and valid by construction (the contract), so backends skip ``parse`` for them and
memoize ``decode``/``from_native`` by the kernel's bytes or the stdlib's value; user values are
the plugin's to cache in ``parse``, since only it knows when a value's meaning can change (host
names do). What plugins return is checked where it enters (:mod:`famsock._boundary`).

``sendmsg``/``recvmsg``/``recvmsg_into`` take the same routes, their ancillary data untouched by
the plugin. Should a received address fail to convert, the descriptors that came with the
message (SCM_RIGHTS) are closed before the error propagates, as the stdlib does with its own
failures: nobody else could ever close them. The parts the backends share, and why their
caches need no locks, are :mod:`famsock._backend_parts`.
"""

from __future__ import annotations

import _thread
import os

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs 3.6 ms
if TYPE_CHECKING:
    from typing import Any, TypeAlias

    from ._native_backend import NativeBackend
    from ._passthrough_backend import PassthroughBackend
    from ._raw_backend import RawBackend
    from ._registry import Registry
    from .contract import Family, SocketSpec

    Backend: TypeAlias = "NativeBackend | RawBackend | PassthroughBackend"

__all__ = ["MODES", "Backend", "backend_for", "get_syscall_path", "set_syscall_path"]

MODES = ("auto", "raw")
ENVIRONMENT = "FAMSOCK_SYSCALL_PATH"


# -- which backend a socket gets --------------------------------------------------------------------

def _initial_mode() -> str:
    mode = os.environ.get(ENVIRONMENT, "auto") or "auto"
    if mode not in MODES:
        raise ValueError(f"{ENVIRONMENT} must be one of {', '.join(MODES)}, got {mode!r}")
    return mode


_mode = _initial_mode()
_backends: dict[tuple[int, int, int], Backend] = {}
_backends_generation = -1
_lock = _thread.allocate_lock()  # not threading: import famsock stays light
_registry: Registry | None = None


def set_syscall_path(mode: str) -> str:
    """Choose ``"auto"`` (native where the plugin offers it) or ``"raw"`` for sockets whose
    backend is not chosen yet (a socket chooses at its first address call); return the previous
    mode."""
    global _mode
    if mode not in MODES:
        raise ValueError(f"syscall path must be one of {', '.join(MODES)}, got {mode!r}")
    with _lock:
        previous, _mode = _mode, mode
        _backends.clear()
    return previous


def get_syscall_path() -> str:
    """The mode new sockets' backends are chosen by: ``"auto"`` or ``"raw"``."""
    return _mode


def backend_for(number: int, type: int, proto: int) -> Backend:
    """The backend for sockets of this family, type and protocol (raises on a family conflict)."""
    global _backends_generation, _registry
    key = (number, type, proto)
    # Without the lock, every socket's first address call: a backend from the table is good while
    # the table holds the registry's current generation (a registration in between: the loop).
    backend = _backends.get(key)
    if backend is not None and _registry is not None and _backends_generation == _registry.generation:
        return backend
    if _registry is None:
        from ._registry import registry  # noqa: PLC0415 - first address call, not import time

        _registry = registry
    while True:
        # The lookup runs outside the lock (loading plugins may open sockets), so another thread
        # may change the registry meanwhile: a backend is only built from a family looked up in
        # the generation the table holds. Each turn is a registration in between: this ends.
        generation = _registry.generation
        family = _registry.lookup(number)  # loads plugins on first use
        with _lock:
            current = _registry.generation
            if _backends_generation != current:
                _backends.clear()
                _backends_generation = current
            backend = _backends.get(key)
            if backend is None and generation == current:
                backend = _backends[key] = _new_backend(family, _spec(number, type, proto), _registry)
        if backend is not None:
            return backend


def _spec(number: int, type: int, proto: int) -> SocketSpec:
    from .contract import SocketSpec  # noqa: PLC0415 - the registry has imported it by now

    return SocketSpec(number, type, proto)


def _new_backend(family: Family[Any] | None, spec: SocketSpec, registry: Registry) -> Backend:
    # Imported here, at a socket's first address call, and only the one needed: import famsock
    # stays as light as it can, and so does a process's first bind() (each import ~0.3 ms).
    if family is None:
        from ._passthrough_backend import PassthroughBackend  # noqa: PLC0415

        return PassthroughBackend(spec, registry)
    native = family.native
    if _mode == "raw" or native is None or (native.applies is not None and not native.applies(spec)):
        from ._raw_backend import RawBackend  # noqa: PLC0415

        return RawBackend(family, spec, registry)
    from ._native_backend import NativeBackend  # noqa: PLC0415

    return NativeBackend(family, spec, registry)
