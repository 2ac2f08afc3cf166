"""What AF_UNIX sockets carry besides bytes: descriptors and credentials, as values.

Codecs for ``famsock.decode_ancillary`` / ``famsock.encode_ancillary`` (``sendmsg``/``recvmsg``
control data) and ``sock.get_option`` (socket options), Linux's layouts (tests/vectors/ucred.c):

- ``SCM_RIGHTS``: an array of C ``int`` file descriptors <-> a tuple of ints. A received
  descriptor is the receiver's to close: decoding opens nothing and closes nothing.
- ``SCM_CREDENTIALS`` and ``SO_PEERCRED``: ``struct ucred`` (12 bytes: pid ``pid_t`` 0:4 signed,
  uid ``uid_t`` 4:4 and gid ``gid_t`` 8:4 unsigned, host order) <-> :class:`UnixCredentials`.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Iterable
from operator import index

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: a first bind() imports no typing
if TYPE_CHECKING:
    from typing import Any, NamedTuple
else:
    from famsock._markers import NamedTuple

__all__ = ["UnixCredentials", "decode_credentials", "decode_rights", "encode_credentials", "encode_rights"]

UCRED_SIZE = 12  # sizeof(struct ucred)
_INT_SIZE = array("i").itemsize  # sizeof(int): 4 on every Linux ABI
_INT_MIN, _INT_MAX = -(1 << 31), (1 << 31) - 1  # pid_t and int
_ID_MAX = (1 << 32) - 1  # uid_t and gid_t; (uid_t)-1 is "no user", what a socket without a peer reports
_ORDER = sys.byteorder


class _Ucred(NamedTuple):
    pid: int
    uid: int
    gid: int


class UnixCredentials(_Ucred):
    """A process's credentials, ``struct ucred``: ``pid``, ``uid``, ``gid``.

    What ``SCM_CREDENTIALS`` items carry and ``SO_PEERCRED`` reports; a tuple, equal to
    ``(pid, uid, gid)``. Fields are checked against their C types (``pid_t``, ``uid_t``,
    ``gid_t``) however it is built; whether the kernel accepts them is the kernel's to say.
    """

    __slots__ = ()

    def __new__(cls, pid: int, uid: int, gid: int) -> UnixCredentials:
        return tuple.__new__(cls, (_field("pid", pid, _INT_MIN, _INT_MAX),
                                   _field("uid", uid, 0, _ID_MAX), _field("gid", gid, 0, _ID_MAX)))

    @classmethod
    def _make(cls, iterable: Iterable[Any]) -> UnixCredentials:  # type: ignore[override]  # mypy: generic
        """As the constructor (namedtuple's ``_make``, which ``_replace`` calls, checks nothing)."""
        fields = tuple(iterable)
        if len(fields) != 3:
            raise TypeError(f"Expected 3 arguments, got {len(fields)}")  # namedtuple's message
        return cls(*fields)


def _field(name: str, value: Any, low: int, high: int) -> int:
    try:
        number = index(value)
    except TypeError:
        raise TypeError(f"struct ucred {name} must be an int, not {type(value).__name__}: "
                        f"{value!r}") from None
    if not low <= number <= high:
        raise OverflowError(f"struct ucred {name} must be in {low}..{high}, got {number}")
    return number


def decode_credentials(data: bytes) -> UnixCredentials:
    """``struct ucred`` bytes (an SCM_CREDENTIALS item, SO_PEERCRED's value)."""
    if len(data) != UCRED_SIZE:
        raise ValueError(f"a struct ucred is {UCRED_SIZE} bytes, got {len(data)}: {bytes(data).hex()}")
    return tuple.__new__(UnixCredentials, (int.from_bytes(data[0:4], _ORDER, signed=True),
                                           int.from_bytes(data[4:8], _ORDER),
                                           int.from_bytes(data[8:12], _ORDER)))


def encode_credentials(value: Any) -> bytes:
    """``struct ucred`` bytes for a :class:`UnixCredentials` or a ``(pid, uid, gid)`` tuple."""
    credentials = value if type(value) is UnixCredentials else _credentials(value)
    return (credentials.pid.to_bytes(4, _ORDER, signed=True) + credentials.uid.to_bytes(4, _ORDER)
            + credentials.gid.to_bytes(4, _ORDER))


def _credentials(value: Any) -> UnixCredentials:
    try:
        pid, uid, gid = value
    except (TypeError, ValueError):
        raise TypeError(f"struct ucred is (pid, uid, gid) or a famsock_unix.UnixCredentials, not "
                        f"{type(value).__name__}: {value!r}") from None
    return UnixCredentials(pid, uid, gid)


def decode_rights(data: bytes) -> tuple[int, ...]:
    """The descriptors of an SCM_RIGHTS item. Bytes past the last whole ``int`` are ignored, as
    ``socket.recv_fds`` does: the kernel never passes part of a descriptor, and refusing the item
    would lose the whole ones, which nobody could close then."""
    whole = len(data) - len(data) % _INT_SIZE
    return tuple(memoryview(bytes(data[:whole])).cast("i"))


def encode_rights(fds: Any) -> bytes:
    """An SCM_RIGHTS item's data for file descriptors (ints; the kernel checks they are open)."""
    if isinstance(fds, (str, int, bytes, bytearray, memoryview)) or not isinstance(fds, Iterable):
        raise TypeError(f"SCM_RIGHTS takes an iterable of file descriptors (ints), not "
                        f"{type(fds).__name__}: {fds!r}")
    numbers = array("i")
    for fd in fds:
        try:
            number = index(fd)
        except TypeError:
            raise TypeError(f"SCM_RIGHTS file descriptors must be ints, not {type(fd).__name__}: {fd!r} "
                            "(pass its .fileno())") from None
        if not _INT_MIN <= number <= _INT_MAX:
            raise OverflowError(f"SCM_RIGHTS file descriptor must fit a C int, got {number}")
        numbers.append(number)
    return numbers.tobytes()
