"""Properties every family's codec must have, over generated values and bytes (hypothesis).

A plugin gives its strategies and the stdlib's reading of its bytes, and subclasses
:class:`FamilyProperties`::

    from famsock.testing.properties import FamilyProperties

    class TestProperties(FamilyProperties):
        family_name = "inet"
        sockaddrs = fst.sockaddrs(socket.AF_INET, st.just(16))  # bytes the kernel may report
        values = st.tuples(ipv4_literals, st.integers(0, 65535))  # user values parse takes
        user_values = fst.user_values(...)                      # anything a program may pass

        def stdlib_form(self, data: bytes) -> Any:              # what the stdlib reads there
            ...

The subclass gets a hypothesis test per property (each its own ``@given``, so hypothesis tells
the families apart). What is checked:

- ``parse`` of any value raises only the stdlib's exception types, with the family's ``AF_*``
  name in the message;
- ``decode`` of any bytes raises only ``ValueError``, or returns a typed address; of the bytes
  the kernel may report, the address the stdlib reads there;
- every address famsock can return (decoded from bytes, parsed from values) is the stdlib's value
  (``==``, ``hash()``, ``str()``, ``repr()``, ``format()``, JSON), survives its sockaddr bytes,
  its text form (``famsock.address_to_text``), pickling and copying, is valid by construction
  (``parse(a) is a``), and its stdlib form parses back to it.

An address that is never sent (the kernel may report it, ``parse`` refuses it) is named by
:meth:`FamilyProperties.encode_refusal`. This module imports hypothesis: only tests import it.
"""

from __future__ import annotations

import _socket
import copy
import json
import pickle
import sys
from collections.abc import Callable
from typing import Any, ClassVar

from hypothesis import given, settings, strategies as st

from .. import codec
from .._registry import registry
from ..contract import Family, SocketSpec
from . import strategies as fst
from .compare import outcome, plain, raised_by

__all__ = ["FamilyProperties"]

Strategy = st.SearchStrategy[Any]
Check = Callable[[Any, Any], None]
_STDLIB_ERRORS = (TypeError, OverflowError, ValueError, OSError)
_CHECKS: dict[str, tuple[Check, Callable[[Any], Strategy], int]] = {}


def _property(over: Callable[[Any], Strategy], examples: int = 100) -> Callable[[Check], Check]:
    """Register a check of every value ``over(kit class)`` draws (``examples``: at the default
    profile's 100, scaled as the profile scales)."""

    def register(check: Check) -> Check:
        _CHECKS[check.__name__] = (check, over, examples)
        return check

    return register


class FamilyProperties:
    """Subclass with ``family_name`` and the strategies below; pytest collects the properties.

    sockaddrs
        ``struct sockaddr`` bytes the kernel may report for this family: every one decodes.
    values
        User values ``parse`` takes (literals: names would go to the resolver).
    user_values
        Anything a program might pass, of any shape (default: :func:`strategies.user_values`).
    fuzz_sockaddrs
        Any bytes for ``decode`` (default: ``sockaddrs``, other lengths, other families, junk).
    socket_type, proto
        The :class:`~famsock.contract.SocketSpec` the codec is called with.
    parse_errors, forbidden_parse_errors
        What ``parse`` may raise, and subclasses of those it must not (the IP families refuse
        to let ``UnicodeError``, a ``ValueError``, through where the stdlib says ``TypeError``).
    """

    family_name: ClassVar[str]
    sockaddrs: ClassVar[Strategy]
    values: ClassVar[Strategy]
    user_values: ClassVar[Strategy] = fst.user_values()
    fuzz_sockaddrs: ClassVar[Strategy | None] = None
    socket_type: ClassVar[int | None] = _socket.SOCK_DGRAM
    proto: ClassVar[int | None] = 0
    parse_errors: ClassVar[tuple[type[BaseException], ...]] = _STDLIB_ERRORS
    forbidden_parse_errors: ClassVar[tuple[type[BaseException], ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Give a family's subclass its own ``@given`` test per property (one wrapped test run by
        several classes would trip hypothesis' ``differing_executors`` health check)."""
        super().__init_subclass__(**kwargs)
        if not hasattr(cls, "family_name"):
            return  # an intermediate base
        for name, (check, over, examples) in _CHECKS.items():
            if name not in cls.__dict__:  # the family's own version wins
                setattr(cls, name, settings(max_examples=fst.examples(examples))(given(over(cls))(check)))

    # -- what a family says about itself ------------------------------------------------------

    def stdlib_form(self, data: bytes) -> Any:
        """What the stdlib's ``makesockaddr()`` returns for ``data``, one of ``sockaddrs``."""
        raise NotImplementedError(f"{type(self).__name__} must say what the stdlib reads from its sockaddrs")

    def encode_refusal(self, address: Any) -> type[BaseException] | None:
        """The exception ``encode`` (and ``parse`` of the stdlib's form) must raise for an address
        that is never sent, such as one only the kernel reports; ``None`` (the default): it is sent."""
        return None

    # -- helpers ------------------------------------------------------------------------------

    @property
    def family(self) -> Family[Any]:
        return _family(type(self))

    @property
    def spec(self) -> SocketSpec:
        return _spec(type(self))


def _family(kit: type[FamilyProperties]) -> Family[Any]:
    return registry.family_named(kit.family_name)


def _spec(kit: type[FamilyProperties]) -> SocketSpec:
    return SocketSpec(_family(kit).number, kit.socket_type, kit.proto)


def _fuzz_sockaddrs(kit: type[FamilyProperties]) -> Strategy:
    if kit.fuzz_sockaddrs is not None:
        return kit.fuzz_sockaddrs

    def other_family(number: int, data: bytes) -> bytes:
        return number.to_bytes(2, sys.byteorder) + data[2:]

    return st.one_of(
        kit.sockaddrs,
        st.integers(0, 130).flatmap(lambda size: fst.sockaddrs(_family(kit).number, st.just(size))),
        st.builds(other_family, st.integers(0, 0xFFFF), kit.sockaddrs),
        st.binary(max_size=130),
    )


def _addresses(kit: type[FamilyProperties]) -> Strategy:
    """Every address famsock can return: decoded from bytes, parsed from user values."""
    return st.one_of(kit.sockaddrs.map(lambda data: _family(kit).decode(data, _spec(kit))),
                     kit.values.map(lambda value: _family(kit).parse(value, _spec(kit))))


# -- parse --------------------------------------------------------------------------------------


@_property(lambda kit: kit.user_values)
def test_parse_raises_only_the_stdlib_exception_types_naming_the_family(self: FamilyProperties,
                                                                         value: Any) -> None:
    raised = raised_by(self.family.parse, value, self.spec)
    if raised is None:
        return
    assert isinstance(raised, self.parse_errors), repr(raised)
    assert not isinstance(raised, self.forbidden_parse_errors), repr(raised)
    assert self.family.constant in str(raised), repr(raised)


# -- decode -------------------------------------------------------------------------------------


@_property(_fuzz_sockaddrs)
def test_decode_raises_only_value_error(self: FamilyProperties, data: bytes) -> None:
    result = outcome(self.family.decode, data, self.spec)
    if result.raised:
        assert issubclass(result.value, ValueError), result
        return
    address = result.value
    assert isinstance(address, self.family.address_type), type(address)
    assert type(address) is not type(plain(address)), f"a {type(address).__name__}: the stdlib's type itself"


@_property(lambda kit: kit.sockaddrs)
def test_decoded_addresses_are_the_stdlib_form(self: FamilyProperties, data: bytes) -> None:
    address = self.family.decode(data, self.spec)
    expected = self.stdlib_form(data)
    assert address == expected
    assert type(plain(address)) is type(expected) and plain(address) == expected
    assert hash(address) == hash(expected)
    assert (str(address), repr(address)) == (str(expected), repr(expected))


# -- every address ------------------------------------------------------------------------------


@_property(_addresses)
def test_addresses_survive_encode_and_decode(self: FamilyProperties, address: Any) -> None:
    refusal = self.encode_refusal(address)
    result = outcome(self.family.encode, address, self.spec)
    if refusal is not None:
        assert result[:2] == ("raised", refusal), result
        return
    assert not result.raised, result
    again = self.family.decode(result.value, self.spec)
    assert again == address
    assert type(again) is type(address)


@_property(_addresses)
def test_addresses_survive_their_text_form(self: FamilyProperties, address: Any) -> None:
    text = codec.address_to_text(address)
    assert text.startswith(f"{self.family.name}:"), text
    again = codec.address_from_text(text)
    assert again == address
    assert type(again) is type(address)


@_property(_addresses)
def test_addresses_are_valid_by_construction(self: FamilyProperties, address: Any) -> None:
    assert self.family.parse(address, self.spec) is address


@_property(_addresses)
def test_the_stdlib_form_parses_to_the_same_address(self: FamilyProperties, address: Any) -> None:
    refusal = self.encode_refusal(address)
    result = outcome(self.family.parse, plain(address), self.spec)
    if refusal is not None:
        assert result[:2] == ("raised", refusal), result
        return
    assert not result.raised, result
    assert result.value == address and type(result.value) is type(address), result


@_property(_addresses)
def test_addresses_behave_as_their_stdlib_form(self: FamilyProperties, address: Any) -> None:
    stdlib = plain(address)
    assert address == stdlib and stdlib == address
    assert hash(address) == hash(stdlib)
    assert (str(address), repr(address), format(address)) == (str(stdlib), repr(stdlib), format(stdlib))
    assert outcome(json.dumps, address) == outcome(json.dumps, stdlib)


@_property(_addresses, examples=50)
def test_addresses_pickle_and_copy(self: FamilyProperties, address: Any) -> None:
    protocols = range(pickle.HIGHEST_PROTOCOL + 1)
    clones = [pickle.loads(pickle.dumps(address, protocol)) for protocol in protocols]
    for clone in [*clones, copy.copy(address), copy.deepcopy(address)]:
        assert clone == address
        assert type(clone) is type(address)
