"""Test vectors from C: compile a generator against the system headers, run it, read its JSON.

Struct layouts and byte images come from the C library and the kernel's UAPI headers, never
from memory. A family keeps its generator (``*.c``) and the JSON it printed side by side in its
tests; its codec tests read the JSON (no compiler needed), and :func:`regenerate` lets a test
prove the JSON is what the headers on this machine produce.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["compiler", "load", "regenerate"]


def compiler() -> str | None:
    """The C compiler to use (``cc`` or ``gcc``), or None when there is none."""
    return shutil.which("cc") or shutil.which("gcc")


def load(path: Path) -> Any:
    """The vectors a generator printed, as committed next to it (``x.c`` -> ``x.json``)."""
    return json.loads(path.with_suffix(".json").read_text())


def regenerate(source: Path) -> Any:
    """Compile and run ``source`` now; return the JSON it prints. Needs :func:`compiler`."""
    cc = compiler()
    if cc is None:
        raise FileNotFoundError("no C compiler (cc or gcc) on PATH")
    with tempfile.TemporaryDirectory() as work:
        program = Path(work) / source.stem
        subprocess.run([cc, "-Wall", "-Werror", "-o", str(program), str(source)], check=True,
                       capture_output=True, text=True)
        output = subprocess.run([str(program)], check=True, capture_output=True, text=True).stdout
    return json.loads(output)
