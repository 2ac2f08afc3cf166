"""What a process imports: the cold-start checks for famsock and every plugin's tests.

A plugin whose distribution declares its AF numbers (entry-point group
``famsock.family_numbers``) is imported by a process's first address call of one of its
families, and by any question only every plugin answers (a constant no stdlib has, ``famsock
families``, a family by name); an undeclared one by every process's first address call of any
family. Either way, what its entry-point module imports is paid by programs that never use its
messaging layer, asyncio or CLI: it must import its family's codec and constants, and leave the
rest to first use. These helpers count the modules a fresh interpreter imports, never time them,
so the checks are deterministic::

    from famsock.testing.imports import COLD, first_bind_imports

    def test_a_program_binding_another_family_does_not_import_the_plugin() -> None:
        assert first_bind_imports("inet", "myfamily") == first_bind_imports("inet")

    def test_loading_the_plugin_imports_only_its_family() -> None:
        loaded = first_bind_imports("inet", "myfamily", every_plugin=True)
        assert sorted(loaded - first_bind_imports("inet", every_plugin=True)) == [
            "famsock_myfamily", "famsock_myfamily._codec"]
        assert COLD.isdisjoint(loaded)

The interpreter runs with ``-S``: site's ``.pth`` files (editable installs' finders) import
``re``, ``contextlib``, ``pathlib``... before anything else, which would hide them. famsock and the
plugins kept are put on the path instead, after site-packages (where the entry points are read).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

__all__ = ["COLD", "FIRST_BIND", "blocked_but", "first_bind_imports", "run_probe"]

#: Modules no process that binds and sends a datagram imports because of famsock or a plugin
#: (issue 12: each costs a noticeable share of the stdlib's whole process start).
COLD = frozenset({
    "pluggy", "inspect", "dataclasses", "typing", "threading", "warnings", "importlib.metadata", "ctypes",
    "contextlib", "ast", "dis", "tokenize", "asyncio", "selectors", "json", "argparse", "re", "signal",
})

#: A program's first bind() and datagram: an INET UDP socket on loopback; with ``every_plugin``,
#: a question that loads every plugin; then every hook of each plugin module that loaded, called
#: again (what the CLI or a kit would ask of it).
FIRST_BIND = """
import sys
import socket
baseline = set(sys.modules)
import famsock
s = famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
s.sendto(b"x", s.getsockname())
assert s.recvfrom(8)[0] == b"x"
s.close()
if {every_plugin!r}:
    from famsock._registry import registry
    registry.ensure_loaded()
for name in {modules!r}:
    module = sys.modules.get(name)
    for attribute in dir(module) if module is not None else ():
        hook = getattr(module, attribute)
        if attribute.startswith("famsock_") and callable(hook):
            hook()
print(" ".join(sorted(set(sys.modules) - baseline)))
"""


def _entry_points() -> list[tuple[str, str]]:
    """(entry-point name, top-level module) of every installed plugin."""
    from famsock._entrypoints import entry_points  # noqa: PLC0415 - the core's own reader
    from famsock._registry import GROUP  # noqa: PLC0415

    return [(e.name, e.value.split(":")[0].split(".")[0]) for e in entry_points(GROUP) if e.value]


def blocked_but(*kept: str) -> str:
    """``FAMSOCK_BLOCK_PLUGINS`` for every installed plugin but the entry points ``kept``."""
    return ",".join(name for name, _ in _entry_points() if name not in kept)


def _root(module: str) -> str | None:
    """The sys.path entry ``module`` is imported from."""
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        return None
    origin = Path(spec.origin)
    return str(origin.parent.parent if spec.submodule_search_locations is not None else origin.parent)


def run_probe(code: str, *kept: str, path: str = "auto") -> set[str]:
    """Run ``code`` (which prints module names, space-separated) in a fresh ``-S`` interpreter with
    only the plugins ``kept`` loadable and the syscall path ``path``; return what it printed."""
    modules = [module for name, module in _entry_points() if name in kept]
    roots = [sysconfig.get_paths()["purelib"], *filter(None, map(_root, ["famsock", *modules]))]
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(dict.fromkeys(roots)),
                   "FAMSOCK_SYSCALL_PATH": path, "FAMSOCK_BLOCK_PLUGINS": blocked_but(*kept)}
    done = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True,
                          env=environment, timeout=60, check=False)
    if done.returncode != 0:
        raise AssertionError(f"the probe failed (status {done.returncode}):\n{done.stderr}")
    return set(done.stdout.split())


def first_bind_imports(*kept: str, path: str = "auto", every_plugin: bool = False) -> set[str]:
    """Modules :data:`FIRST_BIND` imports beyond ``import socket``, with only the plugins ``kept``
    (entry-point names) loadable: the core's and those it loads (all ``kept`` with
    ``every_plugin``)."""
    modules = [module for name, module in _entry_points() if name in kept]
    return run_probe(FIRST_BIND.format(modules=modules, every_plugin=every_plugin), *kept, path=path)
