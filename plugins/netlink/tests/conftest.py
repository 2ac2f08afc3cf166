"""Fixtures for netlink tests on the real kernel: a network namespace of the test's own, with links.

Only addresses of the benchmarking ranges 198.18.0.0/15 and 2001:db8::/32 are added. Sockets made
on ``NamespaceLab.run``'s thread live in the namespace (a socket stays in the namespace it was
made in), so a test creates its connections there and uses them from its own thread.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest

from famsock.testing.netns import multi_host_unusable, named_namespace, namespace_thread, run_ip

T = TypeVar("T")
FAMSOCK = "famsock"


class NamespaceLab:
    """A named namespace with veth ``lab0``/``lab1`` (addresses on ``lab0``) and bridge ``labbr``."""

    def __init__(self, name: str, executor: ThreadPoolExecutor) -> None:
        self.name = name
        self._executor = executor

    def run(self, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``call`` on the namespace's thread (sockets made there are the namespace's)."""
        return self._executor.submit(call, *args, **kwargs).result(timeout=60)

    def ip(self, *arguments: str) -> str:
        return run_ip("-n", self.name, *arguments)

    @property
    def program(self) -> str:
        """The ``famsock`` command of this environment (next to this Python, else on PATH)."""
        beside = Path(sys.executable).with_name(FAMSOCK)
        return str(beside) if beside.exists() else shutil.which(FAMSOCK) or FAMSOCK

    def famsock(self, *arguments: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        """The ``famsock`` command, run inside the namespace."""
        return subprocess.run(["ip", "netns", "exec", self.name, self.program, *arguments],
                              capture_output=True, text=True, timeout=timeout, check=False)


@pytest.fixture
def lab() -> Iterator[NamespaceLab]:
    why = multi_host_unusable()
    if why:
        pytest.skip(why)
    with named_namespace("fsnl") as name, namespace_thread(name) as executor:
        run_ip("-n", name, "link", "add", "lab0", "type", "veth", "peer", "name", "lab1")
        run_ip("-n", name, "link", "add", "labbr", "type", "bridge")
        run_ip("-n", name, "link", "set", "lab0", "up")
        run_ip("-n", name, "address", "add", "198.18.0.1/24", "dev", "lab0")
        run_ip("-n", name, "address", "add", "198.19.1.2/16", "dev", "lab0")
        run_ip("-n", name, "address", "add", "2001:db8::1/64", "dev", "lab0", "nodad")
        yield NamespaceLab(name, executor)
