"""Every door that builds an InetAddress validates, and bad ports fail as the stdlib's do.

``InetAddress`` is valid by construction (the contract: paths skip ``parse`` for it), so every
way to build one must check: the constructor, ``_make``, ``_replace``, copies and pickles.
"""

from __future__ import annotations

import copy
import io
import pickle
import socket as stdlib
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from famsock_inet import InetAddress

import famsock

pytestmark = pytest.mark.usefixtures("no_fd_leak")


@pytest.fixture
def server() -> Iterator[stdlib.socket]:
    """A stdlib UDP socket on 127.0.0.1 that does not block: what it received, or nothing."""
    with stdlib.socket(stdlib.AF_INET, stdlib.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.settimeout(5)
        yield sock


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        (["localhost", 9], ValueError, "not a name: 'localhost'"),
        ([b"localhost", 9], ValueError, "not a name: b'localhost'"),
        (["127.0.0.1", -1], OverflowError, "port must be 0-65535, got -1"),
        (["127.0.0.1", 2**16], OverflowError, "port must be 0-65535, got 65536"),
        (["127.0.0.1", "9"], TypeError, "port must be an integer, not str"),
        ([None, 9], TypeError, "host must be str, bytes or bytearray, not NoneType"),
        (["127.0.0.1\0", 9], TypeError, "must not contain a NUL"),
        (["127.0.0.1"], TypeError, "Expected 2 arguments, got 1"),
        (["127.0.0.1", 9, 9], TypeError, "Expected 2 arguments, got 3"),
    ],
    ids=["name", "bytes-name", "port-minus-1", "port-65536", "port-str", "host-none", "nul",
         "one-field", "three-fields"],
)
def test_make_checks_as_the_constructor(fields: list[Any], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        InetAddress._make(fields)


def test_a_made_address_is_normalized_and_reaches_the_kernel(syscall_path: str,
                                                             server: stdlib.socket) -> None:
    port = server.getsockname()[1]
    made = InetAddress._make(iter([b"127.0.0.1", port]))  # the stdlib takes bytes hosts too
    assert type(made) is InetAddress
    assert made == ("127.0.0.1", port)
    assert type(made[0]) is str
    with famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM) as ours:
        assert ours.sendto(b"made", made) == 4
        assert server.recvfrom(10) == (b"made", ("127.0.0.1", ours.getsockname().port))


def test_bytes_names_are_refused_by_the_constructor_as_str_names() -> None:
    with pytest.raises(ValueError, match="not a name: b'localhost'"):
        InetAddress(b"localhost", 80)
    with pytest.raises(ValueError, match="not a name: bytearray"):
        InetAddress(bytearray(b"localhost"), 80)
    assert InetAddress(b"127.0.0.1", 80) == ("127.0.0.1", 80)


def test_replace_refuses_unknown_fields_as_namedtuple_does() -> None:
    address = InetAddress("127.0.0.1", 1)
    with pytest.raises(ValueError, match="unexpected field names: \\['colour'\\]"):
        address._replace(colour="red")
    with pytest.raises(ValueError, match="not a name: 'localhost'"):
        address._replace(host="localhost")
    assert address._replace() == address


def _pickled(protocol: int) -> Callable[[InetAddress], Any]:
    return lambda address: pickle.loads(pickle.dumps(address, protocol))


@pytest.mark.skipif(sys.version_info < (3, 13), reason="copy.replace is Python 3.13+")
def test_copy_replace_checks_as_replace() -> None:
    """namedtuple's __replace__ (3.13) is its _replace, which builds through _make."""
    address = InetAddress("127.0.0.1", 1)
    assert copy.replace(address, port=2) == ("127.0.0.1", 2)  # type: ignore[attr-defined, unused-ignore]
    with pytest.raises(OverflowError, match="port must be 0-65535"):
        copy.replace(address, port=-1)  # type: ignore[attr-defined, unused-ignore]


_CLONES: dict[str, Callable[[InetAddress], Any]] = {
    **{f"pickle-{protocol}": _pickled(protocol) for protocol in range(pickle.HIGHEST_PROTOCOL + 1)},
    "copy": copy.copy,
    "deepcopy": copy.deepcopy,
    "make": InetAddress._make,
    "replace": lambda a: a._replace(),
    "constructor": lambda a: InetAddress(*a),
    "text": lambda a: famsock.address_from_text(famsock.address_to_text(a)),
    "iterable": lambda a: InetAddress(iter(a)),
}


@pytest.mark.parametrize("clone", _CLONES)
@pytest.mark.parametrize("data", ["0200000000000000", "0200ffffffffffff", "02001f907f000001"])
def test_every_decoded_address_survives_every_door(data: str, clone: str) -> None:
    address = famsock.decode(bytes.fromhex(data) + bytes(8))
    copied = _CLONES[clone](address)
    assert copied == address
    assert type(copied) is InetAddress


PROTOCOLS = range(pickle.HIGHEST_PROTOCOL + 1)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_an_edited_pickle_is_checked(protocol: int) -> None:
    """Protocols 0 and 1 rebuild tuple subclasses with ``tuple.__new__`` unless told otherwise."""
    data = pickle.dumps(InetAddress("127.0.0.1", 80), protocol)
    assert data.count(b"127.0.0.1") == 1
    with pytest.raises(ValueError, match="not a name: 'localhost'"):
        pickle.loads(data.replace(b"127.0.0.1", b"localhost"))
    assert pickle.loads(data.replace(b"127.0.0.1", b"127.0.0.2")) == ("127.0.0.2", 80)


class _Calls(pickle.Unpickler):
    """Unpickles into a record of the calls a pickle makes, instead of making them."""

    def find_class(self, module: str, name: str) -> Any:
        return lambda *args: (f"{module}.{name}", args)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_pickle_is_a_call_of_the_public_class_with_the_stdlib_fields(protocol: int) -> None:
    """What a pickle holds, decided: ``famsock_inet.InetAddress(host, port)`` and nothing else.
    It names the public class (stable while modules move) and needs famsock-inet to load, as any
    typed value does; ``pickle.dumps(tuple(a))`` gives the stdlib's pickle."""
    data = pickle.dumps(InetAddress("127.0.0.1", 8080), protocol)
    assert _Calls(io.BytesIO(data)).load() == ("famsock_inet.InetAddress", ("127.0.0.1", 8080))
    assert pickle.loads(pickle.dumps(tuple(InetAddress("127.0.0.1", 8080)), protocol)).__class__ is tuple


@pytest.mark.parametrize("clone", [copy.copy, copy.deepcopy])
def test_a_copy_is_built_by_the_constructor(clone: Callable[[Any], Any]) -> None:
    """Only ``tuple.__new__`` skips the checks: a copy of what it built is checked."""
    forged = tuple.__new__(InetAddress, ("localhost", 80))
    with pytest.raises(ValueError, match="not a name: 'localhost'"):
        clone(forged)


class _Index:
    """An integer-like port whose ``__index__`` returns what it was given."""

    def __init__(self, value: object) -> None:
        self.value = value

    def __index__(self) -> Any:
        return self.value


class _InstanceIndex:
    """``__index__`` set on the instance only: Python (and the stdlib) look it up on the type."""

    def __init__(self) -> None:
        self.__index__ = lambda: 80


_METHODS: dict[str, Callable[[Any, Any], Any]] = {
    "bind": lambda s, a: s.bind(a),
    "connect": lambda s, a: s.connect(a),
    "sendto": lambda s, a: s.sendto(b"x", a),
}


@pytest.mark.parametrize("method", _METHODS)
@pytest.mark.parametrize(
    "port", [_Index(80.0), _Index("80"), _Index(None), _InstanceIndex()],
    ids=["index-returns-float", "index-returns-str", "index-returns-none", "index-on-the-instance"])
def test_a_broken_index_is_a_type_error_as_in_the_stdlib(syscall_path: str, method: str, port: Any) -> None:
    with stdlib.socket(stdlib.AF_INET, stdlib.SOCK_DGRAM) as theirs, pytest.raises(TypeError):
        _METHODS[method](theirs, ("127.0.0.1", port))
    with famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM) as ours, \
            pytest.raises(TypeError, match="AF_INET port must be an integer"):
        _METHODS[method](ours, ("127.0.0.1", port))


class _HashRaises:
    """Not hashable in its own way: hashing raises neither TypeError nor ValueError."""

    def __hash__(self) -> int:
        raise ZeroDivisionError("a broken __hash__")


@pytest.mark.parametrize("method", _METHODS)
@pytest.mark.parametrize(
    "value",
    [("127.0.0.1", memoryview(bytearray(b"80"))), (memoryview(bytearray(b"127.0.0.1")), 80),
     ("127.0.0.1", [80]), (bytearray(b"127.0.0.1"), 80.0), ("127.0.0.1", _HashRaises())],
    ids=["writable-memoryview-port", "writable-memoryview-host", "list-port", "bytearray-host-float-port",
         "hash-raises"])
def test_unhashable_fields_fail_as_in_the_stdlib(syscall_path: str, method: str, value: Any) -> None:
    """parse() looks plain tuples up in its cache: hashing may fail (TypeError, ValueError for a
    writable memoryview, whatever a __hash__ raises), which must not escape in place of the
    stdlib's TypeError."""
    with stdlib.socket(stdlib.AF_INET, stdlib.SOCK_DGRAM) as theirs, pytest.raises(TypeError):
        _METHODS[method](theirs, value)
    with famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM) as ours, \
            pytest.raises(TypeError, match=r"^AF_INET (port|host) must be"):
        _METHODS[method](ours, value)
