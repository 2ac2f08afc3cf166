"""The plugin contract: what a family plugin gives famsock, and what famsock promises it.

Theory of operation
-------------------
A plugin is any object (usually a module) registered in famsock's pluggy ``PluginManager`` under
the entry-point group ``famsock.families``. It declares ``famsock_contract = CONTRACT_VERSION``
(the contract major version it was written for) and implements one hook,
``famsock_families()``, which returns a sequence of :class:`Family` registrations: frozen
objects that carry a family's whole behaviour as data and pure functions.

For one address-taking call, data flows one way::

    user value --parse--> typed address --encode--> sockaddr bytes --> syscall (raw path)
                                        --to_native--> stdlib form --> C method (native path)
    syscall --> sockaddr bytes --decode--> typed address                  (raw path)
    C method --> stdlib form --from_native--> typed address               (native path)

``parse`` validates (and, for families with host names, resolves) a user value; ``encode`` and
``decode`` are pure functions of values and bytes. Neither path calls back into the plugin for
anything else, and the core never looks inside an address.

Adding optional fields with defaults to these classes is a compatible change; anything else
bumps :data:`CONTRACT_VERSION`, and the loader refuses plugins written for another major version.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

import pluggy

__all__ = [
    "CONTRACT_VERSION",
    "Address",
    "Availability",
    "Family",
    "FamilySpec",
    "Loopback",
    "Native",
    "SocketSpec",
    "hookimpl",
    "hookspec",
]

#: Major version of this contract. A plugin states the version it was written for in a
#: module-level ``famsock_contract`` attribute; the loader skips plugins that disagree.
CONTRACT_VERSION = 1

PROJECT = "famsock"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

_FAMILY_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")
_CONSTANT_NAME = re.compile(r"[A-Z][A-Z0-9_]*\Z")


class SocketSpec(NamedTuple):
    """The socket an address is for: some families' address forms depend on type or protocol.

    ``family`` is the AF number, ``type`` the socket type (``SOCK_*``, without flags) and
    ``proto`` the protocol number the socket was opened with.
    """

    family: int
    type: int
    proto: int


class Address(Protocol):
    """What every typed address is: immutable, hashable, equal to the stdlib's form.

    ``str(address)`` is the text form, ``"<family name>:<rest>"``, which
    :func:`famsock.address_from_text` turns back into an equal address.
    """

    def __hash__(self) -> int: ...

    def __eq__(self, other: object) -> bool: ...

    def __str__(self) -> str: ...


class Availability(NamedTuple):
    """Whether this kernel can open sockets of a family; ``reason`` says why not."""

    available: bool
    reason: str = ""


@dataclass(frozen=True)
class Native:
    """How to use the interpreter's own address handling for a family it supports.

    ``to_native`` turns a typed address into the value the stdlib's C methods accept, or is
    ``None`` when the typed address already is that value (a tuple subclass, say).
    ``from_native`` turns a value the stdlib returned into a typed address; it gets ``None``
    never: "no address" is handled by the core.
    A plugin offers ``Native`` only where the interpreter's handling cannot lose information
    for any address ``parse`` accepts.
    """

    from_native: Callable[[Any, SocketSpec], Any]
    to_native: Callable[[Any], Any] | None = None


@dataclass(frozen=True)
class Loopback:
    """A way to serve on this machine only, for ``famsock echo`` and the conformance kit.

    ``address()`` returns a fresh value to ``bind()`` a server to (a port of 0, a new
    abstract name...); a client reaches the server at the server's ``getsockname()``.
    """

    type: int
    address: Callable[[], Any]
    proto: int = 0


@dataclass(frozen=True)
class Family:
    """One address family, as a plugin registers it.

    name
        Short lower-case name: the CLI's name and the text-form prefix (``inet``).
    number
        The ``AF_*`` number (``sa_family_t``, 1-65535).
    constant
        The ``AF_*`` constant name; where the interpreter knows that name, it must have this value.
    address_type
        The typed address class ``parse`` and ``decode`` return, or the base class of several
        (a family with more than one address kind).
    socket_types
        The ``SOCK_*`` types this family supports.
    parse
        ``parse(value, spec) -> address``: validate a user value, resolving names if the family
        has any. An instance of ``address_type`` is valid by construction, so ``parse`` returns
        it unchanged and famsock may skip the call for it: constructors and ``decode`` must
        only ever produce valid addresses. Raises the stdlib's exception types: ``TypeError``
        for a wrong shape or type, ``OverflowError`` for an integer out of range, ``ValueError``
        or ``OSError`` for a bad value, ``socket.gaierror`` for an unresolvable name.
    encode
        ``encode(address) -> bytes``: the ``struct sockaddr`` for a typed address. Pure.
    decode
        ``decode(data, spec) -> address``: a typed address from ``struct sockaddr`` bytes of the
        length the kernel reported. Pure; raises ``ValueError`` for bytes it cannot read.
    from_text
        ``from_text(text) -> address``: the text after ``"<name>:"`` back to an address.
    constants
        ``{name: value}`` this family adds to the ``famsock`` module (the ``AF_*`` constant is
        added from ``constant`` and ``number``).
    native
        The interpreter's own handling, when it supports this family; ``None`` means raw only.
    loopbacks
        Ways to serve on this machine only, most useful first.
    probe
        ``probe() -> Availability``: whether this kernel can open such sockets. ``None`` lets
        famsock try to open one of each loopback's (or the first supported) socket type.
    summary
        One line for ``famsock families``.
    pton, ntop
        ``famsock.inet_pton``/``inet_ntop`` for this family: text to packed bytes and back
        (``None``: the platform's, as the stdlib). Errors as the stdlib's: ``OSError`` for text
        that is not an address, ``ValueError`` for packed bytes of the wrong length.
    """

    name: str
    number: int
    constant: str
    address_type: type
    socket_types: frozenset[int]
    parse: Callable[[Any, SocketSpec], Any]
    encode: Callable[[Any], bytes]
    decode: Callable[[bytes, SocketSpec], Any]
    from_text: Callable[[str], Any]
    constants: Mapping[str, int] = field(default_factory=dict)
    native: Native | None = None
    loopbacks: Sequence[Loopback] = ()
    probe: Callable[[], Availability] | None = None
    summary: str = ""
    pton: Callable[[str], bytes] | None = None
    ntop: Callable[[Any], str] | None = None

    def __post_init__(self) -> None:
        problems = list(_problems(self))
        if problems:
            raise ValueError(f"invalid famsock family {self.name!r}: " + "; ".join(problems))


def _problems(family: Family) -> list[str]:
    """Everything wrong with a registration, so a plugin author sees all of it at once.

    Fields are read as ``object``: plugins are not type-checked against this module.
    """
    problems = []
    name: object = family.name
    number: object = family.number
    constant: object = family.constant
    address_type: object = family.address_type
    socket_types: object = family.socket_types
    if not isinstance(name, str) or not _FAMILY_NAME.match(name):
        problems.append(f"name must match [a-z][a-z0-9_]*, got {name!r}")
    if type(number) is not int or not 0 < number < 65536:
        problems.append(f"number must be an int in 1-65535, got {number!r}")
    if not isinstance(constant, str) or not constant.startswith("AF_"):
        problems.append(f"constant must be an AF_* name, got {constant!r}")
    if not isinstance(address_type, type):
        problems.append(f"address_type must be a class, got {address_type!r}")
    if not isinstance(socket_types, (set, frozenset)) or not socket_types or not all(
            type(kind) is int for kind in socket_types):
        problems.append(f"socket_types must be a non-empty set of ints, got {socket_types!r}")
    for hook in ("parse", "encode", "decode", "from_text"):
        if not callable(getattr(family, hook)):
            problems.append(f"{hook} must be callable")
    for key, value in dict(family.constants).items():
        if not isinstance(key, str) or not _CONSTANT_NAME.match(key) or type(value) is not int:
            problems.append(f"constant {key!r} = {value!r} must be an upper-case name and an int")
    native: object = family.native
    if native is not None and not isinstance(native, Native):
        problems.append("native must be a famsock.contract.Native or None")
    loopbacks: tuple[object, ...] = tuple(family.loopbacks)
    problems.extend(f"loopbacks must hold famsock.contract.Loopback, got {loopback!r}"
                    for loopback in loopbacks if not isinstance(loopback, Loopback))
    for hook in ("probe", "pton", "ntop"):
        optional: object = getattr(family, hook)
        if optional is not None and not callable(optional):
            problems.append(f"{hook} must be callable or None")
    return problems


class FamilySpec:
    """The hook famsock calls on every plugin."""

    @hookspec
    def famsock_families(self) -> Sequence[Family]:  # type: ignore[empty-body]
        """Return the :class:`Family` registrations this plugin provides."""
