"""The numbers and the layout this plugin writes down, against <linux/vm_sockets.h> and the stdlib."""

from __future__ import annotations

import socket as stdlib
import struct
from pathlib import Path

import famsock_vsock
import pytest
from famsock_vsock import _constants
from famsock_vsock._codec import SOCKADDR_VM_SIZE

import famsock
from famsock.testing import c_vectors

GENERATOR = Path(__file__).parent / "vectors" / "sockaddr_vm.c"
VECTORS = c_vectors.load(GENERATOR)
NAMES = [name for name in VECTORS if name.isupper()]


def test_committed_vectors_are_what_the_headers_give() -> None:
    if c_vectors.compiler() is None:
        pytest.skip("no C compiler to regenerate the vectors with")
    assert c_vectors.regenerate(GENERATOR) == VECTORS


def test_the_layout_is_the_headers() -> None:
    assert VECTORS["size"] == SOCKADDR_VM_SIZE == 16
    assert VECTORS["offsets"] == {"svm_family": 0, "svm_reserved1": 2, "svm_port": 4, "svm_cid": 8,
                                  "svm_flags": 12, "svm_zero": 13}
    assert struct.calcsize("=HHIIB3x") == VECTORS["size"]


@pytest.mark.parametrize("name", NAMES)
def test_each_constant_is_the_headers(name: str) -> None:
    """Every number comes from the plugin, equal to the header's; where the interpreter has the
    name (Python 3.11 has 9 of these 17), equal to the interpreter's too."""
    ours = famsock_vsock.AF_VSOCK if name == "AF_VSOCK" else _constants.CONSTANTS[name]
    assert ours == VECTORS[name]
    assert getattr(famsock, name) == VECTORS[name]
    if hasattr(stdlib, name):
        assert getattr(stdlib, name) == VECTORS[name]


def test_names_the_interpreter_lacks_come_from_the_plugin() -> None:
    missing = [name for name in NAMES if not hasattr(stdlib, name)]
    assert missing, "this interpreter has every AF_VSOCK name: nothing to show"
    for name in missing:
        assert getattr(famsock, name) == VECTORS[name], name
