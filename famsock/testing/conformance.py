"""The conformance kit: checks every family plugin must pass, on the real kernel, on both paths.

A plugin runs them on itself by subclassing, in its own tests::

    from famsock.testing.conformance import FamilyConformance

    class TestConformance(FamilyConformance):
        family_name = "inet"

Kernel checks skip, with the reason, where this kernel cannot open the family's sockets (see
``Family.probe``). What is checked is the contract (famsock.contract): a typed address is
hashable, equal to itself after every round trip (text, sockaddr bytes, the other path), valid
by construction (``parse(address) is address``), and an echo works over every loopback.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

import pytest

from .. import _paths
from .._availability import availability
from .._echo import echo
from .._registry import registry
from .._socket_object import socket
from ..codec import address_from_text, decode, encode
from ..contract import Family, Loopback, SocketSpec

__all__ = ["FamilyConformance"]


class FamilyConformance:
    """Subclass with ``family_name`` set; pytest collects the checks from the subclass."""

    family_name: ClassVar[str]

    @pytest.fixture
    def family(self) -> Family:
        return registry.family_named(self.family_name)

    @pytest.fixture
    def kernel(self, family: Family) -> Family:
        state = availability(family)
        if not state.available:
            pytest.skip(f"{family.constant} unavailable on this kernel: {state.reason}")
        return family

    def test_is_loaded_and_exposes_its_constants(self, family: Family) -> None:
        import famsock  # noqa: PLC0415

        loaded = [c for c in registry.claims() if c.family is family]
        assert loaded, f"{family.name} is not among the registered families"
        assert getattr(famsock, family.constant) == family.number
        for name, value in family.constants.items():
            assert getattr(famsock, name) == value, name

    def test_has_loopbacks_within_its_socket_types(self, family: Family) -> None:
        assert family.loopbacks, "a family needs a loopback for famsock echo and this kit"
        for loopback in family.loopbacks:
            assert loopback.type in family.socket_types

    def test_bound_addresses_survive_every_round_trip(self, kernel: Family, syscall_path: str) -> None:
        for loopback in kernel.loopbacks:
            with _bound(kernel, loopback) as sock:
                address = sock.getsockname()
                _check_address(kernel, address, SocketSpec(kernel.number, loopback.type, loopback.proto))

    def test_both_paths_read_the_same_address(self, kernel: Family) -> None:
        for loopback in kernel.loopbacks:
            with _bound(kernel, loopback) as sock:
                seen = {}
                for mode in ("auto", "raw"):
                    previous = _paths.set_syscall_path(mode)
                    try:
                        with socket(fileno=os.dup(sock.fileno())) as view:
                            seen[view.syscall_path] = view.getsockname()
                    finally:
                        _paths.set_syscall_path(previous)
                assert len(set(seen.values())) == 1, seen

    def test_echo_over_every_loopback(self, kernel: Family, syscall_path: str) -> None:
        for loopback in kernel.loopbacks:
            result = echo(kernel, loopback, b"conformance \x00\xff", timeout=10)
            assert result.ok, result
            assert isinstance(result.server, kernel.address_type)


def _check_address(family: Family, address: Any, spec: SocketSpec) -> None:
    assert isinstance(address, family.address_type), type(address)
    assert hash(address) == hash(address)
    assert family.parse(address, spec) is address, "parse(address) must return a typed address as is"
    text = str(address)
    assert text.startswith(f"{family.name}:"), text
    assert address_from_text(text) == address, text
    data = encode(address)
    assert family.decode(data, spec) == address
    assert decode(data, spec.type, spec.proto) == address


@contextmanager
def _bound(family: Family, loopback: Loopback) -> Iterator[socket]:
    with socket(family.number, loopback.type, loopback.proto) as sock:
        sock.bind(loopback.address())
        yield sock
