"""Importing famsock stays cheap: plugins, pluggy and ctypes load at first use, not before."""

from __future__ import annotations

import json
import os
import subprocess
import sys

HEAVY = ["pluggy", "ctypes", "importlib.metadata", "dataclasses", "typing", "threading",
         "famsock._registry", "famsock.contract", "famsock_inet"]

PROBE = """
import json, sys
import socket
baseline = set(sys.modules)
{code}
print(json.dumps(sorted(set(sys.modules) - baseline)))
"""


def modules_added_by(code: str) -> list[str]:
    """Modules ``code`` imports beyond what ``import socket`` (and this interpreter's start) does."""
    # the native path, whatever path this run asks for: what it imports is what is measured here
    environment = {**os.environ, "FAMSOCK_SYSCALL_PATH": "auto"}
    result = subprocess.run([sys.executable, "-c", PROBE.format(code=code)],
                            capture_output=True, text=True, check=True, env=environment)
    added: list[str] = json.loads(result.stdout)
    return added


def test_import_and_open_a_socket_loads_no_plugin() -> None:
    added = modules_added_by("import famsock\nfamsock.socket(famsock.AF_INET, famsock.SOCK_STREAM).close()")
    assert [name for name in HEAVY if name in added] == []


def test_the_first_address_call_loads_plugins_but_not_importlib_metadata() -> None:
    added = modules_added_by("import famsock\ns = famsock.socket()\ns.bind(('127.0.0.1', 0))\ns.close()")
    assert "famsock_inet" in added and "pluggy" in added
    assert "importlib.metadata" not in added
    assert "ctypes" not in added  # the native path needs no libc bridge


def test_the_raw_path_loads_ctypes() -> None:
    added = modules_added_by("import famsock\nfamsock.set_syscall_path('raw')\n"
                             "s = famsock.socket()\ns.bind(('127.0.0.1', 0))\ns.close()")
    assert "ctypes" in added
