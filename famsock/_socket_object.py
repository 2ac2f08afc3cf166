"""``famsock.socket``: the stdlib's socket, with addresses handled by family plugins.

It subclasses ``socket.socket``, so the data path (``send``, ``recv``, ``recv_into``, ``sendall``,
``setsockopt``, ``settimeout``, ``makefile``...) stays the interpreter's C code at full speed and
``isinstance(s, socket.socket)`` holds wherever libraries check it (measured: overriding ``send``
/ ``recv`` in Python costs 27 %, see the brief). Only the methods that take or return addresses
are overridden; each hands its work to the socket's backend (:mod:`famsock._backends`), chosen at the
first such call.

With the optional C accelerator (``famsock._accel``, built from famsock/_accel.c when the install
had a C compiler; ``FAMSOCK_ACCELERATOR=0`` turns it off), ``__init__``, ``sendto``,
``recvfrom``, ``connect`` and ``accept`` become C methods at a process's first address call:
they take the shortcuts these Python methods take and call them for everything else.
:func:`accelerator` says which is in use.
"""

from __future__ import annotations

import _socket
import os
import socket as _std

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs 3.6 ms
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any, NoReturn

    from typing_extensions import Buffer

    from ._backends import Backend
    from ._batch import DatagramBatch

__all__ = ["SocketType", "accelerator", "socket"]

_MISSING: Any = object()  # an argument left out: the C method's own error message is due
_c_sendto = _socket.socket.sendto
_c_recvfrom = _socket.socket.recvfrom
_c_bind = _socket.socket.bind
_c_connect = _socket.socket.connect
_c_connect_ex = _socket.socket.connect_ex
_c_recvfrom_into = _socket.socket.recvfrom_into
_c_sendmsg = _socket.socket.sendmsg
_c_recvmsg = _socket.socket.recvmsg
_c_recvmsg_into = _socket.socket.recvmsg_into
_c_getsockname = _socket.socket.getsockname
_c_getpeername = _socket.socket.getpeername


def _refuse(c_method: Any, sock: Any, given: tuple[Any, ...], extra: tuple[Any, ...] = (),
            keywords: dict[str, Any] | None = None) -> NoReturn:
    """Raise what the C method raises for these arguments (a count or a keyword it does not take),
    in its own words; ``given`` ends at the first argument left out."""
    arguments = []
    for value in given:
        if value is _MISSING:
            break
        arguments.append(value)
    c_method.__get__(sock)(*arguments, *extra, **(keywords or {}))  # bound: the stdlib's call path
    raise TypeError(f"{c_method.__name__}(): invalid arguments")  # not reached: the C method refused


def _recvfrom_into_arguments(buffer: Any, nbytes: Any = 0, flags: Any = 0) -> tuple[Any, Any, Any]:
    """recvfrom_into()'s arguments, bound as the C method binds them (it refuses what this does)."""
    return buffer, nbytes, flags


class _Unresolved:
    """A type no value has: the shortcut type of a socket whose backend is not chosen yet."""


_UNRESOLVED_RECENT: list[tuple[Any, Any]] = [(_Unresolved, None)]
_backend_for: Any = None  # famsock._backends.backend_for, once a socket has asked for it
_family_of = _socket.socket.family.__get__  # the raw ints, without the enum conversion
_type_of = _socket.socket.type.__get__
_proto_of = _socket.socket.proto.__get__


class socket(_std.socket):
    """A socket whose addresses are parsed, checked, encoded and decoded by a family plugin.

    Same constructor and methods as ``socket.socket``. Address results are the plugin's typed
    addresses, equal to the stdlib's tuples or strings; families no plugin claims behave exactly
    as in the stdlib.
    """

    __slots__ = ("_famsock_backend", "_famsock_direct", "_famsock_recent", "_famsock_results")

    def __init__(self, family: Any = -1, type: Any = -1, proto: Any = -1, fileno: Any = None) -> None:
        super().__init__(family, type, proto, fileno)
        self._famsock_backend: Backend | None = None
        self._famsock_direct: type = _Unresolved
        self._famsock_results: dict[Any, Any] | None = None
        self._famsock_recent: list[tuple[Any, Any]] = _UNRESOLVED_RECENT

    def _backend(self) -> Backend:
        backend = self._famsock_backend
        if backend is None:
            global _backend_for
            if _backend_for is None:  # not at import: a first address call
                from ._backends import backend_for  # noqa: PLC0415

                _accelerate()
                _backend_for = backend_for  # an import statement here would cost ~1 us a new socket
            backend = _backend_for(_family_of(self), _type_of(self), _proto_of(self))
            self._famsock_backend = backend
            self._famsock_direct = backend.direct_type
            self._famsock_results = backend.results
            self._famsock_recent = backend.recent
        return backend

    def _adopt(self, backend: Backend) -> None:
        self._famsock_backend = backend
        self._famsock_direct = backend.direct_type
        self._famsock_results = backend.results
        self._famsock_recent = backend.recent

    @property
    def syscall_path(self) -> str:
        """How this socket's address calls reach the kernel: ``native``, ``raw`` or ``stdlib``."""
        return self._backend().name

    # The address methods take what the C methods take; other arguments get the C method's own
    # error (``_refuse``), not Python's words about this signature. ``*extra``/``**keywords`` cost
    # ~50 ns a call: the hot sendto() and recvfrom() take sentinel defaults instead, which cover
    # missing arguments and sendto()'s fourth; more, or keywords, get Python's TypeError.

    def bind(self, address: Any = _MISSING, /, *extra: Any, **keywords: Any) -> None:
        if address is _MISSING or extra or keywords:
            _refuse(_c_bind, self, (address,), extra, keywords)
        (self._famsock_backend or self._backend()).bind(self, address)

    def connect(self, address: Any = _MISSING, /, *extra: Any, **keywords: Any) -> None:
        if address is _MISSING or extra or keywords:
            _refuse(_c_connect, self, (address,), extra, keywords)
        (self._famsock_backend or self._backend()).connect(self, address)

    def connect_ex(self, address: Any = _MISSING, /, *extra: Any, **keywords: Any) -> int:
        if address is _MISSING or extra or keywords:
            _refuse(_c_connect_ex, self, (address,), extra, keywords)
        return (self._famsock_backend or self._backend()).connect_ex(self, address)

    # sendto() and recvfrom() take the native backend's shortcuts (see famsock._native_backend):
    # the type the C method takes as is, the last (typed address, native value) pair matched by
    # identity, and the memo of results. A UDP round trip leaves ~0.2 µs for all of famsock's
    # work, and one more Python frame costs ~0.05 µs. Other backends offer shortcuts nothing matches.

    def sendto(self, data: Buffer = _MISSING, flags_or_address: Any = _MISSING, address: Any = _MISSING,
               extra: Any = _MISSING, /) -> int:
        if address is _MISSING:
            if type(flags_or_address) is self._famsock_direct:
                return _c_sendto(self, data, flags_or_address)
            last = self._famsock_recent[0]
            if flags_or_address is last[0]:
                return _c_sendto(self, data, last[1])
            if flags_or_address is _MISSING:  # (neither shortcut matches the sentinel)
                _refuse(_c_sendto, self, (data,))
            return (self._famsock_backend or self._backend()).sendto(self, data, 0, flags_or_address)
        if extra is not _MISSING:
            _refuse(_c_sendto, self, (data, flags_or_address, address, extra))
        if type(address) is self._famsock_direct:
            return _c_sendto(self, data, flags_or_address, address)
        last = self._famsock_recent[0]
        if address is last[0]:
            return _c_sendto(self, data, flags_or_address, last[1])
        return (self._famsock_backend or self._backend()).sendto(self, data, flags_or_address, address)

    def recvfrom(self, bufsize: int = _MISSING, flags: int = 0, /) -> tuple[bytes, Any]:
        # No spare sentinel for a third argument here: testing it cost ~5 ns a call (measured).
        results = self._famsock_results
        if results is None or flags:  # flags: MSG_TRUNC is the backend's to handle
            if bufsize is _MISSING:
                _refuse(_c_recvfrom, self, ())
            return (self._famsock_backend or self._backend()).recvfrom(self, bufsize, flags)
        try:  # free on Python 3.11+: no sentinel test on the fast path
            data, result = _c_recvfrom(self, bufsize, flags)
        except TypeError:
            if bufsize is _MISSING:
                _refuse(_c_recvfrom, self, ())
            raise
        try:
            return data, results[result]
        except (KeyError, TypeError):
            return data, self._famsock_backend.address(result, self)  # type: ignore[union-attr]

    def recvfrom_into(self, *args: Any, **kwargs: Any) -> tuple[int, Any]:
        # Arguments by position or keyword, as the C method takes them; which of the two the
        # caller used decides the C method's error message, hence *args/**kwargs here.
        if len(args) == 1 and not kwargs:
            buffer, nbytes, flags = args[0], 0, 0
        else:
            try:
                buffer, nbytes, flags = _recvfrom_into_arguments(*args, **kwargs)
            except TypeError:
                _refuse(_c_recvfrom_into, self, args, (), kwargs)
        return (self._famsock_backend or self._backend()).recvfrom_into(self, buffer, nbytes, flags)

    # sendmsg() and the recvmsg()s take the stdlib's positional-only arguments and defaults: an
    # empty ``ancdata`` and a ``None`` address are what the C method does when they are left out.

    def sendmsg(self, buffers: Iterable[Buffer] = _MISSING, ancdata: Iterable[tuple[int, int, Buffer]] = (),
                flags: int = 0, address: Any = None, /, *extra: Any, **keywords: Any) -> int:
        if buffers is _MISSING or extra or keywords:
            _refuse(_c_sendmsg, self, (buffers, ancdata, flags, address), extra, keywords)
        return (self._famsock_backend or self._backend()).sendmsg(self, buffers, ancdata, flags, address)

    def recvmsg(self, bufsize: int = _MISSING, ancbufsize: int = 0, flags: int = 0, /, *extra: Any,
                **keywords: Any) -> tuple[bytes, list[tuple[int, int, bytes]], int, Any]:
        if bufsize is _MISSING or extra or keywords:
            _refuse(_c_recvmsg, self, (bufsize, ancbufsize, flags), extra, keywords)
        return (self._famsock_backend or self._backend()).recvmsg(self, bufsize, ancbufsize, flags)

    def recvmsg_into(self, buffers: Iterable[Buffer] = _MISSING, ancbufsize: int = 0, flags: int = 0, /,
                     *extra: Any, **keywords: Any) -> tuple[int, list[tuple[int, int, bytes]], int, Any]:
        if buffers is _MISSING or extra or keywords:
            _refuse(_c_recvmsg_into, self, (buffers, ancbufsize, flags), extra, keywords)
        return (self._famsock_backend or self._backend()).recvmsg_into(self, buffers, ancbufsize, flags)

    def getsockname(self, *extra: Any, **keywords: Any) -> Any:
        if extra or keywords:
            _refuse(_c_getsockname, self, (), extra, keywords)
        return (self._famsock_backend or self._backend()).getsockname(self)

    def getpeername(self, *extra: Any, **keywords: Any) -> Any:
        if extra or keywords:
            _refuse(_c_getpeername, self, (), extra, keywords)
        return (self._famsock_backend or self._backend()).getpeername(self)

    # Socket options whose values are structs, through the plugin that declares them
    # (contract.SocketOption); other options as setsockopt()/getsockopt() take them.

    def set_option(self, level: int, option: int, value: Any) -> None:
        """``setsockopt()`` with ``value`` encoded by the plugin that declares the option
        (``struct ip_mreqn`` from a tuple...); ints and bytes-like values as they are."""
        from ._registry import registry  # noqa: PLC0415 - loaded by now: options follow an address call

        codec = registry.socket_option(level, option)
        if codec is not None and not isinstance(value, (int, bytes, bytearray, memoryview)):
            if codec.encode is None:
                raise TypeError(f"{codec.name} is read only: famsock's plugins encode no value for it")
            value = codec.encode(value)
        self.setsockopt(level, option, value)

    def get_option(self, level: int, option: int) -> Any:
        """``getsockopt()``, decoded by the plugin that declares the option; an int otherwise."""
        from ._registry import registry  # noqa: PLC0415

        codec = registry.socket_option(level, option)
        if codec is None or codec.decode is None:
            return self.getsockopt(level, option)
        return codec.decode(self.getsockopt(level, option, codec.size))

    # Batch datagram I/O (Linux recvmmsg/sendmmsg) into and out of a famsock.DatagramBatch, on
    # both syscall paths: famsock._batch, imported at the first batch call (it needs ctypes) and
    # kept here: an import statement in the method would cost ~1 us a call.

    _famsock_batch_calls: Any = None

    def recv_batch(self, batch: DatagramBatch, count: int | None = None, flags: int = 0, *,
                   start: int = 0) -> int:
        """Receive up to ``count`` datagrams (default: to the last slot) into ``batch``'s slots
        from ``start`` on, in one syscall; return how many arrived. Blocks for the first one
        only, then takes what else is ready; a non-blocking socket raises BlockingIOError when
        none is, a timeout socket TimeoutError. Lengths, flags (``MSG_TRUNC``: cut short) and
        senders are in the batch's slots; senders are decoded only when asked for."""
        calls = self._famsock_batch_calls
        if calls is None:
            from . import _batch as calls  # noqa: PLC0415

            socket._famsock_batch_calls = calls
        return calls.recv_batch(self, batch, count, flags, start)  # type: ignore[no-any-return]

    def send_batch(self, datagrams: DatagramBatch | Iterable[Buffer], count: int | None = None,
                   flags: int = 0, *, start: int = 0, to: Any = None, to_each: Iterable[Any] | None = None,
                   reply_to: DatagramBatch | None = None) -> int:
        """Send ``count`` datagrams (default: all) from ``start`` on in one syscall: a batch's
        slots (``lengths[i]`` bytes of slot ``i``) or bytes-like objects. To the connected peer,
        ``to`` one address, ``to_each[i]`` for datagram ``i``, or ``reply_to``'s sender of slot
        ``i``. Returns how many were sent: fewer when the socket takes no more now, or a
        datagram failed after the first (its error comes on the next call)."""
        calls = self._famsock_batch_calls
        if calls is None:
            from . import _batch as calls  # noqa: PLC0415

            socket._famsock_batch_calls = calls
        return calls.send_batch(  # type: ignore[no-any-return]
            self, datagrams, count, flags, start, to, to_each, reply_to)

    def accept(self) -> tuple[socket, Any]:
        """Wait for a connection: return a new famsock socket and the peer's address."""
        backend = self._famsock_backend or self._backend()
        fd, peer = backend.accept(self)
        spec = backend.spec
        try:
            conn = socket(spec.family, spec.type, spec.proto, fileno=fd)
        except BaseException:
            os.close(fd)
            raise
        conn._adopt(backend)
        try:
            address = backend.address(peer, conn)
            # As the stdlib (issue #7995): a listener's timeout must not make the new socket
            # non-blocking when no default timeout is set.
            if _std.getdefaulttimeout() is None and self.gettimeout():
                conn.setblocking(True)
        except BaseException:
            conn.close()
            raise
        return conn, address


SocketType = socket
# The pure-Python methods: the C accelerator's slow path, and the whole path without it.
_py_sendto = socket.sendto
_py_recvfrom = socket.recvfrom
_py_connect = socket.connect
_py_accept = socket.accept


def _accelerate() -> None:
    """Make ``__init__``, ``sendto``, ``recvfrom``, ``connect`` and ``accept`` the C accelerator's
    methods, if it is in use (famsock/_accel.c): at a process's first address call, with the
    backends (``import famsock`` stays light). They take the shortcuts the Python methods take,
    and call the Python ones for everything else."""
    from ._backend_parts import accel  # noqa: PLC0415

    if accel is not None and socket.__dict__["sendto"] is _py_sendto:
        accel.install_socket(socket, {
            "py_sendto": _py_sendto, "py_recvfrom": _py_recvfrom, "py_connect": _py_connect,
            "py_accept": _py_accept, "c_sendto": _c_sendto, "c_recvfrom": _c_recvfrom,
            "c_connect": _c_connect, "c_accept": _socket.socket._accept,  # type: ignore[attr-defined]
            "std_init": _std.socket.__init__, "unresolved": _Unresolved,
            "unresolved_recent": _UNRESOLVED_RECENT, "getdefaulttimeout": _std.getdefaulttimeout})


def accelerator() -> str:
    """Which fast paths famsock's sockets take: ``"c"`` (famsock._accel) or ``"python (why)"``."""
    from ._backend_parts import accelerator as in_use  # noqa: PLC0415

    _accelerate()
    return in_use()
