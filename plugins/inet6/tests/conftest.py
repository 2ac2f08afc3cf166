"""Fixtures for AF_INET6 tests on the real kernel: a link-local address on the private loopback."""

from __future__ import annotations

import shutil
import socket as stdlib
import subprocess

import pytest

LINK_LOCAL = "fe80::1"


def _bindable(host: str, scope_id: int) -> bool:
    with stdlib.socket(stdlib.AF_INET6, stdlib.SOCK_DGRAM) as sock:
        try:
            sock.bind((host, 0, 0, scope_id))
        except OSError:
            return False
    return True


@pytest.fixture
def link_local(isolated_network: None) -> int:
    """``fe80::1`` on ``lo`` (added if missing: only ever inside the session's private network
    namespace, which ``isolated_network`` guarantees); returns lo's index, the scope to use."""
    scope_id = stdlib.if_nametoindex("lo")
    if _bindable(LINK_LOCAL, scope_id):
        return scope_id
    ip = shutil.which("ip")
    if ip is None:
        pytest.skip("needs the ip command (iproute2) to add fe80::1 to the private loopback")
    # lo has no link-local address of its own; "nodad" in case the kernel would run DAD on it
    done = subprocess.run([ip, "-6", "addr", "replace", f"{LINK_LOCAL}/64", "dev", "lo", "nodad"],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot add {LINK_LOCAL} to the private loopback: {done.stderr.strip()}")
    assert _bindable(LINK_LOCAL, scope_id), f"{LINK_LOCAL}%lo added but not bindable"
    return scope_id
