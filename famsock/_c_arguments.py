"""Arguments checked and converted as CPython's C socket methods parse them, with their messages.

Why: a value must fail here exactly as the C method would fail on it (type, message, and which
argument first), before any syscall. And without ``argtypes`` ctypes passes a Python int as a C
``int``, so a larger one would wrap silently. Pure (no ctypes, no I/O): both syscall paths use it.

The ``PyArg_Parse`` format units, and what takes them here:

- ``i`` (a C ``int``, through ``__index__``): :func:`c_int`
- ``n`` (a ``Py_ssize_t``, through ``__index__``): :func:`py_ssize_t`
- ``y*`` (a C-contiguous bytes-like object): :func:`bytes_like`
- ``w*`` (a writable C-contiguous buffer): :func:`read_write`
- ``PySequence_Fast``: :func:`fast_sequence`; ``sendmsg()``'s ``(iiy*)`` items:
  :func:`ancillary_item`; ``recvmsg_into()``'s buffers: :func:`scatter_buffer`
"""

from __future__ import annotations

import io
import sys
from operator import index

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs 3.6 ms at import famsock
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "BYTES_LIMIT",
    "INT_MAX",
    "INT_MIN",
    "SOCKLEN_LIMIT",
    "SSIZE_MAX",
    "SSIZE_MIN",
    "ancillary_item",
    "bytes_like",
    "c_int",
    "fast_sequence",
    "py_ssize_t",
    "read_write",
    "scatter_buffer",
]

INT_MIN, INT_MAX = -0x80000000, 0x7FFFFFFF
SSIZE_MIN, SSIZE_MAX = -sys.maxsize - 1, sys.maxsize
_LONG_MIN, _LONG_MAX = SSIZE_MIN, SSIZE_MAX  # a C long is a Py_ssize_t on Linux (LP64 and ILP32)
SOCKLEN_LIMIT = INT_MAX  # the stdlib's SOCKLEN_T_LIMIT: the largest control buffer it takes
BYTES_LIMIT = SSIZE_MAX - sys.getsizeof(b"")  # past this, bytes() raises OverflowError


def c_int(value: Any) -> int:
    """``i``: a C ``int``. The C method reads a C ``long`` first, hence two messages."""
    number = index(value)
    if INT_MIN <= number <= INT_MAX:
        return number
    if not _LONG_MIN <= number <= _LONG_MAX:
        raise OverflowError("Python int too large to convert to C long")
    side = "greater than maximum" if number > 0 else "less than minimum"
    raise OverflowError(f"signed integer is {side}")


def py_ssize_t(value: Any) -> int:
    """``n``: a ``Py_ssize_t``."""
    number = index(value)
    if not SSIZE_MIN <= number <= SSIZE_MAX:
        raise OverflowError("Python int too large to convert to C ssize_t")
    return number


def bytes_like(data: Any) -> memoryview:
    """``y*``: TypeError for what exports no buffer, BufferError for memory that is not
    C-contiguous."""
    try:
        view = memoryview(data)
    except TypeError as exc:  # its message names the type as PyObject_GetBuffer()'s does
        raise TypeError(str(exc).removeprefix("memoryview: ")) from None
    if not view.c_contiguous:
        raise BufferError("memoryview: underlying buffer is not C-contiguous")
    return view


def read_write(buffer: Any, method: str) -> memoryview:
    """``w*`` for argument 1 of ``method``: the buffer as unsigned bytes."""
    try:
        view = memoryview(buffer)
    except TypeError:
        view = None
    if view is None or view.readonly or not view.c_contiguous:
        try:  # the interpreter's own "w*" check describes the value as the C method's message does
            io.BytesIO().readinto(buffer)
        except TypeError as exc:
            shown = str(exc).rpartition(", not ")[2]
        else:
            shown = type(buffer).__name__
        raise TypeError(f"{method}() argument 1 must be read-write bytes-like object, not {shown}")
    return view.cast("B")


_SCATTER = "recvmsg_into() argument 1 must be an iterable of single-segment read-write buffers"


def scatter_buffer(buffer: Any) -> memoryview:
    """One of ``recvmsg_into()``'s buffers: writable and C-contiguous."""
    try:
        view = memoryview(buffer)
    except TypeError:
        raise TypeError(_SCATTER) from None
    if view.readonly or not view.c_contiguous:
        raise TypeError(_SCATTER)
    return view


def fast_sequence(value: Any, what: str) -> list[Any] | tuple[Any, ...]:
    """``PySequence_Fast``: a list or tuple as it is, any other iterable listed; TypeError naming
    the argument when it is not iterable (errors raised while iterating pass through)."""
    if type(value) is list or type(value) is tuple:
        return value
    try:
        iterator = iter(value)
    except TypeError:
        raise TypeError(f"{what} must be an iterable") from None
    return list(iterator)


def ancillary_item(item: Any) -> tuple[int, int, memoryview]:
    """One ``sendmsg()`` ancillary item, as ``(iiy*)`` takes it: any sequence of three but bytes."""
    if type(item) is not tuple and (isinstance(item, (bytes, dict))
                                    or not hasattr(type(item), "__getitem__")):
        raise TypeError("[sendmsg() ancillary data items]() argument must be 3-item sequence, "
                        f"not {type(item).__name__}")
    if len(item) != 3:
        raise TypeError("[sendmsg() ancillary data items]() argument must be sequence of length 3, "
                        f"not {len(item)}")
    return c_int(item[0]), c_int(item[1]), bytes_like(item[2])
