"""The ways an address-taking call reaches the kernel, and which one a socket takes.

- :class:`NativePath`: the plugin validates, the interpreter's own C method does the call. The
  fast path, for families the interpreter supports (the plugin says so with ``Family.native``).
- :class:`RawPath`: the plugin validates and encodes ``struct sockaddr`` bytes, libc does the
  call (:mod:`famsock._raw_syscalls`). Works for every family; forced by
  ``FAMSOCK_SYSCALL_PATH=raw`` or :func:`set_syscall_path`.
- :class:`StdlibPath`: no plugin claims the family, so famsock behaves exactly as the stdlib
  does: values and results pass through untouched (``famsock`` stays a drop-in replacement).

A path is chosen once per socket, at its first address-taking call, and shared by every socket of
the same (family, type, proto): each path carries the ``SocketSpec`` its plugin calls get. Typed
addresses are immutable and valid by construction (the contract), so paths skip ``parse`` for
them and memoize ``decode``/``from_native`` by the kernel's bytes or the stdlib's value; user
values are the plugin's to cache in ``parse``, since only it knows when a value's meaning can
change (host names do).

``sendmsg``/``recvmsg``/``recvmsg_into`` take the same routes, their ancillary data untouched by
the plugin. Should a received address fail to convert, the descriptors that came with the
message (SCM_RIGHTS) are closed before the error propagates, as the stdlib does with its own
failures: nobody else could ever close them.

What a plugin returns is checked where it enters the core, once per computed result (memoized
results and sendto()'s last pair are not checked again): ``parse``, ``decode`` and
``from_native`` must return an instance of the family's ``address_type`` whose class is not one
of the interpreter's own (``tuple``, ``str``...: users pass those, and they must be parsed);
``encode`` must return ``bytes`` of a ``struct sockaddr`` of the family: 2 to 128 bytes
(``sizeof(struct sockaddr_storage)``) starting with its ``sa_family``. Anything else is a
:class:`~famsock.PluginError` naming the family and the plugin, raised before any syscall.

The kernel may report an address of another family than the socket was opened with (Linux's
IPV6_ADDRFORM turns an AF_INET6 socket into an AF_INET one). Results are read by the family the
kernel reports: on the raw path by the sockaddr's ``sa_family`` (a field every sockaddr has),
on the native path by ``SO_DOMAIN`` once the socket's own ``from_native`` refused the value (the
C method decoded it by ``sa_family`` already). No plugin for that family: the native path gives
the stdlib's value untouched (as for any family no plugin claims); the raw path, which has only
bytes, raises :class:`~famsock.FamilyError` naming the family.

Shared caches are safe across threads without locks on the hot paths: each update is one
atomic dict, set or list operation, and no reader depends on two of them happening together.
A memo miss on "no address" (``None``) is answered by the path itself, never by a plugin: a
thread may look while another thread's eviction has emptied the memo.
"""

from __future__ import annotations

import _socket
import _thread
import errno
import os
from operator import index
from sys import audit as _audit
from sys import byteorder as _byteorder
from sys import maxsize as _maxsize

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs 3.6 ms
if TYPE_CHECKING:
    from collections.abc import Callable
    from socket import socket as StdSocket
    from typing import Any

    from ._registry import Registry
    from .contract import Family, SocketSpec

__all__ = ["MODES", "NativePath", "Path", "RawPath", "StdlibPath", "get_syscall_path",
           "path_for", "set_syscall_path"]

MODES = ("auto", "raw")
ENVIRONMENT = "FAMSOCK_SYSCALL_PATH"
_MEMO_LIMIT = 1024
_SOCKADDR_MAX = 128  # sizeof(struct sockaddr_storage): no sockaddr is longer

_ss = _socket.socket
_c_bind = _ss.bind
_c_connect = _ss.connect
_c_connect_ex = _ss.connect_ex
_c_sendto = _ss.sendto
_c_recvfrom = _ss.recvfrom
_c_recvfrom_into = _ss.recvfrom_into
_c_accept = _ss._accept  # type: ignore[attr-defined]
_c_getsockname = _ss.getsockname
_c_getpeername = _ss.getpeername
_c_sendmsg = _ss.sendmsg
_c_recvmsg = _ss.recvmsg
_c_recvmsg_into = _ss.recvmsg_into
_c_getsockopt = _ss.getsockopt
_SO_DOMAIN: int | None = getattr(_socket, "SO_DOMAIN", None)  # Linux, FreeBSD
_INT_MIN, _INT_MAX = -0x80000000, 0x7FFFFFFF
_LONG_MAX = _maxsize  # a C long is a Py_ssize_t on Linux (LP64 and ILP32 alike)
_SOL_SOCKET = _socket.SOL_SOCKET
_SCM_RIGHTS = _socket.SCM_RIGHTS
_FD_SIZE = memoryview(bytes(8)).cast("i").itemsize  # sizeof(int), without importing struct


def _remember(memo: dict[Any, Any], key: Any, value: Any) -> Any:
    if len(memo) >= _MEMO_LIMIT:
        # A bound, not an LRU: refilling costs one call per address. Other threads may read
        # the memo between these two steps: they miss and compute the entry (None included:
        # the paths answer it themselves).
        memo.clear()
        memo[None] = None
    memo[key] = value
    return value


# -- the plugin boundary: what a plugin returns is checked once, where it enters the core --------

def _proper(cls: type) -> bool:
    """Whether ``cls`` may be a typed-address class: not one of the interpreter's own (``tuple``,
    ``str``, ``bytes``...), whose values users pass and which must therefore be parsed."""
    return cls.__module__ != "builtins"


def _shown(value: Any) -> str:
    """``repr(value)``, short, for a message about a faulty plugin: its repr may fail too."""
    try:
        text = repr(value)
    except Exception:  # a broken object is what these messages are about
        text = object.__repr__(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _plugin_error(family: Family, hook: str, problem: str) -> Exception:
    """The PluginError for a fault of ``family``'s plugin in ``hook``."""
    from ._errors import PluginError  # noqa: PLC0415 - an error path

    source_of = getattr(_registry, "source_of", None)  # the registry names the distribution
    source = source_of(family) if source_of is not None else f"the plugin that registers {family.constant}"
    return PluginError(f"faulty famsock plugin for family {family.name!r} ({family.constant} = "
                       f"{family.number}) from {source}: {hook}() {problem}")


def _check_address(family: Family, address: Any, hook: str) -> None:
    """Raise PluginError unless ``address`` can be a typed address of ``family``."""
    cls = type(address)
    wanted = family.address_type
    if not _proper(cls) or not isinstance(address, wanted):
        raise _plugin_error(family, hook, f"returned {cls.__qualname__} {_shown(address)}, not a typed "
                                          f"address (an instance of {wanted.__qualname__}, of a class "
                                          f"that is not built in)")


def _bad_sockaddr(family: Family, encoded: Any) -> Exception:
    """The PluginError for an ``encode`` result that is not a sockaddr of ``family``."""
    if type(encoded) is not bytes:
        problem = f"a {type(encoded).__qualname__}, not bytes: {_shown(encoded)}"
    elif not 2 <= len(encoded) <= _SOCKADDR_MAX:
        problem = f"{len(encoded)} bytes; a sockaddr is 2 to {_SOCKADDR_MAX} bytes"
    else:
        found = int.from_bytes(encoded[:2], _byteorder)
        problem = f"a sockaddr of family {found} (its sa_family, the first two bytes), not {family.number}"
    return _plugin_error(family, "encode", f"returned {problem}")


# -- addresses of another family than the socket's (IPV6_ADDRFORM) ------------------------------

class _NotMoved:
    """What :func:`_moved_native` returns when the socket is still of the path's family."""


def _other_family(number: int) -> Family | None:
    assert _registry is not None  # a path exists, so path_for() has set it
    return _registry.lookup(number)


def _decoded_elsewhere(data: bytes, family: Family, spec: SocketSpec) -> Any:
    """Sockaddr bytes of another family than the socket's, decoded by that family's plugin."""
    number = int.from_bytes(data[:2], _byteorder)
    other = _other_family(number)
    if other is None:
        from ._errors import FamilyError  # noqa: PLC0415 - an error path

        raise FamilyError(f"the kernel reports an address of family {number} for a socket opened as "
                          f"{family.constant} ({family.number}), and no famsock plugin handles family "
                          f"{number}")
    address = other.decode(data, _spec(number, spec.type, spec.proto))
    _check_address(other, address, "decode")
    return address


def _kernel_family(sock: StdSocket) -> int | None:
    """The family the kernel reports for ``sock`` (SO_DOMAIN), or None where it cannot say."""
    if _SO_DOMAIN is None:
        return None
    try:
        return int(_c_getsockopt(sock, _SOL_SOCKET, _SO_DOMAIN))
    except OSError:
        return None


def _moved_native(sock: StdSocket, result: Any, family: Family, spec: SocketSpec) -> Any:
    """A C method's ``result`` that ``family``'s ``from_native`` refused, read by the family the
    kernel reports for ``sock``: its plugin's typed address, or the stdlib's value where no
    plugin (or no native handling) is; :class:`_NotMoved` if the family is the same."""
    number = _kernel_family(sock)
    if number is None or number == family.number:
        return _NotMoved
    other = _other_family(number)
    if other is None or other.native is None:
        return result  # the interpreter decoded it by its sa_family: the stdlib's own value
    address = other.native.from_native(result, _spec(number, spec.type, spec.proto))
    _check_address(other, address, "from_native")
    return address


_MSG_TRUNC = _socket.MSG_TRUNC


def _c_recvfrom_checked(sock: StdSocket, bufsize: Any, flags: Any) -> tuple[bytes, Any]:
    """The C ``recvfrom()``, minus the bytes it would return that the kernel never wrote.

    With ``MSG_TRUNC`` the kernel reports a datagram's whole length (on a stream, how many bytes
    it discarded, writing none), and CPython returns that many bytes, all past what the kernel
    wrote being uninitialised memory. Here the kernel writes into a zeroed buffer of ``bufsize``
    bytes instead, and at most ``bufsize`` bytes come back (the whole length is what
    ``recvfrom_into()`` returns, and what ``recvmsg()`` flags with MSG_TRUNC)."""
    if type(flags) is int and not flags & _MSG_TRUNC:
        return _c_recvfrom(sock, bufsize, flags)
    size = index(bufsize)  # the C method's order: "n|i"
    if not -_LONG_MAX - 1 <= size <= _LONG_MAX:
        raise OverflowError("Python int too large to convert to C ssize_t")
    flags = _c_int(flags)
    if not flags & _MSG_TRUNC or size < 0 or size > _BYTES_LIMIT:
        return _c_recvfrom(sock, bufsize, flags)  # its own errors
    buffer = _zeroed(size)
    received, result = _c_recvfrom_into(sock, buffer, size, flags)
    return bytes(memoryview(buffer)[:min(received, size)]), result


_BYTES_LIMIT = _maxsize - 33  # sys.getsizeof(b""): past this, bytes() raises OverflowError
_ZEROED_IN_PLACE = 1 << 20


def _zeroed(size: int) -> bytearray | Any:
    """A zeroed writable buffer: large ones are anonymous mappings, whose pages cost nothing
    until the kernel writes them (``bytearray(size)`` writes every byte first)."""
    if size <= _ZEROED_IN_PLACE:
        return bytearray(size)
    import mmap  # noqa: PLC0415 - only large truncated reads need it

    try:
        return mmap.mmap(-1, size)
    except OSError:  # ENOMEM: what the C method raises when it cannot allocate
        raise MemoryError from None


def _parsed_for_sendto(parsed: Callable[[Any], Any], value: Any, data: Any, flags: Any) -> Any:
    """``parsed(value)``; should it fail, the error the C ``sendto()`` gives first, for a bad
    ``data`` or ``flags``: it reads them before it looks at the address."""
    try:
        return parsed(value)
    except Exception:
        try:
            view = memoryview(data)
        except TypeError:
            raise TypeError(f"a bytes-like object is required, not {type(data).__name__!r}") from None
        with view:
            if not view.c_contiguous:
                raise BufferError("memoryview: underlying buffer is not C-contiguous") from None
        _c_int(flags)
        raise


def _c_int(value: Any) -> int:
    """``flags`` as the stdlib's C methods take it (``__index__``, a C int), checked before the
    address is parsed: the C methods parse their arguments before they look at an address."""
    number = index(value)
    if _INT_MIN <= number <= _INT_MAX:
        return number
    if not -_LONG_MAX - 1 <= number <= _LONG_MAX:  # the C method reads a C long first
        raise OverflowError("Python int too large to convert to C long")
    side = "greater than maximum" if number > 0 else "less than minimum"
    raise OverflowError(f"signed integer is {side}")


def _close_fds(ancdata: list[tuple[int, int, bytes]]) -> None:
    """Close the descriptors SCM_RIGHTS items of a recvmsg() result brought, when the result
    cannot reach the caller (its address fails to convert): nobody else would ever close them.
    The stdlib does the same when it fails to build a result."""
    from contextlib import suppress  # noqa: PLC0415 - an error path: import famsock stays light

    for level, kind, data in ancdata:
        if level == _SOL_SOCKET and kind == _SCM_RIGHTS:
            for fd in memoryview(data[:len(data) - len(data) % _FD_SIZE]).cast("i"):
                with suppress(OSError):
                    os.close(fd)


def _typed(result: tuple[Any, list[tuple[int, int, bytes]], int, Any],
           address: Callable[[Any, StdSocket], Any], sock: StdSocket
           ) -> tuple[Any, list[tuple[int, int, bytes]], int, Any]:
    """A recvmsg() result with its address typed; received descriptors closed if that fails."""
    data, ancdata, flags, native = result
    try:
        return data, ancdata, flags, address(native, sock)
    except BaseException:
        _close_fds(ancdata)
        raise


def _message_calls(send: Callable[..., int], receive: Callable[..., Any], receive_into: Callable[..., Any],
                   convert: Callable[[Any], Any], address: Callable[[Any, StdSocket], Any],
                   audit: bool) -> tuple[Any, Any, Any]:
    """A path's ``sendmsg``, ``recvmsg`` and ``recvmsg_into``, over its own calls (the C methods or
    the raw bridge): ``convert`` turns a user's address into what ``send`` takes, ``address``
    turns what the receivers return into a typed address. ``flags`` is checked first, as the C
    method parses its arguments before it reads the address. ``audit``: raise the stdlib's audit
    event here (the C methods raise their own)."""

    def sendmsg(sock: StdSocket, buffers: Any, ancdata: Any, flags: Any, value: Any) -> int:
        if type(flags) is not int or not _INT_MIN <= flags <= _INT_MAX:
            flags = _c_int(flags)
        converted = None if value is None else convert(value)
        if audit:
            _audit("socket.sendmsg", sock, value)
        return send(sock, buffers, ancdata, flags, converted)

    def recvmsg(sock: StdSocket, bufsize: Any, ancbufsize: Any, flags: Any) -> tuple[Any, ...]:
        return _typed(receive(sock, bufsize, ancbufsize, flags), address, sock)

    def recvmsg_into(sock: StdSocket, buffers: Any, ancbufsize: Any, flags: Any) -> tuple[Any, ...]:
        return _typed(receive_into(sock, buffers, ancbufsize, flags), address, sock)

    return sendmsg, recvmsg, recvmsg_into


class _Never:
    """A type no value has: the ``direct_type`` of paths that offer no shortcut."""


_NO_RECENT: list[tuple[Any, Any]] = [(_Never, None)]  # a recent pair no value matches


class _Typed:
    """The typed-address classes of one family, learnt from what ``parse``, ``decode`` and
    ``from_native`` return.

    Their instances are valid by construction (the contract), so they skip ``parse``. Learnt
    rather than declared: a family may return several classes under one ``address_type``
    (UNIX: path, abstract, unnamed), and ``type(v) in set`` is cheaper than ``isinstance``.
    A class is checked once, when first seen (:func:`_check_address`), so a plugin's fault
    cannot make ``tuple`` a class whose values skip ``parse``; the set only ever grows, one
    atomic ``add`` at a time.
    """

    __slots__ = ("classes", "family", "parse", "spec")

    def __init__(self, family: Family, spec: SocketSpec) -> None:
        cls = family.address_type
        self.classes = {cls} if _proper(cls) else set()
        self.family = family
        self.parse = family.parse
        self.spec = spec

    def parsed(self, value: Any) -> Any:
        address = self.parse(value, self.spec)
        if type(address) not in self.classes:
            self.learn(address, "parse")
        return address

    def learnt(self, address: Any, hook: str) -> Any:
        if type(address) not in self.classes:
            self.learn(address, hook)
        return address

    def learn(self, address: Any, hook: str) -> None:
        _check_address(self.family, address, hook)
        self.classes.add(type(address))


class NativePath:
    """Plugin-validated values into the interpreter's C methods; results back through the plugin.

    The operations are closures over the family's functions, built once per path: a UDP round
    trip has a budget of ~0.2 µs (3.8 µs in the stdlib, goal 0.95x), and attribute lookups and
    frames are what spend it. Typed addresses skip ``parse`` (see :class:`_Typed`); ``sendto``
    keeps its last (address, native value) pair, matched by identity: a reply to a memoized
    ``recvfrom`` sender, or a client's fixed destination, costs one comparison.

    Two shortcuts for the socket object's hottest methods (``sendto``, ``recvfrom``):
    ``direct_type``, the type whose values the C methods take as they are (the typed address,
    when the family has no ``to_native`` and its class is not one of the interpreter's own),
    and ``results``, the memo from C results to typed addresses. A result ``from_native``
    refuses is read by the family the kernel reports (see the module's docstring) and not
    memoized: the same value may come from sockets the kernel has not moved.
    """

    name = "native"
    __slots__ = ("accept", "address", "bind", "connect", "connect_ex", "direct_type", "family",
                 "getpeername", "getsockname", "recent", "recvfrom", "recvfrom_into", "recvmsg",
                 "recvmsg_into", "results", "sendmsg", "sendto", "spec")

    def __init__(self, family: Family, spec: SocketSpec) -> None:  # noqa: PLR0915 - a closure a call
        assert family.native is not None
        self.family = family
        self.spec = spec
        typed = _Typed(family, spec)
        classes, parsed, learnt = typed.classes, typed.parsed, typed.learnt
        to_native, from_native = family.native.to_native, family.native.from_native
        memo: dict[Any, Any] = {None: None}
        recent: list[tuple[Any, Any]] = [(_Never, None)]  # one pair, replaced whole: thread-safe

        def native(value: Any) -> Any:
            if type(value) not in classes:
                value = parsed(value)
            return value if to_native is None else to_native(value)

        def convert(result: Any, sock: StdSocket) -> tuple[Any, bool]:
            """The typed address, and whether it may be memoized (it is the socket's family's)."""
            try:
                return learnt(from_native(result, spec), "from_native"), True
            except ValueError:
                moved = _moved_native(sock, result, family, spec)
                if moved is _NotMoved:
                    raise
                return moved, False

        def address(result: Any, sock: StdSocket) -> Any:
            try:
                return memo[result]
            except KeyError:
                if result is None:  # not from the memo: another thread may be evicting it
                    return None
                converted, ours = convert(result, sock)
                return _remember(memo, result, converted) if ours else converted
            except TypeError:  # an unhashable native form: nothing to memoize
                return convert(result, sock)[0]

        def sendto(sock: StdSocket, data: Any, flags: Any, value: Any) -> int:
            last = recent[0]
            if value is last[0]:
                return _c_sendto(sock, data, flags, last[1])
            if type(value) not in classes:
                value = _parsed_for_sendto(parsed, value, data, flags)
            result = value if to_native is None else to_native(value)
            recent[0] = (value, result)
            return _c_sendto(sock, data, flags, result)

        def recvfrom(sock: StdSocket, bufsize: Any, flags: Any) -> tuple[bytes, Any]:
            data, result = _c_recvfrom_checked(sock, bufsize, flags)
            return data, address(result, sock)

        def recvfrom_into(sock: StdSocket, buffer: Any, nbytes: Any, flags: Any) -> tuple[int, Any]:
            received, result = _c_recvfrom_into(sock, buffer, nbytes, flags)
            return received, address(result, sock)

        direct = family.address_type
        self.direct_type = direct if to_native is None and _proper(direct) else _Never
        self.results = memo
        self.recent = recent
        self.address = address
        self.sendto = sendto
        self.recvfrom = recvfrom
        self.recvfrom_into = recvfrom_into
        self.sendmsg, self.recvmsg, self.recvmsg_into = _message_calls(
            _c_sendmsg, _c_recvmsg, _c_recvmsg_into, native, address, audit=False)
        self.bind = lambda sock, value: _c_bind(sock, native(value))
        self.connect = lambda sock, value: _c_connect(sock, native(value))
        self.connect_ex = lambda sock, value: _c_connect_ex(sock, native(value))
        self.accept = _c_accept
        self.getsockname = lambda sock: address(_c_getsockname(sock), sock)
        self.getpeername = lambda sock: address(_c_getpeername(sock), sock)


class RawPath:
    """Plugin-encoded sockaddr bytes into libc; the bytes the kernel returns decoded by the plugin.

    Built like :class:`NativePath`, for the same reasons. ``decode`` is memoized by the sockaddr
    bytes; ``encode`` through ``sendto``'s last pair only, since a dict keyed by typed addresses
    costs more than encoding when their hash is Python code. Bytes whose ``sa_family`` is not the
    socket's are decoded by that family's plugin (memoized too: the bytes name their family).
    """

    name = "raw"
    __slots__ = NativePath.__slots__

    def __init__(self, family: Family, spec: SocketSpec) -> None:  # noqa: PLR0915 - a closure a call
        from . import _raw_syscalls as raw  # noqa: PLC0415 - ctypes only once a raw path exists

        self.family = family
        self.spec = spec
        typed = _Typed(family, spec)
        classes, parsed, learnt = typed.classes, typed.parsed, typed.learnt
        encode, decode = family.encode, family.decode
        raw_sendto, raw_recvfrom, raw_connect = raw.sendto, raw.recvfrom, raw.connect
        decoded: dict[Any, Any] = {None: None}
        recent: list[tuple[Any, bytes]] = [(_Never, b"")]  # one pair, replaced whole: thread-safe
        ours = family.number.to_bytes(2, _byteorder)  # sa_family, host order, as the kernel writes it
        longest = _SOCKADDR_MAX

        def sockaddr(value: Any) -> bytes:
            encoded = encode(value if type(value) in classes else parsed(value))
            if type(encoded) is not bytes or encoded[:2] != ours or len(encoded) > longest:
                raise _bad_sockaddr(family, encoded)
            return encoded

        def address(data: bytes | None, sock: StdSocket | None = None) -> Any:
            try:
                return decoded[data]
            except KeyError:
                if data is None:
                    return None
                if data[:2] != ours and len(data) >= 2:  # the kernel moved the socket (IPV6_ADDRFORM)
                    return _remember(decoded, data, _decoded_elsewhere(data, family, spec))
                return _remember(decoded, data, learnt(decode(data, spec), "decode"))

        # The C methods raise the stdlib's audit events (socket.bind...) with the caller's value
        # once it parsed; the raw path does the same before each call.
        def bind(sock: StdSocket, value: Any) -> None:
            encoded = sockaddr(value)
            _audit("socket.bind", sock, value)
            raw.bind(sock, encoded)

        def sendto(sock: StdSocket, data: Any, flags: Any, value: Any) -> int:
            last = recent[0]
            if value is last[0]:
                _audit("socket.sendto", sock, value)
                return raw_sendto(sock, data, flags, last[1])
            typed = value if type(value) in classes else _parsed_for_sendto(parsed, value, data, flags)
            encoded = encode(typed)
            if type(encoded) is not bytes or encoded[:2] != ours or len(encoded) > longest:
                raise _bad_sockaddr(family, encoded)
            recent[0] = (typed, encoded)
            _audit("socket.sendto", sock, value)
            return raw_sendto(sock, data, flags, encoded)

        def recvfrom(sock: StdSocket, bufsize: Any, flags: Any) -> tuple[bytes, Any]:
            data, result = raw_recvfrom(sock, bufsize, flags)
            try:
                return data, decoded[result]
            except KeyError:
                return data, address(result)

        def connect(sock: StdSocket, value: Any) -> None:
            encoded = sockaddr(value)
            _audit("socket.connect", sock, value)
            code = raw_connect(sock, encoded)
            if code:
                raise OSError(code, os.strerror(code))

        def connect_ex(sock: StdSocket, value: Any) -> int:
            encoded = sockaddr(value)
            _audit("socket.connect", sock, value)
            try:
                code: int = raw_connect(sock, encoded)
            except TimeoutError:
                return errno.EWOULDBLOCK  # what the stdlib's connect_ex() returns on a timeout
            return code

        def recvfrom_into(sock: StdSocket, buffer: Any, nbytes: Any, flags: Any) -> tuple[int, Any]:
            received, result = raw.recvfrom_into(sock, buffer, nbytes, flags)
            return received, address(result)

        self.direct_type = _Never
        self.results = None
        self.recent = _NO_RECENT
        self.address = address
        self.bind = bind
        self.connect = connect
        self.connect_ex = connect_ex
        self.sendto = sendto
        self.recvfrom = recvfrom
        self.recvfrom_into = recvfrom_into
        self.sendmsg, self.recvmsg, self.recvmsg_into = _message_calls(
            raw.sendmsg, raw.recvmsg, raw.recvmsg_into, sockaddr, address, audit=True)
        self.accept = raw.accept
        self.getsockname = lambda sock: address(raw.getsockname(sock))
        self.getpeername = lambda sock: address(raw.getpeername(sock))


class StdlibPath:
    """No plugin claims the family: exactly the stdlib's behaviour and results."""

    name = "stdlib"
    direct_type = _Never
    results = None
    recent = _NO_RECENT
    __slots__ = ("spec",)

    def __init__(self, spec: SocketSpec) -> None:
        self.spec = spec

    def address(self, native: Any, sock: StdSocket | None = None) -> Any:
        return native

    def bind(self, sock: StdSocket, value: Any) -> None:
        _c_bind(sock, value)

    def connect(self, sock: StdSocket, value: Any) -> None:
        _c_connect(sock, value)

    def connect_ex(self, sock: StdSocket, value: Any) -> int:
        return _c_connect_ex(sock, value)

    def sendto(self, sock: StdSocket, data: Any, flags: Any, value: Any) -> int:
        return _c_sendto(sock, data, flags, value)

    def recvfrom(self, sock: StdSocket, bufsize: Any, flags: Any) -> tuple[bytes, Any]:
        return _c_recvfrom_checked(sock, bufsize, flags)

    def recvfrom_into(self, sock: StdSocket, buffer: Any, nbytes: Any, flags: Any) -> tuple[int, Any]:
        return _c_recvfrom_into(sock, buffer, nbytes, flags)

    def sendmsg(self, sock: StdSocket, buffers: Any, ancdata: Any, flags: Any, value: Any) -> int:
        return _c_sendmsg(sock, buffers, ancdata, flags, value)

    def recvmsg(self, sock: StdSocket, bufsize: Any, ancbufsize: Any, flags: Any) -> tuple[Any, ...]:
        return _c_recvmsg(sock, bufsize, ancbufsize, flags)

    def recvmsg_into(self, sock: StdSocket, buffers: Any, ancbufsize: Any, flags: Any) -> tuple[Any, ...]:
        return _c_recvmsg_into(sock, buffers, ancbufsize, flags)

    def accept(self, sock: StdSocket) -> tuple[int, Any]:
        return _c_accept(sock)  # type: ignore[no-any-return]

    def getsockname(self, sock: StdSocket) -> Any:
        return _c_getsockname(sock)

    def getpeername(self, sock: StdSocket) -> Any:
        return _c_getpeername(sock)


if TYPE_CHECKING:
    Path = NativePath | RawPath | StdlibPath


def _initial_mode() -> str:
    mode = os.environ.get(ENVIRONMENT, "auto") or "auto"
    if mode not in MODES:
        raise ValueError(f"{ENVIRONMENT} must be one of {', '.join(MODES)}, got {mode!r}")
    return mode


_mode = _initial_mode()
_paths: dict[tuple[int, int, int], Path] = {}
_paths_generation = -1
_lock = _thread.allocate_lock()  # not threading: import famsock stays light
_registry: Registry | None = None


def set_syscall_path(mode: str) -> str:
    """Choose ``"auto"`` (native where the plugin offers it) or ``"raw"`` for sockets whose path
    is not chosen yet (a socket chooses at its first address call); return the previous mode."""
    global _mode
    if mode not in MODES:
        raise ValueError(f"syscall path must be one of {', '.join(MODES)}, got {mode!r}")
    with _lock:
        previous, _mode = _mode, mode
        _paths.clear()
    return previous


def get_syscall_path() -> str:
    """The mode new sockets' paths are chosen by: ``"auto"`` or ``"raw"``."""
    return _mode


def path_for(number: int, type: int, proto: int) -> Path:
    """The path for sockets of this family, type and protocol (raises on a family conflict)."""
    global _paths_generation, _registry
    if _registry is None:
        from ._registry import registry  # noqa: PLC0415 - first address call, not import time

        _registry = registry
    key = (number, type, proto)
    while True:
        # The lookup runs outside the lock (loading plugins may open sockets), so another thread
        # may change the registry meanwhile: a path is only built from a family looked up in the
        # generation the table holds. Each turn is a registration in between: this ends.
        generation = _registry.generation
        family = _registry.lookup(number)  # loads plugins on first use
        with _lock:
            current = _registry.generation
            if _paths_generation != current:
                _paths.clear()
                _paths_generation = current
            path = _paths.get(key)
            if path is None and generation == current:
                path = _paths[key] = _new_path(family, _spec(number, type, proto))
        if path is not None:
            return path


def _spec(number: int, type: int, proto: int) -> SocketSpec:
    from .contract import SocketSpec  # noqa: PLC0415 - the registry has imported it by now

    return SocketSpec(number, type, proto)


def _new_path(family: Family | None, spec: SocketSpec) -> Path:
    if family is None:
        return StdlibPath(spec)
    if _mode == "raw" or family.native is None:
        return RawPath(family, spec)
    return NativePath(family, spec)
