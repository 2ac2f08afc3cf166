"""The optional C accelerator (famsock/_accel.c): where its mechanism differs from the Python methods.

Its sendto()/recvfrom() take the Python methods' shortcuts in C, and on the raw path make the
syscall themselves; everything else is the Python methods' (tests/test_accel_pure.py runs the
socket tests again without it). Skipped where famsock._accel is not built, unless
FAMSOCK_ACCELERATOR=1 says it must be.
"""

from __future__ import annotations

import errno
import gc
import os
import socket as stdlib
import sys
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

import famsock
from famsock import _backend_parts
from famsock._socket_object import _py_recvfrom, _py_sendto, accelerator

if accelerator() != "c":
    pytest.skip(f"the accelerator is not in use: {accelerator()}", allow_module_level=True)

pytestmark = pytest.mark.usefixtures("no_fd_leak")

FAMILIES = {"inet": stdlib.AF_INET, "inet6": stdlib.AF_INET6, "unix": stdlib.AF_UNIX}


def local(family: str) -> Any:
    if family == "inet":
        return ("127.0.0.1", 0)
    if family == "inet6":
        return ("::1", 0)
    return b"\0famsock-accel-" + uuid.uuid4().hex.encode()


@pytest.fixture(params=sorted(FAMILIES))
def family(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def pair(module: Any, family: str) -> tuple[Any, Any]:
    """Two bound datagram sockets of ``module`` (stdlib or famsock)."""
    a = module.socket(FAMILIES[family], stdlib.SOCK_DGRAM)
    b = module.socket(FAMILIES[family], stdlib.SOCK_DGRAM)
    a.bind(local(family))
    b.bind(local(family))
    return a, b


@pytest.fixture
def sockets(family: str, syscall_path: str) -> Iterator[tuple[Any, Any]]:
    a, b = pair(famsock, family)
    with a, b:
        yield a, b


def error_of(call: Any, *args: Any) -> tuple[type[BaseException], str] | None:
    try:
        call(*args)
    except Exception as exc:  # compared with the stdlib's
        return type(exc), str(exc)
    return None


def test_the_methods_are_c_and_the_python_ones_their_slow_path() -> None:
    assert accelerator() == "c"
    assert _backend_parts.accelerator() == "c"
    assert type(famsock.socket.__dict__["sendto"]).__name__ == "method_descriptor"
    assert type(famsock.socket.__dict__["recvfrom"]).__name__ == "method_descriptor"
    assert callable(_py_sendto) and _py_sendto.__name__ == "sendto"
    assert callable(_py_recvfrom) and _py_recvfrom.__name__ == "recvfrom"


def test_typed_results_equal_the_stdlibs(sockets: tuple[Any, Any], family: str) -> None:
    a, b = sockets
    theirs = stdlib.socket(FAMILIES[family], stdlib.SOCK_DGRAM)
    with theirs:
        theirs.bind(local(family))
        for round_ in range(3):  # the first: memo misses; then the shortcuts
            b.sendto(b"ping", a.getsockname())
            data, sender = a.recvfrom(100)
            assert (data, sender) == (b"ping", b.getsockname())
            assert type(sender) is type(a.getsockname()), round_
            a.sendto(b"pong", 0, sender)
            assert b.recvfrom(100, 0) == (b"pong", a.getsockname())
            theirs.sendto(b"x", a.getsockname())
            data, sender = a.recvfrom(100)
            assert (data, sender) == (b"x", theirs.getsockname())
            assert sender != "" and type(sender) is not tuple and type(sender) is not str


def test_a_subclass_and_super_reach_the_c_methods(family: str) -> None:
    class Counting(famsock.socket):
        sent = 0

        def sendto(self, *args: Any) -> int:
            Counting.sent += 1
            return super().sendto(*args)

    a = Counting(FAMILIES[family], stdlib.SOCK_DGRAM)
    with a:
        a.bind(local(family))
        assert a.sendto(b"self", a.getsockname()) == 4
        assert a.recvfrom(10) == (b"self", a.getsockname())
        assert Counting.sent == 1
        assert isinstance(a, stdlib.socket)


def test_not_a_famsock_socket_is_refused() -> None:
    with stdlib.socket(stdlib.AF_INET, stdlib.SOCK_DGRAM) as plain, \
            pytest.raises(TypeError, match=r"doesn't apply to a 'socket' object"):
        famsock.socket.recvfrom(plain, 10)  # type: ignore[arg-type]


# -- errors: the C methods' own, as the stdlib gives them --------------------------------------

SENDTO_ARGUMENTS: list[tuple[Any, ...]] = [
    (), (b"x",), ("text", "ADDRESS"), (b"x", "no", "ADDRESS"), (b"x", 0, "ADDRESS", 1),
    (b"x", 1 << 40, "ADDRESS"), (memoryview(b"abcd")[::2], "ADDRESS"), (None, "ADDRESS"),
]
RECVFROM_ARGUMENTS: list[tuple[Any, ...]] = [
    (), ("10",), (-1,), (10, "0"), (10, 1 << 40), (1 << 70,), (10, 0, 0), (1.5,),
]


@pytest.mark.parametrize("arguments", SENDTO_ARGUMENTS, ids=repr)
def test_sendto_argument_errors_are_the_stdlibs(family: str, syscall_path: str,
                                                arguments: tuple[Any, ...]) -> None:
    ours, theirs = pair(famsock, family), pair(stdlib, family)
    with ours[0], ours[1], theirs[0], theirs[1]:
        for _ in range(2):  # the second time, the address is sendto()'s last one
            ours[1].sendto(b"warm", ours[0].getsockname())
            ours[0].recvfrom(10)
            mine = [ours[0].getsockname() if v == "ADDRESS" else v for v in arguments]
            stdlibs = [theirs[0].getsockname() if v == "ADDRESS" else v for v in arguments]
            got, expected = error_of(ours[1].sendto, *mine), error_of(theirs[1].sendto, *stdlibs)
            assert expected is not None
            assert got == expected


@pytest.mark.parametrize("arguments", RECVFROM_ARGUMENTS, ids=repr)
def test_recvfrom_argument_errors_are_the_stdlibs(family: str, syscall_path: str,
                                                  arguments: tuple[Any, ...]) -> None:
    ours, theirs = pair(famsock, family), pair(stdlib, family)
    with ours[0], ours[1], theirs[0], theirs[1]:
        ours[0].setblocking(False)
        theirs[0].setblocking(False)
        assert error_of(ours[0].recvfrom, *arguments) == error_of(theirs[0].recvfrom, *arguments)


def test_keywords_get_pythons_error_as_without_the_accelerator(sockets: tuple[Any, Any]) -> None:
    a, _ = sockets
    keyword: dict[str, Any] = {"address": a.getsockname()}
    with pytest.raises(TypeError, match="keyword"):
        a.sendto(b"x", **keyword)
    keyword = {"bufsize": 10}
    with pytest.raises(TypeError, match="keyword"):
        a.recvfrom(**keyword)


def test_a_closed_socket(family: str, syscall_path: str) -> None:
    (a, b), (c, d) = pair(famsock, family), pair(stdlib, family)
    target = a.getsockname()
    b.sendto(b"x", target)  # sendto()'s last pair: the shortcut
    a.recvfrom(10)
    for sock in (a, b, c, d):
        sock.close()
    assert error_of(b.sendto, b"x", target) == error_of(d.sendto, b"x", target)
    assert error_of(a.recvfrom, 10) == error_of(c.recvfrom, 10)
    assert error_of(a.recvfrom, 10)[0] is OSError  # type: ignore[index]


# -- the socket's mode --------------------------------------------------------------------------

def test_non_blocking_and_timeout_sockets(sockets: tuple[Any, Any]) -> None:
    a, b = sockets
    b.sendto(b"x", a.getsockname())
    a.recvfrom(10)
    a.setblocking(False)
    with pytest.raises(BlockingIOError) as caught:
        a.recvfrom(10)
    assert caught.value.errno == errno.EAGAIN
    a.settimeout(0.01)
    with pytest.raises(TimeoutError, match="timed out"):
        a.recvfrom(10)
    b.settimeout(5)
    assert b.sendto(b"y", a.getsockname()) == 1
    assert a.recvfrom(10) == (b"y", b.getsockname())


def test_a_raw_send_error_is_the_stdlibs(syscall_path: str) -> None:
    """The C attempt fails; its errno goes to the Python retry, which raises it as the stdlib does."""
    ours, theirs = pair(famsock, "unix"), pair(stdlib, "unix")
    for a, b in (ours, theirs):
        with a, b:
            a.setblocking(False)
            target = b.getsockname()
            a.sendto(b"x", target)
            b.close()  # the name is gone: ECONNREFUSED for the next datagram
            with pytest.raises(ConnectionRefusedError):
                a.sendto(b"x", target)


def test_msg_trunc_returns_only_what_the_kernel_wrote(sockets: tuple[Any, Any]) -> None:
    a, b = sockets
    b.sendto(b"0123456789", a.getsockname())
    assert a.recvfrom(4, stdlib.MSG_TRUNC) == (b"0123", b.getsockname())


def test_a_full_receive_buffer_size_and_an_empty_datagram(sockets: tuple[Any, Any]) -> None:
    a, b = sockets
    for payload, size in ((b"", 10), (b"z" * 65536, 65536), (b"q" * 70000, 80000)):
        limit = {stdlib.AF_INET: 65507, stdlib.AF_INET6: 60000}.get(a.family, 1 << 20)
        if len(payload) > limit:
            continue  # past a UDP datagram's size
        b.setsockopt(stdlib.SOL_SOCKET, stdlib.SO_SNDBUF, 1 << 20)
        a.setsockopt(stdlib.SOL_SOCKET, stdlib.SO_RCVBUF, 1 << 20)
        assert b.sendto(payload, a.getsockname()) == len(payload)
        assert a.recvfrom(size) == (payload, b.getsockname())


# -- no leaks -------------------------------------------------------------------------------------

def test_no_references_or_objects_leak_over_many_calls(sockets: tuple[Any, Any]) -> None:
    a, b = sockets
    target, message = a.getsockname(), b"m" * 64

    def work(n: int) -> None:
        for _ in range(n):
            b.sendto(message, target)
            b.sendto(message, 0, target)
            a.recvfrom(100)
            _, sender = a.recvfrom(100, 0)
            a.sendto(message, sender)
            b.recvfrom(100)
        a.setblocking(False)
        for _ in range(n):
            with pytest.raises(BlockingIOError):
                a.recvfrom(100)
        a.setblocking(True)

    work(200)
    sender = b.getsockname()
    gc.collect()
    before = [sys.getrefcount(v) for v in (target, message, sender, a, b)], len(gc.get_objects())
    work(5000)
    gc.collect()
    after = [sys.getrefcount(v) for v in (target, message, sender, a, b)], len(gc.get_objects())
    assert after[0] == before[0]
    assert after[1] - before[1] < 100  # nothing per call


def test_the_switch_is_read_from_the_environment(tmp_path: Any) -> None:
    import subprocess

    code = "import famsock._socket_object as s; print(s.accelerator())"
    for value, expected in (("0", "python (FAMSOCK_ACCELERATOR=0)"), ("1", "c"), ("auto", "c")):
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                              env={**os.environ, "FAMSOCK_ACCELERATOR": value})
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == expected
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "FAMSOCK_ACCELERATOR": "yes"})
    assert "FAMSOCK_ACCELERATOR must be one of 0, 1, auto, got 'yes'" in done.stderr


# -- a new socket, connect() and accept() -------------------------------------------------------

def test_a_new_socket_and_its_constructor_errors_are_the_stdlibs() -> None:
    with famsock.socket() as sock:
        assert sock._famsock_backend is None
        assert sock.family == stdlib.AF_INET and sock.type == stdlib.SOCK_STREAM
    for arguments in [("x",), (stdlib.AF_INET, "y"), (1, 2, 3, 4, 5), (-5, stdlib.SOCK_STREAM)]:
        assert error_of(famsock.socket, *arguments) == error_of(stdlib.socket, *arguments)
    nonsense: dict[str, Any] = {"nonsense": 1}
    ours, theirs = error_of(lambda: famsock.socket(**nonsense)), error_of(lambda: stdlib.socket(**nonsense))
    assert ours is not None and theirs is not None and ours[0] is theirs[0] is TypeError


def test_connect_and_accept_give_what_the_stdlib_gives(syscall_path: str) -> None:
    with famsock.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        target = server.getsockname()
        for round_ in range(3):  # the first: slow paths; then connect()'s last pair
            with famsock.socket() as client:
                client.connect(target)
                conn, peer = server.accept()
                with conn:
                    assert type(conn) is famsock.socket, round_
                    assert conn.syscall_path == server.syscall_path == syscall_path
                    assert peer == client.getsockname() == conn.getpeername()
                    assert type(peer) is type(target)
                    assert conn.gettimeout() is None and client.getpeername() == target
                    client.sendall(b"data")
                    assert conn.recv(10) == b"data"


def test_a_listeners_timeout_is_not_the_new_sockets(syscall_path: str) -> None:
    with famsock.socket() as server, stdlib.socket() as client:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        server.settimeout(5)
        client.connect(server.getsockname())
        conn, _ = server.accept()
        with conn:
            assert conn.gettimeout() is None
            assert conn.getblocking()


def test_accept_with_nothing_pending_and_connect_refused(syscall_path: str) -> None:
    with famsock.socket() as server, stdlib.socket() as reference:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        server.setblocking(False)
        with pytest.raises(BlockingIOError):
            server.accept()
        reference.bind(("127.0.0.1", 0))  # bound, not listening: connections are refused
        with famsock.socket() as first:
            first.bind(("127.0.0.1", 0))
            refused = first.getsockname()  # typed
        # the second time, connect()'s last pair: the C attempt fails, _raw_calls raises
        reference_refused = reference.getsockname()
        for _ in range(2):
            with famsock.socket() as client, pytest.raises(ConnectionRefusedError):
                client.connect(reference_refused)  # a plain tuple: parsed
            with famsock.socket() as client, pytest.raises(ConnectionRefusedError):
                client.connect(refused)


def test_the_tcp_cycle_leaks_nothing(syscall_path: str) -> None:
    with famsock.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(64)
        target = server.getsockname()

        def cycles(n: int) -> None:
            for _ in range(n):
                client = famsock.socket()
                client.connect(target)
                conn, _ = server.accept()
                conn.close()
                client.close()

        cycles(100)
        gc.collect()
        before = sys.getrefcount(target), sys.getrefcount(server), len(gc.get_objects())
        cycles(1000)
        gc.collect()
        after = sys.getrefcount(target), sys.getrefcount(server), len(gc.get_objects())
        assert after[0] <= before[0] and after[1] == before[1]  # the memo may have let go of target
        assert after[2] - before[2] < 100


def test_installing_again_is_harmless() -> None:
    """Two threads' first address calls may both install: the second does nothing."""
    from famsock._native_backend import NativeBackend
    from famsock._raw_backend import RawBackend
    from famsock.testing import syscall_path

    for mode in ("auto", "raw"):  # each backend class exists, and is installed, once a socket has one
        with syscall_path(mode), famsock.socket(stdlib.AF_INET, stdlib.SOCK_DGRAM) as sock:
            sock.bind(("127.0.0.1", 0))
    accel = _backend_parts.accel
    assert accel.install_socket(famsock.socket, {}) is None
    assert accel.install_raw(RawBackend, {}) is None
    assert accel.install_native(NativeBackend) is None
    with pytest.raises(RuntimeError, match="another class"):
        accel.install_socket(stdlib.socket, {})
