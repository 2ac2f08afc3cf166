"""AF_XDP's socket options as values (``sock.set_option``/``sock.get_option``, level SOL_XDP).

Layouts from <linux/if_xdp.h> (tests/vectors/if_xdp.c), host order:

- ``XDP_UMEM_REG`` (set): ``struct xdp_umem_reg``, 32 bytes: addr u64 0:8, len u64 8:8, chunk_size
  u32 16:4, headroom u32 20:4, flags u32 24:4; the 4 bytes after are padding in these headers and
  ``tx_metadata_len`` in newer ones (Linux 6.8): 0 either way. <- :class:`UmemRegistration`.
- ``XDP_MMAP_OFFSETS`` (get): ``struct xdp_mmap_offsets``, 128 bytes: four ``struct
  xdp_ring_offset`` (producer, consumer, desc, flags: u64 each) for the RX, TX, fill and
  completion rings -> :class:`MmapOffsets` of :class:`RingOffsets`.
- ``XDP_STATISTICS`` (get): ``struct xdp_statistics``, six u64 counters -> :class:`XdpStatistics`.
- ``XDP_OPTIONS`` (get): ``struct xdp_options``, flags u32 -> :class:`XdpOptions`.
- ``XDP_RX_RING``, ``XDP_TX_RING``, ``XDP_UMEM_FILL_RING``, ``XDP_UMEM_COMPLETION_RING`` (set):
  a ring's number of entries, a u32 the kernel wants a power of two.
"""

from __future__ import annotations

import struct
from operator import index
from typing import Any, NamedTuple

__all__ = [
    "MMAP_OFFSETS_SIZE",
    "OPTIONS_SIZE",
    "STATISTICS_SIZE",
    "UMEM_REG_SIZE",
    "MmapOffsets",
    "RingOffsets",
    "UmemRegistration",
    "XdpOptions",
    "XdpStatistics",
    "decode_mmap_offsets",
    "decode_options",
    "decode_statistics",
    "encode_ring_size",
    "encode_umem_registration",
]

_UMEM_REG = struct.Struct("=QQIII4x")
_RING_OFFSET = struct.Struct("=QQQQ")
_STATISTICS = struct.Struct("=6Q")
_OPTIONS = struct.Struct("=I")
UMEM_REG_SIZE = _UMEM_REG.size
MMAP_OFFSETS_SIZE = 4 * _RING_OFFSET.size
STATISTICS_SIZE = _STATISTICS.size
OPTIONS_SIZE = _OPTIONS.size
_LIMITS = {"addr": 2**64 - 1, "len": 2**64 - 1, "chunk_size": 2**32 - 1, "headroom": 2**32 - 1,
           "flags": 2**32 - 1, "entries": 2**32 - 1}


class UmemRegistration(NamedTuple):
    """``XDP_UMEM_REG``'s value: the UMEM's memory (``addr``, ``len``), its frame size
    (``chunk_size``), the ``headroom`` before each frame's data, and ``flags``
    (``XDP_UMEM_UNALIGNED_CHUNK_FLAG``). :meth:`famsock_xdp.Umem.registration` makes one."""

    addr: int
    len: int
    chunk_size: int
    headroom: int = 0
    flags: int = 0


class RingOffsets(NamedTuple):
    """Where a mapped ring keeps its producer and consumer indexes, its descriptors and its flags."""

    producer: int
    consumer: int
    desc: int
    flags: int


class MmapOffsets(NamedTuple):
    """``XDP_MMAP_OFFSETS``: the layout of each ring, for ``mmap``."""

    rx: RingOffsets
    tx: RingOffsets
    fr: RingOffsets
    cr: RingOffsets


class XdpStatistics(NamedTuple):
    """``XDP_STATISTICS``: the socket's counters."""

    rx_dropped: int
    rx_invalid_descs: int
    tx_invalid_descs: int
    rx_ring_full: int
    rx_fill_ring_empty_descs: int
    tx_ring_empty_descs: int


class XdpOptions(NamedTuple):
    """``XDP_OPTIONS``: ``flags`` (``XDP_OPTIONS_ZEROCOPY`` when bound in zero-copy mode)."""

    flags: int


def _field(name: str, value: Any) -> int:
    try:
        number = index(value)
    except TypeError:
        raise TypeError(f"AF_XDP {name} must be an integer, not {type(value).__name__}: {value!r}") from None
    if not 0 <= number <= _LIMITS[name]:
        raise OverflowError(f"AF_XDP {name} must be 0-{_LIMITS[name]}, got {number}")
    return int(number)


def encode_umem_registration(value: Any) -> bytes:
    """``struct xdp_umem_reg`` for a :class:`UmemRegistration` or a tuple of its fields."""
    try:
        registration = UmemRegistration(*value)
    except TypeError:
        raise TypeError(f"XDP_UMEM_REG takes a famsock_xdp.UmemRegistration (addr, len, chunk_size[, headroom"
                        f"[, flags]]), not {type(value).__name__}: {value!r}") from None
    return _UMEM_REG.pack(*(_field(name, field) for name, field in zip(UmemRegistration._fields, registration,
                                                                         strict=True)))


def encode_ring_size(value: Any) -> bytes:
    """A ring's number of entries (u32): what ``XDP_*_RING`` take."""
    return _OPTIONS.pack(_field("entries", value))


def decode_mmap_offsets(data: bytes) -> MmapOffsets:
    if len(data) != MMAP_OFFSETS_SIZE:
        raise ValueError(f"a struct xdp_mmap_offsets is {MMAP_OFFSETS_SIZE} bytes, got {len(data)}")
    rings = [RingOffsets(*_RING_OFFSET.unpack_from(data, offset))
             for offset in range(0, MMAP_OFFSETS_SIZE, _RING_OFFSET.size)]
    return MmapOffsets(*rings)


def decode_statistics(data: bytes) -> XdpStatistics:
    if len(data) != STATISTICS_SIZE:
        raise ValueError(f"a struct xdp_statistics is {STATISTICS_SIZE} bytes, got {len(data)}")
    return XdpStatistics(*_STATISTICS.unpack(data))


def decode_options(data: bytes) -> XdpOptions:
    if len(data) != OPTIONS_SIZE:
        raise ValueError(f"a struct xdp_options is {OPTIONS_SIZE} bytes, got {len(data)}")
    return XdpOptions(*_OPTIONS.unpack(data))
