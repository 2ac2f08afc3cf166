"""Hypothesis strategies and settings profiles for property tests of famsock and of family plugins.

This module imports hypothesis, a test dependency that famsock itself does not need: only tests
import it. The pytest plugin (:mod:`famsock.testing.plugin`) loads a profile from here when
hypothesis is installed, and never imports it otherwise.

Profiles (:func:`register_profiles`, :func:`load_profile`):

``famsock`` (the default)
    Derandomized: the same examples on every run and every machine, so CI and a developer see
    the same failures. No deadline (a test never asserts a time), no example database.
``famsock-fuzz`` (``FAMSOCK_HYPOTHESIS_PROFILE=fuzz``)
    Random, 20 times the examples, failures kept in the example database: for a long local hunt.

A test that does real work per example (sockets) asks for fewer with ``examples(25)``, which
scales with the profile: 25 in the default profile, 500 in ``famsock-fuzz``.

Strategies reach for the edges: C integer limits and huge or negative ints, NULs, non-ASCII text
and lone surrogates, every kind of bytes-like object (non-contiguous memory included),
``os.PathLike`` objects, and tuples of any arity built from all of these.
"""

from __future__ import annotations

import array
import enum
import os
import sys
from pathlib import PurePosixPath
from typing import Any

from hypothesis import HealthCheck, settings, strategies as st

__all__ = [
    "DEFAULT_PROFILE",
    "ENVIRONMENT",
    "FUZZ_PROFILE",
    "BufferFactory",
    "IndexLike",
    "PathLikeValue",
    "buffers",
    "byte_strings",
    "bytes_likes",
    "c_flags",
    "edge_integers",
    "examples",
    "integers",
    "load_profile",
    "receive_buffers",
    "register_profiles",
    "scalars",
    "sizes",
    "sockaddrs",
    "texts",
    "timeouts",
    "user_values",
]

ENVIRONMENT = "FAMSOCK_HYPOTHESIS_PROFILE"
DEFAULT_PROFILE = "famsock"
FUZZ_PROFILE = "famsock-fuzz"
_DEFAULT_EXAMPLES = 100
_ALIASES = {"default": DEFAULT_PROFILE, "fuzz": FUZZ_PROFILE}


# -- profiles -------------------------------------------------------------------------------------


def register_profiles() -> None:
    """Register ``famsock`` and ``famsock-fuzz`` with hypothesis (again is harmless)."""
    settings.register_profile(DEFAULT_PROFILE, max_examples=_DEFAULT_EXAMPLES, derandomize=True,
                              database=None, deadline=None, print_blob=False,
                              suppress_health_check=[HealthCheck.too_slow])
    settings.register_profile(FUZZ_PROFILE, max_examples=20 * _DEFAULT_EXAMPLES, derandomize=False,
                              deadline=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow])


def load_profile(name: str | None = None) -> str:
    """Load a profile: ``name``, else ``$FAMSOCK_HYPOTHESIS_PROFILE``, else ``famsock``.

    ``fuzz`` and ``default`` are short for ``famsock-fuzz`` and ``famsock``; any other profile
    registered with hypothesis is taken by its name. Returns the name loaded; ``ValueError``
    names the choices for an unknown one.
    """
    register_profiles()
    wanted = name or os.environ.get(ENVIRONMENT, "") or DEFAULT_PROFILE
    chosen = _ALIASES.get(wanted, wanted)
    try:
        settings.load_profile(chosen)
    except Exception:  # hypothesis raises InvalidArgument, a private subclass of Exception
        raise ValueError(f"{ENVIRONMENT}: no hypothesis profile {wanted!r} (famsock's are "
                         f"{DEFAULT_PROFILE!r} and {FUZZ_PROFILE!r}, or 'fuzz')") from None
    return chosen


def examples(count: int) -> int:
    """``count`` examples scaled by the loaded profile (hypothesis' default is 100 examples)."""
    default = settings.default
    assert default is not None
    return max(1, count * default.max_examples // _DEFAULT_EXAMPLES)


# -- numbers --------------------------------------------------------------------------------------


def _edges() -> list[int]:
    bits = (7, 8, 15, 16, 20, 31, 32, 63, 64, 128)
    return sorted({sign * (2**bit + delta) for bit in bits for delta in (-1, 0, 1) for sign in (1, -1)})


def edge_integers() -> st.SearchStrategy[int]:
    """Integers at and next to the limits of C types (8 to 64 bits, signed and unsigned), and
    far past them (2**128)."""
    return st.sampled_from(_edges())


def integers(low: int = -1, high: int = 0xFFFF) -> st.SearchStrategy[int]:
    """Any int: mostly ``low``..``high``, often a C-type edge, sometimes any size at all."""
    return st.one_of(st.integers(low, high), edge_integers(), st.integers())


class IndexLike:
    """An object with ``__index__`` (as numpy's integers have): the stdlib takes it for an int."""

    def __init__(self, value: int) -> None:
        self.value = value

    def __index__(self) -> int:
        return self.value

    def __repr__(self) -> str:
        return f"IndexLike({self.value})"


class _Small(enum.IntEnum):
    ZERO = 0
    ONE = 1
    HTTP = 80


def index_likes(numbers: st.SearchStrategy[int] | None = None) -> st.SearchStrategy[Any]:
    """Ints in other clothes: ``bool``, ``IntEnum`` members, objects with ``__index__``."""
    return st.one_of(st.booleans(), st.sampled_from(list(_Small)),
                     st.builds(IndexLike, numbers if numbers is not None else integers()))


# -- text and bytes -------------------------------------------------------------------------------

# Characters that break naive code: NUL, lone surrogates (os.fsencode's stand-ins for undecodable
# bytes), separators of text forms, non-ASCII that IDNA or UTF-8 treat specially.
_AWKWARD = ["\0", "\ud800", "\udcff", "\udc80", "%", "@", ":", "[", "]", "/", ".", " ", "\n", "\x7f",
            "é", "ß", "\u3002", "\uff0e", "\u200b", "\ufeff", "\U0001f600", "\u0130"]


def texts(min_size: int = 0, max_size: int = 40) -> st.SearchStrategy[str]:
    """Text of any characters, awkward ones (NUL, lone surrogates, separators) often."""
    alphabet = st.one_of(st.sampled_from(_AWKWARD), st.characters(), st.characters(codec="ascii"))
    return st.text(alphabet, min_size=min_size, max_size=max_size)


def byte_strings(min_size: int = 0, max_size: int = 40) -> st.SearchStrategy[bytes]:
    """Bytes: random ones (NULs and high bytes often), and the UTF-8 of awkward text."""
    awkward = texts(min_size, max_size).map(lambda text: text.encode("utf-8", "surrogatepass")[:max_size])
    return st.one_of(st.binary(min_size=min_size, max_size=max_size), awkward)


class PathLikeValue:
    """An ``os.PathLike`` whose ``__fspath__`` returns the value as it is (``pathlib``
    normalizes; this does not), even a value ``os.fspath`` refuses."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __fspath__(self) -> Any:
        return self.value

    def __repr__(self) -> str:
        return f"PathLikeValue({self.value!r})"


def path_likes(text: st.SearchStrategy[str] | None = None,
               data: st.SearchStrategy[bytes] | None = None) -> st.SearchStrategy[Any]:
    """``os.PathLike`` objects over text and bytes, and one whose ``__fspath__`` returns junk."""
    text = text if text is not None else texts()
    data = data if data is not None else byte_strings()
    return st.one_of(st.builds(PathLikeValue, st.one_of(text, data)), st.builds(PurePosixPath, text),
                     st.builds(PathLikeValue, st.one_of(st.none(), st.integers())))


def _non_contiguous(data: bytes) -> memoryview:
    """A memoryview holding ``data`` with a stride of 2: not C-contiguous (unless under 2 bytes)."""
    spread = bytearray(2 * len(data))
    spread[::2] = data
    return memoryview(spread)[::2]


def _read_only_view(data: bytes) -> memoryview:
    return memoryview(data)


def bytes_likes(data: st.SearchStrategy[bytes] | None = None) -> st.SearchStrategy[Any]:
    """``data`` as every bytes-like type: bytes, bytearray, memoryview (read-only, writable,
    non-contiguous), array.array."""
    data = data if data is not None else byte_strings()
    return st.one_of(
        data,
        data.map(bytearray),
        data.map(_read_only_view),
        data.map(lambda d: memoryview(bytearray(d))),
        data.map(_non_contiguous),
        data.map(lambda d: array.array("B", d)),
    )


def scalars(text: st.SearchStrategy[str] | None = None,
            data: st.SearchStrategy[bytes] | None = None,
            numbers: st.SearchStrategy[int] | None = None) -> st.SearchStrategy[Any]:
    """One value of any plausible or implausible type: None, bools, ints (and int-likes), floats
    (nan, inf), complex, text, bytes-likes, path-likes, containers and plain objects."""
    text = text if text is not None else texts()
    data = data if data is not None else byte_strings()
    numbers = numbers if numbers is not None else integers()
    return st.one_of(
        st.none(), numbers, index_likes(numbers), text, bytes_likes(data), path_likes(text, data),
        st.floats(), st.complex_numbers(), st.just(object()), st.just(Ellipsis), st.sampled_from([int, str]),
        st.dictionaries(text, numbers, max_size=2), st.frozensets(numbers, max_size=2),
    )


def user_values(members: st.SearchStrategy[Any] | None = None, max_arity: int = 6) -> st.SearchStrategy[Any]:
    """What a program might pass for an address: a member alone, or tuples (and lists) of any
    arity up to ``max_arity`` of members, nested a little."""
    members = members if members is not None else scalars()

    def containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        items = st.lists(children, max_size=max_arity)
        return st.one_of(items.map(tuple), items)

    return st.recursive(members, containers, max_leaves=8)


# -- sockaddr bytes -------------------------------------------------------------------------------


def sockaddrs(number: int, sizes: st.SearchStrategy[int],
              body: st.SearchStrategy[bytes] | None = None) -> st.SearchStrategy[bytes]:
    """``struct sockaddr`` bytes of family ``number`` (sa_family in host order), of a total size
    drawn from ``sizes`` (2 at least): the rest is ``body``, cut or zero-padded to fit."""
    family = number.to_bytes(2, sys.byteorder)
    body = body if body is not None else st.binary(max_size=256)

    def build(size: int, rest: bytes) -> bytes:
        rest = rest[: size - 2]
        return family + rest + bytes(size - 2 - len(rest))

    return st.builds(build, sizes.map(lambda size: max(2, size)), body)


# -- socket method arguments ----------------------------------------------------------------------


def sizes(low: int = 0, high: int = 4096) -> st.SearchStrategy[Any]:
    """A ``Py_ssize_t`` argument (bufsize, nbytes, ancbufsize): mostly ``low``..``high``, also
    negative ints, ints past ``Py_ssize_t`` and too large to allocate, int-likes, and non-ints.

    Valid sizes of gigabytes are left out: a call with one allocates them."""
    beyond = st.sampled_from([2**62, 2**63 - 1, 2**63, 2**64, 2**200])
    negative = st.sampled_from([-1, -2, -(2**31), -(2**63), -(2**63) - 1, -(2**200)])
    junk = st.one_of(st.floats(allow_nan=False), st.none(), st.sampled_from(["1", b"1", 1j]))
    return st.one_of(st.integers(low, high), st.integers(low, high), beyond, negative,
                     index_likes(st.integers(low, high)), junk)


def c_flags(known: list[int]) -> st.SearchStrategy[Any]:
    """A C ``int`` flags argument: combinations of ``known`` flags mostly, also out-of-range and
    negative ints, int-likes, and non-ints."""
    combined = st.lists(st.sampled_from(known), max_size=3).map(lambda chosen: sum(set(chosen)))
    junk = st.one_of(st.floats(allow_nan=False), st.none(), st.sampled_from(["0", b"0"]))
    out_of_range = st.sampled_from([2**31, -(2**31) - 1, 2**32, 2**64, -(2**64), 2**200])
    return st.one_of(combined, combined, combined, index_likes(combined), out_of_range, junk)


def timeouts(longest: float = 0.01) -> st.SearchStrategy[float | None]:
    """A socket timeout: blocking (None), non-blocking (0.0), or a short wait."""
    return st.one_of(st.none(), st.just(0.0), st.floats(0.001, longest))


def buffers(data: st.SearchStrategy[bytes] | None = None) -> st.SearchStrategy[Any]:
    """Data to send: every bytes-like type (non-contiguous memory included), and non-buffers."""
    return st.one_of(bytes_likes(data), st.sampled_from(["text", 0, None, [1, 2]]))


class BufferFactory:
    """Makes a fresh receive buffer of one kind and size on each call: the same arguments for
    two calls compared side by side, neither seeing what the other wrote."""

    KINDS = ("bytearray", "memoryview", "array", "non-contiguous", "bytes", "read-only view", "str",
             "int", "None")

    def __init__(self, kind: str, size: int) -> None:
        self.kind = kind
        self.size = size

    def __call__(self) -> Any:
        kind, size = self.kind, self.size
        made: dict[str, Any] = {
            "bytearray": bytearray(size), "memoryview": memoryview(bytearray(size)),
            "array": array.array("B", bytes(size)), "non-contiguous": memoryview(bytearray(2 * size))[::2],
            "bytes": bytes(size), "read-only view": memoryview(bytes(size)), "str": "x" * size,
            "int": size, "None": None,
        }
        return made[kind]

    def __repr__(self) -> str:
        return f"BufferFactory({self.kind!r}, {self.size})"


def receive_buffers(max_size: int = 64) -> st.SearchStrategy[BufferFactory]:
    """Makers of buffers to receive into: writable ones of every kind, non-contiguous and
    read-only ones, and non-buffers."""
    return st.builds(BufferFactory, st.sampled_from(BufferFactory.KINDS), st.integers(0, max_size))
