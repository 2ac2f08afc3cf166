"""Fixtures for AF_INET6 tests on the real kernel: addresses and routes on the private loopback.

Each is added only inside the session's private network namespace (``isolated_network``
guarantees it), with iproute2's ``ip``; what a fixture adds for one test it removes afterwards.
"""

from __future__ import annotations

import shutil
import socket as stdlib
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

LINK_LOCAL = "fe80::1"
EXTRA_ADDRESS = "fd00::f5"  # a unique local address: a second source address on lo
MULTICAST_GROUP = "ff15::f00d"  # site-local scope, transient: nobody else's group


def _bindable(host: str, scope_id: int) -> bool:
    with stdlib.socket(stdlib.AF_INET6, stdlib.SOCK_DGRAM) as sock:
        try:
            sock.bind((host, 0, 0, scope_id))
        except OSError:
            return False
    return True


def _ip(*arguments: str) -> subprocess.CompletedProcess[str]:
    ip = shutil.which("ip")
    if ip is None:
        pytest.skip("needs the ip command (iproute2) to configure the private loopback")
    return subprocess.run([ip, *arguments], capture_output=True, text=True, check=False, timeout=30)


@contextmanager
def _configured(kind: str, *spec: str) -> Iterator[None]:
    """``ip -6 KIND add SPEC...`` for the block, ``del`` after; the test skips if refused."""
    done = _ip("-6", kind, "add", *spec)
    if done.returncode != 0:
        pytest.skip(f"cannot add to the private loopback: ip -6 {kind} add {' '.join(spec)}: "
                    f"{done.stderr.strip()}")
    try:
        yield
    finally:
        _ip("-6", kind, "del", *spec)


@pytest.fixture
def link_local(isolated_network: None) -> int:
    """``fe80::1`` on ``lo`` (added if missing, and kept: lo has no link-local address of its
    own); returns lo's index, the scope to use."""
    scope_id = stdlib.if_nametoindex("lo")
    if _bindable(LINK_LOCAL, scope_id):
        return scope_id
    # "nodad" in case the kernel would run DAD on it
    done = _ip("-6", "addr", "replace", f"{LINK_LOCAL}/64", "dev", "lo", "nodad")
    if done.returncode != 0:
        pytest.skip(f"cannot add {LINK_LOCAL} to the private loopback: {done.stderr.strip()}")
    assert _bindable(LINK_LOCAL, scope_id), f"{LINK_LOCAL}%lo added but not bindable"
    return scope_id


@pytest.fixture
def extra_address(isolated_network: None) -> Iterator[str]:
    """``fd00::f5`` on ``lo`` for one test: a source address other than ::1."""
    with _configured("addr", f"{EXTRA_ADDRESS}/128", "dev", "lo", "nodad"):
        assert _bindable(EXTRA_ADDRESS, 0), f"{EXTRA_ADDRESS} added but not bindable"
        yield EXTRA_ADDRESS


@pytest.fixture
def multicast_group(isolated_network: None) -> Iterator[str]:
    """``ff15::f00d`` routed to this host through ``lo``, for one test.

    IPv6 sends nothing to a group without a route, and the kernel makes an ordinary route
    through ``lo`` a reject route (fib6_is_reject): only a ``local`` route is kept. It hands
    the group's datagrams to local delivery, where each socket's membership is still checked.
    """
    with _configured("route", "local", f"{MULTICAST_GROUP}/128", "dev", "lo", "table", "local"):
        yield MULTICAST_GROUP
