"""Every Inet6Address is valid however it was built, and every one famsock returns round-trips.

The rule (README): a typed address holds what ``struct sockaddr_in6`` holds, flowinfo included in
full (32 bits: the kernel reports traffic class bits in it); ``parse`` of a plain tuple keeps the
stdlib's 20-bit limit; sending a flowinfo beyond 20 bits is ``OverflowError`` on both paths, as
the interpreter's C methods raise.
"""

from __future__ import annotations

import copy
import errno
import io
import pickle
import shutil
import socket as stdlib
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from famsock_inet6 import Inet6Address

import famsock

pytestmark = pytest.mark.usefixtures("no_fd_leak")

_FAMILY: bytes = famsock.AF_INET6.to_bytes(2, sys.byteorder)


def _sockaddr_in6(host: str, port: int, flowinfo: int, scope_id: int) -> bytes:
    packed: bytes = stdlib.inet_pton(stdlib.AF_INET6, host)
    return (_FAMILY + port.to_bytes(2, "big") + flowinfo.to_bytes(4, "big") + packed
            + scope_id.to_bytes(4, sys.byteorder))


@pytest.fixture
def server() -> Iterator[stdlib.socket]:
    """A stdlib UDP socket on ::1 that does not block: what it received, or nothing."""
    with stdlib.socket(stdlib.AF_INET6, stdlib.SOCK_DGRAM) as sock:
        sock.bind(("::1", 0))
        sock.setblocking(False)
        yield sock


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        (["::1", 9, 2**32, 0], OverflowError, "flowinfo must be 0-4294967295, got 4294967296"),
        (["::1", 9, -1, 0], OverflowError, "flowinfo must be 0-4294967295, got -1"),
        (["::1", 9, 0, 2**32], OverflowError, "scope_id must be 0-4294967295, got 4294967296"),
        (["::1", 2**16, 0, 0], OverflowError, "port must be 0-65535, got 65536"),
        (["::1", 9, "0", 0], TypeError, "flowinfo must be an integer, not str"),
        (["localhost", 9, 0, 0], ValueError, "not a name: 'localhost'"),
        (["fe80::1%lo", 9, 0, 999_999], ValueError, "but scope_id is 999999"),
        (["::1", 9], TypeError, "Expected 4 arguments, got 2"),
        (["::1", 9, 0, 0, 0], TypeError, "Expected 4 arguments, got 5"),
    ],
    ids=["flowinfo-2**32", "flowinfo-minus-1", "scope-2**32", "port-65536", "flowinfo-str", "name",
         "scopes-disagree", "two-fields", "five-fields"],
)
def test_make_checks_as_the_constructor(fields: list[Any], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        Inet6Address._make(fields)


def test_make_keeps_a_host_scope_and_reaches_the_kernel(syscall_path: str, link_local: int) -> None:
    with stdlib.socket(stdlib.AF_INET6, stdlib.SOCK_DGRAM) as server:
        server.bind(("fe80::1", 0, 0, link_local))
        server.settimeout(5)
        port = server.getsockname()[1]
        made = Inet6Address._make(["fe80::1%lo", port, 0, 0])
        assert made == ("fe80::1", port, 0, link_local)
        with famsock.socket(famsock.AF_INET6, famsock.SOCK_DGRAM) as ours:
            assert ours.sendto(b"scoped", made) == 6
            assert server.recv(10) == b"scoped"


def test_make_normalizes_the_host() -> None:
    made = Inet6Address._make([b"0:0::1", 9, 0, 0])
    assert made == ("::1", 9, 0, 0)
    assert type(made.host) is str


def test_replace_refuses_unknown_fields_as_namedtuple_does() -> None:
    with pytest.raises(ValueError, match="unexpected field names: \\['colour'\\]"):
        Inet6Address("::1", 1)._replace(colour="red")


def _pickled(protocol: int) -> Callable[[Inet6Address], Any]:
    return lambda address: pickle.loads(pickle.dumps(address, protocol))


_CLONES: dict[str, Callable[[Inet6Address], Any]] = {
    **{f"pickle-{protocol}": _pickled(protocol) for protocol in range(pickle.HIGHEST_PROTOCOL + 1)},
    "copy": copy.copy,
    "deepcopy": copy.deepcopy,
    "make": Inet6Address._make,
    "replace": lambda a: a._replace(),
    "constructor": lambda a: Inet6Address(*a),
    "text": lambda a: famsock.address_from_text(famsock.address_to_text(a)),
    "iterable": lambda a: Inet6Address(iter(a)),
}

@pytest.mark.skipif(sys.version_info < (3, 13), reason="copy.replace is Python 3.13+")
def test_copy_replace_checks_as_replace() -> None:
    """namedtuple's __replace__ (3.13) is its _replace, which builds through _make."""
    address = Inet6Address("::1", 1)
    replaced = copy.replace(address, host="fe80::1%lo")  # type: ignore[attr-defined, unused-ignore]
    assert replaced == ("fe80::1", 1, 0, stdlib.if_nametoindex("lo"))
    with pytest.raises(OverflowError, match="scope_id must be 0-4294967295"):
        copy.replace(address, scope_id=-1)  # type: ignore[attr-defined, unused-ignore]


# As the kernel reports them: sin6_flowinfo is 32 bits on the wire, traffic class bits included.
_REPORTED = [
    ("2001:db8::1", 53, 0x0FFFFFFF, 0),
    ("::1", 80, 0x00100000, 0),
    ("::ffff:127.0.0.1", 65535, 0xFFFFFFFF, 0),
    ("fe80::1", 1, 0xAB00000, 4_000_000_000),
    ("::", 0, 0, 2**32 - 1),
]


@pytest.mark.parametrize("clone", _CLONES)
@pytest.mark.parametrize("fields", _REPORTED, ids=[f"{h}-{f:#x}-{s}" for h, _, f, s in _REPORTED])
def test_every_decoded_address_survives_every_door(fields: tuple[str, int, int, int], clone: str) -> None:
    address = famsock.decode(_sockaddr_in6(*fields))
    assert address == fields
    copied = _CLONES[clone](address)
    assert copied == address
    assert type(copied) is Inet6Address


PROTOCOLS = range(pickle.HIGHEST_PROTOCOL + 1)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_an_edited_pickle_is_checked(protocol: int) -> None:
    """Protocols 0 and 1 rebuild tuple subclasses with ``tuple.__new__`` unless told otherwise."""
    data = pickle.dumps(Inet6Address("::1", 80, 0, 7), protocol)
    assert data.count(b"::1") == 1
    with pytest.raises(ValueError, match="not a name: 'ab1'"):
        pickle.loads(data.replace(b"::1", b"ab1"))
    assert pickle.loads(data.replace(b"::1", b"::2")) == ("::2", 80, 0, 7)


class _Calls(pickle.Unpickler):
    """Unpickles into a record of the calls a pickle makes, instead of making them."""

    def find_class(self, module: str, name: str) -> Any:
        return lambda *args: (f"{module}.{name}", args)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_pickle_is_a_call_of_the_public_class_with_the_stdlib_fields(protocol: int) -> None:
    """What a pickle holds, decided: ``famsock_inet6.Inet6Address(host, port, flowinfo, scope_id)``
    and nothing else. It names the public class (stable while modules move) and needs
    famsock-inet6 to load, as any typed value does; ``pickle.dumps(tuple(a))`` gives the stdlib's."""
    address = famsock.decode(_sockaddr_in6("fe80::1", 80, 0xFFFFFFFF, 2**32 - 1))
    data = pickle.dumps(address, protocol)
    expected = ("famsock_inet6.Inet6Address", ("fe80::1", 80, 2**32 - 1, 2**32 - 1))
    assert _Calls(io.BytesIO(data)).load() == expected
    assert pickle.loads(pickle.dumps(tuple(address), protocol)).__class__ is tuple


@pytest.mark.parametrize("clone", [copy.copy, copy.deepcopy])
def test_a_copy_is_built_by_the_constructor(clone: Callable[[Any], Any]) -> None:
    """Only ``tuple.__new__`` skips the checks: a copy of what it built is checked."""
    forged = tuple.__new__(Inet6Address, ("::1", 80, 0, 2**32))
    with pytest.raises(OverflowError, match="scope_id must be 0-4294967295, got 4294967296"):
        clone(forged)


def test_text_form_keeps_the_whole_flowinfo() -> None:
    address = famsock.decode(_sockaddr_in6("::1", 80, 0x0FFFFFFF, 0))
    assert famsock.address_to_text(address) == "inet6:[::1]:80,flowinfo=0xfffffff"
    assert famsock.address_from_text("inet6:[::1]:80,flowinfo=4294967295") == ("::1", 80, 2**32 - 1, 0)
    with pytest.raises(OverflowError, match="flowinfo must be 0-4294967295, got 4294967296"):
        famsock.address_from_text("inet6:[::1]:80,flowinfo=0x100000000")


def test_plain_tuples_keep_the_stdlib_limit_even_after_an_equal_typed_address_was_built() -> None:
    """The constructor takes 32 bits and parse() caches literals: no cache hit may carry a
    typed address's wider limit over to a user's tuple."""
    value = ("::1", 80, 0x100000, 0)
    assert Inet6Address(*value) == value
    assert famsock.address_from_text("inet6:[::1]:80,flowinfo=0x100000") == value
    with pytest.raises(OverflowError, match="flowinfo must be 0-1048575"):
        famsock.parse_address("inet6", value)
    with pytest.raises(OverflowError, match="flowinfo must be 0-1048575"):
        famsock.parse_address("inet6", value[:3])


_SENDS: dict[str, Callable[[Any, Any], Any]] = {
    "bind": lambda s, a: s.bind(a),
    "connect": lambda s, a: s.connect(a),
    "connect_ex": lambda s, a: s.connect_ex(a),
    "sendto": lambda s, a: s.sendto(b"x", a),
    "sendto-flags": lambda s, a: s.sendto(b"x", 0, a),
    "sendmsg": lambda s, a: s.sendmsg([b"x"], [], 0, a),
}


@pytest.mark.parametrize("method", _SENDS)
@pytest.mark.parametrize("flowinfo", [0x100000, 0x0FFFFFFF, 0xFFFFFFFF])
def test_a_flowinfo_beyond_20_bits_is_not_sent_on_either_path(syscall_path: str, server: stdlib.socket,
                                                              method: str, flowinfo: int) -> None:
    port = server.getsockname()[1]
    address = famsock.decode(_sockaddr_in6("::1", port, flowinfo, 0))
    with stdlib.socket(stdlib.AF_INET6, stdlib.SOCK_DGRAM) as theirs, pytest.raises(OverflowError):
        _SENDS[method](theirs, tuple(address))
    with famsock.socket(famsock.AF_INET6, famsock.SOCK_DGRAM) as ours, pytest.raises(OverflowError):
        _SENDS[method](ours, address)
    with pytest.raises(BlockingIOError):
        server.recv(10)  # nothing was sent
    with pytest.raises(OverflowError, match="flowinfo must be 0-1048575"):
        famsock.encode(address)


def test_the_flow_label_alone_is_sent(syscall_path: str, server: stdlib.socket) -> None:
    """What the OverflowError's message advises: keep the 20-bit label, drop the traffic class."""
    port = server.getsockname()[1]
    reported = famsock.decode(_sockaddr_in6("::1", port, 0xAB00000, 0))
    with famsock.socket(famsock.AF_INET6, famsock.SOCK_DGRAM) as ours:
        assert ours.sendto(b"label", reported._replace(flowinfo=reported.flowinfo & 0xFFFFF)) == 5
        assert server.recv(10) == b"label"


class _Index:
    """An integer-like field whose ``__index__`` returns what it was given."""

    def __init__(self, value: object) -> None:
        self.value = value

    def __index__(self) -> Any:
        return self.value


class _InstanceIndex:
    """``__index__`` set on the instance only: Python (and the stdlib) look it up on the type."""

    def __init__(self) -> None:
        self.__index__ = lambda: 0


_BAD_INDEXES = [_Index(0.0), _Index("0"), _InstanceIndex()]


@pytest.mark.parametrize("method", ["bind", "sendto"])
@pytest.mark.parametrize("field", ["port", "flowinfo", "scope_id"])
@pytest.mark.parametrize("bad", _BAD_INDEXES, ids=["returns-float", "returns-str", "on-the-instance"])
def test_a_broken_index_is_a_type_error_as_in_the_stdlib(syscall_path: str, method: str, field: str,
                                                         bad: Any) -> None:
    fields: list[Any] = ["::1", 0, 0, 0]
    fields[["port", "flowinfo", "scope_id"].index(field) + 1] = bad
    with stdlib.socket(stdlib.AF_INET6, stdlib.SOCK_DGRAM) as theirs, pytest.raises(TypeError):
        _SENDS[method](theirs, tuple(fields))
    with famsock.socket(famsock.AF_INET6, famsock.SOCK_DGRAM) as ours, \
            pytest.raises(TypeError, match=f"AF_INET6 {field} must be an integer"):
        _SENDS[method](ours, tuple(fields))


@pytest.fixture
def make_interface(isolated_network: None) -> Iterator[Callable[[str], int]]:
    """Add a veth interface of a given name to the private namespace; its index. Removed after."""
    ip = shutil.which("ip")
    if ip is None:
        pytest.skip("needs the ip command (iproute2)")
    added: list[str] = []

    def add(name: str) -> int:
        peer = f"fsk-peer{len(added)}"
        done = subprocess.run([ip, "link", "add", name, "type", "veth", "peer", "name", peer],
                              capture_output=True, text=True, check=False, timeout=30)
        if done.returncode != 0:
            pytest.skip(f"cannot add a veth interface named {name!r}: {done.stderr.strip()}")
        added.append(name)
        return stdlib.if_nametoindex(name)

    yield add
    for name in added:
        subprocess.run([ip, "link", "del", name], capture_output=True, check=False, timeout=30)


def test_a_scope_number_that_is_another_interfaces_name_round_trips(make_interface: Callable[[str], int]
                                                                    ) -> None:
    """glibc reads a link-local %scope as an interface name first, then as a number."""
    unused = max(index for index, _ in stdlib.if_nameindex()) + 100
    named_so = make_interface(str(unused))
    assert named_so != unused
    for host in ("fe80::1", "ff02::1"):
        address = famsock.decode(_sockaddr_in6(host, 80, 0, unused))
        assert famsock.address_from_text(famsock.address_to_text(address)) == address
        assert famsock.address_from_text(famsock.address_to_text(address)).scope_id == unused
        by_name = famsock.decode(_sockaddr_in6(host, 80, 0, named_so))
        assert famsock.address_to_text(by_name) == f"inet6:[{host}%{unused}]:80"  # the interface's name
        assert famsock.address_from_text(famsock.address_to_text(by_name)) == by_name


def test_a_non_ascii_interface_name_round_trips(make_interface: Callable[[str], int]) -> None:
    index = make_interface("fsk-\u00e9t\u00e9")
    address = famsock.decode(_sockaddr_in6("fe80::1", 80, 0, index))
    assert famsock.address_from_text(famsock.address_to_text(address)) == address


def test_the_kernel_refuses_an_unsendable_scope_alike(syscall_path: str) -> None:
    """A scope no interface has: the kernel's error on both paths, as for the stdlib."""
    address = famsock.decode(_sockaddr_in6("fe80::1", 9, 0, 4_000_000_000))
    with stdlib.socket(stdlib.AF_INET6, stdlib.SOCK_DGRAM) as theirs, pytest.raises(OSError) as expected:
        theirs.sendto(b"x", tuple(address))
    with famsock.socket(famsock.AF_INET6, famsock.SOCK_DGRAM) as ours, pytest.raises(OSError) as caught:
        ours.sendto(b"x", address)
    assert caught.value.errno == expected.value.errno
    assert expected.value.errno in (errno.ENODEV, errno.EINVAL, errno.ENETUNREACH)


class _HashRaises:
    """Not hashable in its own way: hashing raises neither TypeError nor ValueError."""

    def __hash__(self) -> int:
        raise ZeroDivisionError("a broken __hash__")


@pytest.mark.parametrize("method", ["bind", "sendto", "sendmsg"])
@pytest.mark.parametrize(
    "value",
    [("::1", memoryview(bytearray(b"80"))), (memoryview(bytearray(b"::1")), 80),
     ("::1", 80, memoryview(bytearray(1))), ("::1", 80, 0, memoryview(bytearray(1))), ("::1", 80, [0]),
     ("::1", 80, 0, _HashRaises())],
    ids=["writable-memoryview-port", "writable-memoryview-host", "writable-memoryview-flowinfo",
         "writable-memoryview-scope", "list-flowinfo", "hash-raises"])
def test_unhashable_fields_fail_as_in_the_stdlib(syscall_path: str, method: str, value: Any) -> None:
    """parse() looks plain tuples up in its cache: hashing may fail (TypeError, ValueError for a
    writable memoryview, whatever a __hash__ raises), which must not escape in place of the
    stdlib's TypeError."""
    with stdlib.socket(stdlib.AF_INET6, stdlib.SOCK_DGRAM) as theirs, pytest.raises(TypeError):
        _SENDS[method](theirs, value)
    with famsock.socket(famsock.AF_INET6, famsock.SOCK_DGRAM) as ours, \
            pytest.raises(TypeError, match=r"^AF_INET6 (port|host|flowinfo|scope_id) must be"):
        _SENDS[method](ours, value)


@pytest.mark.parametrize("method", ["bind", "sendto"])
@pytest.mark.parametrize(
    ("value", "error"),
    [
        (("::1", -(2**128), None), OverflowError),  # a port beyond a C int: before flowinfo is read
        (("::1", 2**31, "0"), OverflowError),
        (("::1", -(2**31) - 1, 0, 0.5), OverflowError),
        (("::1", 2**31 - 1, None), TypeError),  # a C int: then flowinfo's type, then the port's range
        (("::1", 70_000, 0, "0"), TypeError),
        (("::1", -1, 0.0), TypeError),
    ],
    ids=["port-2**128-flowinfo-none", "port-2**31-flowinfo-str", "port-below-int-scope-float",
         "port-int-max-flowinfo-none", "port-70000-scope-str", "port-minus-1-flowinfo-float"],
)
def test_a_value_wrong_twice_fails_as_in_the_stdlib(syscall_path: str, method: str, value: Any,
                                                    error: type[Exception]) -> None:
    """The stdlib reads fields in order, the port as a C int ("O&i|II"): a port beyond a C int is
    its OverflowError before the later fields' types are looked at; 0-65535 is checked after."""
    with stdlib.socket(stdlib.AF_INET6, stdlib.SOCK_DGRAM) as theirs, pytest.raises(error):
        _SENDS[method](theirs, value)
    with famsock.socket(famsock.AF_INET6, famsock.SOCK_DGRAM) as ours, \
            pytest.raises(error, match="AF_INET6 "):
        _SENDS[method](ours, value)
