"""``famsock netlink ...``: links, addresses, generic families and events from the kernel.

    famsock netlink links [--json]           every link (RTM_GETLINK dump)
    famsock netlink addrs [--json] [-4|-6]   every address (RTM_GETADDR dump)
    famsock netlink family NAME [--json]     a generic family: id, version, operations, groups
    famsock netlink monitor [--json]         link and address events, one JSON object per line

``--json`` prints the messages as the kernel's YNL names them (one JSON array; for ``monitor``,
one object per line, flushed as each event arrives).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from typing import Any

from . import genetlink, rtnetlink
from ._connection import Connection
from ._errors import OverrunError
from ._render import render
from .constants import NETLINK_GENERIC, NETLINK_ROUTE

__all__ = ["configure", "run"]

#: The kernel answers a request at once; this bounds the wait should anything go wrong.
REQUEST_TIMEOUT = 30.0


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="netlink_action", required=True, metavar="ACTION")
    links = actions.add_parser("links", help="every link (RTM_GETLINK dump)")
    links.add_argument("--json", action="store_true", help="a JSON array of the links, YNL's names")
    addrs = actions.add_parser("addrs", help="every address (RTM_GETADDR dump)")
    addrs.add_argument("--json", action="store_true", help="a JSON array of the addresses, YNL's names")
    which = addrs.add_mutually_exclusive_group()
    which.add_argument("-4", dest="family", action="store_const", const=2, default=0, help="IPv4 only")
    which.add_argument("-6", dest="family", action="store_const", const=10, help="IPv6 only")
    family = actions.add_parser("family", help="a generic netlink family, resolved by name")
    family.add_argument("name", help="the family's name (nlctrl, netdev, ethtool...)")
    family.add_argument("--json", action="store_true", help="a JSON object")
    monitor = actions.add_parser("monitor", help="link and address events, as they happen")
    monitor.add_argument("--json", action="store_true", help="one JSON object per event, per line")
    monitor.add_argument("--count", type=int, default=0, metavar="N", help="stop after N events")
    monitor.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                         help="stop when no event came for this long")


def run(arguments: argparse.Namespace) -> int:
    try:
        return _ACTIONS[arguments.netlink_action](arguments)
    except OSError as exc:
        print(f"famsock netlink {arguments.netlink_action}: {exc}", file=sys.stderr)
        return 1


def _links(arguments: argparse.Namespace) -> int:
    with Connection(NETLINK_ROUTE, timeout=REQUEST_TIMEOUT) as nl:
        objects = [render(link) for link in rtnetlink.links(nl)]
    if arguments.json:
        _print_json(objects)
        return 0
    rows: list[tuple[str, ...]] = [("INDEX", "NAME", "STATE", "MTU", "ADDRESS", "FLAGS")]
    for link in objects:
        flags = ",".join(str(flag) for flag in link.get("ifi-flags", []))
        fields = (str(link.get(key, "")) for key in ("ifi-index", "ifname", "operstate", "mtu", "address"))
        rows.append((*fields, flags))
    _print_table(rows)
    return 0


def _addrs(arguments: argparse.Namespace) -> int:
    with Connection(NETLINK_ROUTE, timeout=REQUEST_TIMEOUT) as nl:
        objects = [render(address) for address in rtnetlink.addresses(nl, family=arguments.family)]
    if arguments.json:
        _print_json(objects)
        return 0
    rows: list[tuple[str, ...]] = [("INDEX", "FAMILY", "ADDRESS", "SCOPE", "LABEL")]
    for address in objects:
        shown = address.get("local") or address.get("address", "")
        family = {2: "inet", 10: "inet6"}.get(address.get("ifa-family", 0), "?")
        rows.append((str(address.get("ifa-index", "")), family, f"{shown}/{address.get('ifa-prefixlen', '')}",
                     str(address.get("ifa-scope", "")), str(address.get("label", ""))))
    _print_table(rows)
    return 0


def _family(arguments: argparse.Namespace) -> int:
    from ._declarations import SHIPPED, spec  # noqa: PLC0415

    with Connection(NETLINK_GENERIC, timeout=REQUEST_TIMEOUT) as nl:
        declared = spec(arguments.name) if arguments.name in SHIPPED and arguments.name == "nlctrl" else None
        found = genetlink.resolve(nl, declared or arguments.name)
    described = genetlink.describe(found)
    if arguments.json:
        _print_json(described)
        return 0
    print(f"{found.name}: id {found.id}, version {found.version}, header {found.hdrsize} bytes, "
          f"{found.maxattr} attributes")
    for operation in described["operations"]:
        name = f" {operation['name']}" if "name" in operation else ""
        print(f"  operation {operation['id']}{name}: {', '.join(operation['flags']) or '-'}")
    for group in described["mcast-groups"]:
        print(f"  multicast group {group['name']}: {group['id']}")
    return 0


def _monitor(arguments: argparse.Namespace) -> int:
    seen = 0
    with rtnetlink.monitor(timeout=arguments.timeout) as nl:
        try:
            for event in nl.events(overruns="yield"):
                if isinstance(event, OverrunError):
                    line: dict[str, Any] = {"message": "overrun", "error": str(event)}
                else:
                    line = render(event)
                print(json.dumps(line) if arguments.json else _event_text(line), flush=True)
                seen += 1
                if arguments.count and seen >= arguments.count:
                    break
        except TimeoutError:
            pass
        except KeyboardInterrupt:
            return 130
    return 0


def _event_text(event: dict[str, Any]) -> str:
    name = event.get("ifname") or event.get("local") or event.get("address") or ""
    index = event.get("ifi-index", event.get("ifa-index", ""))
    return f"{event.get('message')} {index} {name}".rstrip()


def _print_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=None)
    sys.stdout.write("\n")


def _print_table(rows: Iterable[tuple[str, ...]]) -> None:
    rows = list(rows)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


_ACTIONS = {"links": _links, "addrs": _addrs, "family": _family, "monitor": _monitor}
