"""The ``famsock`` command: ``famsock families``, ``famsock echo``, ``famsock relay``/``serve``/``connect``,
and the subcommands plugins add."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import textwrap
from collections.abc import Sequence
from typing import Any

from . import __version__
from ._availability import availability
from ._backends import get_syscall_path, set_syscall_path
from ._echo import echo
from ._registry import FamilyClaim, registry
from ._socket_object import accelerator
from .codec import address_to_text
from .contract import CONTRACT_VERSION, Command

__all__ = ["main"]

_KINDS = {1: "stream", 2: "dgram", 3: "raw", 4: "rdm", 5: "seqpacket"}
_USAGE_ERROR = 2
_MAX_TIMEOUT = 1e9  # seconds: settimeout() takes what int64 nanoseconds hold (about 9.2e9)

ENDPOINTS = """\
endpoints: [listen:][TYPE:][proto=N:]ADDRESS
  ADDRESS   an address's text form, of any installed family (famsock families):
              inet:127.0.0.1:8080  inet6:[::1]:8080  unix:/run/app.sock  unix:@name
              raw:<AF number>:<sockaddr hex>  (a family no plugin reads)
            or - for standard input and output (relay only)
  listen:   bind to ADDRESS and wait for peers: accept connections, or take datagrams
            from anyone (replies go back to each sender); without it, connect to ADDRESS
  TYPE:     stream: dgram: seqpacket: rdm: raw:  (default: the family's first of stream,
            seqpacket, dgram, raw, rdm); raw: followed by a number is a raw address instead
  proto=N:  the socket's protocol number (default 0)

examples:
  famsock relay listen:inet:127.0.0.1:8080 unix:/run/app.sock    a UNIX service on TCP
  famsock relay listen:dgram:inet:127.0.0.1:5353 dgram:unix:/run/dns.sock
  famsock serve listen:inet6:[::1]:7000        famsock connect unix:@echo
"""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="famsock", description=__doc__)
    parser.add_argument("--version", action="version",
                        version=f"famsock {__version__} (plugin contract {CONTRACT_VERSION})")
    commands = parser.add_subparsers(dest="command", required=True)
    families = commands.add_parser("families", help="list every family plugin found, and its state")
    families.add_argument("--json", action="store_true", help="one JSON object per line")
    run = commands.add_parser("echo", help="run the echo server and client over every available family")
    run.add_argument("--family", action="append", metavar="NAME", help="only this family (repeatable)")
    run.add_argument("--path", choices=("auto", "raw", "both"), default=None,
                     help="syscall path: native where possible (auto), raw, or both in turn "
                          "(default: FAMSOCK_SYSCALL_PATH, else auto)")
    run.add_argument("--message", default="Hello, world", help="what to echo")
    run.add_argument("--timeout", type=float, default=5.0, help="seconds before giving up")
    _add_relay_commands(commands)
    _add_plugin_commands(commands)
    args = parser.parse_args(argv)
    if args.command == "families":
        return _families(args.json)
    if args.command == "echo":
        return _echo(args.family, args.path or get_syscall_path(), args.message.encode(), args.timeout)
    if args.command in ("relay", "serve", "connect"):
        return _relay(args)
    command: Command = args.plugin_command
    return command.run(args)


def _add_relay_commands(commands: Any) -> None:
    def add(name: str, help: str, description: str, endpoints: list[tuple[str, str]], idle: float) -> None:
        parser = commands.add_parser(name, help=help, description=textwrap.fill(description, 90),
                                     epilog=ENDPOINTS, formatter_class=argparse.RawDescriptionHelpFormatter)
        for metavar, text in endpoints:
            parser.add_argument(metavar.lower(), metavar=metavar, help=text)
        parser.add_argument("--idle", type=float, default=idle, metavar="SECONDS",
                            help=f"end a datagram exchange after this long without traffic "
                                 f"(default {idle:g})")
        parser.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS",
                            help="give up connecting after this long (default 10)")
        parser.add_argument("--once", action="store_true", help="end after the first exchange")
        parser.add_argument("-v", "--verbose", action="store_true", help="say when exchanges begin and end")

    add("relay", "join two endpoints, both directions, as socat does",
        "Join two endpoints: what one side sends, the other receives, both ways. With a listen: "
        "endpoint, each peer gets its own connection to the other endpoint; otherwise the relay "
        "ends when the exchange does. The end of a stream half-closes the other side; SIGINT and "
        "SIGTERM close everything, remove the socket files the relay made, and exit 0.",
        [("A", "an endpoint"), ("B", "another endpoint")], 60.0)
    add("serve", "an echo server on an address (listen: implied)",
        "Send back whatever each peer sends, on ADDRESS (bound, as listen: does), until SIGINT or SIGTERM.",
        [("ADDRESS", "the endpoint to serve on")], 60.0)
    add("connect", "standard input to an address, and what comes back to standard output",
        "Connect to ADDRESS; send what standard input gives, write what arrives to standard output. "
        "At the end of standard input the connection is half-closed; the command ends when the peer "
        "closes (datagrams: --idle seconds after standard input's end without a reply).",
        [("ADDRESS", "the endpoint to connect to")], 1.0)


def _relay(args: argparse.Namespace) -> int:
    """``famsock relay``/``serve``/``connect``: the endpoints read, then the relay run; a text
    that cannot be used is one line on stderr and status 2."""
    from ._endpoints import EndpointError, parse_endpoint  # noqa: PLC0415 - only these commands need them
    from ._relay import run_relay  # noqa: PLC0415

    command = args.command
    try:
        if command == "relay":
            a, b = parse_endpoint(args.a), parse_endpoint(args.b)
            if a.listen and b.listen:
                raise EndpointError(f"{args.a!r} and {args.b!r} both listen: one endpoint may listen, "
                                    "the other is connected to for each peer")
            if a.stdio and b.stdio:
                raise EndpointError("'-' and '-': at least one endpoint must be an address")
            if b.listen or (a.stdio and not b.stdio):
                a, b = b, a  # the listening side (or the address, when the other is stdio) first
            other: Any = "stdio" if b.stdio else b
        else:
            a = parse_endpoint(args.address, stdio=False)
            if command == "serve":
                a, other = dataclasses.replace(a, listen=True), "echo"
            elif a.listen:
                raise EndpointError(f"{args.address!r}: connect connects; use serve or relay to listen")
            else:
                other = "stdio"
    except EndpointError as exc:
        print(f"famsock {command}: {exc}", file=sys.stderr)
        return _USAGE_ERROR
    if not args.idle > 0:  # nan too; inf: never idle
        print(f"famsock {command}: --idle must be more than 0, got {args.idle}", file=sys.stderr)
        return _USAGE_ERROR
    if not 0 < args.timeout <= _MAX_TIMEOUT:  # settimeout() refuses more (OverflowError)
        print(f"famsock {command}: --timeout must be more than 0 and at most {_MAX_TIMEOUT:g}, "
              f"got {args.timeout}", file=sys.stderr)
        return _USAGE_ERROR
    once = args.once or (a.listen and other == "stdio")  # standard input/output serves one peer
    return run_relay(a, other, command=command, idle=args.idle, timeout=args.timeout, once=once,
                     verbose=args.verbose)


def _add_plugin_commands(commands: Any) -> None:
    """The subcommands plugins add (contract.Command); one whose set-up fails is left out, said."""
    conflicts: set[str] = set()
    for claim in registry.commands():
        command: Command = claim.registration
        if claim.rivals:
            if command.name not in conflicts:  # one message for all its claimants
                conflicts.add(command.name)
                print(f"famsock: command {command.name!r} left out: claimed by {claim.plugin.source} and "
                      + ", ".join(r.source for r in claim.rivals), file=sys.stderr)
            continue
        parser = commands.add_parser(command.name, help=f"{command.help} ({claim.plugin.source})")
        try:
            command.configure(parser)
        except Exception as exc:  # a plugin's fault must not take the CLI down
            print(f"famsock: command {command.name!r} from {claim.plugin.source} left out: its "
                  f"configure() raised {type(exc).__name__}: {exc}", file=sys.stderr)
            commands.choices.pop(command.name, None)
            # and from --help, which lists argparse's pseudo-actions, not its choices
            commands._choices_actions[:] = [a for a in commands._choices_actions if a.dest != command.name]
            continue
        parser.set_defaults(plugin_command=command)


def _family_rows() -> list[dict[str, Any]]:
    rows = []
    for claim in registry.claims():
        rows.append({**_plugin_fields(claim), **_claim_fields(claim)})
    for plugin in registry.plugins():
        if plugin.status != "loaded":
            rows.append({"plugin": plugin.name, "family": None, "number": None, "constant": None,
                         "distribution": plugin.distribution, "version": plugin.version,
                         "status": plugin.status, "reason": plugin.reason,
                         "available": None, "availability": ""})
    return rows


def _plugin_fields(claim: FamilyClaim) -> dict[str, Any]:
    plugin = claim.plugin
    return {"plugin": plugin.name, "distribution": plugin.distribution, "version": plugin.version}


def _claim_fields(claim: FamilyClaim) -> dict[str, Any]:
    family = claim.family
    status, reason = "loaded", ""
    if claim.rivals:
        status = "conflict"
        reason = "also claimed by " + ", ".join(f"{r.source} (plugin {r.name!r})" for r in claim.rivals)
    state = availability(family)
    return {"family": family.name, "number": family.number, "constant": family.constant,
            "status": status, "reason": reason, "available": state.available,
            "availability": state.reason, "summary": family.summary}


def _families(as_json: bool) -> int:
    rows = _family_rows()
    if as_json:
        for row in rows:
            print(json.dumps(row))
        return 0
    if not rows:
        print("no famsock family plugins found (install famsock-inet, famsock-unix...)")
        return 0
    table = [("FAMILY", "AF", "DISTRIBUTION", "STATUS", "KERNEL")]
    notes: list[str] = []
    for row in rows:
        source = f"{row['distribution'] or '(in code)'} {row['version']}".strip()
        family = row["family"] or f"({row['plugin']})"
        number = f"{row['constant']} = {row['number']}" if row["number"] is not None else "-"
        kernel = "-" if row["available"] is None else ("available" if row["available"] else "unavailable")
        table.append((family, number, source, row["status"], kernel))
        for label, text in (("status", row["reason"]), ("kernel", row["availability"])):
            if text:
                notes.append(f"  {family}: {label}: {text}")
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    for r in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(r, widths, strict=True)).rstrip())
    if notes:
        print()
        print("\n".join(notes))
    print(f"\naccelerator: {accelerator()}")  # the C fast paths, or why not
    return 0


def _echo(names: list[str] | None, path: str, message: bytes, timeout: float) -> int:
    claims = [c for c in registry.claims() if not c.rivals and (not names or c.family.name in names)]
    missing = set(names or ()) - {c.family.name for c in claims}
    failures = len(missing)
    for name in sorted(missing):
        print(f"{name:<8} FAILED: no such family installed (see `famsock families`)")
    modes = ("auto", "raw") if path == "both" else (path,)
    for claim in claims:
        family = claim.family
        state = availability(family)
        if not state.available:
            print(f"{family.name:<8} skipped: unavailable on this kernel: {state.reason}")
            continue
        loopbacks = registry.loopbacks(family.number)
        if not loopbacks:
            print(f"{family.name:<8} skipped: the plugin offers no loopback address to echo over")
            continue
        for mode in modes:
            previous = set_syscall_path(mode)
            try:
                result = echo(family, loopbacks[0], message, timeout)
            except Exception as exc:
                failures += 1
                print(f"{family.name:<8} FAILED ({mode} path): {type(exc).__name__}: {exc}")
                continue
            finally:
                set_syscall_path(previous)
            verdict = f"{len(result.received)} bytes echoed" if result.ok else (
                f"MISMATCH: sent {result.sent!r}, got {result.received!r}")
            failures += not result.ok
            kind = _KINDS.get(result.kind, str(result.kind))
            print(f"{family.name:<8} {kind:<9} {address_to_text(result.server):<32} {verdict}  "
                  f"{result.seconds * 1000:.2f} ms  ({result.path} path)")
    if not claims and not missing:
        print("no famsock family plugins found (install famsock-inet, famsock-unix...)")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
