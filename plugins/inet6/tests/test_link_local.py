"""Link-local addresses (fe80::1 on the private loopback): scopes in, scopes out.

The stdlib reports a link-local address as ``('fe80::1', port, 0, scope_id)``: the scope in
``scope_id``, never as ``%lo`` in the host. It takes a ``%scope`` in the host but then overwrites
it with the tuple's ``scope_id`` (0 by default); famsock keeps it.
"""

from __future__ import annotations

import errno
import socket as stdlib
from collections.abc import Callable
from typing import Any

import pytest
from famsock_inet6 import Inet6Address

import famsock

pytestmark = pytest.mark.usefixtures("no_fd_leak", "link_local")

Call = Callable[[Any, Any], Any]
METHODS: dict[str, Call] = {
    "bind": lambda s, a: s.bind(a),
    "connect": lambda s, a: s.connect(a),
    "connect_ex": lambda s, a: s.connect_ex(a),
    "sendto": lambda s, a: s.sendto(b"x", a),
}


def test_bound_address_carries_the_scope_in_scope_id_as_the_stdlib(syscall_path: str,
                                                                   link_local: int) -> None:
    with famsock.socket(famsock.AF_INET6, famsock.SOCK_DGRAM) as ours, \
            stdlib.socket(stdlib.AF_INET6, stdlib.SOCK_DGRAM) as theirs:
        ours.bind(("fe80::1%lo", 0))
        theirs.bind(("fe80::1", 0, 0, link_local))
        port = ours.getsockname().port
        assert ours.getsockname() == ("fe80::1", port, 0, link_local)
        assert theirs.getsockname() == ("fe80::1", theirs.getsockname()[1], 0, link_local)
        assert famsock.address_to_text(ours.getsockname()) == f"inet6:[fe80::1%lo]:{port}"
        text = famsock.address_to_text(ours.getsockname())
        assert famsock.address_from_text(text) == ours.getsockname()


@pytest.mark.parametrize("value", [("fe80::1", 0), ("fe80::1", 0, 0, 0), ("fe80::1", 0, 0, 999_999)])
def test_the_kernel_refuses_a_missing_or_unknown_scope_alike(syscall_path: str, value: Any) -> None:
    with famsock.socket(famsock.AF_INET6, famsock.SOCK_DGRAM) as ours, \
            stdlib.socket(stdlib.AF_INET6, stdlib.SOCK_DGRAM) as theirs:
        with pytest.raises(OSError) as expected:
            theirs.bind(value)
        with pytest.raises(OSError) as caught:
            ours.bind(value)
        assert type(caught.value) is type(expected.value)
        assert caught.value.errno == expected.value.errno
        assert expected.value.errno in (errno.EINVAL, errno.ENODEV)


@pytest.mark.parametrize("host", ["fe80::1%lo", "fe80::1%1"])
def test_a_host_scope_is_kept_where_the_stdlib_drops_it(syscall_path: str, host: str) -> None:
    if host.endswith("%1") and stdlib.if_nametoindex("lo") != 1:
        pytest.skip("lo is not interface 1 here")
    with famsock.socket(famsock.AF_INET6, famsock.SOCK_DGRAM) as ours, \
            stdlib.socket(stdlib.AF_INET6, stdlib.SOCK_DGRAM) as theirs:
        with pytest.raises(OSError) as dropped:
            theirs.bind((host, 0))  # the stdlib binds with scope_id 0: no interface
        assert dropped.value.errno == errno.EINVAL
        ours.bind((host, 0))
        assert ours.getsockname().scope_id == stdlib.if_nametoindex("lo")


@pytest.mark.parametrize("method", METHODS)
def test_a_host_scope_and_a_different_scope_id_are_a_value_error(
        syscall_path: str, link_local: int, method: str) -> None:
    value = ("fe80::1%lo", 0, 0, link_local + 1)
    with stdlib.socket(stdlib.AF_INET6, stdlib.SOCK_DGRAM) as theirs:
        try:  # the stdlib goes with scope_id: an interface that is not there
            outcome = METHODS[method](theirs, value)
        except OSError as exc:
            outcome = exc.errno
        assert outcome in (errno.ENODEV, errno.EINVAL, errno.ENETUNREACH)
    with famsock.socket(famsock.AF_INET6, famsock.SOCK_DGRAM) as ours, pytest.raises(ValueError) as caught:
        METHODS[method](ours, value)
    assert str(caught.value) == (f"AF_INET6 host 'fe80::1%lo' has scope {link_local}, but scope_id is "
                                 f"{link_local + 1}: give the scope once, or the same in both")


def test_the_stdlib_wraps_a_scope_id_beyond_32_bits_famsock_refuses_it(syscall_path: str,
                                                                       link_local: int) -> None:
    with stdlib.socket(stdlib.AF_INET6, stdlib.SOCK_DGRAM) as server, \
            stdlib.socket(stdlib.AF_INET6, stdlib.SOCK_DGRAM) as theirs, \
            famsock.socket(famsock.AF_INET6, famsock.SOCK_DGRAM) as ours:
        server.bind(("fe80::1", 0, 0, link_local))
        port = server.getsockname()[1]
        theirs.connect(("fe80::1", port, 0, 2**32 + link_local))
        assert theirs.getpeername() == ("fe80::1", port, 0, link_local)  # silently wrapped
        message = f"AF_INET6 scope_id must be 0-4294967295, got {2**32 + link_local}"
        with pytest.raises(OverflowError, match=message):
            ours.connect(("fe80::1", port, 0, 2**32 + link_local))


def test_a_peer_reached_through_a_scoped_text_form(syscall_path: str, link_local: int) -> None:
    with stdlib.socket(stdlib.AF_INET6) as server:
        server.bind(("fe80::1", 0, 0, link_local))
        server.listen()
        server.settimeout(5)
        port = server.getsockname()[1]
        with famsock.socket(famsock.AF_INET6) as client:
            client.settimeout(5)
            client.connect(famsock.address_from_text(f"inet6:[fe80::1%lo]:{port}"))
            conn, peer = server.accept()
            with conn:
                assert client.getpeername() == server.getsockname() == conn.getsockname()
                assert type(client.getpeername()) is Inet6Address
                assert peer == client.getsockname()
