"""The numbers and layouts this plugin writes down, against <linux/if_xdp.h>: constants, the
address, and the socket options' structs, through the codecs famsock finds for them."""

from __future__ import annotations

import struct
from pathlib import Path

import famsock_xdp
import pytest
from famsock_xdp import MmapOffsets, RingOffsets, UmemRegistration, XdpOptions, XdpStatistics
from famsock_xdp._codec import SOCKADDR_XDP_SIZE
from famsock_xdp._constants import CONSTANTS, FLAG_NAMES
from famsock_xdp._options import (
    MMAP_OFFSETS_SIZE,
    OPTIONS_SIZE,
    STATISTICS_SIZE,
    UMEM_REG_SIZE,
    encode_ring_size,
    encode_umem_registration,
)
from famsock_xdp._rings import _DESC

import famsock
from famsock._registry import registry
from famsock.testing import c_vectors

GENERATOR = Path(__file__).parent / "vectors" / "if_xdp.c"
VECTORS = c_vectors.load(GENERATOR)
NAMES = [name for name in VECTORS if name.isupper()]


def test_committed_vectors_are_what_the_headers_give() -> None:
    if c_vectors.compiler() is None:
        pytest.skip("no C compiler to regenerate the vectors with")
    assert c_vectors.regenerate(GENERATOR) == VECTORS


def test_the_layouts_are_the_headers() -> None:
    assert VECTORS["sockaddr_xdp"] == {"size": SOCKADDR_XDP_SIZE, "offsets": {
        "sxdp_family": 0, "sxdp_flags": 2, "sxdp_ifindex": 4, "sxdp_queue_id": 8, "sxdp_shared_umem_fd": 12}}
    assert VECTORS["xdp_umem_reg"] == {"size": UMEM_REG_SIZE, "offsets": {
        "addr": 0, "len": 8, "chunk_size": 16, "headroom": 20, "flags": 24}}
    assert VECTORS["xdp_ring_offset"] == {"size": 32, "offsets": {"producer": 0, "consumer": 8, "desc": 16,
                                                                  "flags": 24}}
    assert VECTORS["xdp_mmap_offsets"] == {"size": MMAP_OFFSETS_SIZE, "offsets": {"rx": 0, "tx": 32, "fr": 64,
                                                                                  "cr": 96}}
    assert VECTORS["xdp_statistics"]["size"] == STATISTICS_SIZE == 6 * 8
    assert list(VECTORS["xdp_statistics"]["offsets"]) == list(XdpStatistics._fields)
    assert VECTORS["xdp_options"] == {"size": OPTIONS_SIZE, "offsets": {"flags": 0}}
    assert VECTORS["xdp_desc"] == {"size": _DESC.size, "offsets": {"addr": 0, "len": 8, "options": 12}}


@pytest.mark.parametrize("name", NAMES)
def test_each_constant_is_the_headers(name: str) -> None:
    ours = famsock_xdp.AF_XDP if name == "AF_XDP" else CONSTANTS[name]
    assert ours == VECTORS[name]
    assert getattr(famsock, name) == VECTORS[name]


def test_the_text_forms_flags_are_the_headers() -> None:
    for name, bit in FLAG_NAMES.items():
        assert VECTORS["XDP_" + {"need_wakeup": "USE_NEED_WAKEUP"}.get(name, name.upper())] == bit


def test_umem_registration_is_the_c_struct() -> None:
    case = VECTORS["umem_reg"]
    value = UmemRegistration(case["addr"], case["len"], case["chunk_size"], case["headroom"], case["flags"])
    assert encode_umem_registration(value).hex() == case["hex"]
    assert encode_umem_registration(tuple(value)).hex() == case["hex"]
    codec = registry.socket_option(famsock.SOL_XDP, famsock.XDP_UMEM_REG)
    assert codec is not None and codec.encode is not None and codec.decode is None  # set only
    assert codec.encode(value).hex() == case["hex"]


def test_umem_registration_refuses_what_c_cannot_hold() -> None:
    with pytest.raises(OverflowError, match="chunk_size must be 0-4294967295"):
        encode_umem_registration(UmemRegistration(0, 4096, 2**32))
    with pytest.raises(OverflowError, match="addr"):
        encode_umem_registration(UmemRegistration(-1, 4096, 4096))
    with pytest.raises(TypeError, match="UmemRegistration"):
        encode_umem_registration(4096)
    with pytest.raises(TypeError, match="len must be an integer"):
        encode_umem_registration((0, "4096", 4096))


def test_ring_sizes_are_u32() -> None:
    assert encode_ring_size(2048) == struct.pack("=I", 2048)
    with pytest.raises(OverflowError):
        encode_ring_size(2**32)
    for name in ("XDP_RX_RING", "XDP_TX_RING", "XDP_UMEM_FILL_RING", "XDP_UMEM_COMPLETION_RING"):
        codec = registry.socket_option(famsock.SOL_XDP, getattr(famsock, name))
        assert codec is not None and codec.name == name and codec.decode is None


def test_what_the_kernel_writes_decodes() -> None:
    offsets = VECTORS["mmap_offsets"]
    codec = registry.socket_option(famsock.SOL_XDP, famsock.XDP_MMAP_OFFSETS)
    assert codec is not None and codec.decode is not None
    assert codec.size == VECTORS["xdp_mmap_offsets"]["size"]
    decoded = codec.decode(bytes.fromhex(offsets["hex"]))
    assert decoded == MmapOffsets(*(RingOffsets(*offsets[ring]) for ring in ("rx", "tx", "fr", "cr")))
    assert type(decoded.tx) is RingOffsets
    statistics = registry.socket_option(famsock.SOL_XDP, famsock.XDP_STATISTICS)
    assert statistics is not None and statistics.decode is not None
    assert statistics.decode(bytes.fromhex(VECTORS["statistics"]["hex"])) == XdpStatistics(
        *VECTORS["statistics"]["values"])
    options = registry.socket_option(famsock.SOL_XDP, famsock.XDP_OPTIONS)
    assert options is not None and options.decode is not None
    assert options.decode(struct.pack("=I", 1)) == XdpOptions(flags=famsock.XDP_OPTIONS_ZEROCOPY)
    with pytest.raises(ValueError, match="128 bytes, got 96"):
        codec.decode(bytes(96))


def test_a_tx_descriptor_is_the_c_struct() -> None:
    case = VECTORS["desc"]
    assert _DESC.pack(case["addr"], case["len"], case["options"]).hex() == case["hex"]
