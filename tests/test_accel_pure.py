"""The pure-Python path, tested on every run: where the C accelerator is in use, the tests of the
socket object's address methods run again in a child pytest with ``FAMSOCK_ACCELERATOR=0``.

Where it is not in use (not built, or switched off), the whole run is the pure-Python path and
this has nothing to add.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from famsock._socket_object import accelerator

HERE = Path(__file__).resolve().parent

#: the test modules whose sockets go through sendto()/recvfrom() and their slow paths
MODULES = ["test_socket_object.py", "test_differential.py", "test_syscall_modes.py", "test_msg_trunc.py",
           "test_socket_methods.py", "test_raw_hardening.py", "test_audit.py", "test_memo_threads.py",
           "test_drop_in.py"]


@pytest.mark.skipif(accelerator() != "c", reason="this whole run is the pure-Python path")
def test_the_socket_tests_pass_without_the_accelerator() -> None:
    environment = {**os.environ, "FAMSOCK_ACCELERATOR": "0"}
    command = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
               *(str(HERE / name) for name in MODULES)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=900, env=environment,
                          cwd=HERE.parent)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
    assert " passed" in done.stdout.splitlines()[-1]


def test_the_child_runs_the_pure_path() -> None:
    """What the child's FAMSOCK_ACCELERATOR=0 does: the Python methods stay the class's."""
    code = ("import famsock, famsock._socket_object as s; famsock.socket().close(); "
            "print(s.accelerator(), type(famsock.socket.__dict__['sendto']).__name__)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "FAMSOCK_ACCELERATOR": "0"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["python", "(FAMSOCK_ACCELERATOR=0)", "function"]
