"""``famsock.patch_stdlib()``: make modules already imported create famsock sockets, reversibly.

Two ways make famsock the process's ``socket`` module:

- ``sys.modules["socket"] = famsock`` before anything else imports ``socket``: every module
  imported afterwards gets famsock itself (``ssl.SSLSocket`` then subclasses famsock's class);
- :func:`patch_stdlib` once modules are imported, as gevent's monkey patching does: the stdlib's
  ``socket`` module gets famsock's ``socket`` class and the functions that make sockets or
  addresses, and so does every other imported module whose namespace holds one of those stdlib
  objects, under any name (``from socket import create_connection`` in ssl). Modules imported
  while patched get famsock's objects and keep them. :func:`unpatch_stdlib` puts back exactly
  what was replaced, where famsock's object is still in place.

``socket.SocketType`` is left alone: it is the C base class of every socket (``_socket.socket``),
so ``isinstance(s, socket.SocketType)`` holds for famsock's sockets already, and replacing it
would make it fail for the stdlib sockets that ssl and code imported earlier still create.
Classes created from the stdlib's class before patching keep it as their base (ssl's
``SSLSocket``): their instances, sockets that ``ssl`` wraps, answer with the stdlib's addresses.
"""

from __future__ import annotations

import sys
import threading
from types import ModuleType

from . import _connections

# The stdlib's module as famsock found it at import: ``import socket`` here could give famsock
# itself, should this module first be imported after ``sys.modules["socket"] = famsock``.
_std = _connections.stdlib_module

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs 3.6 ms
if TYPE_CHECKING:
    from typing import Any

__all__ = ["StdlibPatch", "patch_stdlib", "unpatch_stdlib"]

#: What famsock replaces in the stdlib's ``socket``: what makes sockets, or takes or gives addresses.
REPLACED_NAMES = ("socket", "socketpair", "fromfd", "create_connection", "create_server", "getaddrinfo",
                  "inet_pton", "inet_ntop")
_PACKAGE = __name__.rpartition(".")[0]

#: Never patched: famsock and its plugins keep the stdlib's objects they hold, and ``_socket``'s
#: functions are what famsock's own functions call.
_KEPT_PREFIX = "famsock"
_KEPT = frozenset({"_socket"})


class _Replacement:
    """One name of one module's namespace, from ``original`` to ``replacement``."""

    __slots__ = ("module", "name", "namespace", "original", "replacement")

    def __init__(self, module: str, namespace: dict[str, Any], name: str, original: Any,
                 replacement: Any) -> None:
        self.module, self.namespace, self.name = module, namespace, name
        self.original, self.replacement = original, replacement


_lock = threading.Lock()
_active: list[_Replacement] | None = None


class StdlibPatch:
    """What :func:`patch_stdlib` replaced: ``replaced`` lists ``(module, name)`` pairs.

    As a context manager, it undoes the patch on exit if this call made it (a call made while
    the stdlib was patched already changes nothing, and its exit leaves the patch in place).
    """

    __slots__ = ("made", "replaced")

    def __init__(self, replaced: tuple[tuple[str, str], ...], made: bool) -> None:
        self.replaced = replaced
        self.made = made

    def __enter__(self) -> StdlibPatch:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.made:
            unpatch_stdlib()

    def __repr__(self) -> str:
        return f"<famsock.StdlibPatch: {len(self.replaced)} names replaced, made={self.made}>"


def patch_stdlib() -> StdlibPatch:
    """Make the stdlib's ``socket`` module, and every imported module holding its functions or
    class by identity, create famsock sockets. Patching twice changes nothing."""
    global _active
    with _lock:
        if _active is not None:
            return StdlibPatch(_described(_active), made=False)
        package = sys.modules[_PACKAGE]
        pairs = {id(original): (original, getattr(package, name))
                 for name in REPLACED_NAMES if (original := getattr(_std, name, None)) is not None}
        replaced = [*_replace_in(_std, pairs)]
        for module in _other_modules():
            replaced.extend(_replace_in(module, pairs))
        _connections.home = _std  # famsock's module functions now use socket.socket, as the stdlib's
        _active = replaced
        return StdlibPatch(_described(replaced), made=True)


def unpatch_stdlib() -> bool:
    """Put back what :func:`patch_stdlib` replaced (names since set to something else are left
    as they are); False when the stdlib was not patched."""
    global _active
    with _lock:
        if _active is None:
            return False
        for replacement in reversed(_active):
            if replacement.namespace.get(replacement.name) is replacement.replacement:
                replacement.namespace[replacement.name] = replacement.original
        _connections.home = None
        _active = None
        return True


def _described(replaced: list[_Replacement]) -> tuple[tuple[str, str], ...]:
    return tuple((r.module, r.name) for r in replaced)


def _other_modules() -> list[ModuleType]:
    """Imported modules other than the stdlib's ``socket``, ``_socket``, famsock and its plugins."""
    found: dict[int, ModuleType] = {id(_std): _std}
    for key, module in list(sys.modules.items()):
        if not isinstance(module, ModuleType) or id(module) in found:
            continue
        name = _namespace(module).get("__name__", key)
        if any(n in _KEPT or (isinstance(n, str) and n.startswith(_KEPT_PREFIX)) for n in (key, name)):
            continue
        found[id(module)] = module
    del found[id(_std)]
    return list(found.values())


def _namespace(module: ModuleType) -> dict[str, Any]:
    # Not getattr(): a lazily loaded module (importlib.util.LazyLoader) must not load because of this.
    namespace: dict[str, Any] = object.__getattribute__(module, "__dict__")
    return namespace


def _replace_in(module: ModuleType, pairs: dict[int, tuple[Any, Any]]) -> list[_Replacement]:
    namespace = _namespace(module)
    replaced = []
    for name, value in list(namespace.items()):
        pair = pairs.get(id(value))
        if pair is None or pair[0] is not value or not isinstance(name, str):
            continue
        namespace[name] = pair[1]
        replaced.append(_Replacement(str(namespace.get("__name__", "?")), namespace, name, value, pair[1]))
    return replaced
