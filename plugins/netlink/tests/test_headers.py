"""The plugin's facts against the kernel's UAPI headers: C programs print them (tests/vectors/*.c).

Constants, every declared attribute number, message type and multicast group of the shipped
declarations, the layouts of the structs they declare, and whole messages built with the
headers' own macros, encoded and decoded byte for byte.
"""

from __future__ import annotations

import socket as stdlib
from pathlib import Path
from typing import Any

import pytest
from famsock_netlink import constants
from famsock_netlink._declarations import SHIPPED, spec
from famsock_netlink._messages import codec

from famsock.testing import c_vectors

VECTORS = Path(__file__).parent / "vectors"
HEADERS = c_vectors.load(VECTORS / "netlink_headers.c")
C = {name.replace(" & 0xffff", ""): value for name, value in HEADERS["constants"].items()}
MESSAGES = {name: bytes.fromhex(data) for name, data in HEADERS["messages"].items()}


@pytest.mark.skipif(c_vectors.compiler() is None, reason="no C compiler to regenerate the vectors")
@pytest.mark.parametrize("source", ["netlink_headers.c", "sockaddr_nl.c"])
def test_the_committed_vectors_are_what_these_headers_produce(source: str) -> None:
    assert c_vectors.regenerate(VECTORS / source) == c_vectors.load(VECTORS / source)


def test_every_constant_is_the_headers() -> None:
    declared = {name: value for name, value in vars(constants).items()
                if name.isupper() and isinstance(value, int)}
    checked = {name for name in declared if name in C}
    assert {name: declared[name] for name in checked} == {name: C[name] for name in checked}
    assert set(declared) - checked == set(), "every constant of the module comes from the headers"
    protocols = [name for name in C if name.startswith("NETLINK_") and name in constants.PROTOCOLS]
    assert len(protocols) == 23


def test_the_stdlibs_netlink_constants_agree() -> None:
    for name in dir(stdlib):
        if name.startswith(("NETLINK_", "SOL_NETLINK")):
            assert getattr(stdlib, name) == C[name], name


def _c_name(prefix: str, name: str) -> str:
    return (prefix + name).upper().replace("-", "_")


_SET_PREFIXES = {  # the C enum each declared attribute set is (name-prefix, as in the YNL specs)
    ("rt-link", "link-attrs"): "ifla-", ("rt-link", "linkinfo-attrs"): "ifla-info-",
    ("rt-link", "ifla-attrs"): "ifla-inet-", ("rt-link", "ifla6-attrs"): "ifla-inet6-",
    ("rt-link", "xdp-attrs"): "ifla-xdp-", ("rt-link", "proto-down-reason-attrs"): "ifla-proto-down-reason-",
    ("rt-link", "af-spec-attrs"): "af-", ("rt-addr", "addr-attrs"): "ifa-",
    ("nlctrl", "ctrl-attrs"): "ctrl-attr-", ("nlctrl", "op-attrs"): "ctrl-attr-op-",
    ("nlctrl", "mcast-group-attrs"): "ctrl-attr-mcast-grp-",
    ("nlctrl", "policy-attrs"): "nl-policy-type-attr-",
    ("nlctrl", "op-policy-attrs"): "ctrl-attr-policy-",
}


@pytest.mark.parametrize(("family", "set_name"), sorted(_SET_PREFIXES))
def test_declared_attribute_numbers_are_the_headers(family: str, set_name: str) -> None:
    prefix = _SET_PREFIXES[(family, set_name)]
    attributes = spec(family).attribute_set(set_name).attributes
    in_headers = [attribute for attribute in attributes if _c_name(prefix, attribute.name) in C]
    assert {a.name: a.value for a in in_headers} == {a.name: C[_c_name(prefix, a.name)] for a in in_headers}
    newer = [attribute.name for attribute in attributes if attribute not in in_headers]
    if (family, set_name) == ("rt-link", "link-attrs"):  # newer than these headers: the kernel's spec
        assert newer == ["devlink-port", "gso-ipv4-max-size", "gro-ipv4-max-size", "dpll-pin",
                         "max-pacing-offload-horizon", "netns-immutable", "headroom", "tailroom"]
        assert min(a.value for a in attributes if a.name in newer) == C["IFLA_ALLMULTI"] + 1
    else:
        assert newer == [], f"declared but not in the headers: {newer}"
    # and every name of this enum the C program lists is declared (names of other sets left out)
    others = {_c_name(other_prefix, attribute.name) for (other_family, other_set), other_prefix in
              _SET_PREFIXES.items() if (other_family, other_set) != (family, set_name)
              for attribute in spec(other_family).attribute_set(other_set).attributes}
    if prefix == "af-":
        expected = {"AF_INET", "AF_INET6", "AF_MCTP"}
    else:
        expected = {name for name in C if name.startswith(_c_name(prefix, "")) and "_F_" not in name} - others
    assert expected <= {_c_name(prefix, a.name) for a in attributes}


def test_message_types_and_groups_are_the_headers() -> None:
    link, addr, ctrl = spec("rt-link"), spec("rt-addr"), spec("nlctrl")
    assert link.operation("getlink").dump_request.value == C["RTM_GETLINK"]  # type: ignore[union-attr]
    assert link.operation("getlink").dump_reply.value == C["RTM_NEWLINK"]  # type: ignore[union-attr]
    assert link.operation("newlink").do_request.value == C["RTM_NEWLINK"]  # type: ignore[union-attr]
    assert link.operation("dellink").do_request.value == C["RTM_DELLINK"]  # type: ignore[union-attr]
    assert link.operation("setlink").do_request.value == C["RTM_SETLINK"]  # type: ignore[union-attr]
    assert addr.operation("getaddr").dump_request.value == C["RTM_GETADDR"]  # type: ignore[union-attr]
    assert addr.operation("newaddr").do_request.value == C["RTM_NEWADDR"]  # type: ignore[union-attr]
    assert addr.operation("deladdr").do_request.value == C["RTM_DELADDR"]  # type: ignore[union-attr]
    assert link.mcast_groups["rtnlgrp-link"].value == C["RTNLGRP_LINK"]
    assert addr.mcast_groups["rtnlgrp-ipv4-ifaddr"].value == C["RTNLGRP_IPV4_IFADDR"]
    assert addr.mcast_groups["rtnlgrp-ipv6-ifaddr"].value == C["RTNLGRP_IPV6_IFADDR"]
    for name in ("getfamily", "getpolicy", "newfamily", "delfamily", "newmcast-grp", "delmcast-grp"):
        operation = ctrl.operation(name)
        direction = operation.do_request or operation.dump_request or operation.event
        assert direction is not None and direction.value == C[_c_name("ctrl-cmd-", name)], name
    assert ctrl.fixed_id == C["GENL_ID_CTRL"]


_STRUCTS = {"ifinfomsg": ("rt-link", "ifinfomsg"), "ifaddrmsg": ("rt-addr", "ifaddrmsg"),
            "ifa_cacheinfo": ("rt-addr", "ifa-cacheinfo"),
            "rtnl_link_stats64": ("rt-link", "rtnl-link-stats64"),
            "rtnl_link_ifmap": ("rt-link", "rtnl-link-ifmap"),
            "ifla_cacheinfo": ("rt-link", "ifla-cacheinfo")}


@pytest.mark.parametrize("c_struct", sorted(_STRUCTS))
def test_declared_structs_have_the_headers_layout(c_struct: str) -> None:
    family, name = _STRUCTS[c_struct]
    layout: dict[str, Any] = HEADERS["structs"][c_struct]
    compiled = codec(spec(family)).struct(name)
    assert compiled.size == layout["sizeof"]
    offset = 0
    for member in spec(family).struct(name).members:
        c_member = member.name.replace("-", "_")
        if member.type != "pad":
            assert layout.get(c_member, offset) == offset, member.name
        offset += member.length if member.type in ("pad", "binary") else int(member.type[1:]) // 8


def test_enum_and_flag_values_are_the_headers() -> None:
    flags = spec("rt-link").enums["ifinfo-flags"].entries
    for name, value in flags.items():
        spelled = {"point-to-point": "POINTOPOINT", "no-trailers": "NOTRAILERS", "no-arp": "NOARP",
                   "all-multi": "ALLMULTI", "auto-media": "AUTOMEDIA"}.get(name, name)
        c_name = "IFF_" + spelled.upper().replace("-", "_")
        assert value == C[c_name], name
    for name, value in spec("rt-link").enums["oper-states"].entries.items():
        assert value == C[_c_name("if-oper-", name)]
    for name, value in spec("rt-addr").enums["ifa-flags"].entries.items():
        assert value == C[_c_name("ifa-f-", name)]
    for name, value in spec("rt-addr").enums["rt-scope"].entries.items():
        assert value == C[_c_name("rt-scope-", name)]
    for name, value in spec("nlctrl").enums["op-flags"].entries.items():
        c_name = {"admin-perm": "GENL_ADMIN_PERM", "uns-admin-perm": "GENL_UNS_ADMIN_PERM"}.get(
            name, _c_name("genl-", name))
        assert value == C[c_name], name
    for name, value in spec("nlctrl").enums["attr-type"].entries.items():
        if name != "invalid":
            assert value == C[_c_name("nl-attr-type-", name)]


# -- whole messages, built in C with the headers' macros --------------------------------------------


def test_requests_encode_as_c_builds_them() -> None:
    link, ctrl = codec(spec("rt-link")), codec(spec("nlctrl"))
    mask = C["RTEXT_FILTER_VF"] | C["RTEXT_FILTER_SKIP_STATS"]
    assert link.encode("getlink", "do", attributes={"ifname": "veth0", "ext-mask": mask},
                       seq=7) == MESSAGES["getlink_veth0"]
    create = C["NLM_F_CREATE"] | C["NLM_F_EXCL"]
    assert link.encode("newlink", "do", fixed={"ifi-flags": C["IFF_UP"], "ifi-change": C["IFF_UP"]},
                       attributes={"ifname": "fs0", "mtu": 1400, "linkinfo": {"kind": "veth"}},
                       flags=create, seq=0x01020304, pid=4242) == MESSAGES["newlink_fs0"]
    assert ctrl.encode("getfamily", "do", attributes={"family-name": "nlctrl"}, seq=1) == \
        MESSAGES["getfamily_nlctrl"]


def test_messages_decode_as_c_built_them() -> None:
    (address,) = codec(spec("rt-addr")).messages(MESSAGES["newaddr_v4"])
    assert address.type == C["RTM_NEWADDR"] and address.seq == 99 and address.pid == 4242
    assert address.fixed == {"ifa-family": 2, "ifa-prefixlen": 15, "ifa-flags": C["IFA_F_PERMANENT"],
                             "ifa-scope": 0, "ifa-index": 3}
    assert address.attributes == {
        "address": "198.18.0.1", "local": "198.18.0.1", "broadcast": "198.19.255.255", "label": "veth0",
        "flags": C["IFA_F_PERMANENT"] | C["IFA_F_NOPREFIXROUTE"],
        "cacheinfo": {"ifa-prefered": 0xFFFFFFFF, "ifa-valid": 0xFFFFFFFF, "cstamp": 1234, "tstamp": 5678}}
    (link,) = codec(spec("rt-link")).messages(MESSAGES["newlink_fs0"], "newlink")
    assert link.attributes == {"ifname": "fs0", "mtu": 1400, "linkinfo": {"kind": "veth"}}


def test_an_error_with_extended_ack_reads_as_c_wrote_it() -> None:
    from famsock_netlink._extack import read_error

    data = MESSAGES["error_extack"]
    code, seq, request_type, extack = read_error(data, 0, len(data), int.from_bytes(data[6:8], "little"))
    assert (code, seq, request_type) == (95, 0x01020304, C["RTM_NEWLINK"])
    assert extack.message == "Unknown device type" and extack.offset == 36


def test_every_shipped_declaration_loads() -> None:
    assert sorted(SHIPPED) == ["nlctrl", "rt-addr", "rt-link"]
    for name in SHIPPED:
        assert spec(name).name == name and spec(name) is spec(name)
