"""The plugin contract, version 2: what a plugin gives famsock, and what famsock promises it.

Theory of operation
-------------------
A plugin is a module (or any object) registered under the entry-point group
``famsock.families``. It declares ``famsock_contract = 2`` and implements any of the hooks of
:class:`Hooks`, one per capability; each returns a sequence of small frozen registration objects:

=============================  ==============================================================
hook                           registration
=============================  ==============================================================
``famsock_families``           :class:`Family`: an address family's typed address and codec
``famsock_loopbacks``          :class:`Loopback`: how to serve on this machine (echo, test kit)
``famsock_control_messages``   :class:`ControlMessage`: a ``recvmsg``/``sendmsg`` item's codec
``famsock_socket_options``     :class:`SocketOption`: a socket option whose value is a struct
``famsock_commands``           :class:`Command`: a subcommand of the ``famsock`` CLI
``famsock_inet_texts``         :class:`InetText`: ``inet_pton``/``inet_ntop`` for a family
``famsock_server_setups``      :class:`ServerSetup`: a family's part of ``create_server()``
=============================  ==============================================================

For one address-taking call, data flows one way::

    user value --parse--> typed address --encode--> sockaddr bytes --> libc     (raw path)
                                        --to_native--> stdlib form --> C method (native path)
    libc --> sockaddr bytes --decode--> typed address                           (raw path)
    C method --> stdlib form --from_native--> typed address                     (native path)

``parse`` validates (and, for families with host names, resolves) a user value; ``encode`` and
``decode`` are pure functions of values and bytes. Every call gets the :class:`SocketSpec` of
the socket it is for, because what an address means, and whether a socket can take it, may
depend on the socket's type and protocol (CAN, J1939) and on the operation (TIPC binds service
ranges and sends to service addresses: :attr:`Family.check_use`).

A typed address **is the stdlib's own value**, of a subclass of the stdlib's type (``tuple``,
``str``, ``bytes``) that adds attributes and changes nothing else: ``str()``, ``repr()``,
``format()``, ``==``, ``hash()`` and JSON give what the stdlib's value gives, so a program that
prints ``sock.recvfrom(1024)`` prints what it printed with the stdlib; pickling and copying
rebuild it through its validating constructor. The text form (``inet:127.0.0.1:80``) is
:attr:`Family.to_text`, never ``str()``.

Adding optional fields with defaults to these classes, or a new hook, is a compatible change;
anything else bumps :data:`CONTRACT_VERSION`, and the loader refuses plugins written for
another version, saying so.
"""

from __future__ import annotations

import operator
from types import MappingProxyType

# Nothing heavy at import: plugins import this module at a process's first bind(), so the
# registrations are records that are dataclasses without ``dataclasses`` (famsock._markers), the
# hook markers are pluggy's protocol without ``pluggy`` (famsock._markers), and ``typing`` stays
# with the type checkers (``Operation`` and the type variables are made on first use).
TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs 3.6 ms
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Mapping, Sequence
    from dataclasses import dataclass, field
    from socket import socket
    from typing import Any, Generic, Literal, NamedTuple, TypeVar

    A = TypeVar("A")  # a family's typed address
    V = TypeVar("V")  # a control message's or socket option's value

    #: The address-taking operations, as :attr:`Family.check_use` is told: ``sendmsg`` is
    #: ``"sendto"``, ``connect_ex`` is ``"connect"``.
    Operation = Literal["bind", "connect", "sendto"]
else:
    from ._markers import Generic, NamedTuple, field, record as dataclass

    A = V = None  # what Generic[A] takes here; the real TypeVars come from __getattr__

__all__ = [
    "CONTRACT_VERSION",
    "INTERFACE_INDEX_MAX",
    "Availability",
    "Command",
    "ControlMessage",
    "Family",
    "Hooks",
    "InetText",
    "Loopback",
    "Native",
    "Operation",
    "ServerSetup",
    "SocketOption",
    "SocketSpec",
    "deferred",
    "hookimpl",
    "hookspec",
    "interface_index",
    "loaded",
    "shorten",
    "struct_fields",
]

#: Version of this contract. A plugin states the version it was written for in a module-level
#: ``famsock_contract`` attribute; the loader skips plugins that disagree, with the reason.
CONTRACT_VERSION = 2

PROJECT = "famsock"
if TYPE_CHECKING:
    import pluggy

    hookspec = pluggy.HookspecMarker(PROJECT)
    hookimpl = pluggy.HookimplMarker(PROJECT)
else:
    # pluggy's markers' protocol (a ``famsock_impl``/``famsock_spec`` dict on the function), so
    # that a plugin's import does not import pluggy; pluggy's PluginManager reads them as its own.
    from ._markers import HookimplMarker, HookspecMarker

    hookspec = HookspecMarker(PROJECT)
    hookimpl = HookimplMarker(PROJECT)

_NAME_START = frozenset("abcdefghijklmnopqrstuvwxyz")
_NAME_REST = _NAME_START | frozenset("0123456789_")
_CONSTANT_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_CONSTANT_REST = _CONSTANT_START | frozenset("0123456789_")
#: Names a plugin cannot take: the core's text forms and commands use them.
RESERVED_NAMES = frozenset({"raw", "families", "echo", "relay", "serve", "connect", "help"})


def __getattr__(name: str) -> Any:
    """``Operation``, ``A`` and ``V``: typing's objects, made when first asked for (the classes
    below are built with stand-ins at run time)."""
    if name not in ("Operation", "A", "V"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import typing  # noqa: PLC0415

    values = {"Operation": typing.Literal["bind", "connect", "sendto"],
              "A": typing.TypeVar("A"), "V": typing.TypeVar("V")}
    globals().update(values)
    return values[name]


def deferred(module: str, name: str) -> Callable[..., Any]:
    """The function ``name`` of ``module``, imported at its first call.

    famsock imports every installed plugin's entry-point module, and calls its hooks, at a
    process's first address call of any family: a registration whose codec lives in a module
    that call does not need holds ``deferred("famsock_x._structs", "decode_info")`` instead of
    importing it (famsock.testing.imports checks what a first bind imports).
    """
    function: Any = None

    def load() -> Any:
        nonlocal function
        if function is None:  # two threads may both import: the same function either way
            function = getattr(__import__(module, fromlist=[name]), name)
        return function

    def call(*args: Any) -> Any:
        return (function or load())(*args)

    call.__name__ = call.__qualname__ = name
    call.__doc__ = f"{module}.{name}, imported at its first call."
    call.famsock_load = load  # type: ignore[attr-defined]  # the function itself: see loaded()
    return call


def loaded(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` itself, or what a :func:`deferred` one stands for, imported now: for a caller
    that keeps it and calls it often (the raw path's codec), one Python frame less a call."""
    load = getattr(function, "famsock_load", None)
    return function if load is None else load()


# -- for plugins' own checks: the words every family uses in its error messages --------------------

#: The largest interface index: the kernel reads one as a C ``int``.
INTERFACE_INDEX_MAX = 2**31 - 1


def shorten(value: object, limit: int = 80) -> str:
    """``repr(value)`` for an error message, cut to ``limit`` characters (ending in ``...``): a
    message shows what was given without repeating a megabyte of it."""
    shown = repr(value)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def struct_fields(what: str, value: object, names: tuple[str, ...]) -> tuple[Any, ...]:
    """The fields of a struct-valued item (``what``: its C name): a tuple of exactly ``names``
    (a named tuple, or a plain one); ``TypeError`` naming them otherwise."""
    if not isinstance(value, tuple) or len(value) != len(names):
        raise TypeError(f"{what} value must be a tuple ({', '.join(names)}), not {shorten(value)}")
    return value


def interface_index(what: str, value: object) -> int:
    """An interface index field of ``what``: an integer (``__index__``) in 0 to
    :data:`INTERFACE_INDEX_MAX`; ``TypeError`` or ``OverflowError`` as the stdlib raises them."""
    try:
        number = operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(f"{what} ifindex must be an integer, not {type(value).__name__}: "
                        f"{shorten(value)}") from None
    if not 0 <= number <= INTERFACE_INDEX_MAX:
        raise OverflowError(f"{what} ifindex must be 0-{INTERFACE_INDEX_MAX} (an interface index), "
                            f"got {number}")
    return int(number)  # an IntEnum's or a bool's value, as the int it is


def _is_name(value: object, start: frozenset[str], rest: frozenset[str]) -> bool:
    """``value`` matches ``[start][rest]*`` (a regular expression without ``re``)."""
    return isinstance(value, str) and value[:1] in start and rest.issuperset(value)


class SocketSpec(NamedTuple):
    """The socket an address is for.

    ``family`` is the AF number; ``type`` the socket type (``SOCK_*`` without flags) and
    ``proto`` the protocol number, or ``None`` where no socket is involved (``famsock.decode()``
    of bytes alone). ``None`` is "unknown", never 0: protocol 0 is NETLINK_ROUTE.
    """

    family: int
    type: int | None = None
    proto: int | None = None


class Availability(NamedTuple):
    """Whether this kernel can open sockets of a family; ``reason`` says why not."""

    available: bool
    reason: str = ""


@dataclass(frozen=True)
class Native(Generic[A]):
    """How to hand a family's addresses to the interpreter's own C methods, where it has them.

    from_native
        ``from_native(value, spec) -> address``: a value a C method returned, as a typed
        address. Never gets ``None`` ("no address" is the core's). ``ValueError`` for a value
        that is not of this family's form (the core then asks the kernel which family the
        socket is now: Linux's IPV6_ADDRFORM moves AF_INET6 sockets to AF_INET).
    to_native
        ``to_native(address, spec) -> value``: what the C method takes, or ``None`` when the
        typed address already is that value (a ``tuple`` or ``str`` subclass). May refuse an
        address this socket cannot take, as ``encode`` may.
    applies
        ``applies(spec) -> bool``: whether this interpreter handles sockets of this type and
        protocol (CPython builds handle some protocols of a family and not others); ``None``:
        all of them. Where it does not, the socket takes the raw path.

    A plugin offers ``Native`` only where the interpreter's handling cannot lose information
    for any address ``parse`` accepts.
    """

    from_native: Callable[[Any, SocketSpec], A]
    to_native: Callable[[A, SocketSpec], Any] | None = None
    applies: Callable[[SocketSpec], bool] | None = None


@dataclass(frozen=True)
class Family(Generic[A]):
    """One address family: its typed address and its codec.

    name
        Short lower-case name: the text-form prefix and the CLI's name (``inet``).
    number, constant
        The ``AF_*`` number (1-65535) and name; where the interpreter knows the name, it must
        have this value.
    address_type
        The class of the typed addresses ``parse`` and ``decode`` return, or a common base
        class of several (UNIX: path, abstract, unnamed), so that one ``isinstance`` tells a
        family's addresses. A subclass of the stdlib's form's type, never that type itself.
    socket_types
        The ``SOCK_*`` types this family supports.
    parse
        ``parse(value, spec) -> address``: validate a user value, resolving names if the family
        has any. Typed addresses are valid by construction, however they were built, so
        ``parse(address) is address`` and the core skips ``parse`` for them. Raises the
        stdlib's exception types: ``TypeError`` for a wrong shape or type, ``OverflowError``
        for an integer out of range, ``ValueError`` or ``OSError`` for a bad value,
        ``socket.gaierror`` for an unresolvable name.
    encode
        ``encode(address, spec) -> bytes``: the ``struct sockaddr``. Pure. May refuse, with the
        stdlib's exception types, an address of this family that this socket cannot take.
    decode
        ``decode(data, spec) -> address``: a typed address from ``struct sockaddr`` bytes of the
        length the kernel reported. Pure; ``ValueError`` for bytes it cannot read (the core
        then returns a ``RawSockaddr`` that keeps the bytes and the reason).
    to_text, from_text
        The text form after ``"<name>:"``, and back: ``from_text(to_text(a)) == a`` for every
        address ``parse`` or ``decode`` can return. ``ValueError`` for text not of the form;
        text of the form whose values ``parse`` refuses raises what ``parse`` raises.
    constants
        ``{name: value}`` this family adds to the ``famsock`` module (the ``AF_*`` one is added
        from ``constant`` and ``number``).
    native
        The interpreter's own handling, where it has it; ``None``: the raw path only.
    check_use
        ``check_use(address, spec, operation) -> None``: raise (the stdlib's types) when this
        call cannot take this address, for families whose forms differ by operation. ``None``:
        every address goes to every operation.
    probe
        ``probe() -> Availability``: whether this kernel can open such sockets; ``None`` lets
        famsock try to open one of each loopback's (or the first supported) socket type.
    summary
        One line for ``famsock families``.
    bound_file
        ``bound_file(address) -> path or None``: the file a bind to this address creates in the
        filesystem (an AF_UNIX path's socket file), which whoever bound it removes when done
        (``famsock relay`` does); ``None``, or a ``None`` result: binds create no file.
    """

    name: str
    number: int
    constant: str
    address_type: type[A]
    socket_types: frozenset[int]
    parse: Callable[[Any, SocketSpec], A]
    encode: Callable[[A, SocketSpec], bytes]
    decode: Callable[[bytes, SocketSpec], A]
    to_text: Callable[[A], str]
    from_text: Callable[[str], A]
    constants: Mapping[str, int] = field(default_factory=dict)
    native: Native[A] | None = None
    check_use: Callable[[A, SocketSpec, Operation], None] | None = None
    probe: Callable[[], Availability] | None = None
    summary: str = ""
    bound_file: Callable[[A], str | None] | None = None

    def __post_init__(self) -> None:
        _refuse(self, _family_problems(self))


@dataclass(frozen=True)
class Loopback:
    """A way to serve on this machine only, for ``famsock echo`` and the conformance kit.

    ``address()`` returns a fresh value to ``bind()`` a server of ``family`` to (a port of 0, a
    new abstract name...); a client reaches the server at the server's ``getsockname()``.
    """

    family: int
    type: int
    address: Callable[[], Any]
    proto: int = 0

    def __post_init__(self) -> None:
        _refuse(self, _ints(self, "family", "type", "proto") + _callables(self, "address"))


@dataclass(frozen=True)
class ControlMessage(Generic[V]):
    """The codec of one kind of ancillary item (``struct cmsghdr`` level and type).

    ``decode(data) -> value`` reads the item's data (``ValueError`` when it cannot);
    ``encode(value) -> bytes`` writes it, for items a program sends (``None``: receive only).
    ``family``: only on sockets of this family (``None``: any), for levels shared by families.
    """

    level: int
    type: int
    name: str
    decode: Callable[[bytes], V]
    encode: Callable[[V], bytes] | None = None
    family: int | None = None

    def __post_init__(self) -> None:
        _refuse(self, _ints(self, "level", "type") + _constant_name(self) + _callables(self, "decode")
                + _optional_callables(self, "encode"))


@dataclass(frozen=True)
class SocketOption(Generic[V]):
    """A socket option whose value is a struct: ``famsock.socket.set_option()``/``get_option()``.

    ``encode(value) -> bytes`` for ``setsockopt`` (``None``: read only, as ``SO_PEERCRED``);
    ``decode(data) -> value`` for what ``getsockopt`` returns in a buffer of ``size`` bytes
    (``None``: set only).
    """

    level: int
    option: int
    name: str
    encode: Callable[[V], bytes] | None = None
    decode: Callable[[bytes], V] | None = None
    size: int = 0

    def __post_init__(self) -> None:
        problems = _ints(self, "level", "option", "size") + _constant_name(self)
        problems += _optional_callables(self, "encode", "decode")
        if self.encode is None and self.decode is None:
            problems.append("encode or decode (or both) must be given")
        if self.decode is not None and self.size <= 0:
            problems.append("size must be the bytes getsockopt() returns, for decode")
        _refuse(self, problems)


@dataclass(frozen=True)
class Command:
    """A subcommand of the ``famsock`` CLI (``famsock netlink ...``).

    ``configure(parser)`` adds its arguments to an ``argparse`` parser; ``run(arguments)``
    does the work and returns the exit status.
    """

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]

    def __post_init__(self) -> None:
        problems = _callables(self, "configure", "run")
        if not _is_name(self.name, _NAME_START, _NAME_REST) or self.name in RESERVED_NAMES:
            problems.append(f"name must match [a-z][a-z0-9_]* and not be one of "
                            f"{sorted(RESERVED_NAMES)}, got {self.name!r}")
        _refuse(self, problems)


@dataclass(frozen=True)
class InetText:
    """``famsock.inet_pton``/``inet_ntop`` for a family: host text to packed bytes and back.

    Errors as the stdlib's: ``OSError`` for text that is not an address, ``ValueError`` for
    packed bytes of the wrong length. Without one, a family gets the platform's, as in the stdlib.
    """

    family: int
    pton: Callable[[str], bytes]
    ntop: Callable[[Any], str]

    def __post_init__(self) -> None:
        _refuse(self, _ints(self, "family") + _callables(self, "pton", "ntop"))


@dataclass(frozen=True)
class ServerSetup:
    """A family's part of ``famsock.create_server()``.

    ``prepare(sock, dualstack)`` configures the new stream socket before it is bound
    (IPv6: ``IPV6_V6ONLY``); ``dualstack``: whether the family can serve IPv4 and IPv6 on one
    socket (``create_server(..., dualstack_ipv6=True)`` refuses families that cannot).
    """

    family: int
    prepare: Callable[[socket, bool], None]
    dualstack: bool = False

    def __post_init__(self) -> None:
        _refuse(self, _ints(self, "family") + _callables(self, "prepare"))


class Hooks:
    """The hooks famsock calls on every plugin; a plugin implements those it offers."""

    @hookspec
    def famsock_families(self) -> Sequence[Family[Any]]:  # type: ignore[empty-body]
        """The address families this plugin provides."""

    @hookspec
    def famsock_loopbacks(self) -> Sequence[Loopback]:  # type: ignore[empty-body]
        """How to serve on this machine only, per family."""

    @hookspec
    def famsock_control_messages(self) -> Sequence[ControlMessage[Any]]:  # type: ignore[empty-body]
        """Codecs of ancillary items."""

    @hookspec
    def famsock_socket_options(self) -> Sequence[SocketOption[Any]]:  # type: ignore[empty-body]
        """Codecs of struct-valued socket options."""

    @hookspec
    def famsock_commands(self) -> Sequence[Command]:  # type: ignore[empty-body]
        """Subcommands of the ``famsock`` CLI."""

    @hookspec
    def famsock_inet_texts(self) -> Sequence[InetText]:  # type: ignore[empty-body]
        """``inet_pton``/``inet_ntop`` per family."""

    @hookspec
    def famsock_server_setups(self) -> Sequence[ServerSetup]:  # type: ignore[empty-body]
        """Families' parts of ``create_server()``."""


#: Hook name -> the registration class its results must be.
REGISTRATIONS: Mapping[str, type] = MappingProxyType({
    "famsock_families": Family,
    "famsock_loopbacks": Loopback,
    "famsock_control_messages": ControlMessage,
    "famsock_socket_options": SocketOption,
    "famsock_commands": Command,
    "famsock_inet_texts": InetText,
    "famsock_server_setups": ServerSetup,
})


# -- checks: fields are read as ``object``, since plugins are not type-checked against this module --

def _refuse(registration: object, problems: list[str]) -> None:
    if problems:
        raise ValueError(f"invalid famsock {type(registration).__name__} "
                         f"{getattr(registration, 'name', '')!r}: " + "; ".join(problems))


def _is_int(value: object) -> bool:
    """An int, the stdlib's IntEnum constants included (``socket.AF_INET``), but not a bool."""
    return isinstance(value, int) and not isinstance(value, bool)


def _ints(registration: object, *names: str) -> list[str]:
    """Problems with int fields; the good ones are stored as plain ints (an IntEnum member's
    ``repr`` would show in messages and JSON as the enum's)."""
    problems = []
    for name in names:
        value = getattr(registration, name)
        if _is_int(value):
            object.__setattr__(registration, name, int(value))
        else:
            problems.append(f"{name} must be an int, got {value!r}")
    return problems


def _callables(registration: object, *names: str) -> list[str]:
    return [f"{name} must be callable" for name in names if not callable(getattr(registration, name))]


def _optional_callables(registration: object, *names: str) -> list[str]:
    return [f"{name} must be callable or None" for name in names
            if getattr(registration, name) is not None and not callable(getattr(registration, name))]


def _constant_name(registration: object) -> list[str]:
    name: object = getattr(registration, "name", None)
    return [] if _is_name(name, _CONSTANT_START, _CONSTANT_REST) else [
        f"name must be the constant's upper-case name, got {name!r}"]


_BUILTIN_FORMS = (tuple, str, bytes)


def _family_problems(family: Family[Any]) -> list[str]:
    """Everything wrong with a family registration, so its author sees all of it at once."""
    problems = []
    name: object = family.name
    number: object = family.number
    constant: object = family.constant
    address_type: object = family.address_type
    socket_types: object = family.socket_types
    if not _is_name(name, _NAME_START, _NAME_REST) or name in RESERVED_NAMES:
        problems.append(f"name must match [a-z][a-z0-9_]* and not be one of {sorted(RESERVED_NAMES)}, "
                        f"got {name!r}")
    if not _is_int(number) or not 0 < number < 65536:  # type: ignore[operator]
        problems.append(f"number must be an int in 1-65535, got {number!r}")
    else:
        object.__setattr__(family, "number", int(number))  # type: ignore[call-overload]
    if not isinstance(constant, str) or not constant.startswith("AF_"):
        problems.append(f"constant must be an AF_* name, got {constant!r}")
    if not isinstance(address_type, type) or address_type in _BUILTIN_FORMS or address_type is object:
        problems.append(f"address_type must be the family's own class (a subclass of the stdlib's "
                        f"form's type, not that type), got {address_type!r}")
    if not isinstance(socket_types, (set, frozenset)) or not socket_types or not all(
            _is_int(kind) for kind in socket_types):
        problems.append(f"socket_types must be a non-empty set of ints, got {socket_types!r}")
    else:
        object.__setattr__(family, "socket_types", frozenset(int(kind) for kind in socket_types))
    problems += _callables(family, "parse", "encode", "decode", "to_text", "from_text")
    problems += _optional_callables(family, "check_use", "probe", "bound_file")
    for key, value in dict(family.constants).items():
        if not _is_name(key, _CONSTANT_START, _CONSTANT_REST) or not _is_int(value):
            problems.append(f"constant {key!r} = {value!r} must be an upper-case name and an int")
    native: object = family.native
    if native is not None and not isinstance(native, Native):
        problems.append("native must be a famsock.contract.Native or None")
    return problems


if not TYPE_CHECKING:
    del A, V  # served by __getattr__ from now on
