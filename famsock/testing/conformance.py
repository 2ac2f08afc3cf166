"""The conformance kit: checks every family plugin must pass, on the real kernel, on both paths.

A plugin runs them on itself by subclassing, in its own tests::

    from famsock.testing.conformance import FamilyConformance

    class TestConformance(FamilyConformance):
        family_name = "inet"

Kernel checks skip, with the reason, where this kernel cannot open the family's sockets (see
``Family.probe``) or no plugin offers a loopback to test over (``famsock_loopbacks``). What is
checked is the contract (famsock.contract) on addresses the kernel reports: a typed address is
hashable, equal to itself after every round trip (text, sockaddr bytes, the other path), valid
by construction (``parse(address) is address``), the stdlib's own value where the interpreter
knows the family, and an echo works over every loopback. The codec's checks without a kernel
are :mod:`famsock.testing.codec_kit`'s.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

import pytest

from .._availability import availability
from .._echo import echo
from .._registry import registry
from .._socket_object import socket
from ..codec import address_from_text, address_to_text, decode, encode
from ..contract import Family, Loopback, SocketSpec
from .compare import famsock_view, plain, stdlib_view

__all__ = ["FamilyConformance"]


class FamilyConformance:
    """Subclass with ``family_name`` set; pytest collects the checks from the subclass."""

    family_name: ClassVar[str]

    @pytest.fixture
    def family(self) -> Family[Any]:
        return registry.family_named(self.family_name)

    @pytest.fixture
    def kernel(self, family: Family[Any]) -> Family[Any]:
        state = availability(family)
        if not state.available:
            pytest.skip(f"{family.constant} unavailable on this kernel: {state.reason}")
        return family

    def test_is_loaded_and_exposes_its_constants(self, family: Family[Any]) -> None:
        import famsock  # noqa: PLC0415

        loaded = [c for c in registry.claims() if c.family is family]
        assert loaded, f"{family.name} is not among the registered families"
        assert getattr(famsock, family.constant) == family.number
        for name, value in family.constants.items():
            assert getattr(famsock, name) == value, name

    def test_its_distribution_declares_its_number(self, family: Family[Any]) -> None:
        """Undeclared, the plugin is imported by every process's first address call, of any
        family; declared, only by those using it (docs/plugins.md, "famsock.family_numbers")."""
        [claim] = [c for c in registry.claims() if c.family is family]
        declared = claim.plugin.declared_families
        if not claim.plugin.distribution:
            pytest.skip(f"{family.name} is registered in code, not installed: nothing declares it")
        assert declared is not None and family.number in declared, (
            f"{claim.plugin.source} does not declare {family.constant}: add "
            f'[project.entry-points."famsock.family_numbers"] "{family.number}" = "<its module>" '
            "to its pyproject.toml")

    @pytest.fixture
    def loopbacks(self, kernel: Family[Any]) -> tuple[Loopback, ...]:
        found = registry.loopbacks(kernel.number)
        if not found:
            pytest.skip(f"{kernel.constant}: no plugin offers a loopback (famsock_loopbacks) to test over")
        return found

    def test_loopbacks_are_within_its_socket_types(self, family: Family[Any]) -> None:
        for loopback in registry.loopbacks(family.number):
            assert loopback.type in family.socket_types

    def test_bound_addresses_survive_every_round_trip(
            self, kernel: Family[Any], loopbacks: tuple[Loopback, ...], syscall_path: str) -> None:
        for loopback in loopbacks:
            with _bound(kernel, loopback) as sock:
                address = sock.getsockname()
                _check_address(kernel, address, SocketSpec(kernel.number, loopback.type, loopback.proto))

    def test_both_paths_read_the_same_address(self, kernel: Family[Any],
                                              loopbacks: tuple[Loopback, ...]) -> None:
        for loopback in loopbacks:
            with _bound(kernel, loopback) as sock, famsock_view(sock, "native") as native, \
                    famsock_view(sock, "raw") as raw:
                by_native, by_raw = native.getsockname(), raw.getsockname()
                assert by_native == by_raw, (native.syscall_path, by_native, by_raw)
                assert type(by_native) is type(by_raw), (native.syscall_path, by_native, by_raw)

    def test_the_stdlib_reads_the_same_address(self, kernel: Family[Any], loopbacks: tuple[Loopback, ...],
                                               syscall_path: str) -> None:
        if kernel.native is None:
            pytest.skip(f"{kernel.constant}: the plugin offers no native path: the interpreter has no "
                        "form of its own to compare with")
        for loopback in loopbacks:
            with _bound(kernel, loopback) as sock, stdlib_view(sock) as view:
                ours, theirs = sock.getsockname(), view.getsockname()
                assert ours == theirs and type(plain(ours)) is type(theirs), (ours, theirs)
                assert (str(ours), repr(ours)) == (str(theirs), repr(theirs))

    def test_echo_over_every_loopback(self, kernel: Family[Any], loopbacks: tuple[Loopback, ...],
                                      syscall_path: str) -> None:
        for loopback in loopbacks:
            result = echo(kernel, loopback, b"conformance \x00\xff", timeout=10)
            assert result.ok, result
            assert isinstance(result.server, kernel.address_type)


def _check_address(family: Family[Any], address: Any, spec: SocketSpec) -> None:
    assert isinstance(address, family.address_type), type(address)
    assert hash(address) == hash(address)
    assert family.parse(address, spec) is address, "parse(address) must return a typed address as is"
    text = address_to_text(address)
    assert text.startswith(f"{family.name}:"), text
    assert address_from_text(text) == address, text
    data = encode(address, type=spec.type, proto=spec.proto)
    assert family.decode(data, spec) == address
    assert decode(data, spec.type, spec.proto) == address


@contextmanager
def _bound(family: Family[Any], loopback: Loopback) -> Iterator[socket]:
    with socket(family.number, loopback.type, loopback.proto) as sock:
        sock.bind(loopback.address())
        yield sock
