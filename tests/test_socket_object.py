"""famsock.socket is a stdlib socket: same type checks, same data path, same module objects."""

from __future__ import annotations

import os
import pickle
import socket as stdlib
import subprocess
import sys

import pytest

import famsock
from famsock import _backends
from tests.helpers import FakePlugin, make_family, use_plugins


def test_is_a_stdlib_socket_everywhere_it_is_checked() -> None:
    with famsock.socket() as sock:
        assert isinstance(sock, stdlib.socket)
        assert isinstance(sock, famsock.SocketType)
        assert famsock.SocketType is stdlib.SocketType
        assert sock.family is famsock.AF_INET is stdlib.AF_INET
        assert sock.type is famsock.SOCK_STREAM is stdlib.SOCK_STREAM


def test_the_data_path_is_the_interpreters_own() -> None:
    for name in ("send", "recv", "recv_into", "sendall", "setsockopt", "settimeout", "fileno", "makefile"):
        assert getattr(famsock.socket, name) is getattr(stdlib.socket, name), name


def test_exceptions_are_the_stdlibs() -> None:
    assert famsock.error is OSError is stdlib.error
    assert famsock.timeout is TimeoutError is stdlib.timeout
    assert famsock.herror is stdlib.herror
    assert famsock.gaierror is stdlib.gaierror
    assert issubclass(famsock.FamilyError, OSError)


def test_generic_constants_are_the_stdlibs_objects() -> None:
    for name in ("AF_INET", "AF_UNIX", "AF_NETLINK", "SOCK_DGRAM", "SOL_SOCKET", "SO_REUSEADDR",
                 "MSG_PEEK", "SHUT_RDWR", "AI_PASSIVE", "NI_NUMERICHOST", "EAI_NONAME", "SOMAXCONN"):
        assert getattr(famsock, name) is getattr(stdlib, name), name


def test_family_constants_come_from_plugins_and_else_from_the_platform() -> None:
    assert famsock.IP_TOS == stdlib.IP_TOS
    assert famsock.IPPROTO_TCP == stdlib.IPPROTO_TCP
    assert "IP_TOS" in dir(famsock)
    assert famsock.CAN_RAW == stdlib.CAN_RAW  # no CAN plugin: the platform's value, as the stdlib
    with pytest.raises(AttributeError, match="no installed family plugin contributes it"):
        _ = famsock.NOT_A_SOCKET_CONSTANT
    with pytest.raises(AttributeError):
        _ = famsock.no_such_function


def test_repr_shows_addresses_as_the_stdlib_does() -> None:
    with famsock.socket() as server:
        server.bind(("127.0.0.1", 0))
        port = server.getsockname().port
        assert repr(server) == (f"<famsock._socket_object.socket fd={server.fileno()}, family=2, type=1, "
                                f"proto=0, laddr=('127.0.0.1', {port})>")


def test_cannot_be_pickled_like_the_stdlib() -> None:
    with famsock.socket() as sock, pytest.raises(TypeError, match="cannot pickle"):
        pickle.dumps(sock)


def test_a_family_without_plugin_behaves_exactly_as_in_the_stdlib() -> None:
    """AF_VSOCK: the interpreter knows it, no famsock plugin claims it."""
    if not hasattr(stdlib, "AF_VSOCK"):
        pytest.skip("this interpreter has no AF_VSOCK")
    try:
        ours = famsock.socket(famsock.AF_VSOCK, famsock.SOCK_STREAM)
    except OSError as exc:
        pytest.skip(f"kernel has no AF_VSOCK: {exc}")
    with ours, stdlib.socket(stdlib.AF_VSOCK, stdlib.SOCK_STREAM) as theirs:
        assert ours.syscall_path == "stdlib"
        ours.bind((stdlib.VMADDR_CID_ANY, stdlib.VMADDR_PORT_ANY))
        theirs.bind((stdlib.VMADDR_CID_ANY, stdlib.VMADDR_PORT_ANY))
        assert type(ours.getsockname()) is tuple
        assert ours.getsockname()[0] == theirs.getsockname()[0]
        with pytest.raises(TypeError) as expected:
            theirs.connect("nonsense")
        with pytest.raises(TypeError) as caught:
            ours.connect("nonsense")
        assert str(caught.value) == str(expected.value)


def test_a_conflicting_family_fails_at_its_first_address_call(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.warns(famsock.PluginWarning, match="claimed by"):
        use_plugins(monkeypatch, ("one", FakePlugin(make_family("inet", 2, constant="AF_INET"))),
                    ("two", FakePlugin(make_family("inet", 2, constant="AF_INET"))))
    with famsock.socket() as sock:  # opening needs no plugin
        with pytest.raises(famsock.FamilyConflictError, match=r"claimed by .*'one'.* and .*'two'"):
            sock.bind(("127.0.0.1", 0))
        assert sock.fileno() >= 0


def test_the_path_switch_is_checked() -> None:
    with pytest.raises(ValueError, match="must be one of auto, raw"):
        famsock.set_syscall_path("fast")
    assert famsock.get_syscall_path() in _backends.MODES


@pytest.mark.parametrize(("value", "expected"), [("raw", "raw"), ("auto", "native"), ("", "native")])
def test_the_environment_chooses_the_path(value: str, expected: str) -> None:
    code = "import famsock; s = famsock.socket(); print(s.syscall_path); s.close()"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={**os.environ, "FAMSOCK_SYSCALL_PATH": value})
    assert result.stdout.strip() == expected


def test_a_bad_environment_value_is_refused_with_the_choices() -> None:
    result = subprocess.run([sys.executable, "-c", "import famsock"], capture_output=True, text=True,
                            env={**os.environ, "FAMSOCK_SYSCALL_PATH": "turbo"})
    assert result.returncode != 0
    assert "FAMSOCK_SYSCALL_PATH must be one of auto, raw, got 'turbo'" in result.stderr
