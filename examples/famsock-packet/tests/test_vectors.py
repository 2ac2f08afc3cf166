"""The numbers and layouts this plugin writes down, against the kernel's headers and the stdlib."""

from __future__ import annotations

import socket as stdlib
import struct
import sys
from pathlib import Path

import famsock_packet
import pytest
from famsock_packet import PacketStatistics
from famsock_packet._codec import SOCKADDR_LL_SIZE
from famsock_packet._constants import CONSTANTS, PKTTYPE_NAMES
from famsock_packet._options import decode_statistics

import famsock
from famsock.testing import c_vectors

GENERATOR = Path(__file__).parent / "vectors" / "sockaddr_ll.c"
VECTORS = c_vectors.load(GENERATOR)
NAMES = [name for name in VECTORS if name.isupper()]


def test_committed_vectors_are_what_the_headers_give() -> None:
    if c_vectors.compiler() is None:
        pytest.skip("no C compiler to regenerate the vectors with")
    assert c_vectors.regenerate(GENERATOR) == VECTORS


def test_the_layouts_are_the_headers() -> None:
    assert VECTORS["size"] == SOCKADDR_LL_SIZE == struct.calcsize("=H2siHBB8s")
    assert VECTORS["offsets"] == {"sll_family": 0, "sll_protocol": 2, "sll_ifindex": 4, "sll_hatype": 8,
                                  "sll_pkttype": 10, "sll_halen": 11, "sll_addr": 12}
    assert VECTORS["ifindex_signed"] is True
    assert VECTORS["tpacket_stats"] == {"size": 8, "tp_packets": 0, "tp_drops": 4}


@pytest.mark.parametrize("name", NAMES)
def test_each_constant_is_the_headers(name: str) -> None:
    ours = famsock_packet.AF_PACKET if name == "AF_PACKET" else CONSTANTS[name]
    assert ours == VECTORS[name]
    assert getattr(famsock, name) == VECTORS[name]
    if hasattr(stdlib, name):
        assert getattr(stdlib, name) == VECTORS[name]


def test_the_text_forms_packet_types_are_the_headers() -> None:
    for name, number in PKTTYPE_NAMES.items():
        assert VECTORS[f"PACKET_{name.upper()}"] == number


def test_statistics_decode() -> None:
    data = (7).to_bytes(4, sys.byteorder) + (2).to_bytes(4, sys.byteorder)
    assert decode_statistics(data) == PacketStatistics(7, 2) == (7, 2)
    with pytest.raises(ValueError, match="8 bytes, got 4"):
        decode_statistics(data[:4])
