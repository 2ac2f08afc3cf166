"""famsock as a drop-in ``socket``: the stdlib module's whole namespace, its error messages for
arguments, and module functions that build the class their module holds at call time."""

from __future__ import annotations

import os
import socket as stdlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import famsock
from famsock._patching import REPLACED_NAMES
from famsock.testing.compare import fds_unchanged, raised_by

HOST = "127.0.0.1"
DUNDERS = {name for name in dir(stdlib) if name.startswith("__") and name.endswith("__")}


def _same_object(name: str) -> bool:
    """famsock's value for a name of the stdlib's module is the stdlib's own object; a family
    constant may be a plugin's value instead, equal and of the same type."""
    ours, theirs = getattr(famsock, name), getattr(stdlib, name)
    if ours is theirs:
        return True
    return name.isupper() and type(ours) is type(theirs) and ours == theirs


# -- the namespace ------------------------------------------------------------------------------


def test_every_name_of_the_stdlib_module_exists_on_famsock() -> None:
    missing = [name for name in dir(stdlib) if not hasattr(famsock, name)]
    assert not missing


def test_names_famsock_does_not_replace_are_the_stdlibs_objects() -> None:
    kept = [name for name in dir(stdlib) if name not in DUNDERS and name not in REPLACED_NAMES]
    assert {"_GLOBAL_DEFAULT_TIMEOUT", "_LOCALHOST", "_GiveupOnSendfile", "error", "SocketType",
            "AF_INET", "SOCK_STREAM"} <= set(kept)
    differ = [name for name in kept if not _same_object(name)]
    assert not differ


def test_replaced_names_are_famsocks() -> None:
    for name in REPLACED_NAMES:
        assert getattr(famsock, name) is not getattr(stdlib, name), name
    assert issubclass(famsock.socket, stdlib.socket)


def test_star_import_gives_every_name_the_stdlibs_star_import_gives() -> None:
    ours: dict[str, Any] = {}
    theirs: dict[str, Any] = {}
    exec("from famsock import *", ours)  # what a program writes
    exec("from socket import *", theirs)
    assert set(theirs) - set(ours) == set()
    differ = [name for name in theirs if name != "__builtins__" and name not in REPLACED_NAMES
              and not _same_object(name)]
    assert not differ


def test_dir_lists_every_name_of_the_stdlib_module() -> None:
    assert set(dir(stdlib)) - set(dir(famsock)) == set()


# -- error messages: the stdlib's own words -----------------------------------------------------

SOCKNAME = (HOST, 9)

#: (method, args, kwargs): wrong argument counts, keywords the C method does not take, and wrong
#: argument types; each raises the same exception with the same message as the stdlib's.
METHOD_CALLS: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("bind", (), {}), ("bind", (SOCKNAME, 1), {}), ("bind", (SOCKNAME, 1, 2), {}),
    ("bind", (), {"address": SOCKNAME}), ("bind", (SOCKNAME,), {"x": 1}),
    ("connect", (), {}), ("connect", (SOCKNAME, 1), {}), ("connect", (), {"address": SOCKNAME}),
    ("connect_ex", (), {}), ("connect_ex", (SOCKNAME, 1), {}),
    ("sendto", (), {}), ("sendto", (b"x",), {}), ("sendto", (b"x", 0, SOCKNAME, 4), {}),
    ("sendto", ("x", SOCKNAME), {}), ("sendto", (5j, 0, SOCKNAME), {}),
    ("sendto", (b"x", "bar", SOCKNAME), {}),
    ("sendto", (b"x", None, None), {}), ("sendto", (b"x", 2**70, SOCKNAME), {}),
    ("recvfrom", (), {}), ("recvfrom", ("a",), {}), ("recvfrom", (-1,), {}), ("recvfrom", (1, "a"), {}),
    ("recvfrom", (2**70,), {}),
    ("recvfrom_into", (), {}), ("recvfrom_into", (bytearray(1), 0, 0, 0), {}), ("recvfrom_into", (b"x",), {}),
    ("recvfrom_into", (bytearray(1), 5), {}), ("recvfrom_into", (bytearray(1), -1), {}),
    ("recvfrom_into", (), {"nbytes": 1}), ("recvfrom_into", (bytearray(1),), {"x": 1}),
    ("recvfrom_into", (bytearray(1), 0, 0), {"x": 1}),
    ("recvfrom_into", (bytearray(1),), {"flags": 0, "x": 1}),
    ("recvfrom_into", (), {"buffer": bytearray(1), "nbytes": 0, "flags": 0, "x": 1}),
    ("recvfrom_into", (bytearray(1),), {"buffer": bytearray(1)}),
    ("sendmsg", (), {}), ("sendmsg", ([b"x"], [], 0, SOCKNAME, 5), {}), ("sendmsg", (b"x",), {}),
    ("sendmsg", ([b"x"], [], "a"), {}), ("sendmsg", ([b"x"],), {"flags": 0}),
    ("recvmsg", (), {}), ("recvmsg", (1, 0, 0, 0), {}), ("recvmsg", ("a",), {}), ("recvmsg", (-1,), {}),
    ("recvmsg", (1,), {"flags": 0}),
    ("recvmsg_into", (), {}), ("recvmsg_into", ([bytearray(1)], 0, 0, 0), {}), ("recvmsg_into", (5,), {}),
    ("getsockname", (1,), {}), ("getsockname", (), {"x": 1}), ("getpeername", (1,), {}),
    ("getpeername", (), {"x": 1}), ("accept", (1,), {}),
]


def _label(call: tuple[str, tuple[Any, ...], dict[str, Any]]) -> str:
    name, args, kwargs = call
    return f"{name}{args!r}{kwargs or ''}"


def _same_error(ours: Exception | None, theirs: Exception | None) -> None:
    assert theirs is not None, "the stdlib's call must fail: the row is not an error case"
    assert ours is not None, f"famsock's call returned; the stdlib's raised {theirs!r}"
    assert (type(ours), str(ours)) == (type(theirs), str(theirs))


@pytest.fixture
def udp_pair() -> Iterator[Callable[[bool], tuple[stdlib.socket, stdlib.socket]]]:
    """Non-blocking AF_INET datagram sockets, famsock's and the stdlib's; bound ones have chosen
    their backend (famsock's sendto()/recvfrom() then take their shortcuts)."""
    made: list[stdlib.socket] = []

    def make(bound: bool) -> tuple[stdlib.socket, stdlib.socket]:
        pair = (famsock.socket(stdlib.AF_INET, stdlib.SOCK_DGRAM),
                stdlib.socket(stdlib.AF_INET, stdlib.SOCK_DGRAM))
        made.extend(pair)
        for sock in pair:
            sock.setblocking(False)
            if bound:
                sock.bind((HOST, 0))
                sock.sendto(b"warm", sock.getsockname())  # the sendto() shortcut has a last address
                sock.recvfrom(16)
        return pair

    with fds_unchanged():
        yield make
        for sock in made:
            sock.close()


@pytest.mark.usefixtures("syscall_path")
@pytest.mark.parametrize("bound", [False, True], ids=["fresh", "bound"])
@pytest.mark.parametrize("call", METHOD_CALLS, ids=_label)
def test_methods_refuse_arguments_in_the_stdlibs_words(
        udp_pair: Callable[[bool], tuple[stdlib.socket, stdlib.socket]], bound: bool,
        call: tuple[str, tuple[Any, ...], dict[str, Any]]) -> None:
    ours, theirs = udp_pair(bound)
    name, args, kwargs = call
    _same_error(raised_by(getattr(ours, name), *args, **kwargs),
                raised_by(getattr(theirs, name), *args, **kwargs))


def test_sendto_with_one_argument_is_the_c_methods_message() -> None:
    with famsock.socket(stdlib.AF_INET, stdlib.SOCK_DGRAM) as sock, pytest.raises(TypeError) as caught:
        sock.sendto(b"x")
    assert str(caught.value) == "sendto() takes 2 or 3 arguments (1 given)"


#: Where sendto() and recvfrom() keep their fast paths free of checks (sentinel defaults, not
#: ``*args``): more arguments than the one spare, or keywords, get Python's wording. Still a
#: TypeError, and nothing reaches the kernel.
PYTHONS_WORDS = [
    ("sendto", (b"x", 0, SOCKNAME, 4, 5), {}), ("sendto", (b"x",), {"address": SOCKNAME}),
    ("recvfrom", (1, 0, 3), {}), ("recvfrom", (), {"bufsize": 1}),
]


@pytest.mark.parametrize("call", PYTHONS_WORDS, ids=_label)
def test_hot_methods_refuse_other_arguments_with_a_type_error(
        udp_pair: Callable[[bool], tuple[stdlib.socket, stdlib.socket]],
        call: tuple[str, tuple[Any, ...], dict[str, Any]]) -> None:
    ours, theirs = udp_pair(True)
    name, args, kwargs = call
    assert type(raised_by(getattr(theirs, name), *args, **kwargs)) is TypeError
    assert type(raised_by(getattr(ours, name), *args, **kwargs)) is TypeError


Pair = Callable[[bool], tuple[stdlib.socket, stdlib.socket]]


def test_refused_arguments_send_nothing(udp_pair: Pair) -> None:
    ours, _ = udp_pair(True)
    for args in [(b"x", 0, ours.getsockname(), 4), (b"x", 0, ours.getsockname(), 4, 5)]:
        with pytest.raises(TypeError):
            ours.sendto(*args)  # type: ignore[arg-type]  # wrong on purpose
    with pytest.raises(BlockingIOError):
        ours.recvfrom(16)


#: (function, args, kwargs) for the module functions famsock replaces.
FUNCTION_CALLS: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("socketpair", (1, 2, 3, 4), {}), ("socketpair", ("x",), {}), ("socketpair", (), {"foo": 1}),
    ("socketpair", (stdlib.AF_INET,), {}),
    ("fromfd", (), {}), ("fromfd", (0,), {}), ("fromfd", ("x", 2, 1), {}), ("fromfd", (-1, 2, 1), {}),
    ("fromfd", (0, 2, 1, 0, 5), {}), ("fromfd", (2**70, 2, 1), {}), ("fromfd", (1.5, 2, 1), {}),
    ("create_connection", (), {}), ("create_connection", ((HOST,),), {}), ("create_connection", ("x",), {}),
    ("create_connection", ((HOST, 1), 1, None, 5), {}), ("create_connection", (None,), {}),
    ("create_connection", ((HOST, 1),), {"x": 1}),
    ("create_server", (), {}), ("create_server", ((HOST, 0), 5), {}),
    ("create_server", ((HOST, 0),), {"family": "x"}), ("create_server", ((HOST, 0),), {"family": 2.0}),
    ("create_server", ((HOST, 0),), {"family": "x", "dualstack_ipv6": True}),
    ("create_server", ((HOST, 0),), {"dualstack_ipv6": True}),
    ("create_server", ((HOST, 0),), {"backlog": "x"}),
    ("getaddrinfo", (), {}), ("getaddrinfo", ("localhost",), {}),
    ("getaddrinfo", ("localhost", 80, 0, 0, 0, 0, 0), {}), ("getaddrinfo", ("localhost", 80, "x"), {}),
    ("getaddrinfo", (1, 80), {}), ("getaddrinfo", ("localhost", 80), {"x": 1}),
    ("inet_pton", ("x", "1.2.3.4"), {}), ("inet_pton", (2, b"1.2.3.4"), {}), ("inet_pton", (99, "x"), {}),
    ("inet_ntop", (2, "1234"), {}), ("inet_ntop", (99, b"1234"), {}), ("inet_ntop", ("x", b"1234"), {}),
]

#: inet_pton()/inet_ntop() are Python functions in famsock/_lookups.py: their argument counts
#: and keywords get Python's wording until they take ``*args`` and let the C function refuse.
LOOKUP_COUNTS: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("inet_pton", (), {}), ("inet_pton", (2,), {}), ("inet_pton", (2, "1.2.3.4", 3), {}),
    ("inet_pton", (), {"address_family": 2, "ip_string": "1.2.3.4"}),
    ("inet_ntop", (), {}), ("inet_ntop", (2,), {}), ("inet_ntop", (2, b"1234", 3), {}),
]


def _closed(result: Any) -> None:
    for sock in result if isinstance(result, tuple) else (result,):
        if isinstance(sock, stdlib.socket):
            sock.close()


def _raised(function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Exception | None:
    try:
        _closed(function(*args, **kwargs))
    except Exception as exc:  # compared by the caller
        return exc
    return None


@pytest.mark.parametrize("call", [
    *FUNCTION_CALLS,
    *LOOKUP_COUNTS,
], ids=_label)
def test_module_functions_refuse_arguments_in_the_stdlibs_words(
        call: tuple[str, tuple[Any, ...], dict[str, Any]]) -> None:
    name, args, kwargs = call
    with fds_unchanged():
        _same_error(_raised(getattr(famsock, name), args, kwargs),
                    _raised(getattr(stdlib, name), args, kwargs))


# -- the class the module functions build ---------------------------------------------------------


class _Marked(famsock.socket):
    """What a test (CPython's test_socket) patches onto the module."""


class _TimesOut(famsock.socket):
    def connect(self, *args: Any, **kwargs: Any) -> None:
        raise TimeoutError("timed out")


@pytest.fixture
def listener() -> Iterator[stdlib.socket]:
    with stdlib.create_server((HOST, 0)) as server:
        yield server


def test_create_connection_uses_the_class_on_the_module(monkeypatch: pytest.MonkeyPatch,
                                                         listener: stdlib.socket) -> None:
    monkeypatch.setattr(famsock, "socket", _Marked)
    with famsock.create_connection(listener.getsockname()) as sock:
        assert type(sock) is _Marked
    monkeypatch.setattr(famsock, "socket", _TimesOut)  # test_socket's test_create_connection_timeout
    with pytest.raises(TimeoutError):
        famsock.create_connection(listener.getsockname())


def test_create_connection_uses_the_getaddrinfo_on_the_module(monkeypatch: pytest.MonkeyPatch,
                                                              listener: stdlib.socket) -> None:
    asked = []

    def getaddrinfo(*args: Any) -> list[tuple[Any, ...]]:
        asked.append(args[:2])
        return [(stdlib.AF_INET, stdlib.SOCK_STREAM, 6, "", listener.getsockname())]

    monkeypatch.setattr(famsock, "getaddrinfo", getaddrinfo)
    with famsock.create_connection(("example.invalid", 1)) as sock:
        assert sock.getpeername() == listener.getsockname()
    assert asked == [("example.invalid", 1)]


def test_create_server_socketpair_fromfd_use_the_class_on_the_module(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(famsock, "socket", _Marked)
    with fds_unchanged():
        with famsock.create_server((HOST, 0)) as server:
            assert type(server) is _Marked
            with famsock.fromfd(server.fileno(), stdlib.AF_INET, stdlib.SOCK_STREAM) as copy:
                assert type(copy) is _Marked
                assert copy.getsockname() == server.getsockname()
        left, right = famsock.socketpair()
        with left, right:
            assert type(left) is _Marked
            assert type(right) is _Marked


def test_a_failing_class_leaks_no_fd(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuses(*args: Any, **kwargs: Any) -> famsock.socket:
        raise RuntimeError("refused")

    monkeypatch.setattr(famsock, "socket", refuses)
    with fds_unchanged():
        with pytest.raises(RuntimeError):
            famsock.socketpair()
        with pytest.raises(RuntimeError):
            famsock.fromfd(0, stdlib.AF_UNIX, stdlib.SOCK_STREAM)


def test_to_stdlib_builds_the_stdlibs_own_class_where_it_is_replaced(monkeypatch: pytest.MonkeyPatch) -> None:
    original = stdlib.socket
    monkeypatch.setattr(stdlib, "socket", famsock.socket)  # what famsock.patch_stdlib() does
    sock = famsock.socket(stdlib.AF_INET, stdlib.SOCK_STREAM)
    with famsock.to_stdlib(sock) as plain:
        assert type(plain) is original


def test_fromfd_duplicates_as_the_stdlib() -> None:
    with (famsock.socket(stdlib.AF_INET, stdlib.SOCK_STREAM) as sock,
          famsock.fromfd(sock.fileno(), stdlib.AF_INET, stdlib.SOCK_STREAM) as copy):
        assert copy.fileno() != sock.fileno()
        assert not os.get_inheritable(copy.fileno())
