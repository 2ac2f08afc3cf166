"""Fixtures for AF_UNIX tests: short directories for filesystem sockets, and bind(2) as a C program
may call it. (Descriptor leaks: famsock.testing's ``no_fd_leak`` fixture and ``open_fds()``.)

A socket path must fit in 107 bytes, and pytest's ``tmp_path`` ends in the test's name with its
parameters, which can be longer than that; ``sock_dir`` is a numbered directory from the same
``tmp_path_factory`` (``/tmp/pytest-of-root/pytest-N/u0``), or one directly under ``/tmp``
when the base temporary directory itself is long (``--basetemp``).
"""

from __future__ import annotations

import ctypes
import os
import shutil
import socket
import sys
import tempfile
from collections.abc import Callable, Iterator
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




def _bind_unterminated(sock: socket.socket, path: bytes) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    sockaddr = socket.AF_UNIX.to_bytes(2, sys.byteorder) + path
    if libc.bind(sock.fileno(), sockaddr, len(sockaddr)) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))


@pytest.fixture
def bind_like_c() -> Callable[[socket.socket, bytes], None]:
    """``bind_like_c(sock, path)``: bind(2) with all of ``path`` as sun_path and no NUL after it,
    as a C program may (Linux takes a 108-byte path so; the stdlib cannot bind one)."""
    return _bind_unterminated
