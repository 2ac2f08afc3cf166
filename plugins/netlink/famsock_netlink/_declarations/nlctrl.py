"""The generic netlink controller (``nlctrl``), declared as data in the shape of the kernel's YNL spec.

It resolves generic families by name (``CTRL_CMD_GETFAMILY``: id, version, operations, multicast
groups) and dumps their attribute policies (``CTRL_CMD_GETPOLICY``). Its own id is fixed,
``GENL_ID_CTRL`` (16). Numbers follow <linux/genetlink.h> and <linux/netlink.h>
(tests/test_headers.py checks them).
"""

from __future__ import annotations

from typing import Any

__all__ = ["GENL_ID_CTRL", "SPEC"]

GENL_ID_CTRL = 16
_FAMILY = ["family-id", "family-name", "version", "hdrsize", "maxattr", "ops", "mcast-groups"]

SPEC: dict[str, Any] = {
    "name": "nlctrl",
    "protocol": "genetlink-legacy",
    "version": 2,
    "doc": "The generic netlink controller: resolves generic families by name, lists their policies.",
    "definitions": [
        {"name": "op-flags", "type": "flags",
         "entries": ["admin-perm", "cmd-cap-do", "cmd-cap-dump", "cmd-cap-haspol", "uns-admin-perm"]},
        {"name": "attr-type", "type": "enum", "name-prefix": "nl-attr-type-",
         "entries": ["invalid", "flag", "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "binary",
                     "string", "nul-string", "nested", "nested-array", "bitfield32"]},
    ],
    "attribute-sets": [
        {"name": "ctrl-attrs", "name-prefix": "ctrl-attr-", "attributes": [
            {"name": "family-id", "type": "u16"},
            {"name": "family-name", "type": "string"},
            {"name": "version", "type": "u32"},
            {"name": "hdrsize", "type": "u32"},
            {"name": "maxattr", "type": "u32"},
            {"name": "ops", "type": "indexed-array", "sub-type": "nest", "nested-attributes": "op-attrs"},
            {"name": "mcast-groups", "type": "indexed-array", "sub-type": "nest",
             "nested-attributes": "mcast-group-attrs"},
            {"name": "policy", "type": "nest-type-value", "type-value": ["policy-id", "attr-id"],
             "nested-attributes": "policy-attrs"},
            {"name": "op-policy", "type": "nest-type-value", "type-value": ["op-id"],
             "nested-attributes": "op-policy-attrs"},
            {"name": "op", "type": "u32"},
        ]},
        {"name": "op-attrs", "name-prefix": "ctrl-attr-op-", "attributes": [
            {"name": "id", "type": "u32"},
            {"name": "flags", "type": "u32", "enum": "op-flags", "enum-as-flags": True},
        ]},
        {"name": "mcast-group-attrs", "name-prefix": "ctrl-attr-mcast-grp-", "attributes": [
            {"name": "name", "type": "string"},
            {"name": "id", "type": "u32"},
        ]},
        {"name": "policy-attrs", "name-prefix": "nl-policy-type-attr-", "attributes": [
            {"name": "type", "type": "u32", "enum": "attr-type"},
            {"name": "min-value-s", "type": "s64"},
            {"name": "max-value-s", "type": "s64"},
            {"name": "min-value-u", "type": "u64"},
            {"name": "max-value-u", "type": "u64"},
            {"name": "min-length", "type": "u32"},
            {"name": "max-length", "type": "u32"},
            {"name": "policy-idx", "type": "u32"},
            {"name": "policy-maxtype", "type": "u32"},
            {"name": "bitfield32-mask", "type": "u32"},
            {"name": "pad", "type": "pad"},
            {"name": "mask", "type": "u64"},
        ]},
        {"name": "op-policy-attrs", "name-prefix": "ctrl-attr-policy-", "attributes": [
            {"name": "do", "type": "u32"},
            {"name": "dump", "type": "u32"},
        ]},
    ],
    "operations": {
        "enum-model": "unified",
        "name-prefix": "ctrl-cmd-",
        "list": [
            {"name": "newfamily", "value": 1, "attribute-set": "ctrl-attrs",
             "event": {"attributes": _FAMILY}},
            {"name": "delfamily", "value": 2, "attribute-set": "ctrl-attrs",
             "event": {"attributes": ["family-id", "family-name"]}},
            {"name": "getfamily", "value": 3, "attribute-set": "ctrl-attrs",
             "do": {"request": {"attributes": ["family-id", "family-name"]},
                    "reply": {"attributes": _FAMILY}},
             "dump": {"request": {}, "reply": {"attributes": _FAMILY}}},
            {"name": "newmcast-grp", "value": 7, "attribute-set": "ctrl-attrs",
             "event": {"attributes": ["family-id", "family-name", "mcast-groups"]}},
            {"name": "delmcast-grp", "value": 8, "attribute-set": "ctrl-attrs",
             "event": {"attributes": ["family-id", "family-name", "mcast-groups"]}},
            {"name": "getpolicy", "value": 10, "attribute-set": "ctrl-attrs",
             "dump": {"request": {"attributes": ["family-name", "family-id", "op"]},
                      "reply": {"attributes": ["family-id", "op-policy", "policy"]}}},
        ],
    },
    "mcast-groups": {"list": [{"name": "notify"}]},
}
