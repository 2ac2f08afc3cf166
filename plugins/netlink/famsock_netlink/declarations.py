"""Message families declared as data (the public face of :mod:`famsock_netlink._declarations`).

    from famsock_netlink.declarations import load_spec, read_spec, spec

    link = spec("rt-link")                      # shipped: rt-link, rt-addr, nlctrl
    mine = read_spec("netdev.yaml")             # the kernel's YNL spec (YAML needs PyYAML; JSON not)
    mine = load_spec({"name": "demo", ...})     # or a mapping of the same shape
"""

from __future__ import annotations

from ._declarations import (
    SHIPPED,
    Attribute,
    AttributeSet,
    Direction,
    Enum,
    FamilySpec,
    McastGroup,
    Member,
    Operation,
    Struct,
    load_spec,
    read_spec,
    spec,
)

__all__ = ["SHIPPED", "Attribute", "AttributeSet", "Direction", "Enum", "FamilySpec", "McastGroup", "Member",
           "Operation", "Struct", "load_spec", "read_spec", "spec"]
