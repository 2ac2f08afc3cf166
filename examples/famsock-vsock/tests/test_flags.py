"""``svm_flags``: a field of ``struct sockaddr_vm`` the stdlib's ``(cid, port)`` has no room for.

The typed address carries it (``VsockAddress(cid, port, flags)``, not part of equality); the raw
path passes it to the kernel, the native path refuses an address that has it rather than drop it.
"""

from __future__ import annotations

import errno
import pickle
from pathlib import Path

import pytest
from famsock_vsock import VMADDR_CID_ANY, VMADDR_FLAG_TO_HOST, VsockAddress
from famsock_vsock._codec import decode, encode, to_native

import famsock
from famsock.testing import c_vectors, syscall_path as use_path

VECTORS = c_vectors.load(Path(__file__).parent / "vectors" / "sockaddr_vm.c")
FLAGGED = [pytest.param(case, id=case["id"]) for case in VECTORS["cases"] if case["flags"]]


@pytest.mark.parametrize("case", FLAGGED)
def test_flagged_addresses_round_trip(case: dict[str, int]) -> None:
    address = VsockAddress(case["cid"], case["port"], case["flags"])
    data = bytes.fromhex(case["hex"])  # type: ignore[arg-type]
    assert encode(address) == data == famsock.encode(address)
    decoded = decode(data)
    assert decoded == address == (case["cid"], case["port"]) and decoded.flags == case["flags"]
    assert famsock.decode(data).flags == case["flags"]
    again = famsock.address_from_text(famsock.address_to_text(address))
    assert again.flags == case["flags"]
    assert pickle.loads(pickle.dumps(address)).flags == case["flags"]


def test_the_text_form_names_the_flag() -> None:
    assert famsock.address_to_text(VsockAddress(2, 5000, VMADDR_FLAG_TO_HOST)) == "vsock:2:5000:to_host"
    assert famsock.address_to_text(VsockAddress(2, 5000, 0x81)) == "vsock:2:5000:to_host+0x80"
    assert famsock.address_from_text("vsock:host:5000:to_host").flags == VMADDR_FLAG_TO_HOST


def test_flags_are_checked_and_immutable() -> None:
    with pytest.raises(OverflowError, match="svm_flags"):
        VsockAddress(2, 5000, 256)
    with pytest.raises(TypeError, match="flags must be an integer"):
        VsockAddress(2, 5000, "to_host")
    address = VsockAddress(2, 5000, 1)
    with pytest.raises(AttributeError):
        address.flags = 0  # type: ignore[misc]
    with pytest.raises(AttributeError):
        address.extra = 0  # type: ignore[attr-defined]


def test_the_native_path_refuses_flags_it_cannot_pass() -> None:
    with pytest.raises(ValueError, match=r"svm_flags 0x1.*raw syscall path"):
        to_native(VsockAddress(2, 5000, VMADDR_FLAG_TO_HOST))
    plain_address = VsockAddress(2, 5000)
    assert to_native(plain_address) is plain_address


@pytest.mark.family("vsock")
def test_the_raw_path_gives_the_kernel_the_flags() -> None:
    """The kernel refuses a flag it does not know (EINVAL): the byte reached it. The same address
    without the flag binds."""
    with use_path("raw"), famsock.socket(famsock.AF_VSOCK, famsock.SOCK_STREAM) as sock:
        with pytest.raises(OSError) as raised:
            sock.bind(VsockAddress(VMADDR_CID_ANY, 40010, 0x80))
        assert raised.value.errno == errno.EINVAL
        sock.bind(VsockAddress(VMADDR_CID_ANY, 40010))
        assert sock.getsockname() == (VMADDR_CID_ANY, 40010)


@pytest.mark.family("vsock")
def test_the_native_path_refuses_before_the_kernel() -> None:
    with use_path("auto"), famsock.socket(famsock.AF_VSOCK, famsock.SOCK_STREAM) as sock:
        if sock.syscall_path != "native":
            pytest.skip("this interpreter has no AF_VSOCK of its own: there is no native path")
        with pytest.raises(ValueError, match="svm_flags"):
            sock.bind(VsockAddress(VMADDR_CID_ANY, 40011, VMADDR_FLAG_TO_HOST))
