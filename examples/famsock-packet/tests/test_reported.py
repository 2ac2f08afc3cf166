"""Addresses only the kernel reports: an interface number no interface has any more, hardware
addresses longer than ``sll_addr`` (InfiniBand's 20 bytes), and no interface at all. They decode,
read back from their text form and pickle; they are never sent."""

from __future__ import annotations

import errno
import pickle
import sys
from pathlib import Path

import pytest
from famsock_packet import PacketAddress
from famsock_packet._codec import decode, encode, from_native, to_native

import famsock
from famsock.testing import c_vectors

VECTORS = c_vectors.load(Path(__file__).parent / "vectors" / "sockaddr_ll.c")
UNKNOWN = next(case for case in VECTORS["cases"] if case["id"] == "unknown-index")


def test_an_interface_number_with_no_name() -> None:
    address = decode(bytes.fromhex(UNKNOWN["hex"]))
    assert address == ("", 0x0800, 0, 1, bytes.fromhex("020000000001")) and address.ifindex == 999999
    text = famsock.address_to_text(address)
    assert text == "packet:%999999:0x0800:host:1:02:00:00:00:00:01"
    again = famsock.address_from_text(text)
    assert again == address and again.ifindex == 999999
    clone = pickle.loads(pickle.dumps(address))
    assert clone == address and clone.ifindex == 999999
    for convert in (encode, to_native):
        with pytest.raises(OSError, match="interface number 999999 has no name here") as raised:
            convert(address)
        assert raised.value.errno == errno.ENODEV


def test_the_stdlibs_form_of_a_vanished_interface_has_no_number() -> None:
    """The stdlib reports a name; if no interface has it by the time it is read, the number is 0."""
    address = from_native(("gone0", 0x0800, 0, 1, b"\x02\0\0\0\0\x01"))
    assert address == ("gone0", 0x0800, 0, 1, b"\x02\0\0\0\0\x01") and address.ifindex == 0
    with pytest.raises(OSError, match="no interface"):
        encode(address)


def test_a_twenty_byte_hardware_address() -> None:
    """InfiniBand: sll_halen 20, and the kernel reports 12 + 20 bytes."""
    hwaddr = bytes(range(20))
    data = (17).to_bytes(2, sys.byteorder) + (0x0800).to_bytes(2, "big") + (1).to_bytes(4, sys.byteorder) \
        + (32).to_bytes(2, sys.byteorder) + bytes([0, 20]) + hwaddr
    address = decode(data)
    assert address == ("lo", 0x0800, 0, 32, hwaddr) and address.ifindex == 1
    assert encode(address) == data  # 32 bytes: the kernel wants 12 + sll_halen for such a send
    again = famsock.address_from_text(famsock.address_to_text(address))
    assert again == address and again.ifindex == 1
    assert pickle.loads(pickle.dumps(address)) == address
    with pytest.raises(ValueError, match="8 bytes or less"):
        PacketAddress("lo", 0x0800, 0, 32, hwaddr)  # as bind() and sendto() take it: sll_addr's 8 bytes


def test_a_pickle_is_checked() -> None:
    from famsock_packet._address import rebuild

    assert rebuild("lo", 1, 2, 3, b"\1", 1) == ("lo", 1, 2, 3, b"\1")
    with pytest.raises(OverflowError, match="pkttype"):
        rebuild("lo", 1, 256, 3, b"", 1)
    with pytest.raises(ValueError, match="at most 15"):
        rebuild("x" * 16, 1, 0, 0, b"", 1)
    with pytest.raises(OverflowError, match="ifindex"):
        rebuild("lo", 1, 0, 0, b"", -1)
