"""IPV6_PKTINFO items and IPV6_JOIN_GROUP/IPV6_LEAVE_GROUP values: codecs against bytes from C.

No kernel here (tests/test_pktinfo.py and tests/test_multicast.py use them on sockets): the
plugin's codecs, as registered, and as famsock's ``decode_ancillary``/``encode_ancillary`` find
them.
"""

from __future__ import annotations

import socket as stdlib
import sys
from pathlib import Path
from typing import Any

import famsock_inet6
import pytest
from famsock_inet6 import Inet6Membership, Inet6PacketInfo
from famsock_inet6._structs import decode_pktinfo, encode_membership, encode_pktinfo

import famsock
from famsock.testing import c_vectors

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="Linux's structs, registered on Linux only")

GENERATOR = Path(__file__).parent / "vectors" / "ipv6_structs.c"
VECTORS = c_vectors.load(GENERATOR)
PKTINFO = [pytest.param(case, id=f"{case['input']}-{case['ifindex']}")
           for case in VECTORS["in6_pktinfo"]["cases"]]
MREQ = [pytest.param(case, id=f"{case['input']}-{case['ifindex']}") for case in VECTORS["ipv6_mreq"]["cases"]]


def test_committed_vectors_are_what_the_headers_give() -> None:
    if c_vectors.compiler() is None:
        pytest.skip("no C compiler to regenerate the vectors with")
    assert c_vectors.regenerate(GENERATOR) == VECTORS


def test_constants_are_the_headers() -> None:
    for name in ("IPPROTO_IPV6", "IPV6_PKTINFO", "IPV6_RECVPKTINFO", "IPV6_JOIN_GROUP", "IPV6_LEAVE_GROUP",
                 "IPV6_MULTICAST_IF"):
        assert getattr(famsock, name) == getattr(stdlib, name) == VECTORS[name], name


def test_layouts_are_the_headers() -> None:
    """glibc declares both interface indexes unsigned (the kernel's headers: int); both structs
    are an address and an index, which is how the codec reads them."""
    assert VECTORS["in6_pktinfo"]["size"] == VECTORS["ipv6_mreq"]["size"] == 20
    assert VECTORS["in6_pktinfo"]["offsets"] == {"ipi6_addr": 0, "ipi6_ifindex": 16}
    assert VECTORS["ipv6_mreq"]["offsets"] == {"ipv6mr_multiaddr": 0, "ipv6mr_interface": 16}
    assert not VECTORS["in6_pktinfo"]["ifindex_signed"] and not VECTORS["ipv6_mreq"]["ifindex_signed"]


def test_the_plugin_registers_its_codecs() -> None:
    (pktinfo,) = famsock_inet6.famsock_control_messages()
    assert (pktinfo.level, pktinfo.type, pktinfo.name, pktinfo.family) == (
        VECTORS["IPPROTO_IPV6"], VECTORS["IPV6_PKTINFO"], "IPV6_PKTINFO", None)
    options = {(option.level, option.option, option.name)
               for option in famsock_inet6.famsock_socket_options()}
    assert options == {(VECTORS["IPPROTO_IPV6"], VECTORS["IPV6_JOIN_GROUP"], "IPV6_JOIN_GROUP"),
                       (VECTORS["IPPROTO_IPV6"], VECTORS["IPV6_LEAVE_GROUP"], "IPV6_LEAVE_GROUP")}


# -- in6_pktinfo ----------------------------------------------------------------------------------


@pytest.mark.parametrize("case", PKTINFO)
def test_pktinfo_decodes_the_c_bytes(case: dict[str, Any]) -> None:
    value = decode_pktinfo(bytes.fromhex(case["hex"]))
    assert type(value) is Inet6PacketInfo
    assert (value.addr, value.ifindex) == value == (case["addr"], case["ifindex"])  # as inet_ntop writes it


@pytest.mark.parametrize("case", PKTINFO)
def test_pktinfo_encodes_the_c_bytes(case: dict[str, Any]) -> None:
    value = Inet6PacketInfo(case["input"], case["ifindex"])
    assert encode_pktinfo(value).hex() == case["hex"]
    assert encode_pktinfo(tuple(value)).hex() == case["hex"]  # a plain tuple of the fields too


@pytest.mark.parametrize("case", PKTINFO)
def test_pktinfo_through_famsock_ancillary_functions(case: dict[str, Any]) -> None:
    level, kind, data = famsock.IPPROTO_IPV6, famsock.IPV6_PKTINFO, bytes.fromhex(case["hex"])
    for family in (famsock.AF_INET6, None):
        assert famsock.encode_ancillary([(level, kind, Inet6PacketInfo(case["input"], case["ifindex"]))],
                                        family) == [(level, kind, data)]
        ((got_level, got_kind, decoded),) = famsock.decode_ancillary([(level, kind, data)], family)
        assert (got_level, got_kind, decoded, type(decoded)) == (
            level, kind, (case["addr"], case["ifindex"]), Inet6PacketInfo)


def test_pktinfo_defaults_leave_the_kernel_to_choose() -> None:
    assert Inet6PacketInfo() == ("::", 0)
    assert encode_pktinfo(Inet6PacketInfo()) == bytes(20)


@pytest.mark.parametrize("size", [0, 16, 19, 21, 24])
def test_pktinfo_of_another_size_is_a_value_error(size: int) -> None:
    with pytest.raises(ValueError, match=f"struct in6_pktinfo of 20 bytes, got {size}"):
        decode_pktinfo(bytes(size))


# -- ipv6_mreq ------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", MREQ)
def test_membership_encodes_the_c_bytes(case: dict[str, Any]) -> None:
    value = Inet6Membership(case["input"], case["ifindex"])
    assert encode_membership(value).hex() == case["hex"]
    assert encode_membership(tuple(value)).hex() == case["hex"]


def test_membership_defaults_to_the_routed_interface() -> None:
    assert Inet6Membership("ff02::fb") == ("ff02::fb", 0)
    case = next(c for c in VECTORS["ipv6_mreq"]["cases"] if c["ifindex"] == 0)
    assert encode_membership(Inet6Membership(case["input"])).hex() == case["hex"]


# -- what encode refuses --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (None, TypeError, "must be a tuple (addr, ifindex), not None"),
        (("::1",), TypeError, "must be a tuple (addr, ifindex), not ('::1',)"),
        (["::1", 0], TypeError, "must be a tuple (addr, ifindex), not ['::1', 0]"),
        (("::1", -1), OverflowError, "ifindex must be 0-2147483647 (an interface index), got -1"),
        (("::1", 2**31), OverflowError, "got 2147483648"),
        (("::1", 1.0), TypeError, "ifindex must be an integer, not float"),
        (("localhost", 0), ValueError, "addr must be an IPv6 address without %scope (the interface is "
                                       "ifindex), got 'localhost'"),
        (("fe80::1%lo", 0), ValueError, "addr must be an IPv6 address without %scope"),
        (("127.0.0.1", 0), ValueError, "addr must be an IPv6 address"),
        (("::1\0", 0), ValueError, "addr must be an IPv6 address"),
        (("\udcff", 0), ValueError, "addr must be an IPv6 address"),
        ((b"::1", 0), TypeError, "addr must be an IPv6 address as str, not bytes"),
    ],
    ids=["none", "one-field", "list", "ifindex-minus-1", "ifindex-2**31", "float", "name", "scope", "ipv4",
         "nul", "surrogate", "bytes"],
)
def test_pktinfo_encode_refuses_with_the_field_and_value(value: Any, error: type[Exception],
                                                         message: str) -> None:
    with pytest.raises(error) as caught:
        encode_pktinfo(value)
    assert type(caught.value) is error
    assert str(caught.value).startswith("in6_pktinfo ")
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        ("ff02::fb", TypeError, "must be a tuple (multiaddr, ifindex), not 'ff02::fb'"),
        (("ff02::fb", 0, 0), TypeError, "must be a tuple (multiaddr, ifindex)"),
        (("ff02::fb", -1), OverflowError, "ifindex must be 0-2147483647"),
        (("ff02::fb", "1"), TypeError, "ifindex must be an integer, not str"),
        (("ff02::fb%lo", 0), ValueError, "multiaddr must be an IPv6 address without %scope"),
        ((None, 0), TypeError, "multiaddr must be an IPv6 address as str, not NoneType"),
    ],
    ids=["str", "three-fields", "ifindex-minus-1", "ifindex-str", "scope", "none"],
)
def test_membership_encode_refuses_with_the_field_and_value(value: Any, error: type[Exception],
                                                            message: str) -> None:
    with pytest.raises(error) as caught:
        encode_membership(value)
    assert type(caught.value) is error
    assert str(caught.value).startswith("ipv6_mreq ")
    assert message in str(caught.value)


def test_the_registrations_codecs_load_their_module_on_first_use_and_agree_with_it() -> None:
    """The package registers small functions that import famsock_inet6._structs when first called
    (a first bind() imports it not): they give what the module's own functions give."""
    import famsock_inet6
    from famsock_inet6 import _structs

    assert famsock_inet6.Inet6PacketInfo is _structs.Inet6PacketInfo
    assert famsock_inet6.Inet6Membership is _structs.Inet6Membership
    info = _structs.Inet6PacketInfo("::1", 1)
    (message,) = famsock_inet6.famsock_control_messages()
    assert message.encode is not None
    assert message.encode(info) == _structs.encode_pktinfo(info)
    assert message.decode(_structs.encode_pktinfo(info)) == info
    group = _structs.Inet6Membership("ff02::1", 1)
    options = famsock_inet6.famsock_socket_options()
    assert {o.encode(group) for o in options if o.encode} == {_structs.encode_membership(group)}
