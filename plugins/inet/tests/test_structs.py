"""IP_PKTINFO items and IP_ADD_MEMBERSHIP/IP_DROP_MEMBERSHIP values: codecs against bytes from C.

No kernel here (tests/test_pktinfo.py and tests/test_multicast.py use them on sockets): the
plugin's codecs, as registered, and as famsock's ``decode_ancillary``/``encode_ancillary`` and
``set_option`` find them.
"""

from __future__ import annotations

import socket as stdlib
import sys
from pathlib import Path
from typing import Any

import famsock_inet
import pytest
from famsock_inet import InetMembership, InetPacketInfo
from famsock_inet._structs import decode_pktinfo, encode_membership, encode_pktinfo

import famsock
from famsock.testing import c_vectors

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="Linux's structs, registered on Linux only")

GENERATOR = Path(__file__).parent / "vectors" / "ip_structs.c"
VECTORS = c_vectors.load(GENERATOR)
PKTINFO = [pytest.param(case, id=f"{case['ifindex']}-{case['spec_dst']}-{case['addr']}")
           for case in VECTORS["in_pktinfo"]["cases"]]
MREQN = [pytest.param(case, id=f"{case['multiaddr']}-{case['address']}-{case['ifindex']}")
         for case in VECTORS["ip_mreqn"]["cases"]]


def test_committed_vectors_are_what_the_headers_give() -> None:
    if c_vectors.compiler() is None:
        pytest.skip("no C compiler to regenerate the vectors with")
    assert c_vectors.regenerate(GENERATOR) == VECTORS


def test_constants_are_the_headers() -> None:
    """Python 3.11 lacks IP_PKTINFO: the plugin adds <linux/in.h>'s value to famsock."""
    value = VECTORS["IP_PKTINFO"]
    assert famsock.IP_PKTINFO == getattr(stdlib, "IP_PKTINFO", value) == value
    for name in ("IPPROTO_IP", "IP_ADD_MEMBERSHIP", "IP_DROP_MEMBERSHIP", "IP_MULTICAST_IF"):
        assert getattr(famsock, name) == getattr(stdlib, name) == VECTORS[name], name


def test_layouts_are_the_headers() -> None:
    assert VECTORS["in_pktinfo"]["size"] == 12
    assert VECTORS["in_pktinfo"]["offsets"] == {"ipi_ifindex": 0, "ipi_spec_dst": 4, "ipi_addr": 8}
    assert VECTORS["ip_mreqn"]["size"] == 12
    assert VECTORS["ip_mreqn"]["offsets"] == {"imr_multiaddr": 0, "imr_address": 4, "imr_ifindex": 8}
    assert VECTORS["in_pktinfo"]["ifindex_signed"] and VECTORS["ip_mreqn"]["ifindex_signed"]


def test_the_plugin_registers_its_codecs() -> None:
    (pktinfo,) = famsock_inet.famsock_control_messages()
    assert (pktinfo.level, pktinfo.type, pktinfo.name, pktinfo.family) == (
        VECTORS["IPPROTO_IP"], VECTORS["IP_PKTINFO"], "IP_PKTINFO", None)  # IPv6 sockets get them too
    options = {(option.level, option.option, option.name) for option in famsock_inet.famsock_socket_options()}
    assert options == {(VECTORS["IPPROTO_IP"], VECTORS["IP_ADD_MEMBERSHIP"], "IP_ADD_MEMBERSHIP"),
                       (VECTORS["IPPROTO_IP"], VECTORS["IP_DROP_MEMBERSHIP"], "IP_DROP_MEMBERSHIP")}


# -- in_pktinfo -----------------------------------------------------------------------------------


@pytest.mark.parametrize("case", PKTINFO)
def test_pktinfo_decodes_the_c_bytes(case: dict[str, Any]) -> None:
    value = decode_pktinfo(bytes.fromhex(case["hex"]))
    assert type(value) is InetPacketInfo
    assert (value.ifindex, value.spec_dst, value.addr) == value
    assert value == (case["ifindex"], case["spec_dst"], case["addr"])


@pytest.mark.parametrize("case", PKTINFO)
def test_pktinfo_encodes_the_c_bytes(case: dict[str, Any]) -> None:
    value = InetPacketInfo(case["ifindex"], case["spec_dst"], case["addr"])
    assert encode_pktinfo(value).hex() == case["hex"]
    assert encode_pktinfo(tuple(value)).hex() == case["hex"]  # a plain tuple of the fields too


@pytest.mark.parametrize("case", PKTINFO)
def test_pktinfo_through_famsock_ancillary_functions(case: dict[str, Any]) -> None:
    level, kind = famsock.IPPROTO_IP, famsock.IP_PKTINFO
    value = (case["ifindex"], case["spec_dst"], case["addr"])
    for family in (famsock.AF_INET, famsock.AF_INET6, None):
        assert famsock.encode_ancillary([(level, kind, InetPacketInfo(*value))], family) == [
            (level, kind, bytes.fromhex(case["hex"]))]
        data = bytes.fromhex(case["hex"])
        ((got_level, got_kind, decoded),) = famsock.decode_ancillary([(level, kind, data)], family)
        assert (got_level, got_kind, decoded, type(decoded)) == (level, kind, value, InetPacketInfo)


def test_pktinfo_defaults_leave_the_kernel_to_choose() -> None:
    assert InetPacketInfo() == (0, "0.0.0.0", "0.0.0.0")
    assert encode_pktinfo(InetPacketInfo(spec_dst="127.0.0.2")) == bytes(4) + bytes([127, 0, 0, 2]) + bytes(4)


@pytest.mark.parametrize("size", [0, 8, 11, 13, 16])
def test_pktinfo_of_another_size_is_a_value_error(size: int) -> None:
    with pytest.raises(ValueError, match=f"struct in_pktinfo of 12 bytes, got {size}"):
        decode_pktinfo(bytes(size))


# -- ip_mreqn -------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", MREQN)
def test_membership_encodes_the_c_bytes(case: dict[str, Any]) -> None:
    value = InetMembership(case["multiaddr"], case["address"], case["ifindex"])
    assert encode_membership(value).hex() == case["hex"]
    assert encode_membership(tuple(value)).hex() == case["hex"]


def test_membership_defaults_to_any_interface() -> None:
    assert InetMembership("239.1.2.3") == ("239.1.2.3", "0.0.0.0", 0)
    case = next(c for c in VECTORS["ip_mreqn"]["cases"] if (c["address"], c["ifindex"]) == ("0.0.0.0", 0))
    assert encode_membership(InetMembership(case["multiaddr"])).hex() == case["hex"]


# -- what encode refuses --------------------------------------------------------------------------

BAD = [
    pytest.param(None, TypeError, "must be a tuple (ifindex, spec_dst, addr), not None", id="none"),
    pytest.param((0, "0.0.0.0"), TypeError, "must be a tuple (ifindex, spec_dst, addr)", id="two-fields"),
    pytest.param([0, "0.0.0.0", "0.0.0.0"], TypeError, "must be a tuple", id="list"),
    pytest.param((-1, "0.0.0.0", "0.0.0.0"), OverflowError, "ifindex must be 0-2147483647 (an interface "
                 "index), got -1", id="ifindex-minus-1"),
    pytest.param((2**31, "0.0.0.0", "0.0.0.0"), OverflowError, "got 2147483648", id="ifindex-2**31"),
    pytest.param((1.0, "0.0.0.0", "0.0.0.0"), TypeError, "ifindex must be an integer, not float", id="float"),
    pytest.param((0, "localhost", "0.0.0.0"), ValueError, "spec_dst must be an IPv4 address (dotted quad), "
                 "got 'localhost'", id="name"),
    pytest.param((0, "0.0.0.0", "::1"), ValueError, "addr must be an IPv4 address", id="ipv6"),
    pytest.param((0, "127.0.0.1\0", "0.0.0.0"), ValueError, "spec_dst must be an IPv4", id="nul"),
    pytest.param((0, "\udcff", "0.0.0.0"), ValueError, "spec_dst must be an IPv4", id="surrogate"),
    pytest.param((0, b"127.0.0.1", "0.0.0.0"), TypeError, "spec_dst must be an IPv4 address as str, not "
                 "bytes", id="bytes"),
]


@pytest.mark.parametrize(("value", "error", "message"), BAD)
def test_pktinfo_encode_refuses_with_the_field_and_value(value: Any, error: type[Exception],
                                                         message: str) -> None:
    with pytest.raises(error) as caught:
        encode_pktinfo(value)
    assert type(caught.value) is error
    assert str(caught.value).startswith("in_pktinfo ")
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (("239.1.2.3",), TypeError, "must be a tuple (multiaddr, address, ifindex), not ('239.1.2.3',)"),
        ("239.1.2.3", TypeError, "must be a tuple (multiaddr, address, ifindex), not '239.1.2.3'"),
        (("239.1.2.3", "0.0.0.0", -1), OverflowError, "ifindex must be 0-2147483647"),
        (("239.1.2.3", "0.0.0.0", "1"), TypeError, "ifindex must be an integer, not str"),
        (("no-group", "0.0.0.0", 0), ValueError, "multiaddr must be an IPv4 address (dotted quad), got"),
        (("239.1.2.3", None, 0), TypeError, "address must be an IPv4 address as str, not NoneType"),
    ],
    ids=["one-field", "str", "ifindex-minus-1", "ifindex-str", "name", "address-none"],
)
def test_membership_encode_refuses_with_the_field_and_value(value: Any, error: type[Exception],
                                                            message: str) -> None:
    with pytest.raises(error) as caught:
        encode_membership(value)
    assert type(caught.value) is error
    assert str(caught.value).startswith("ip_mreqn ")
    assert message in str(caught.value)


def test_the_registrations_codecs_load_their_module_on_first_use_and_agree_with_it() -> None:
    """The package registers small functions that import famsock_inet._structs when first called
    (a first bind() imports it not): they give what the module's own functions give."""
    import famsock_inet
    from famsock_inet import _structs

    assert famsock_inet.InetPacketInfo is _structs.InetPacketInfo
    assert famsock_inet.InetMembership is _structs.InetMembership
    info = _structs.InetPacketInfo(3, "127.0.0.2", "127.0.0.3")
    (message,) = famsock_inet.famsock_control_messages()
    assert message.encode is not None
    assert message.encode(info) == _structs.encode_pktinfo(info)
    assert message.decode(_structs.encode_pktinfo(info)) == info
    options = famsock_inet.famsock_socket_options()
    assert {o.encode(_structs.InetMembership("224.0.0.1")) for o in options if o.encode} == {
        _structs.encode_membership(_structs.InetMembership("224.0.0.1"))}
