"""Bad AF_INET inputs: the stdlib's exception type, a message naming family, field and value.

Each input is tried on a stdlib socket and on a famsock socket, on both syscall paths, through
every address-taking method.
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
    pytest.param(["127.0.0.1", 80], "list", id="list"),
    pytest.param("127.0.0.1:80", "str", id="str"),
    pytest.param(("127.0.0.1",), "1 items", id="one-item"),
    pytest.param(("127.0.0.1", 80, 0), "3 items", id="three-items"),
    pytest.param(("127.0.0.1", -1), "port must be 0-65535, got -1", id="port-minus-1"),
    pytest.param(("127.0.0.1", 65536), "port must be 0-65535, got 65536", id="port-65536"),
    pytest.param(("127.0.0.1", 2**64), "port must be 0-65535", id="port-2**64"),
    pytest.param(("127.0.0.1", "80"), "port must be an integer, not str: '80'", id="port-str"),
    pytest.param(("127.0.0.1", 80.0), "port must be an integer, not float", id="port-float"),
    pytest.param(("127.0.\x000.1", 80), "must not contain a NUL", id="nul-in-host"),
    pytest.param((b"127\x00", 80), "must not contain a NUL", id="nul-in-bytes-host"),
    pytest.param((None, 80), "host must be str, bytes or bytearray, not NoneType", id="host-none"),
    pytest.param((1, 80), "host must be str, bytes or bytearray, not int", id="host-int"),
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
    with make(stdlib.AF_INET, stdlib.SOCK_DGRAM) as sock:
        raised = raised_by(method, sock, value)
    assert raised is not None, f"{make.__module__}.socket took {value!r}"
    return raised


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(("value", "message"), BAD)
def test_same_type_as_stdlib_with_a_clear_message(
    syscall_path: str, method: str, value: Any, message: str
) -> None:
    expected = _error(stdlib.socket, METHODS[method], value)
    ours = _error(famsock.socket, METHODS[method], value)
    assert type(ours) is type(expected), (ours, expected)
    assert "AF_INET" in str(ours)
    assert message in str(ours)


@pytest.mark.usefixtures("isolated_network")
@pytest.mark.parametrize("method", METHODS)
def test_unresolvable_host_is_a_gaierror_like_the_stdlib(syscall_path: str, method: str) -> None:
    value = ("no-such-host.invalid", 80)
    expected = _error(stdlib.socket, METHODS[method], value)
    ours = _error(famsock.socket, METHODS[method], value)
    assert isinstance(expected, stdlib.gaierror)
    assert type(ours) is stdlib.gaierror
    assert ours.errno == expected.errno
    assert "AF_INET host 'no-such-host.invalid' could not be resolved" in str(ours)


def test_a_failed_bind_leaves_the_socket_usable(syscall_path: str) -> None:
    with famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM) as sock:
        with pytest.raises(OverflowError):
            sock.bind(("127.0.0.1", 70000))
        sock.bind(("127.0.0.1", 0))
        assert sock.getsockname()[0] == "127.0.0.1"
