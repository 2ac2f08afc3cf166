"""Fixtures for AF_UNIX tests: short directories for filesystem sockets.

A socket path must fit in 107 bytes, and pytest's ``tmp_path`` ends in the test's name with its
parameters, which can be longer than that; ``sock_dir`` is a numbered directory from the same
``tmp_path_factory`` (``/tmp/pytest-of-root/pytest-N/u0``), or one directly under ``/tmp``
when the base temporary directory itself is long (``--basetemp``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

_ROOM = 60  # bytes of directory, leaving 47 for names under it


@pytest.fixture
def sock_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """An empty directory with a short path, for socket files."""
    directory = tmp_path_factory.mktemp("u")
    if len(os.fsencode(directory)) <= _ROOM:
        yield directory
        return
    short = Path(tempfile.mkdtemp(prefix="famsock-unix-", dir="/tmp"))
    try:
        yield short
    finally:
        shutil.rmtree(short)

