"""rtnetlink links (``RTM_*LINK``), declared as data in the shape of the kernel's rt-link YNL spec.

Numbers follow <linux/if_link.h> (tests/test_headers.py checks each against the headers; the
attributes past ``allmulti``, newer than the installed headers, follow the kernel's
Documentation/netlink/specs/rt-link.yaml). Differences from the kernel's spec: ``linkinfo``'s
``data``/``slave-data`` are binary (its sub-messages, chosen by ``kind``, are not modelled), and
``dellink-ntf`` is declared so that a monitor names ``RTM_DELLINK`` events.
"""

from __future__ import annotations

from typing import Any

__all__ = ["SPEC"]


def _u(*names: str, kind: str = "u32") -> list[dict[str, Any]]:
    return [{"name": name, "type": kind} for name in names]


_STATS = ("rx-packets", "tx-packets", "rx-bytes", "tx-bytes", "rx-errors", "tx-errors", "rx-dropped",
          "tx-dropped", "multicast", "collisions", "rx-length-errors", "rx-over-errors", "rx-crc-errors",
          "rx-frame-errors", "rx-fifo-errors", "rx-missed-errors", "tx-aborted-errors", "tx-carrier-errors",
          "tx-fifo-errors", "tx-heartbeat-errors", "tx-window-errors", "rx-compressed", "tx-compressed",
          "rx-nohandler")

SPEC: dict[str, Any] = {
    "name": "rt-link",
    "protocol": "netlink-raw",
    "protonum": 0,
    "doc": "Link configuration over rtnetlink.",
    "definitions": [
        {"name": "ifinfo-flags", "type": "flags", "name-prefix": "iff-",
         "entries": ["up", "broadcast", "debug", "loopback", "point-to-point", "no-trailers", "running",
                     "no-arp", "promisc", "all-multi", "master", "slave", "multicast", "portsel",
                     "auto-media", "dynamic", "lower-up", "dormant", "echo"]},
        {"name": "oper-states", "type": "enum", "name-prefix": "if-oper-",
         "entries": ["unknown", "notpresent", "down", "lowerlayerdown", "testing", "dormant", "up"]},
        {"name": "rtext-filter", "type": "flags",
         "entries": ["vf", "brvlan", "brvlan-compressed", "skip-stats", "mrp", "cfm-config", "cfm-status",
                     "mst"]},
        {"name": "ifinfomsg", "type": "struct", "members": [
            {"name": "ifi-family", "type": "u8"},
            {"name": "pad", "type": "pad", "len": 1},
            {"name": "ifi-type", "type": "u16"},
            {"name": "ifi-index", "type": "s32"},
            {"name": "ifi-flags", "type": "u32", "enum": "ifinfo-flags", "enum-as-flags": True},
            {"name": "ifi-change", "type": "u32"},
        ]},
        {"name": "rtnl-link-stats", "type": "struct", "members": _u(*_STATS)},
        {"name": "rtnl-link-stats64", "type": "struct",
         "members": _u(*_STATS, "rx-otherhost-dropped", kind="u64")},
        {"name": "rtnl-link-ifmap", "type": "struct", "members": [
            *_u("mem-start", "mem-end", "base-addr", kind="u64"), {"name": "irq", "type": "u16"},
            {"name": "dma", "type": "u8"}, {"name": "port", "type": "u8"},
            {"name": "pad", "type": "pad", "len": 4},
        ]},
        {"name": "ifla-cacheinfo", "type": "struct", "members": [
            {"name": "max-reasm-len", "type": "u32"}, {"name": "tstamp", "type": "u32"},
            {"name": "reachable-time", "type": "s32"}, {"name": "retrans-time", "type": "u32"},
        ]},
    ],
    "attribute-sets": [
        {"name": "link-attrs", "name-prefix": "ifla-", "attributes": [
            {"name": "address", "type": "binary", "display-hint": "mac"},
            {"name": "broadcast", "type": "binary", "display-hint": "mac"},
            {"name": "ifname", "type": "string"},
            {"name": "mtu", "type": "u32"},
            {"name": "link", "type": "u32"},
            {"name": "qdisc", "type": "string"},
            {"name": "stats", "type": "binary", "struct": "rtnl-link-stats"},
            {"name": "cost", "type": "string"},
            {"name": "priority", "type": "string"},
            {"name": "master", "type": "u32"},
            {"name": "wireless", "type": "string"},
            {"name": "protinfo", "type": "string"},
            {"name": "txqlen", "type": "u32"},
            {"name": "map", "type": "binary", "struct": "rtnl-link-ifmap"},
            {"name": "weight", "type": "u32"},
            {"name": "operstate", "type": "u8", "enum": "oper-states"},
            {"name": "linkmode", "type": "u8"},
            {"name": "linkinfo", "type": "nest", "nested-attributes": "linkinfo-attrs"},
            {"name": "net-ns-pid", "type": "u32"},
            {"name": "ifalias", "type": "string"},
            {"name": "num-vf", "type": "u32"},
            {"name": "vfinfo-list", "type": "binary"},
            {"name": "stats64", "type": "binary", "struct": "rtnl-link-stats64"},
            {"name": "vf-ports", "type": "binary"},
            {"name": "port-self", "type": "binary"},
            {"name": "af-spec", "type": "nest", "nested-attributes": "af-spec-attrs"},
            {"name": "group", "type": "u32"},
            {"name": "net-ns-fd", "type": "u32"},
            {"name": "ext-mask", "type": "u32", "enum": "rtext-filter", "enum-as-flags": True},
            {"name": "promiscuity", "type": "u32"},
            {"name": "num-tx-queues", "type": "u32"},
            {"name": "num-rx-queues", "type": "u32"},
            {"name": "carrier", "type": "u8"},
            {"name": "phys-port-id", "type": "binary", "display-hint": "hex"},
            {"name": "carrier-changes", "type": "u32"},
            {"name": "phys-switch-id", "type": "binary", "display-hint": "hex"},
            {"name": "link-netnsid", "type": "s32"},
            {"name": "phys-port-name", "type": "string"},
            {"name": "proto-down", "type": "u8"},
            {"name": "gso-max-segs", "type": "u32"},
            {"name": "gso-max-size", "type": "u32"},
            {"name": "pad", "type": "pad"},
            {"name": "xdp", "type": "nest", "nested-attributes": "xdp-attrs"},
            {"name": "event", "type": "u32"},
            {"name": "new-netnsid", "type": "s32"},
            {"name": "target-netnsid", "type": "s32"},
            {"name": "carrier-up-count", "type": "u32"},
            {"name": "carrier-down-count", "type": "u32"},
            {"name": "new-ifindex", "type": "s32"},
            {"name": "min-mtu", "type": "u32"},
            {"name": "max-mtu", "type": "u32"},
            {"name": "prop-list", "type": "nest", "nested-attributes": "prop-list-link-attrs"},
            {"name": "alt-ifname", "type": "string"},
            {"name": "perm-address", "type": "binary", "display-hint": "mac"},
            {"name": "proto-down-reason", "type": "nest", "nested-attributes": "proto-down-reason-attrs"},
            {"name": "parent-dev-name", "type": "string"},
            {"name": "parent-dev-bus-name", "type": "string"},
            {"name": "gro-max-size", "type": "u32"},
            {"name": "tso-max-size", "type": "u32"},
            {"name": "tso-max-segs", "type": "u32"},
            {"name": "allmulti", "type": "u32"},
            # newer than the installed headers: the kernel's rt-link spec
            {"name": "devlink-port", "type": "binary"},
            {"name": "gso-ipv4-max-size", "type": "u32"},
            {"name": "gro-ipv4-max-size", "type": "u32"},
            {"name": "dpll-pin", "type": "nest", "nested-attributes": "link-dpll-pin-attrs"},
            {"name": "max-pacing-offload-horizon", "type": "uint"},
            {"name": "netns-immutable", "type": "u8"},
            {"name": "headroom", "type": "u16"},
            {"name": "tailroom", "type": "u16"},
        ]},
        {"name": "prop-list-link-attrs", "subset-of": "link-attrs", "attributes": [
            {"name": "alt-ifname", "multi-attr": True},
        ]},
        {"name": "proto-down-reason-attrs", "name-prefix": "ifla-proto-down-reason-", "attributes": [
            {"name": "mask", "type": "u32"}, {"name": "value", "type": "u32"},
        ]},
        {"name": "linkinfo-attrs", "name-prefix": "ifla-info-", "attributes": [
            {"name": "kind", "type": "string"},
            {"name": "data", "type": "binary"},
            {"name": "xstats", "type": "binary"},
            {"name": "slave-kind", "type": "string"},
            {"name": "slave-data", "type": "binary"},
        ]},
        {"name": "af-spec-attrs", "name-prefix": "af-", "attributes": [
            {"name": "inet", "type": "nest", "value": 2, "nested-attributes": "ifla-attrs"},
            {"name": "inet6", "type": "nest", "value": 10, "nested-attributes": "ifla6-attrs"},
            {"name": "mctp", "type": "binary", "value": 45},
        ]},
        {"name": "ifla-attrs", "name-prefix": "ifla-inet-", "attributes": [
            {"name": "conf", "type": "binary", "sub-type": "u32"},
        ]},
        {"name": "ifla6-attrs", "name-prefix": "ifla-inet6-", "attributes": [
            {"name": "flags", "type": "u32"},
            {"name": "conf", "type": "binary", "sub-type": "u32"},
            {"name": "stats", "type": "binary", "sub-type": "u64"},
            {"name": "mcast", "type": "binary"},
            {"name": "cacheinfo", "type": "binary", "struct": "ifla-cacheinfo"},
            {"name": "icmp6stats", "type": "binary", "sub-type": "u64"},
            {"name": "token", "type": "binary", "display-hint": "ipv6"},
            {"name": "addr-gen-mode", "type": "u8"},
            {"name": "ra-mtu", "type": "u32"},
        ]},
        {"name": "xdp-attrs", "name-prefix": "ifla-xdp-", "attributes": [
            {"name": "fd", "type": "s32"},
            {"name": "attached", "type": "u8"},
            {"name": "flags", "type": "u32"},
            {"name": "prog-id", "type": "u32"},
            {"name": "drv-prog-id", "type": "u32"},
            {"name": "skb-prog-id", "type": "u32"},
            {"name": "hw-prog-id", "type": "u32"},
            {"name": "expected-fd", "type": "s32"},
        ]},
        {"name": "link-dpll-pin-attrs", "attributes": [{"name": "id", "type": "u32"}]},
    ],
    "operations": {
        "enum-model": "directional",
        "name-prefix": "rtm-",
        "list": [
            {"name": "newlink", "attribute-set": "link-attrs", "fixed-header": "ifinfomsg",
             "do": {"request": {"value": 16, "attributes": [
                 "ifname", "net-ns-pid", "net-ns-fd", "target-netnsid", "link-netnsid", "linkinfo", "group",
                 "num-tx-queues", "num-rx-queues", "address", "broadcast", "mtu", "txqlen", "operstate",
                 "linkmode", "gso-max-size", "gso-max-segs", "gro-max-size", "af-spec"]}}},
            {"name": "newlink-ntf", "value": 16, "notify": "getlink", "fixed-header": "ifinfomsg"},
            {"name": "dellink", "attribute-set": "link-attrs", "fixed-header": "ifinfomsg",
             "do": {"request": {"value": 17, "attributes": ["ifname", "alt-ifname"]}}},
            {"name": "dellink-ntf", "value": 17, "notify": "getlink", "fixed-header": "ifinfomsg"},
            {"name": "getlink", "attribute-set": "link-attrs", "fixed-header": "ifinfomsg",
             "do": {"request": {"value": 18, "attributes": ["ifname", "alt-ifname", "ext-mask",
                                                            "target-netnsid"]},
                    "reply": {"value": 16}},
             "dump": {"request": {"value": 18, "attributes": ["target-netnsid", "ext-mask", "master",
                                                              "linkinfo"]},
                      "reply": {"value": 16}}},
            {"name": "setlink", "attribute-set": "link-attrs", "fixed-header": "ifinfomsg",
             "do": {"request": {"value": 19}}},
        ],
    },
    "mcast-groups": {"list": [{"name": "rtnlgrp-link", "value": 1}]},
}
