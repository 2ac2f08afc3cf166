"""famsock sockets against stdlib sockets, call by call, over generated arguments (hypothesis).

Each example sets up a stdlib socket and a famsock socket alike (on loopback: 127.0.0.1, ::1,
abstract AF_UNIX names), makes the same call with the same arguments on each, and compares what
happened: equal results, or the same exception type and errno. Every address method, every
first-party family, both syscall paths (the ``syscall_path`` fixture: it sets a process-wide mode
that holds for every example of a test, hence the suppressed health check). Every example
closes what it opened: the process's fd set is the same after it as before.

Where famsock differs from the stdlib on purpose, the test expects the difference, named where it
is handled (``refused_on_purpose``, ``for_stdlib``, ``truncated``):

- An AF_UNIX path with a NUL after its first byte: famsock raises ValueError; the stdlib uses
  the part before the NUL. An ``os.PathLike`` is a filesystem path, so one naming an abstract
  address (leading NUL) is a ValueError too.
- AF_INET6 ``scope_id`` outside 0..2**32-1, or a ``flowinfo`` outside 0..2**32-1 that the
  stdlib's 32-bit mask brings into 0..0xfffff (2**32 becomes 0): famsock raises OverflowError,
  the stdlib wraps.
- An ``os.PathLike`` AF_UNIX address, and a typed ``UnixAddress`` (which the stdlib takes from
  Python 3.12 only): famsock takes them; the stdlib side gets their str or bytes instead.
- ``recvfrom()`` with MSG_TRUNC: the stdlib returns as many bytes as the datagram had, those
  past ``bufsize`` uninitialized memory; famsock returns at most ``bufsize`` bytes. The first
  ``bufsize`` bytes must agree.
- A value with both a host the stdlib cannot read or resolve and a number out of range: the
  stdlib reads the host first (gaierror, OSError), famsock checks ranges first (OverflowError).
- A host's ``%scope`` (AF_INET6) is famsock's scope, where the stdlib drops it for ``scope_id``:
  not generated here (plugins/inet6/tests/test_link_local.py covers it).
"""

from __future__ import annotations

import ctypes
import operator
import os
import select
import shutil
import socket as stdlib
import struct
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from itertools import count
from typing import Any

import pytest
from famsock_inet import InetAddress
from famsock_inet6 import Inet6Address
from famsock_unix import UnixAddress
from hypothesis import HealthCheck, assume, given, settings, strategies as st

import famsock
from famsock.testing import fds_unchanged, outcome, plain, strategies as fst

FAMILIES = {"inet": stdlib.AF_INET, "inet6": stdlib.AF_INET6, "unix": stdlib.AF_UNIX}
MISSING = object()  # an optional argument left out
FIXED_PORTS = range(20000, 20010)  # below the ephemeral range, so never the kernel's choice
U32 = 2**32
_serial = count()

# The syscall_path fixture sets the mode for the whole test; each example builds its own sockets.
differential = settings(max_examples=fst.examples(25),
                        suppress_health_check=[HealthCheck.function_scoped_fixture])

Observed = tuple[Any, ...]  # outcome()s, and what followed them


@pytest.fixture(params=list(FAMILIES))
def family(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def unix_dir() -> Iterator[str]:
    """A short directory for AF_UNIX socket files, emptied after every example."""
    directory = tempfile.mkdtemp(prefix="fd", dir="/tmp")
    yield directory
    shutil.rmtree(directory)


# -- outcomes -------------------------------------------------------------------------------------


def optional(*args: Any) -> list[Any]:
    """The arguments that were not left out."""
    return [arg for arg in args if arg is not MISSING]


def positional(*arguments: tuple[Any, Any]) -> list[Any]:
    """Optional positional arguments, as ``(value or MISSING, default)`` pairs: up to the last
    one given, the defaults standing in for those left out before it."""
    present = [index for index, (value, _) in enumerate(arguments) if value is not MISSING]
    last = present[-1] + 1 if present else 0
    return [default if value is MISSING else value for value, default in arguments[:last]]


@contextmanager
def cleaned(directory: str) -> Iterator[None]:
    """Remove the socket files a run left in ``directory``."""
    try:
        yield
    finally:
        for name in os.listdir(directory):
            os.unlink(os.path.join(directory, name))


def wait_readable(sock: stdlib.socket) -> None:
    poller = select.poll()
    poller.register(sock.fileno(), select.POLLIN)
    assert poller.poll(2000), "a datagram sent on loopback did not arrive in 2 s"


def fresh(family: str) -> Any:
    """An address to bind a server to: port 0, or a new abstract name."""
    if family == "inet":
        return ("127.0.0.1", 0)
    if family == "inet6":
        return ("::1", 0)
    return f"\0famsock-differential-{os.getpid()}-{next(_serial)}".encode()


def server(stack: ExitStack, family: str, kind: int = stdlib.SOCK_DGRAM) -> stdlib.socket:
    """A stdlib socket bound to a fresh loopback address (listening, for a stream socket)."""
    sock = stack.enter_context(stdlib.socket(FAMILIES[family], kind))
    sock.bind(fresh(family))
    if kind == stdlib.SOCK_STREAM:
        sock.listen(8)
    return sock


def masked(address: Any) -> Any:
    """An address with what the kernel chose masked: an ephemeral port, an autobind name."""
    if isinstance(address, tuple) and len(address) >= 2 and 32768 <= address[1] <= 60999:
        return (address[0], "ephemeral", *address[2:])
    plain_address = plain(address)
    if isinstance(plain_address, bytes) and len(plain_address) == 6 and plain_address[:1] == b"\0":
        return "autobound"
    return address


MARKER = b"famsock-differential-marker"


def arrived(receiver: stdlib.socket) -> list[bytes]:
    """The datagrams that reached ``receiver`` before a marker sent now: a receive queue on
    loopback keeps the order of the sends that completed."""
    with stdlib.socket(receiver.family, stdlib.SOCK_DGRAM) as marker:
        marker.sendto(MARKER, plain(receiver.getsockname()))
    received: list[bytes] = []
    for _ in range(8):
        wait_readable(receiver)
        data = receiver.recv(70000)
        if data == MARKER:
            return received
        received.append(data)
    raise AssertionError(f"the marker did not follow {len(received)} datagrams")


# -- the differences on purpose -------------------------------------------------------------------


def _index(value: Any) -> int | None:
    try:
        return operator.index(value)
    except TypeError:
        return None


def refused_on_purpose(family: str, value: Any) -> type[Exception] | None:
    """The exception famsock raises for an address the stdlib silently changes (module docstring)."""
    if family == "unix":
        if isinstance(value, os.PathLike):
            value = outcome(os.fspath, value).value
            if isinstance(value, (str, bytes)) and value[:1] in ("\0", b"\0"):
                return ValueError
        if isinstance(value, (str, bytes, bytearray)):
            data = outcome(os.fsencode, value).value if isinstance(value, str) else bytes(value)
            if isinstance(data, bytes) and data[:1] != b"\0" and b"\0" in data:
                return ValueError
    if family == "inet6" and isinstance(value, tuple) and 3 <= len(value) <= 4:
        numbers = [_index(field) for field in value[1:]]  # port, flowinfo[, scope_id]
        if None in numbers:
            return None
        flowinfo, scope_id = (*numbers[1:], 0)[:2]
        assert flowinfo is not None and scope_id is not None
        if not 0 <= scope_id < U32 or (not 0 <= flowinfo < U32 and flowinfo % U32 <= 0xFFFFF):
            return OverflowError
    return None


def for_stdlib(value: Any) -> Any:
    """The value the stdlib side gets: a path-like's str or bytes, a typed AF_UNIX address's."""
    if isinstance(value, os.PathLike):
        path = outcome(os.fspath, value)
        return value if path.raised else path.value
    return plain(value)


def range_before_host(family: str, value: Any) -> bool:
    """A value with both a host the stdlib cannot read or resolve (an OSError) and a number out
    of range: the stdlib reads the host first, famsock checks ranges first (OverflowError), so
    that no name lookup is spent on a value refused anyway (plugins/inet6/README.md)."""
    if family == "unix" or not isinstance(value, tuple) or len(value) < 2:
        return False
    loopback = "127.0.0.1" if family == "inet" else "::1"
    host_fails = outcome(famsock.parse_address, family, (value[0], 0))
    range_fails = outcome(famsock.parse_address, family, (loopback, *value[1:]))
    return (host_fails.raised and issubclass(host_fails.value, OSError)
            and range_fails == ("raised", OverflowError, None))


def compare(family: str, value: Any, theirs: Observed, ours: Observed) -> None:
    """Both outcomes of a run, each ``(call outcome, *what followed)``; ``value`` is the address
    argument, if any (``MISSING``)."""
    refused = refused_on_purpose(family, value)
    if refused is None and range_before_host(family, value):
        refused = OverflowError
    if refused is None or ours[0] != ("raised", refused, None):
        assert ours == theirs  # no difference here, or another argument failed first in both


# -- strategies -----------------------------------------------------------------------------------

some_junk = st.one_of(st.none(), st.integers(), st.sampled_from(["text", b"", 80.0]),
                      fst.user_values().filter(lambda value: not isinstance(value, (str, bytes, bytearray))))


def inet_forms(host: str, port: int) -> st.SearchStrategy[Any]:
    """``(host, port)`` in other spellings, and wrong in every way the stdlib checks."""
    return st.sampled_from([
        (host, port), (host.encode(), port), (bytearray(host.encode()), port), ("localhost", port),
        (host, fst.IndexLike(port)), InetAddress(host, port), (host, True),
        ("10.255.0.1", port), ("0.0.0.0", port), ("", port), ("<broadcast>", port), ("255.255.255.255", port),
        (host, -1), (host, 65536), (host, 2**64), (host, "80"), (host, 80.0), (host + "\0", port),
        (None, port), ("no-such-name.invalid", port), ("no-such-name.invalid", 65536), (host,),
        (host, port, 0), [host, port], f"{host}:{port}", None, b"",
    ])


def inet6_forms(host: str, port: int) -> st.SearchStrategy[Any]:
    """``(host, port[, flowinfo[, scope_id]])`` in other spellings, and wrong in every way the
    stdlib checks, and in the ways it wraps."""
    return st.sampled_from([
        (host, port), (host, port, 0), (host, port, 0, 0), (host.encode(), port), ("0:0:0:0:0:0:0:1", port),
        ("localhost", port), (host, port, 0xFFFFF), (host, port, 0, 3), Inet6Address(host, port),
        (host, fst.IndexLike(port), fst.IndexLike(1)), ("::ffff:127.0.0.1", port), ("fe80::1", port),
        ("2001:db8::1", port), ("::", port),
        (host, port, 0x100000), (host, port, -1), (host, port, U32), (host, port, U32 + 5),
        (host, port, -U32),
        (host, port, 0, U32), (host, port, 0, -1), (host, port, 0, U32 + 1), (host, port, "0"),
        (host, port, 0, 0.0), (host, 2**40, None), ("<broadcast>", port), ("255.255.255.255", port),
        (host + "\0", port), (host, -1), (host, 65536), (host, port, 0, 0, 0), (host,), None, [host, port],
        ("no-such-name.invalid", port, U32), ("no-such-name.invalid", 65536),
    ])


def unix_forms(name: bytes, directory: str) -> st.SearchStrategy[Any]:
    """An abstract name in every type the stdlib takes, and other names: missing paths, paths
    with NULs, too long, path-likes, non-contiguous memory, non-addresses."""
    missing = directory + "/missing"
    scattered = st.builds(lambda: memoryview(bytearray(2 * len(name)))[::2])  # not C-contiguous
    return scattered | st.sampled_from([
        name, os.fsdecode(name), bytearray(name), memoryview(name), UnixAddress(name),
        b"\0famsock-differential-nobody", "", b"", missing,
        missing.encode(), fst.PathLikeValue(missing), fst.PathLikeValue(missing.encode()),
        fst.PathLikeValue(name), fst.PathLikeValue(None), missing + "\0tail", "/" + "x" * 107,
        b"\0" + b"x" * 108, "\ud800", 5, None, (name,),
    ])


def destinations(family: str, target: Any, directory: str) -> st.SearchStrategy[Any]:
    """Values for ``target`` (a server's address) and for other places, valid and invalid."""
    target = plain(target)
    if family == "inet":
        forms = inet_forms(*target)
    elif family == "inet6":
        forms = inet6_forms(target[0], target[1])
    else:
        forms = unix_forms(target, directory)
    return st.one_of(forms, forms, forms, some_junk)


def bindables(family: str, directory: str) -> st.SearchStrategy[Any]:
    """Addresses to bind to: loopback and other local ones, fixed and kernel-chosen ports,
    abstract names and paths (in ``directory``) of every length, autobind; and invalid ones."""
    port = st.sampled_from(FIXED_PORTS)
    if family == "inet":
        local = st.one_of(st.sampled_from(["127.0.0.1", "127.3.2.1", "0.0.0.0", "", "localhost", "10.9.9.9",
                                           "<broadcast>"]).flatmap(lambda host: st.tuples(
                                               st.just(host), st.one_of(st.just(0), port))))
        return st.one_of(local, local, inet_forms("127.0.0.1", 0))
    if family == "inet6":
        local = st.sampled_from(["::1", "::", "::ffff:127.0.0.1", "fe80::1", "2001:db8::1"]).flatmap(
            lambda host: st.tuples(st.just(host), st.one_of(st.just(0), port)))
        return st.one_of(local, local, inet6_forms("::1", 0))
    where = directory + "/"
    paths = st.integers(len(where) + 1, 109).map(lambda size: (where + "p" * 110)[:size])
    abstract = st.binary(max_size=104).map(lambda name: b"\0fsd" + name)
    return st.one_of(abstract, abstract, paths, paths.map(str.encode), paths.map(fst.PathLikeValue),
                     st.just(""), unix_forms(b"\0fsd-name", directory))


socket_kinds = st.sampled_from([stdlib.SOCK_DGRAM, stdlib.SOCK_STREAM])


payloads = st.one_of(st.binary(max_size=100), st.integers(0, 70000).map(bytes), st.just(b""))
send_flags = fst.c_flags([stdlib.MSG_DONTWAIT, stdlib.MSG_NOSIGNAL, stdlib.MSG_DONTROUTE, stdlib.MSG_CONFIRM,
                          stdlib.MSG_OOB, stdlib.MSG_EOR])
# receive flags that never wait while a datagram is queued
receive_flags = fst.c_flags([stdlib.MSG_PEEK, stdlib.MSG_DONTWAIT, stdlib.MSG_TRUNC, stdlib.MSG_WAITALL,
                             stdlib.MSG_ERRQUEUE, stdlib.MSG_OOB, stdlib.MSG_CMSG_CLOEXEC])
optional_flags = st.one_of(st.just(MISSING), receive_flags)


def ancillary_items(family: str) -> st.SearchStrategy[Any]:
    """sendmsg() ancillary data: none, items the kernel takes or refuses, and malformed ones."""
    if family == "unix":
        credentials = struct.pack("iII", os.getpid(), os.getuid(), os.getgid())
        valid = [(stdlib.SOL_SOCKET, stdlib.SCM_CREDENTIALS, credentials),
                 (stdlib.SOL_SOCKET, stdlib.SCM_CREDENTIALS, b"\0" * 12)]
    elif family == "inet":
        valid = [(stdlib.IPPROTO_IP, stdlib.IP_TOS, b"\x10"),
                 (stdlib.IPPROTO_IP, stdlib.IP_TTL, struct.pack("i", 9))]
    else:
        valid = [(stdlib.IPPROTO_IPV6, stdlib.IPV6_HOPLIMIT, struct.pack("i", 9)),
                 (stdlib.IPPROTO_IPV6, stdlib.IPV6_TCLASS, struct.pack("i", 300))]
    malformed = [(1, 2), (1, 2, 3), (2**31, 0, b""), ("1", 2, b""), (1, 2, "text"), b"abc", [1, 2, b"x"],
                 (stdlib.SOL_SOCKET, 999, b"")]
    items = st.sampled_from(valid + malformed)
    lists = st.lists(items, max_size=2)
    return st.one_of(st.just([]), st.just(()), lists, lists.map(tuple), st.sampled_from([None, 5, "text"]))


def enable_ancillary(sock: stdlib.socket, family: str) -> None:
    """Ask for a control message with every datagram: credentials, or the packet's info."""
    if family == "unix":
        sock.setsockopt(stdlib.SOL_SOCKET, stdlib.SO_PASSCRED, 1)
    elif family == "inet":
        sock.setsockopt(stdlib.IPPROTO_IP, stdlib.IP_RECVTOS, 1)
    else:
        sock.setsockopt(stdlib.IPPROTO_IPV6, stdlib.IPV6_RECVPKTINFO, 1)


# -- bind, connect, connect_ex --------------------------------------------------------------------


@differential
@given(data=st.data())
def test_bind(family: str, syscall_path: str, unix_dir: str, data: st.DataObject) -> None:
    kind = data.draw(socket_kinds, label="type")
    value = data.draw(bindables(family, unix_dir), label="address")
    timeout = data.draw(fst.timeouts(), label="timeout")

    def run(make: Callable[..., stdlib.socket], value: Any) -> Observed:
        with cleaned(unix_dir), make(FAMILIES[family], kind) as sock:
            sock.settimeout(timeout)
            return outcome(sock.bind, value), masked(outcome(sock.getsockname)[-1])

    with fds_unchanged():
        theirs = run(stdlib.socket, for_stdlib(value))
        ours = run(famsock.socket, value)
    compare(family, value, theirs, ours)


def connect_run(family: str, kind: int, timeout: float | None, method: str
                ) -> Callable[[Callable[..., stdlib.socket], Any], Observed]:
    """A run of ``connect`` or ``connect_ex``: the call's outcome, then the peer it reached."""

    def run(make: Callable[..., stdlib.socket], value: Any) -> Observed:
        with make(FAMILIES[family], kind) as sock:
            sock.settimeout(timeout)
            result = outcome(getattr(sock, method), value)
            if kind == stdlib.SOCK_STREAM:  # a connection in progress: wait for it, boundedly
                select.select([], [sock], [], 2)
            return result, outcome(sock.getpeername)

    return run


@pytest.mark.parametrize("method", ["connect", "connect_ex"])
@differential
@given(data=st.data())
def test_connect(family: str, syscall_path: str, unix_dir: str, method: str, data: st.DataObject) -> None:
    kind = data.draw(socket_kinds, label="type")
    timeout = data.draw(fst.timeouts(), label="timeout")
    with fds_unchanged(), ExitStack() as stack:
        target = server(stack, family, kind)
        value = data.draw(destinations(family, target.getsockname(), unix_dir), label="address")
        run = connect_run(family, kind, timeout, method)
        theirs = run(stdlib.socket, for_stdlib(value))
        ours = run(famsock.socket, value)
    compare(family, value, theirs, ours)


# -- sendto, sendmsg ------------------------------------------------------------------------------


@differential
@given(data=st.data())
def test_sendto(family: str, syscall_path: str, unix_dir: str, data: st.DataObject) -> None:
    payload = data.draw(fst.buffers(payloads), label="data")
    flags = data.draw(st.one_of(st.just(MISSING), send_flags), label="flags")
    timeout = data.draw(fst.timeouts(), label="timeout")
    with fds_unchanged(), ExitStack() as stack:
        receiver = server(stack, family)
        value = data.draw(destinations(family, receiver.getsockname(), unix_dir), label="address")

        def run(make: Callable[..., stdlib.socket], value: Any) -> Observed:
            with make(FAMILIES[family], stdlib.SOCK_DGRAM) as sock:
                sock.settimeout(timeout)
                return outcome(sock.sendto, payload, *optional(flags), value), arrived(receiver)

        theirs = run(stdlib.socket, for_stdlib(value))
        ours = run(famsock.socket, value)
    compare(family, value, theirs, ours)


@differential
@given(data=st.data())
def test_sendmsg(family: str, syscall_path: str, unix_dir: str, data: st.DataObject) -> None:
    buffers = data.draw(st.one_of(st.lists(fst.buffers(payloads), max_size=3),
                                  st.lists(fst.buffers(payloads), max_size=3).map(tuple),
                                  st.sampled_from([None, 5, b"not a list of buffers"])), label="buffers")
    ancdata = data.draw(st.one_of(st.just(MISSING), ancillary_items(family)), label="ancdata")
    flags = data.draw(st.one_of(st.just(MISSING), send_flags), label="flags")
    timeout = data.draw(fst.timeouts(), label="timeout")
    with fds_unchanged(), ExitStack() as stack:
        receiver = server(stack, family)
        value = data.draw(st.one_of(st.just(MISSING), st.just(None),
                                    destinations(family, receiver.getsockname(), unix_dir)), label="address")

        def run(make: Callable[..., stdlib.socket], value: Any) -> Observed:
            with make(FAMILIES[family], stdlib.SOCK_DGRAM) as sock:
                sock.settimeout(timeout)
                result = outcome(sock.sendmsg, buffers, *positional((ancdata, []), (flags, 0), (value, None)))
                return result, arrived(receiver)

        theirs = run(stdlib.socket, for_stdlib(value))
        ours = run(famsock.socket, value)
    compare(family, value, theirs, ours)


# -- recvfrom, recvfrom_into, recvmsg, recvmsg_into -----------------------------------------------


@contextmanager
def sender(family: str, bound: bool) -> Iterator[stdlib.socket]:
    """A stdlib datagram socket to send from: bound to loopback (AF_UNIX: or not bound)."""
    with stdlib.socket(FAMILIES[family], stdlib.SOCK_DGRAM) as sock:
        if bound or family != "unix":
            sock.bind(fresh(family))
        yield sock


def receive_run(family: str, source: stdlib.socket, payload: bytes | None, timeout: float | None,
                call: Callable[[stdlib.socket], Observed], ancillary: bool = False
                ) -> Callable[[Callable[..., stdlib.socket]], Observed]:
    """A run of a receiving call on a fresh bound datagram socket, ``payload`` sent to it first
    (unless None); the call's outcome, and the warnings it raised."""

    def run(make: Callable[..., stdlib.socket]) -> Observed:
        with make(FAMILIES[family], stdlib.SOCK_DGRAM) as sock:
            sock.bind(fresh(family))
            sock.settimeout(timeout)
            if ancillary:
                enable_ancillary(sock, family)
            if payload is not None:
                source.sendto(payload, plain(sock.getsockname()))
                wait_readable(sock)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                result = call(sock)
            return result, [warning.category for warning in caught]

    return run


def pending_payload(data: st.DataObject, timeout: float | None) -> bytes | None:
    """A datagram to receive, or none; a blocking socket always gets one (no call may hang)."""
    payload = data.draw(st.one_of(st.none(), st.binary(max_size=100), st.integers(0, 65000).map(bytes)),
                        label="payload")
    assume(payload is not None or timeout is not None)
    return payload


def truncating(flags: Any) -> bool:
    number = _index(flags) if flags is not MISSING else 0
    return number is not None and bool(number & stdlib.MSG_TRUNC)


def truncated(theirs: Observed, ours: Observed, bufsize: Any) -> tuple[Observed, Observed]:
    """recvfrom() with MSG_TRUNC (module docstring): the first ``bufsize`` bytes must agree, and
    famsock returns no more; the rest of the stdlib's bytes are uninitialized memory."""
    (their_call, their_warnings), (our_call, our_warnings) = theirs, ours
    if their_call.raised or our_call.raised:
        return theirs, ours
    size = operator.index(bufsize)
    (their_data, their_address), (our_data, our_address) = their_call.value, our_call.value
    assert len(our_data) <= size
    return ((their_call._replace(value=(their_data[:size], their_address)), their_warnings),
            (our_call._replace(value=(our_data[:size], our_address)), our_warnings))


@differential
@given(data=st.data())
def test_recvfrom(family: str, syscall_path: str, data: st.DataObject) -> None:
    timeout = data.draw(fst.timeouts(), label="timeout")
    payload = pending_payload(data, timeout)
    bufsize = data.draw(fst.sizes(0, 120), label="bufsize")
    flags = data.draw(optional_flags, label="flags")
    bound_sender = data.draw(st.booleans(), label="bound sender")
    with fds_unchanged(), sender(family, bound_sender) as source:
        run = receive_run(family, source, payload, timeout,
                          lambda sock: outcome(sock.recvfrom, bufsize, *optional(flags)))
        theirs, ours = run(stdlib.socket), run(famsock.socket)
    if truncating(flags):
        theirs, ours = truncated(theirs, ours, bufsize)
    assert ours == theirs


@differential
@given(data=st.data())
def test_recvfrom_into(family: str, syscall_path: str, data: st.DataObject) -> None:
    timeout = data.draw(fst.timeouts(), label="timeout")
    payload = pending_payload(data, timeout)
    make_buffer = data.draw(fst.receive_buffers(), label="buffer")
    nbytes = data.draw(st.one_of(st.just(MISSING), fst.sizes(0, 80)), label="nbytes")
    flags = data.draw(optional_flags, label="flags")
    arguments = positional((nbytes, 0), (flags, 0))

    def call(sock: stdlib.socket) -> Observed:
        buffer = make_buffer()
        return outcome(sock.recvfrom_into, buffer, *arguments), outcome(bytes, buffer)

    bound_sender = data.draw(st.booleans(), label="bound sender")
    with fds_unchanged(), sender(family, bound_sender) as source:
        run = receive_run(family, source, payload, timeout, call)
        theirs, ours = run(stdlib.socket), run(famsock.socket)
    assert ours == theirs


@differential
@given(data=st.data())
def test_recvmsg(family: str, syscall_path: str, data: st.DataObject) -> None:
    timeout = data.draw(fst.timeouts(), label="timeout")
    payload = pending_payload(data, timeout)
    bufsize = data.draw(fst.sizes(0, 120), label="bufsize")
    ancbufsize = data.draw(st.one_of(st.just(MISSING), fst.sizes(0, 200)), label="ancbufsize")
    flags = data.draw(optional_flags, label="flags")
    ancillary = data.draw(st.booleans(), label="ancillary data")
    arguments = positional((ancbufsize, 0), (flags, 0))
    bound_sender = data.draw(st.booleans(), label="bound sender")
    with fds_unchanged(), sender(family, bound_sender) as source:
        run = receive_run(family, source, payload, timeout,
                          lambda sock: outcome(sock.recvmsg, bufsize, *arguments), ancillary)
        theirs, ours = run(stdlib.socket), run(famsock.socket)
    assert ours == theirs


SEQUENCES: dict[str, Callable[[list[Any]], Any]] = {"list": list, "tuple": tuple, "iterator": iter}


@differential
@given(data=st.data())
def test_recvmsg_into(family: str, syscall_path: str, data: st.DataObject) -> None:
    timeout = data.draw(fst.timeouts(), label="timeout")
    payload = pending_payload(data, timeout)
    makers = data.draw(st.lists(fst.receive_buffers(), max_size=3), label="buffers")
    shape = SEQUENCES[data.draw(st.sampled_from(sorted(SEQUENCES)), label="buffers as")]
    ancbufsize = data.draw(st.one_of(st.just(MISSING), fst.sizes(0, 200)), label="ancbufsize")
    flags = data.draw(optional_flags, label="flags")
    ancillary = data.draw(st.booleans(), label="ancillary data")
    arguments = positional((ancbufsize, 0), (flags, 0))

    def call(sock: stdlib.socket) -> Observed:
        buffers = [make() for make in makers]
        result = outcome(sock.recvmsg_into, shape(buffers), *arguments)
        return result, [outcome(bytes, buffer) for buffer in buffers]

    bound_sender = data.draw(st.booleans(), label="bound sender")
    with fds_unchanged(), sender(family, bound_sender) as source:
        run = receive_run(family, source, payload, timeout, call, ancillary)
        theirs, ours = run(stdlib.socket), run(famsock.socket)
    assert ours == theirs


# -- getsockname, getpeername ---------------------------------------------------------------------

STATES = ["new", "bound", "connected", "listening", "accepted", "shut down", "closed"]


_libc = ctypes.CDLL(None, use_errno=True)


def bind_like_c(sock: stdlib.socket, path: bytes) -> None:
    """bind() to an AF_UNIX path without its NUL, as a C program may (108 bytes: no room)."""
    data = stdlib.AF_UNIX.to_bytes(2, sys.byteorder) + path
    assert _libc.bind(sock.fileno(), data, len(data)) == 0, os.strerror(ctypes.get_errno())


def in_state(stack: ExitStack, family: str, kind: int, state: str, value: Any) -> stdlib.socket:
    """A stdlib socket in ``state``; ``value`` is what a bound one is bound to."""
    number = FAMILIES[family]
    sock = stack.enter_context(stdlib.socket(number, kind))
    if state == "bound":
        if isinstance(value, bytes) and len(value) == 108 and value[:1] == b"/":
            bind_like_c(sock, value)
        else:
            outcome(sock.bind, value)
    elif state in ("connected", "accepted", "shut down"):
        peer = server(stack, family, kind)
        sock.connect(plain(peer.getsockname()))
        if state == "accepted" and kind == stdlib.SOCK_STREAM:
            sock = stack.enter_context(peer.accept()[0])
        if state == "shut down" and kind == stdlib.SOCK_STREAM:
            sock.shutdown(stdlib.SHUT_RDWR)
    elif state == "listening":
        sock.bind(fresh(family))
        outcome(sock.listen)
    elif state == "closed":
        sock.close()
    return sock


@pytest.mark.parametrize("method", ["getsockname", "getpeername"])
@differential
@given(data=st.data())
def test_names(family: str, syscall_path: str, unix_dir: str, method: str, data: st.DataObject) -> None:
    """Both sockets are views of one kernel socket (its fd duplicated), in a generated state."""
    kind = data.draw(socket_kinds, label="type")
    state = data.draw(st.sampled_from(STATES), label="state")
    value = data.draw(bindables(family, unix_dir), label="bound to") if state == "bound" else None
    with fds_unchanged(), cleaned(unix_dir), ExitStack() as stack:
        theirs = in_state(stack, family, kind, state, for_stdlib(value))
        if state == "closed":
            ours = famsock.socket(FAMILIES[family], kind)
            ours.close()
        else:
            ours = stack.enter_context(famsock.socket(FAMILIES[family], kind, 0, os.dup(theirs.fileno())))
        assert outcome(getattr(ours, method)) == outcome(getattr(theirs, method))


# -- accept ---------------------------------------------------------------------------------------


@differential
@given(data=st.data())
def test_accept(family: str, syscall_path: str, data: st.DataObject) -> None:
    timeout = data.draw(fst.timeouts(), label="timeout")
    listening = data.draw(st.booleans(), label="listening")
    client_bound = data.draw(st.booleans(), label="bound client")
    pending = data.draw(st.booleans(), label="pending connection") and listening
    assume(pending or timeout is not None or not listening)

    def run(make: Callable[..., stdlib.socket]) -> Observed:
        with ExitStack() as stack:
            sock = stack.enter_context(make(FAMILIES[family], stdlib.SOCK_STREAM))
            sock.bind(fresh(family))
            sock.settimeout(timeout)
            if listening:
                sock.listen(1)
            client = stack.enter_context(stdlib.socket(FAMILIES[family], stdlib.SOCK_STREAM))
            if client_bound:
                client.bind(fresh(family))
            if pending:
                client.connect(plain(sock.getsockname()))
            result = outcome(sock.accept)
            if result.raised:
                return (result,)
            conn, address = stack.enter_context(result.value[0]), result.value[1]
            # what the kernel chose differs between runs: compare how it relates to the sockets
            return (address == plain(client.getsockname()), conn.getsockname() == sock.getsockname(),
                    conn.getpeername() == address, conn.gettimeout(), (conn.family, conn.type),
                    type(conn) is type(sock))

    with fds_unchanged():
        theirs, ours = run(stdlib.socket), run(famsock.socket)
    assert ours == theirs
