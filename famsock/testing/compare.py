"""Side by side with the stdlib: outcomes of calls, the stdlib's view of a socket, fd leaks.

The helpers famsock's and the plugins' tests share (no sockets are made here but the views):

- :func:`outcome` / :func:`same_outcome`: how a call ended (its result, or its exception's type
  and errno), and the assertion that a famsock call ends as the stdlib's does.
- :func:`raised_by`: the exception a call raises, or ``None``.
- :func:`plain`: a typed address as the stdlib's own value (``tuple``, ``str``, ``bytes``).
- :func:`stdlib_view` / :func:`stdlib_names`: a plain ``socket.socket`` on a duplicate of a
  socket's fd, and what it reads there; :func:`famsock_view`: a famsock socket on one, on a
  chosen syscall path; :func:`kernel_sockname`: the ``struct sockaddr`` bytes the kernel reports,
  read through libc directly (not through famsock's raw bridge, which is under test).
- :func:`open_fds` / :func:`fds_unchanged`: the process's open file descriptors, and a block
  that must close every one it opens (the pytest plugin's ``no_fd_leak`` fixture wraps it).
"""

from __future__ import annotations

import dataclasses
import errno
import json
import logging
import os
import pprint
import socket as _std
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from .._socket_object import socket as FamsockSocket

__all__ = [
    "TUPLE_USES",
    "Outcome",
    "famsock_view",
    "fds_unchanged",
    "kernel_peername",
    "kernel_sockname",
    "open_fds",
    "outcome",
    "plain",
    "raised_by",
    "same_outcome",
    "stdlib_names",
    "stdlib_view",
]


# -- outcomes -------------------------------------------------------------------------------------


class Outcome(NamedTuple):
    """How a call ended: ``("returned", result, None)`` or ``("raised", exception type, errno)``.

    Tuples compare and print plainly, so ``assert ours == theirs`` shows both in full.
    """

    ended: str
    value: Any
    errno: int | None = None

    @property
    def raised(self) -> bool:
        return self.ended == "raised"


def outcome(call: Callable[..., Any], *args: Any, **kwargs: Any) -> Outcome:
    """``call(*args, **kwargs)``'s :class:`Outcome`; any ``Exception`` is caught and recorded."""
    try:
        return Outcome("returned", call(*args, **kwargs))
    except Exception as exc:  # the outcome is what the caller compares
        return Outcome("raised", type(exc), getattr(exc, "errno", None))


def raised_by(call: Callable[..., Any], *args: Any, **kwargs: Any) -> Exception | None:
    """The exception ``call(*args, **kwargs)`` raises, or ``None`` if it returns."""
    try:
        call(*args, **kwargs)
    except Exception as exc:  # returned for the caller to inspect
        return exc
    return None


def same_outcome(famsock_call: Callable[[], Any], stdlib_call: Callable[[], Any], *,
                 result: bool = True, errno: bool = True) -> Outcome:
    """Call both; assert they end alike; return famsock's :class:`Outcome`.

    Alike: equal results (``result=False``: both returned, whatever they returned), or the same
    exception type (exactly: not a subclass) and, unless ``errno=False``, the same errno.
    """
    ours, theirs = outcome(famsock_call), outcome(stdlib_call)
    shown_ours, shown_theirs = ours, theirs
    if not result and not ours.raised and not theirs.raised:
        shown_ours, shown_theirs = ours._replace(value=...), theirs._replace(value=...)
    if not errno:
        shown_ours, shown_theirs = shown_ours._replace(errno=None), shown_theirs._replace(errno=None)
    assert shown_ours == shown_theirs, f"famsock: {ours}, the stdlib: {theirs}"
    return ours


def plain(address: Any) -> Any:
    """A typed address as the stdlib's own value: ``tuple(a)``, ``str(a)`` or ``bytes(a)``, by
    the built-in type it subclasses; anything else as it is."""
    if type(address) in (tuple, str, bytes):
        return address
    if isinstance(address, tuple):
        return tuple(address)
    if isinstance(address, str):
        return str.__str__(address)  # str(): what a subclass's own __str__ gives
    if isinstance(address, bytes):
        return bytes(memoryview(address))  # not bytes(): a subclass's __bytes__ may differ
    return address


# -- views of one socket --------------------------------------------------------------------------


_StdlibSocket = _std.socket  # the stdlib's own class, even once famsock.patch_stdlib() replaced it


def stdlib_view(sock: _std.socket) -> _std.socket:
    """A plain ``socket.socket`` on a duplicate of ``sock``'s fd (close it: ``with``)."""
    return _StdlibSocket(fileno=os.dup(sock.fileno()))


def stdlib_names(sock: _std.socket) -> tuple[Any, Any]:
    """The stdlib's own ``(getsockname(), getpeername())`` for ``sock``, the peer ``None`` when
    not connected (ENOTCONN), read by :func:`stdlib_view`."""
    with stdlib_view(sock) as view:
        try:
            peer = view.getpeername()
        except OSError as exc:
            if exc.errno != errno.ENOTCONN:
                raise
            peer = None
        return view.getsockname(), peer


def famsock_view(sock: _std.socket, path: str = "native") -> FamsockSocket:
    """A famsock socket on a duplicate of ``sock``'s fd, on syscall path ``path`` (``"native"``
    or ``"raw"``): chosen at once, whatever the process-wide mode is later (close it: ``with``)."""
    from .._socket_object import socket  # noqa: PLC0415 - loads famsock's socket object on use
    from . import syscall_path  # noqa: PLC0415 - this package's __init__ imports this module

    modes = {"native": "auto", "raw": "raw"}
    if path not in modes:
        raise ValueError(f"path must be 'native' or 'raw', got {path!r}")
    view = socket(fileno=os.dup(sock.fileno()))
    try:
        with syscall_path(modes[path]):
            view.syscall_path  # noqa: B018 - the first address call chooses the backend
    except BaseException:
        view.close()
        raise
    return view


def kernel_sockname(sock: _std.socket) -> bytes:
    """The ``struct sockaddr`` bytes the kernel reports for ``getsockname()``, as long as it
    reports them (``b""`` for none), read with libc's ``getsockname()``."""
    return _kernel_name("getsockname", sock)


def kernel_peername(sock: _std.socket) -> bytes:
    """As :func:`kernel_sockname`, for ``getpeername()`` (``OSError`` when not connected)."""
    return _kernel_name("getpeername", sock)


def _kernel_name(name: str, sock: _std.socket) -> bytes:
    import ctypes  # noqa: PLC0415 - only tests that read the kernel's bytes need it

    libc = ctypes.CDLL(None, use_errno=True)
    storage = ctypes.create_string_buffer(128)  # sizeof(struct sockaddr_storage)
    length = ctypes.c_uint32(len(storage))  # socklen_t
    if getattr(libc, name)(sock.fileno(), storage, ctypes.byref(length)) != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"{name}(): {os.strerror(code)}")
    return storage.raw[: min(length.value, len(storage))]


# -- file descriptors -----------------------------------------------------------------------------

_FD_DIRECTORY = "/proc/self/fd" if os.path.isdir("/proc/self/fd") else "/dev/fd"


def open_fds() -> dict[int, str]:
    """The process's open file descriptors, each with what it refers to (``socket:[123]``...)."""
    found = {}
    for name in os.listdir(_FD_DIRECTORY):
        try:
            found[int(name)] = os.readlink(os.path.join(_FD_DIRECTORY, name))
        except OSError:  # the directory's own fd, closed once listed; or no readlink here
            continue
    return found


@contextmanager
def fds_unchanged() -> Iterator[None]:
    """A block that leaves the process's fds as it found them: closes what it opens, closes
    nothing it did not open. The assertion names each fd that differs and what it refers to."""
    before = open_fds()
    yield
    after = open_fds()
    opened = {fd: target for fd, target in after.items() if before.get(fd) != target}
    closed = {fd: target for fd, target in before.items() if after.get(fd) != target}
    assert not opened and not closed, f"fds left open: {opened or 'none'}; fds closed: {closed or 'none'}"


# -- what programs do with a tuple address -----------------------------------------------------------

def _logged(address: Any) -> str:
    record = logging.LogRecord("app", logging.INFO, __file__, 1, "connection from %s", (address,), None)
    return logging.Formatter("%(message)s").format(record)


@dataclasses.dataclass
class _Record:
    """A program's record holding an address: ``asdict`` rebuilds tuples as ``type(t)(items)``."""

    address: Any


#: What a program does with a tuple address it got from a socket (INET, INET6, and any family
#: whose stdlib form is a tuple): for a typed address, each must give what it gives for the
#: stdlib's tuple (compare with :func:`outcome`: the same result, or the same exception type).
TUPLE_USES: dict[str, Callable[[Any], Any]] = {
    "str": str,
    "repr": repr,
    "format": format,
    "format-spec": lambda a: format(a, ">30"),  # TypeError for both
    "f-string": lambda a: f"peer {a} / {a!r} / {a!s}",
    "percent-s": lambda a: "peer %s" % (a,),  # noqa: UP031 - what old code does with addresses
    "percent-unpacked": lambda a: "%s|" * len(a) % a,
    "str-format": "{0}|{0!r}|{0[0]}".format,
    "json": json.dumps,
    "json-indent": lambda a: json.dumps({"peer": a}, indent=2),
    "pprint": pprint.pformat,
    "print-list": lambda a: str([a, a]),
    "hash": hash,
    "equal": lambda a: (a == tuple(a), a != tuple(a), a == list(a), a == (*a[:-1], -1)),
    "order": lambda a: (a < (*a, 0), a >= a[:1], a > (*a[:-1], -1), max(a, a[:1])),
    "len-bool-iter": lambda a: (len(a), bool(a), list(a), list(reversed(a)), tuple(a)),
    "index": lambda a: (a[0], a[-1], a[1:], a[::-1], a.count(a[1]), a.index(a[1]), a[1] in a),
    "concatenate": lambda a: (a + ("x",), ("x",) + a, a * 2, 2 * a, a * 1),  # noqa: RUF005 - tuple's +
    "dict-key": lambda a: {a: 1}[tuple(a)],
    "dataclass": lambda a: dataclasses.asdict(_Record(a)),
    "logging": _logged,
}
