"""The UMEM and the rings of an AF_XDP socket, in Python: anonymous memory and ``mmap``.

An AF_XDP socket moves frames through memory it shares with the kernel: the UMEM (frames the
program owns, registered with ``XDP_UMEM_REG``) and four single-producer single-consumer rings
the kernel allocates (sizes set with ``XDP_*_RING``) and the program maps from the socket at fixed
page offsets (``XDP_PGOFF_*``), each laid out as ``XDP_MMAP_OFFSETS`` says:

- TX: the program produces ``struct xdp_desc`` (addr u64, len u32, options u32) for frames to
  send, then wakes the kernel with ``sendto()``; the completion ring gives the frames back (u64
  UMEM addresses) once sent.
- RX and fill: the program lends frames to the kernel on the fill ring; the kernel returns them on
  RX with what arrived. RX needs an XDP program that redirects frames to the socket (an XSKMAP),
  which is not this package's business.

Indexes are free-running u32 counters; an entry's slot is ``index & (entries - 1)``. The kernel
reads and writes them with acquire/release ordering; a Python program writes the descriptor, then
the producer index, which x86-64 keeps in that order (stores are not reordered with stores). On
weaker memory models this would need a barrier Python cannot issue.
"""

from __future__ import annotations

import ctypes
import mmap
import struct
from socket import socket
from typing import TYPE_CHECKING

from ._constants import XDP_PGOFF_TX_RING, XDP_UMEM_PGOFF_COMPLETION_RING, XDP_UMEM_PGOFF_FILL_RING
from ._options import RingOffsets, UmemRegistration

if TYPE_CHECKING:
    from types import TracebackType

__all__ = ["CompletionRing", "FillRing", "Ring", "TxRing", "Umem"]

_DESC = struct.Struct("=QII")  # struct xdp_desc
_ADDR = struct.Struct("=Q")  # a fill or completion ring's entry: a UMEM address
_INDEX = struct.Struct("=I")


class Umem:
    """``frames`` frames of ``frame_size`` bytes, page-aligned anonymous memory for a UMEM."""

    def __init__(self, frames: int, frame_size: int = 4096) -> None:
        self.frames = frames
        self.frame_size = frame_size
        self.memory = mmap.mmap(-1, frames * frame_size, mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
        self._pin = ctypes.c_char.from_buffer(self.memory)  # also keeps the mapping from being closed early

    @property
    def address(self) -> int:
        """The memory's address in this process, for ``XDP_UMEM_REG``."""
        return ctypes.addressof(self._pin)

    def registration(self, headroom: int = 0, flags: int = 0) -> UmemRegistration:
        return UmemRegistration(self.address, len(self.memory), self.frame_size, headroom, flags)

    def write(self, frame: int, data: bytes) -> int:
        """Copy ``data`` into frame number ``frame``; return its UMEM address."""
        if len(data) > self.frame_size:
            raise ValueError(f"a frame holds {self.frame_size} bytes, got {len(data)}")
        start = frame * self.frame_size
        self.memory[start:start + len(data)] = data
        return start

    def close(self) -> None:
        del self._pin  # the exported buffer must go before the mapping can close
        self.memory.close()

    def __enter__(self) -> Umem:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()


class Ring:
    """One ring mapped from ``sock``: its indexes, and ``entries`` slots of ``slot`` bytes."""

    page_offset = 0
    slot = _DESC.size

    def __init__(self, sock: socket, offsets: RingOffsets, entries: int) -> None:
        self.entries = entries
        self.offsets = offsets
        self.memory = mmap.mmap(sock.fileno(), offsets.desc + entries * self.slot,
                                mmap.MAP_SHARED | mmap.MAP_POPULATE, mmap.PROT_READ | mmap.PROT_WRITE,
                                offset=self.page_offset)

    @property
    def producer(self) -> int:
        return int(_INDEX.unpack_from(self.memory, self.offsets.producer)[0])

    @producer.setter
    def producer(self, value: int) -> None:
        _INDEX.pack_into(self.memory, self.offsets.producer, value & 0xFFFFFFFF)

    @property
    def consumer(self) -> int:
        return int(_INDEX.unpack_from(self.memory, self.offsets.consumer)[0])

    @consumer.setter
    def consumer(self, value: int) -> None:
        _INDEX.pack_into(self.memory, self.offsets.consumer, value & 0xFFFFFFFF)

    @property
    def flags(self) -> int:
        """``XDP_RING_NEED_WAKEUP`` when the kernel wants a ``sendto()``/``poll()`` to go on."""
        return int(_INDEX.unpack_from(self.memory, self.offsets.flags)[0])

    def _slot(self, index: int) -> int:
        return self.offsets.desc + (index & (self.entries - 1)) * self.slot

    def close(self) -> None:
        self.memory.close()


class TxRing(Ring):
    """The TX ring: this program produces descriptors of frames to send."""

    page_offset = XDP_PGOFF_TX_RING

    def push(self, address: int, length: int) -> bool:
        """Queue the frame at UMEM ``address``; False when the ring is full."""
        producer = self.producer
        if producer - self.consumer >= self.entries:
            return False
        _DESC.pack_into(self.memory, self._slot(producer), address, length, 0)
        self.producer = producer + 1  # after the descriptor: what the kernel reads first is the index
        return True


class _AddressRing(Ring):
    slot = _ADDR.size


class FillRing(_AddressRing):
    """The fill ring: this program lends UMEM frames for the kernel to receive into."""

    page_offset = XDP_UMEM_PGOFF_FILL_RING

    def push(self, address: int) -> bool:
        producer = self.producer
        if producer - self.consumer >= self.entries:
            return False
        _ADDR.pack_into(self.memory, self._slot(producer), address)
        self.producer = producer + 1
        return True


class CompletionRing(_AddressRing):
    """The completion ring: the kernel gives back the UMEM addresses of frames it has sent."""

    page_offset = XDP_UMEM_PGOFF_COMPLETION_RING

    def pop(self) -> int | None:
        """The next completed frame's UMEM address, or None."""
        consumer = self.consumer
        if consumer == self.producer:
            return None
        address = int(_ADDR.unpack_from(self.memory, self._slot(consumer))[0])
        self.consumer = consumer + 1
        return address
