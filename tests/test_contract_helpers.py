"""The contract's helpers for plugins' own checks: the words every family's messages share."""

from __future__ import annotations

import enum
from typing import Any

import pytest

from famsock.contract import INTERFACE_INDEX_MAX, interface_index, shorten, struct_fields


def test_shorten_is_the_repr_cut_to_the_limit() -> None:
    assert shorten("abc") == "'abc'"
    assert shorten(b"x" * 200) == repr(b"x" * 200)[:77] + "..."
    assert len(shorten(list(range(1000)), 20)) == 20


def test_struct_fields_takes_a_tuple_of_exactly_the_fields() -> None:
    assert struct_fields("ip_mreqn", ("a", "b", 3), ("multiaddr", "address", "ifindex")) == ("a", "b", 3)
    names = ("multiaddr", "address", "ifindex")
    refused = r"ip_mreqn value must be a tuple \(multiaddr, address, ifindex\), not "
    for wrong in (["a", "b", 3], ("a", "b"), "abc"):
        with pytest.raises(TypeError, match=refused):
            struct_fields("ip_mreqn", wrong, names)


class Index(enum.IntEnum):
    LOOPBACK = 1


@pytest.mark.parametrize(("value", "expected"), [(0, 0), (True, 1), (Index.LOOPBACK, 1), (INTERFACE_INDEX_MAX,
                                                                                       2**31 - 1)])
def test_interface_index_gives_a_plain_int(value: Any, expected: int) -> None:
    number = interface_index("in_pktinfo", value)
    assert number == expected and type(number) is int


@pytest.mark.parametrize(("value", "error", "message"), [
    ("1", TypeError, r"in_pktinfo ifindex must be an integer, not str: '1'"),
    (1.0, TypeError, r"in_pktinfo ifindex must be an integer, not float: 1.0"),
    (-1, OverflowError, r"in_pktinfo ifindex must be 0-2147483647 \(an interface index\), got -1"),
    (2**31, OverflowError, r"got 2147483648"),
])
def test_interface_index_refuses_what_the_kernel_cannot_read(value: Any, error: type[Exception],
                                                             message: str) -> None:
    with pytest.raises(error, match=message):
        interface_index("in_pktinfo", value)
