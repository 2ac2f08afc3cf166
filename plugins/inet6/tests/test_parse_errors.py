"""Bad AF_INET6 inputs: the stdlib's exception type, a message naming family, field and value.

Each input is tried on a stdlib socket and on a famsock socket, on both syscall paths, through
every address-taking method. Where the stdlib silently wraps a value instead of raising, famsock
raises ``OverflowError``.
"""

from __future__ import annotations

import socket as stdlib
from collections.abc import Callable
from typing import Any

import pytest

import famsock
from famsock.testing.compare import raised_by

pytestmark = pytest.mark.usefixtures("no_fd_leak")

BAD = [
    pytest.param(["::1", 80], "must be a tuple", "not list", id="list"),
    pytest.param("[::1]:80", "must be a tuple", "not str", id="str"),
    pytest.param(None, "must be a tuple", "not NoneType", id="none"),
    pytest.param((), "must be a tuple", "got 0 items", id="no-items"),
    pytest.param(("::1",), "must be a tuple", "got 1 items", id="one-item"),
    pytest.param(("::1", 80, 0, 0, 0), "must be a tuple", "got 5 items", id="five-items"),
    pytest.param(("::1", -1), "port must be 0-65535", "got -1", id="port-minus-1"),
    pytest.param(("::1", 65536), "port must be 0-65535", "got 65536", id="port-65536"),
    pytest.param(("::1", 2**64), "port must be 0-65535", "got 18446744073709551616", id="port-2**64"),
    pytest.param(("::1", "80"), "port must be an integer", "not str: '80'", id="port-str"),
    pytest.param(("::1", 80.0), "port must be an integer", "not float: 80.0", id="port-float"),
    pytest.param(("::1", None), "port must be an integer", "not NoneType", id="port-none"),
    pytest.param(("::1", 80, 2**20), "flowinfo must be 0-1048575", "got 1048576", id="flowinfo-2**20"),
    pytest.param(("::1", 80, -1), "flowinfo must be 0-1048575", "got -1", id="flowinfo-minus-1"),
    pytest.param(("::1", 80, 2**32 - 1), "flowinfo must be 0-1048575", "got 4294967295",
                 id="flowinfo-2**32-1"),
    pytest.param(("::1", 80, "0"), "flowinfo must be an integer", "not str: '0'", id="flowinfo-str"),
    pytest.param(("::1", 80, 0.0), "flowinfo must be an integer", "not float", id="flowinfo-float"),
    pytest.param(("::1", 80, 0, "1"), "scope_id must be an integer", "not str: '1'", id="scope-str"),
    pytest.param(("::1", 80, 0, 1.0), "scope_id must be an integer", "not float", id="scope-float"),
    pytest.param(("::1", 80, 0, None), "scope_id must be an integer", "not NoneType", id="scope-none"),
    pytest.param(("::\x001", 80), "must not contain a NUL", "'::\\x001'", id="nul-in-host"),
    pytest.param((b"::1\x00", 80), "must not contain a NUL", "b'::1\\x00'", id="nul-in-bytes-host"),
    pytest.param((bytearray(b"\x00"), 80), "must not contain a NUL", "bytearray", id="nul-in-bytearray"),
    pytest.param((None, 80), "host must be str, bytes or bytearray", "not NoneType", id="host-none"),
    pytest.param((1, 80), "host must be str, bytes or bytearray", "not int", id="host-int"),
    pytest.param((memoryview(b"::1"), 80), "host must be str, bytes or bytearray", "not memoryview",
                 id="host-memoryview"),
    pytest.param(("é" * 64, 80), "cannot be encoded as a host name", "label", id="host-not-idna"),
    pytest.param(("\udcff", 80), "cannot be encoded as a host name", "'\\udcff'", id="host-surrogate"),
    pytest.param(("<broadcast>", 80), "'<broadcast>' is the IPv4 broadcast address", "IPv6 has no",
                 id="broadcast"),
    pytest.param(("255.255.255.255", 80), "'255.255.255.255' is the IPv4 broadcast", "multicast",
                 id="broadcast-dotted"),
]

# Values the stdlib takes and silently changes (C unsigned int masks): famsock refuses them.
WRAPPED_BY_THE_STDLIB = [
    pytest.param(("::1", 0, 0, 2**32), "scope_id must be 0-4294967295, got 4294967296", id="scope-2**32"),
    pytest.param(("::1", 0, 0, -1), "scope_id must be 0-4294967295, got -1", id="scope-minus-1"),
    pytest.param(("::1", 0, 0, 2**64 + 1), "scope_id must be 0-4294967295, got 18446744073709551617",
                 id="scope-2**64+1"),
    pytest.param(("::1", 0, 2**32), "flowinfo must be 0-1048575 (0xfffff: a 20-bit flow label), "
                 "got 4294967296", id="flowinfo-2**32"),
    pytest.param(("::1", 0, 2**32 + 5), "flowinfo must be 0-1048575", id="flowinfo-2**32+5"),
]

Call = Callable[[Any, Any], Any]
METHODS: dict[str, Call] = {
    "bind": lambda s, a: s.bind(a),
    "connect": lambda s, a: s.connect(a),
    "connect_ex": lambda s, a: s.connect_ex(a),
    "sendto": lambda s, a: s.sendto(b"x", a),
    "sendto-flags": lambda s, a: s.sendto(b"x", 0, a),
}


def _error(make: Callable[..., Any], method: Call, value: Any) -> Exception:
    with make(stdlib.AF_INET6, stdlib.SOCK_DGRAM) as sock:
        raised = raised_by(method, sock, value)
    assert raised is not None, f"{make.__module__}.socket took {value!r}"
    return raised


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(("value", "field", "detail"), BAD)
def test_same_type_as_stdlib_with_a_clear_message(
    syscall_path: str, method: str, value: Any, field: str, detail: str
) -> None:
    expected = _error(stdlib.socket, METHODS[method], value)
    ours = _error(famsock.socket, METHODS[method], value)
    assert type(ours) is type(expected), (ours, expected)
    assert str(ours).startswith("AF_INET6 ")
    assert field in str(ours)
    assert detail in str(ours)


@pytest.mark.parametrize("value", [v.values[0] for v in WRAPPED_BY_THE_STDLIB],
                         ids=[str(v.id) for v in WRAPPED_BY_THE_STDLIB])
def test_the_stdlib_takes_what_famsock_refuses(value: Any) -> None:
    with stdlib.socket(stdlib.AF_INET6, stdlib.SOCK_DGRAM) as sock:
        sock.bind(value)  # no error: the value was silently wrapped
        assert sock.getsockname()[0] == "::1"


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(("value", "message"), WRAPPED_BY_THE_STDLIB)
def test_famsock_refuses_what_the_stdlib_wraps(syscall_path: str, method: str, value: Any,
                                               message: str) -> None:
    ours = _error(famsock.socket, METHODS[method], value)
    assert type(ours) is OverflowError
    assert str(ours).startswith(f"AF_INET6 {message}")


RESOLVER_ERRORS = [
    pytest.param(("no-such-host.invalid", 80), "host 'no-such-host.invalid' could not be resolved",
                 id="unknown-name"),
    pytest.param(("127.0.0.1", 80), "host '127.0.0.1' could not be resolved", id="ipv4-literal"),
    pytest.param(("fe80::1%no-such-if", 80),
                 "host 'fe80::1%no-such-if': scope 'no-such-if' is neither an interface name",
                 id="unknown-interface"),
    pytest.param(("::1%lo", 80), "host '::1%lo': scope 'lo' is neither", id="name-scope-not-link-local"),
    pytest.param(("fe80::1%", 80), "host 'fe80::1%': scope '' is neither", id="empty-scope"),
    pytest.param(("fe80::1%4294967296", 80), "host 'fe80::1%4294967296': scope '4294967296' is",
                 id="scope-2**32-in-host"),
]


@pytest.mark.usefixtures("isolated_network")
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(("value", "message"), RESOLVER_ERRORS)
def test_unresolvable_host_is_a_gaierror_like_the_stdlib(syscall_path: str, method: str, value: Any,
                                                         message: str) -> None:
    expected = _error(stdlib.socket, METHODS[method], value)
    ours = _error(famsock.socket, METHODS[method], value)
    assert isinstance(expected, stdlib.gaierror)
    assert type(ours) is stdlib.gaierror
    assert ours.errno == expected.errno
    assert f"AF_INET6 {message}" in str(ours)


def test_a_failed_bind_leaves_the_socket_usable(syscall_path: str) -> None:
    with famsock.socket(famsock.AF_INET6, famsock.SOCK_DGRAM) as sock:
        with pytest.raises(OverflowError):
            sock.bind(("::1", 0, 0, 2**32))
        sock.bind(("::1", 0))
        assert sock.getsockname()[0] == "::1"
