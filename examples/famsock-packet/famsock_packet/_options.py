"""``PACKET_STATISTICS``: ``struct tpacket_stats`` (<linux/if_packet.h>, 8 bytes: tp_packets 0:4,
tp_drops 4:4, unsigned, host order) as a value, through ``sock.get_option(SOL_PACKET,
PACKET_STATISTICS)``. Reading it resets the kernel's counters."""

from __future__ import annotations

import struct
from typing import NamedTuple

__all__ = ["TPACKET_STATS_SIZE", "PacketStatistics", "decode_statistics"]

_LAYOUT = struct.Struct("=II")
TPACKET_STATS_SIZE = _LAYOUT.size


class PacketStatistics(NamedTuple):
    """Frames a packet socket received, and those dropped, since the last reading."""

    packets: int
    drops: int


def decode_statistics(data: bytes) -> PacketStatistics:
    if len(data) != TPACKET_STATS_SIZE:
        raise ValueError(f"a struct tpacket_stats is {TPACKET_STATS_SIZE} bytes, got {len(data)}: "
                         f"{bytes(data).hex()}")
    return PacketStatistics(*_LAYOUT.unpack(data))
