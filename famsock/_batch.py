"""Batch datagram I/O: many datagrams per syscall, into and out of caller-provided buffers.

Why buffers: measured on the prototype, ``recvmmsg()`` returning a list of ``(bytes, address)``
per datagram was only 1.02-1.05x the stdlib's ``recvfrom()`` loop, while the syscalls alone
reach 1.75x. What a loop pays per datagram is Python objects: the data, the address, a tuple.
So a :class:`DatagramBatch` is built once and reused by every call: slots of memory for the data,
one ``struct sockaddr_storage`` per slot for the addresses, and the ``struct mmsghdr`` array that
points at them. A call writes a few columns of that array (one C-level operation each, never a
Python loop over the datagrams) and makes one syscall. What comes back is arrays: the lengths and
message flags as memoryviews over the kernel's own ``msg_len`` and ``msg_flags`` fields, the
addresses as the raw sockaddr table. An address is decoded by the socket's family plugin only
when asked for, slot by slot (:meth:`DatagramBatch.address`), memoized as ``recvfrom()``'s are.

Families: every address goes through the family plugin of the socket that used the batch last
(``decode``/``encode`` from its registration, through the same backends as the other methods),
so every family with datagrams works, a third party's included. Both syscall paths call libc
(:mod:`famsock._raw_batch`): the interpreter has no batch C method. They differ in decoding: the
raw path shares the socket's backend, and its memo of results, with ``recvfrom()``; the native
path decodes the kernel's bytes with the plugin's ``decode`` (its C methods never see them). A
family no plugin claims gets ``RawSockaddr`` results and takes only ``RawSockaddr`` destinations.

Memory safety: every pointer in the arrays points into memory the batch holds (its own, or the
caller's buffers, whose exports it keeps), and a length written for a send is checked against its
slot first, so no misuse, concurrent or not, makes the kernel touch memory nobody holds. A call
keeps the batch's memory alive until it returns, even if another thread releases the batch.
"""

from __future__ import annotations

import ctypes
from array import array
from contextlib import suppress
from itertools import accumulate
from operator import index, le
from sys import audit as _audit, byteorder

from . import _raw_batch as raw
from ._backend_parts import TypedClasses
from ._boundary import SOCKADDR_MAX, bad_sockaddr
from ._c_arguments import INT_MAX, INT_MIN, bytes_like, c_int, fast_sequence, py_ssize_t
from ._libc import zeroed
from ._raw_sockaddr import RawSockaddr

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs 3.6 ms
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from typing import Any

    from typing_extensions import Buffer, Self

    from ._backends import Backend
    from ._registry import Registry
    from ._socket_object import socket as FamsockSocket
    from .contract import Family, SocketSpec

__all__ = ["DatagramBatch", "recv_batch", "send_batch"]

_char = ctypes.c_char
_addressof = ctypes.addressof
_byref = ctypes.byref
_MSG_WAITFORONE = raw.MSG_WAITFORONE
_SLOT = raw.ADDRESS_SIZE  # each slot's room for a sockaddr: the table's stride
_WORD, _INT = 8, 4  # sizes of the columns' items: pointers and size_t, int and socklen_t
_ENTRY = ctypes.sizeof(raw.Mmsghdr)
_IOVEC = ctypes.sizeof(raw.Iovec)
# Where each column is, in items of its size: mmsghdr i's field is view[i * stride + column].
_NAME = raw.offset("msg_name") // _WORD
_IOV = raw.offset("msg_iov") // _WORD
_IOVLEN = raw.offset("msg_iovlen") // _WORD
_NAMELEN = raw.offset("msg_namelen") // _INT
_FLAGS = raw.offset("msg_flags") // _INT
_LEN = raw.offset("msg_len") // _INT
_BASE = raw.Iovec.iov_base.offset // _WORD
_SIZE = raw.Iovec.iov_len.offset // _WORD
_RELEASED = "operation forbidden on a released DatagramBatch"
_ZERO = 0  # tested by identity on the fast path: the cheapest test there is (CPython has one 0)
_PLAIN = frozenset({bytes, bytearray})  # bytes-like types whose len() is their size in bytes


class DatagramBatch:
    """Slots for many datagrams, filled or sent by one syscall each time (Linux).

    ``DatagramBatch(count, size=2048)``: ``count`` slots of ``size`` bytes in memory of its own;
    with ``buffer=``, the slots are consecutive ``size``-byte pieces of that writable buffer.
    ``DatagramBatch.over(buffers)``: one slot per writable buffer, each its own size.

    After ``n = sock.recv_batch(batch)``, slot ``i < n`` holds a datagram: ``batch[i]`` (a
    memoryview of its bytes), ``batch.lengths[i]``, ``batch.flags[i]`` (``MSG_TRUNC`` when it did
    not fit), ``batch.address(i)`` (the sender, decoded by the socket's family plugin on demand)
    and ``batch.sockaddr(i)`` (its raw ``struct sockaddr`` bytes). To send from it, write slot
    ``i`` (``batch.slot(i)``) and ``batch.lengths[i]``, then ``sock.send_batch(batch, n)``.
    One batch serves one call at a time.
    """

    __slots__ = ("__weakref__", "_backend", "_decode", "_full", "_iov_sized", "_keep", "_namelens", "_names",
                 "_sizes", "_sizes_view", "_slots", "_vector", "_views", "_zeros", "address_lengths",
                 "address_table", "buffer", "count", "flags", "lengths", "size")

    count: int
    """How many slots: the most datagrams a call moves (the kernel sends at most 1024 a call)."""
    size: int | None
    """Each slot's size in bytes; None when the slots' sizes differ (:meth:`over`)."""
    lengths: memoryview
    """``unsigned int`` per slot (the kernel's ``msg_len``): the bytes received into each slot
    (with ``MSG_TRUNC`` in the call's flags, the datagram's whole length); for a send, what the
    caller writes: how many bytes of each slot to send."""
    flags: memoryview
    """``int`` per slot, read only: each received datagram's message flags (``MSG_TRUNC``...)."""
    buffer: memoryview | None
    """The whole memory of the slots, when it is one piece (None for :meth:`over`)."""
    address_table: memoryview
    """Read only: the slots' ``struct sockaddr`` bytes, 128 bytes a slot (``sockaddr_storage``)."""
    address_lengths: memoryview
    """Read only, ``socklen_t`` per slot: the length of each slot's sockaddr, 0 for none."""

    def __init__(self, count: int, size: int = 2048, *, buffer: Buffer | None = None) -> None:
        count, size = _slots_count(count), _slot_size(size)
        if buffer is None:
            memory = zeroed(count * size)  # large ones are mappings: no page costs until written
            view = memoryview(memory).cast("B")
        else:
            view = _writable(buffer, "DatagramBatch() argument 'buffer'")
            if view.nbytes < count * size:
                raise ValueError(f"DatagramBatch(): {count} slots of {size} bytes need {count * size} "
                                 f"bytes, the buffer has {view.nbytes}")
            memory = (_char * view.nbytes).from_buffer(view)  # holds the caller's export
        start = _addressof(memory)
        self._build(count, array("Q", range(start, start + count * size, size)), array("Q", [size]) * count,
                    [memory])
        self.size = size
        self.buffer = view
        self._slots = [view[offset:offset + size] for offset in range(0, count * size, size)]

    @classmethod
    def over(cls, buffers: Iterable[Buffer]) -> DatagramBatch:
        """A batch with one slot per writable buffer, in order, each slot that buffer's size."""
        views = [_writable(part, "DatagramBatch.over() items")
                 for part in fast_sequence(buffers, "DatagramBatch.over() argument 1")]
        _slots_count(len(views))
        arrays = [(_char * view.nbytes).from_buffer(view) for view in views]
        batch = cls.__new__(cls)
        batch._build(len(views), array("Q", map(_addressof, arrays)), array("Q", [v.nbytes for v in views]),
                     arrays)
        batch.size = None
        batch.buffer = None
        batch._slots = views
        return batch

    def _build(self, count: int, bases: array[int], sizes: array[int], memory: list[Any]) -> None:
        """The mmsghdr array, iovecs and sockaddr table for slots at ``bases`` of ``sizes`` bytes;
        ``memory`` is what those addresses point into (held as long as the batch)."""
        vector = (_char * (count * _ENTRY))()
        iovecs = (_char * (count * _IOVEC))()
        names = (_char * (count * _SLOT))()
        words = memoryview(vector).cast("B").cast("Q")
        ints = memoryview(vector).cast("B").cast("I")
        stride, iov_stride = _ENTRY // _WORD, _IOVEC // _WORD
        start = _addressof(names)
        words[_NAME::stride] = array("Q", range(start, start + count * _SLOT, _SLOT))
        start = _addressof(iovecs)
        words[_IOV::stride] = array("Q", range(start, start + count * _IOVEC, _IOVEC))
        words[_IOVLEN::stride] = array("Q", [1]) * count
        iov = memoryview(iovecs).cast("B").cast("Q")
        iov[_BASE::iov_stride] = bases
        self._sizes_view = iov[_SIZE::iov_stride]  # iov_len: the slot sizes, or what a send sends
        self._sizes_view[:] = sizes
        self._sizes = sizes
        self._iov_sized = True  # iov_len holds the slot sizes (a send changes them)
        self.count = count
        self.lengths = ints[_LEN::_ENTRY // _INT]
        self.flags = memoryview(vector).cast("B").cast("i")[_FLAGS::_ENTRY // _INT].toreadonly()
        self._namelens = ints[_NAMELEN::_ENTRY // _INT]
        self._names = memoryview(names).cast("B")
        self.address_table = self._names.toreadonly()
        self.address_lengths = self._namelens.toreadonly()
        self._full = memoryview(array("I", [_SLOT]) * count)  # namelens before a receive
        self._zeros = memoryview(array("I", bytes(count * _INT)))  # namelens: no address
        self._keep: tuple[Any, ...] | None = (vector, iovecs, names, *memory)
        self._vector = _byref(vector)
        self._backend: Backend | None = None
        self._decode: Callable[[bytes | None], Any] = _no_family  # the backend's, once one used it
        self._views = (words, ints, iov, self._sizes_view, self.lengths, self.flags, self._namelens,
                       self._names, self.address_table, self.address_lengths)

    def __repr__(self) -> str:
        state = " (released)" if self._keep is None else ""
        sizes = f"of {self.size} bytes" if self.size is not None else "of their buffers' sizes"
        return f"<famsock.DatagramBatch {self.count} slots {sizes}{state}>"

    # -- reading what a receive wrote ------------------------------------------------------------

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, slot: int) -> memoryview:
        """The datagram in ``slot``: a memoryview of the bytes the kernel wrote there."""
        if type(slot) is not int:
            slot = index(slot)
        return self._slots[slot][:self.lengths[slot]]  # slicing stops at the slot's end

    def datagrams(self, count: int | None = None, start: int = 0) -> list[memoryview]:
        """``[batch[i] for i in range(start, start + count)]``, faster; count None: to the end."""
        start, count = _span(self.count, count, start, "datagrams")
        stop = start + count
        ends = map(slice, self.lengths[start:stop])  # slice(n): [:n]
        return list(map(memoryview.__getitem__, self._slots[start:stop], ends))

    def slot(self, slot: int) -> memoryview:
        """All of ``slot``'s memory, writable: where a datagram to send goes."""
        if type(slot) is not int:
            slot = index(slot)
        return self._slots[slot]

    def sockaddr(self, slot: int) -> bytes | None:
        """The ``struct sockaddr`` bytes of ``slot``'s address (a receive's sender), or None
        where there is none (an unnamed AF_UNIX sender, a connected peer)."""
        if type(slot) is not int:
            slot = index(slot)
        length = self._namelens[slot]  # at most 128: the kernel's own sockaddr_storage, or ours
        if not length:
            return None
        offset = (slot + self.count if slot < 0 else slot) * _SLOT
        return self._names[offset:offset + length].tobytes()

    def address(self, slot: int) -> Any:
        """The typed address of ``slot`` (a receive's sender), decoded by the family plugin of
        the socket that last used this batch, as that socket's ``recvfrom()`` returns it."""
        if type(slot) is not int:
            slot = index(slot)
        length = self._namelens[slot]
        if not length:
            return self._decode(None)
        offset = (slot + self.count if slot < 0 else slot) * _SLOT
        return self._decode(self._names[offset:offset + length].tobytes())

    def addresses(self, count: int | None = None, start: int = 0) -> list[Any]:
        """``[batch.address(i) for i in range(start, start + count)]``, faster; count None: to
        the end."""
        start, count = _span(self.count, count, start, "addresses")
        decode = self._decode
        table = self._names[start * _SLOT:(start + count) * _SLOT].tobytes()  # one copy, sliced as bytes
        return [decode(table[offset:offset + length]) if length else decode(None)
                for offset, length in zip(range(0, count * _SLOT, _SLOT), self._namelens[start:start + count],
                                          strict=True)]

    # -- lifetime --------------------------------------------------------------------------------

    def release(self) -> None:
        """Give back the memory and the caller's buffers now (they can be resized again);
        calls with the batch then raise ValueError. Views handed out stay valid."""
        if self._keep is None:
            return
        self._keep = None
        for view in (*self._views, *self._slots, *((self.buffer,) if self.buffer is not None else ())):
            with suppress(BufferError):  # exported further by the caller: it lives as long as that
                view.release()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()


# -- the calls -------------------------------------------------------------------------------------

def recv_batch(sock: FamsockSocket, batch: Any, count: Any = None, flags: Any = 0, start: Any = 0) -> int:
    """Receive up to ``count`` datagrams into ``batch``'s slots from ``start`` on, in one
    syscall; return how many arrived (see :meth:`famsock.socket.recv_batch`)."""
    if type(batch) is not DatagramBatch:
        raise TypeError(f"recv_batch() argument 1 must be famsock.DatagramBatch, not {type(batch).__name__}")
    keep = batch._keep  # the memory the kernel writes, held until this call returns
    if keep is None:
        raise ValueError(_RELEASED)
    if flags is not _ZERO and (type(flags) is not int or not INT_MIN <= flags <= INT_MAX):
        flags = c_int(flags)
    if not batch._iov_sized:  # a send left its lengths there
        batch._sizes_view[:] = batch._sizes
        batch._iov_sized = True
    if count is None and start is _ZERO:  # the whole batch: no slicing
        count = batch.count
        batch._namelens[:] = batch._full  # the room for each sender's address
        vector = batch._vector
    else:
        start, count = _span(batch.count, count, start, "recv_batch")
        batch._namelens[start:start + count] = batch._full[:count]
        vector = _byref(keep[0], start * _ENTRY)
    backend = sock._famsock_backend or sock._backend()
    if backend is not batch._backend:
        _adopt(batch, backend)
    return raw.receive(sock, vector, count, flags | _MSG_WAITFORONE)


def send_batch(sock: FamsockSocket, datagrams: Any, count: Any = None, flags: Any = 0, start: Any = 0,
               to: Any = None, to_each: Any = None, reply_to: Any = None) -> int:
    """Send ``count`` datagrams from ``start`` on in one syscall; return how many were sent
    (see :meth:`famsock.socket.send_batch`)."""
    if type(datagrams) is DatagramBatch:
        batch, keep = datagrams, datagrams._keep
        if keep is None:
            raise ValueError(_RELEASED)
        start, count = _span(batch.count, count, start, "send_batch")
        first = start  # the batch's slot for datagram ``start``
    else:
        items = fast_sequence(datagrams, "send_batch() argument 1")
        start, count = _span(len(items), count, start, "send_batch")
        batch, keep = _joined(items[start:start + count])
        first = 0
    if type(flags) is not int or not INT_MIN <= flags <= INT_MAX:
        flags = c_int(flags)
    destination = _destination(to, to_each, reply_to)
    if type(reply_to) is DatagramBatch and reply_to._keep is None:
        raise ValueError(_RELEASED)
    backend = sock._famsock_backend or sock._backend()
    if backend is not batch._backend:
        _adopt(batch, backend)
    if batch is datagrams:
        _send_lengths(batch, first, count)
    _address_columns(batch, first, count, start, backend, to, to_each, reply_to)
    _audit("socket.sendmsg", sock, destination)
    vector = batch._vector if not first else _byref(keep[0], first * _ENTRY)
    return raw.send(sock, vector, count, flags)


def _adopt(batch: DatagramBatch, backend: Backend) -> None:
    """The socket ``batch`` serves now decodes its addresses (a pair replaced in two steps: a
    thread reading addresses meanwhile gets one socket's or the other's, both valid)."""
    batch._decode = _codec(backend).decode
    batch._backend = backend


def _no_family(data: bytes | None) -> Any:
    raise ValueError("no socket has used this DatagramBatch yet: its addresses have no family")


def _destination(to: Any, to_each: Any, reply_to: Any) -> Any:
    """The one destination argument given (None: the connected peer); the audit event's value."""
    given = [value for value in (to, to_each, reply_to) if value is not None]
    if len(given) > 1:
        raise TypeError("send_batch() takes at most one of 'to', 'to_each' and 'reply_to'")
    if reply_to is not None and type(reply_to) is not DatagramBatch:
        raise TypeError(f"send_batch() argument 'reply_to' must be famsock.DatagramBatch, not "
                        f"{type(reply_to).__name__}")
    return given[0] if given else None


def _send_lengths(batch: DatagramBatch, first: int, count: int) -> None:
    """iov_len of each slot to send: its ``lengths`` entry, checked against the slot first
    (copied once, so that no other thread can change it between the check and the use)."""
    stop = first + count
    wanted = array("Q", batch.lengths[first:stop])
    size = batch.size
    if (size is not None and max(wanted, default=0) > size) or (
            size is None and not all(map(le, wanted, batch._sizes[first:stop]))):
        for offset, length in enumerate(wanted):
            room = batch._sizes[first + offset]
            if length > room:
                raise ValueError(f"send_batch(): slot {first + offset} holds {room} bytes, its length "
                                 f"is {length}")
    batch._iov_sized = False
    batch._sizes_view[first:stop] = wanted


def _address_columns(batch: DatagramBatch, first: int, count: int, start: int, backend: Backend,
                     to: Any, to_each: Any, reply_to: DatagramBatch | None) -> None:
    """Each datagram's destination into the batch's sockaddr table and msg_namelen column:
    none (length 0: the kernel then takes no address), one for all, one each, or the senders of
    ``reply_to``'s slots (the same slot numbers as the datagrams')."""
    stop = first + count
    if reply_to is not None:
        if start + count > reply_to.count:
            raise ValueError(f"send_batch(): reply_to has {reply_to.count} slots, datagrams "
                             f"{start} to {start + count - 1} need as many")
        if reply_to is not batch or start != first:
            batch._names[first * _SLOT:stop * _SLOT] = reply_to._names[start * _SLOT:(start + count) * _SLOT]
            batch._namelens[first:stop] = reply_to._namelens[start:start + count]
        return
    if to_each is not None:
        _each_address(batch, first, count, start, _codec(backend), to_each)
        return
    if to is None:
        batch._namelens[first:stop] = batch._zeros[:count]
        return
    data = _codec(backend).encode_recent(to)
    batch._names[first * _SLOT:stop * _SLOT] = data.ljust(_SLOT, b"\0") * count
    batch._namelens[first:stop] = array("I", [len(data)]) * count


def _each_address(batch: DatagramBatch, first: int, count: int, start: int, codec: _Codec,
                  to_each: Any) -> None:
    destinations = fast_sequence(to_each, "send_batch() argument 'to_each'")
    if len(destinations) < start + count:
        raise ValueError(f"send_batch(): to_each has {len(destinations)} addresses, datagrams {start} to "
                         f"{start + count - 1} need as many")
    encode = codec.encode
    encoded: dict[int, bytes] = {}  # by identity: one address object repeated is encoded once
    table = []
    for value in destinations[start:start + count]:
        try:
            data = encoded[id(value)]
        except KeyError:
            data = encoded[id(value)] = encode(value)
        table.append(data)
    batch._names[first * _SLOT:(first + count) * _SLOT] = b"".join(data.ljust(_SLOT, b"\0") for data in table)
    batch._namelens[first:first + count] = array("I", map(len, table))


def _joined(items: Sequence[Any]) -> tuple[DatagramBatch, tuple[Any, ...]]:
    """A batch over one copy of ``items`` (bytes-like objects), one slot each, sized to fit."""
    if _PLAIN.issuperset(map(type, items)):
        memory, sizes = bytearray().join(items), array("Q", map(len, items))
    else:  # the C methods' checks and messages for the others (bytes_like: "y*")
        views = [bytes_like(item) for item in items]
        memory, sizes = bytearray().join(views), array("Q", [view.nbytes for view in views])
    data = (_char * len(memory)).from_buffer(memory)
    start = _addressof(data)
    bases = array("Q", accumulate(sizes, initial=start))
    batch = DatagramBatch.__new__(DatagramBatch)
    batch._build(len(items), bases[:len(items)], sizes, [data])
    keep = batch._keep
    assert keep is not None
    return batch, keep


# -- arguments -------------------------------------------------------------------------------------

def _slots_count(value: Any) -> int:
    count = c_int(value)
    if count < 1:
        raise ValueError(f"a DatagramBatch has at least one slot, got {count}")
    return count


def _slot_size(value: Any) -> int:
    size = c_int(value)
    if size < 0:
        raise ValueError(f"a DatagramBatch slot size must be 0 or more bytes, got {size}")
    return size


def _writable(buffer: Any, what: str) -> memoryview:
    """A writable, C-contiguous buffer as unsigned bytes (what the kernel may write into)."""
    try:
        view = memoryview(buffer)
    except TypeError:
        view = None
    if view is None or view.readonly or not view.c_contiguous:
        raise TypeError(f"{what} must be a writable C-contiguous bytes-like object "
                        f"(bytearray, memoryview...), not {type(buffer).__name__}")
    return view.cast("B")


def _span(total: int, count: Any, start: Any, method: str) -> tuple[int, int]:
    """``(start, count)`` checked against ``total`` slots or datagrams; count None: the rest."""
    if type(start) is not int or not 0 <= start <= total:
        start = py_ssize_t(start)
        if start < 0:
            raise ValueError(f"negative start in {method}()")
        if start > total:
            raise ValueError(f"{method}(): start {start} is past the last of {total} datagrams")
    if count is None:
        return start, total - start
    if type(count) is not int or not 0 <= count <= total - start:
        count = py_ssize_t(count)
        if count < 0:
            raise ValueError(f"negative count in {method}()")
        if count > total - start:
            raise ValueError(f"{method}(): count {count} from {start} is past the last of {total} datagrams")
    return start, count


# -- addresses through the family plugin, per backend ------------------------------------------------

class _Codec:
    """A backend's addresses as sockaddr bytes: ``decode`` (memoized by the backend, as
    ``recvfrom()``'s results) and ``encode`` (with the last destination remembered)."""

    __slots__ = ("decode", "encode", "recent")

    def __init__(self, decode: Callable[[bytes | None], Any], encode: Callable[[Any], bytes]) -> None:
        self.decode = decode
        self.encode = encode
        self.recent: tuple[Any, bytes] = (_Unset, b"")  # replaced whole: safe across threads

    def encode_recent(self, value: Any) -> bytes:
        recent = self.recent
        if value is recent[0]:
            return recent[1]
        data = self.encode(value)
        self.recent = (value, data)
        return data


class _Unset:
    """What no destination is: the first ``recent`` pair."""


_codecs: dict[Any, _Codec] = {}


def _codec(backend: Backend) -> _Codec:
    try:
        return _codecs[backend]
    except KeyError:
        pass
    if len(_codecs) >= 64:  # a bound: backends are few (one per family, type and protocol in use)
        _codecs.clear()
    codec = _codecs[backend] = _new_codec(backend)
    return codec


def _new_codec(backend: Backend) -> _Codec:
    # loaded by now: the socket has its backend
    from ._passthrough_backend import PassthroughBackend  # noqa: PLC0415
    from ._raw_backend import RawBackend  # noqa: PLC0415
    from ._registry import registry  # noqa: PLC0415

    if isinstance(backend, PassthroughBackend):  # no plugin claims the family: RawSockaddr both ways
        spec = backend.spec
        return _Codec(backend._read, lambda value: _unclaimed(value, spec))
    family, spec = backend.family, backend.spec
    # The native path never sees sockaddr bytes: they are decoded as its raw twin decodes them.
    raw_backend = backend if isinstance(backend, RawBackend) else RawBackend(family, spec, registry)
    return _Codec(raw_backend.address, _encoder(family, spec, registry))


def _encoder(family: Family[Any], spec: SocketSpec, registry: Registry) -> Callable[[Any], bytes]:
    """A destination as sockaddr bytes, as the raw path's sendto() makes them: parsed unless
    typed, checked for this use, encoded, and the plugin's bytes checked."""
    typed = TypedClasses(family, spec, registry)
    classes, parsed = typed.classes, typed.parsed
    encode, check = family.encode, family.check_use
    ours = family.number.to_bytes(2, byteorder)

    def encoded(value: Any) -> bytes:
        if type(value) is RawSockaddr:
            return value.sockaddr
        address = value if type(value) in classes else parsed(value)
        if check is not None:
            check(address, spec, "sendto")
        data = encode(address, spec)
        if type(data) is not bytes or data[:2] != ours or len(data) > SOCKADDR_MAX:
            raise bad_sockaddr(registry, family, data)
        return data

    return encoded


def _unclaimed(value: Any, spec: SocketSpec) -> bytes:
    if type(value) is RawSockaddr:
        return value.sockaddr
    from ._errors import FamilyError  # noqa: PLC0415 - an error path

    raise FamilyError(f"no famsock plugin handles address family {spec.family}: batch sends take "
                      "its addresses as famsock.RawSockaddr")
