"""rtnetlink addresses (``RTM_*ADDR``), declared as data in the shape of the kernel's rt-addr YNL spec.

Numbers follow <linux/if_addr.h> and <linux/rtnetlink.h> (tests/test_headers.py checks them).
``deladdr-ntf`` is declared, as in rt-link, so that a monitor names ``RTM_DELADDR`` events.
"""

from __future__ import annotations

from typing import Any

__all__ = ["SPEC"]

_ALL = ["address", "local", "label", "broadcast", "anycast", "cacheinfo", "multicast", "flags", "rt-priority",
        "target-netnsid", "proto"]

SPEC: dict[str, Any] = {
    "name": "rt-addr",
    "protocol": "netlink-raw",
    "protonum": 0,
    "doc": "Address configuration over rtnetlink.",
    "definitions": [
        {"name": "ifaddrmsg", "type": "struct", "members": [
            {"name": "ifa-family", "type": "u8"},
            {"name": "ifa-prefixlen", "type": "u8"},
            {"name": "ifa-flags", "type": "u8", "enum": "ifa-flags", "enum-as-flags": True},
            {"name": "ifa-scope", "type": "u8", "enum": "rt-scope"},
            {"name": "ifa-index", "type": "u32"},
        ]},
        {"name": "ifa-cacheinfo", "type": "struct", "members": [
            {"name": "ifa-prefered", "type": "u32"},
            {"name": "ifa-valid", "type": "u32"},
            {"name": "cstamp", "type": "u32"},
            {"name": "tstamp", "type": "u32"},
        ]},
        {"name": "ifa-flags", "type": "flags", "name-prefix": "ifa-f-",
         "entries": ["secondary", "nodad", "optimistic", "dadfailed", "homeaddress", "deprecated",
                     "tentative", "permanent", "managetempaddr", "noprefixroute", "mcautojoin",
                     "stable-privacy"]},
        {"name": "rt-scope", "type": "enum", "name-prefix": "rt-scope-",
         "entries": [{"name": "universe", "value": 0}, {"name": "site", "value": 200},
                     {"name": "link", "value": 253}, {"name": "host", "value": 254},
                     {"name": "nowhere", "value": 255}]},
    ],
    "attribute-sets": [
        {"name": "addr-attrs", "name-prefix": "ifa-", "attributes": [
            {"name": "address", "type": "binary", "display-hint": "ipv4-or-v6"},
            {"name": "local", "type": "binary", "display-hint": "ipv4-or-v6"},
            {"name": "label", "type": "string"},
            {"name": "broadcast", "type": "binary", "display-hint": "ipv4"},
            {"name": "anycast", "type": "binary", "display-hint": "ipv4-or-v6"},
            {"name": "cacheinfo", "type": "binary", "struct": "ifa-cacheinfo"},
            {"name": "multicast", "type": "binary", "display-hint": "ipv4-or-v6"},
            {"name": "flags", "type": "u32", "enum": "ifa-flags", "enum-as-flags": True},
            {"name": "rt-priority", "type": "u32"},
            {"name": "target-netnsid", "type": "s32"},
            {"name": "proto", "type": "u8"},
        ]},
    ],
    "operations": {
        "enum-model": "directional",
        "name-prefix": "rtm-",
        "fixed-header": "ifaddrmsg",
        "list": [
            {"name": "newaddr", "attribute-set": "addr-attrs",
             "do": {"request": {"value": 20, "attributes": [
                 "address", "local", "label", "broadcast", "anycast", "cacheinfo", "flags", "rt-priority",
                 "proto"]}}},
            {"name": "newaddr-ntf", "value": 20, "notify": "getaddr"},
            {"name": "deladdr", "attribute-set": "addr-attrs",
             "do": {"request": {"value": 21, "attributes": ["address", "local"]}}},
            {"name": "deladdr-ntf", "value": 21, "notify": "getaddr"},
            {"name": "getaddr", "attribute-set": "addr-attrs",
             "dump": {"request": {"value": 22, "attributes": ["target-netnsid"]},
                      "reply": {"value": 20, "attributes": _ALL}}},
        ],
    },
    "mcast-groups": {"list": [{"name": "rtnlgrp-ipv4-ifaddr", "value": 5},
                              {"name": "rtnlgrp-ipv6-ifaddr", "value": 9}]},
}
