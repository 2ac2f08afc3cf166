"""Message families declared as data: the shipped declarations, and the means to declare more.

``spec(name)`` gives a shipped family (``rt-link``, ``rt-addr``, ``nlctrl``); ``load_spec(mapping)``
builds one from a YNL-shaped mapping (the shape of the kernel's
``Documentation/netlink/specs/*.yaml``); ``read_spec(path)`` reads a JSON file, or a YAML file
when PyYAML is installed.
"""

from __future__ import annotations

from functools import cache

from . import nlctrl, rt_addr, rt_link
from ._model import (
    Attribute,
    AttributeSet,
    Direction,
    Enum,
    FamilySpec,
    McastGroup,
    Member,
    Operation,
    Struct,
)
from ._ynl import load_spec, read_spec

__all__ = ["SHIPPED", "Attribute", "AttributeSet", "Direction", "Enum", "FamilySpec", "McastGroup", "Member",
           "Operation", "Struct", "load_spec", "read_spec", "spec"]

#: The declarations that ship with the plugin, by name, as YNL-shaped data.
SHIPPED = {"rt-link": rt_link.SPEC, "rt-addr": rt_addr.SPEC, "nlctrl": nlctrl.SPEC}
_FIXED_IDS = {"nlctrl": nlctrl.GENL_ID_CTRL}


@cache
def spec(name: str) -> FamilySpec:
    """A shipped family's spec (built once)."""
    try:
        data = SHIPPED[name]
    except KeyError:
        raise ValueError(f"no shipped netlink declaration {name!r} (shipped: {', '.join(sorted(SHIPPED))}); "
                         "declare one with load_spec() or read_spec()") from None
    return load_spec(data, fixed_id=_FIXED_IDS.get(name))
