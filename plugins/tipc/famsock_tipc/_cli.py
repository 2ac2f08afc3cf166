"""``famsock tipc``: watch the topology service, publish a service name.

    famsock tipc watch TYPE [LOWER [UPPER]]   one JSON object per event, per line
    famsock tipc publish TYPE INSTANCE        bind a SOCK_RDM socket to the name; print what
                                              arrives (JSON lines) until interrupted
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from ._address import SCOPE_NAMES, U32_MAX, TipcServiceRange
from ._structs import SUB_PORTS, SUB_SERVICE, WAIT_FOREVER, TipcEvent

__all__ = ["configure", "event_record", "run"]  # famsock_tipc.COMMAND registers them, importing this at use

_SCOPES = {name: value for value, name in SCOPE_NAMES.items() if name != "zone"}
_RECEIVE = 66000  # TIPC_MAX_USER_MSG_SIZE


def _u32(text: str) -> int:
    try:
        value = int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 <= value <= U32_MAX:
        raise argparse.ArgumentTypeError(f"must be 0-{U32_MAX}, got {value}")
    return value


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = __doc__.split("\n", 1)[0]
    commands = parser.add_subparsers(dest="tipc_command", required=True)
    watch = commands.add_parser("watch", help="print the topology service's events as JSON lines")
    watch.add_argument("type", type=_u32, metavar="TYPE", help="service type (0: nodes, 2: links)")
    watch.add_argument("lower", type=_u32, nargs="?", metavar="LOWER", help="lowest instance (default: all)")
    watch.add_argument("upper", type=_u32, nargs="?", metavar="UPPER",
                       help="highest instance (default: LOWER)")
    watch.add_argument("--service", action="store_true",
                       help="only the first publication and the last withdrawal (TIPC_SUB_SERVICE)")
    watch.add_argument("--timeout-ms", type=_u32, default=WAIT_FOREVER, metavar="MS",
                       help="end the subscription after MS milliseconds (default: never)")
    watch.add_argument("--count", type=int, default=0, metavar="N", help="stop after N events")
    watch.add_argument("--byteorder", choices=("native", "little", "big"), default="native",
                       help="the byte order to speak to the topology service in")
    publish = commands.add_parser("publish", help="hold a service name until interrupted")
    publish.add_argument("type", type=_u32, metavar="TYPE", help="service type (64 or more)")
    publish.add_argument("instance", type=_u32, metavar="INSTANCE",
                         help="instance (the lowest, with --upper)")
    publish.add_argument("--upper", type=_u32, metavar="UPPER", help="publish INSTANCE-UPPER")
    publish.add_argument("--scope", choices=sorted(_SCOPES), default="cluster",
                         help="visible in the cluster (default) or on this node only")


def run(arguments: argparse.Namespace) -> int:
    if arguments.tipc_command == "watch":
        return _watch(arguments)
    return _publish(arguments)


def _line(record: dict[str, Any]) -> None:
    print(json.dumps(record), flush=True)


def event_record(event: TipcEvent) -> dict[str, Any]:
    """An event as ``famsock tipc watch`` prints it."""
    from famsock import address_to_text  # noqa: PLC0415

    sub = event.subscription
    return {"event": event.kind.name.lower(), "type": sub.type, "found_lower": event.found_lower,
            "found_upper": event.found_upper, "port": address_to_text(event.port),
            "node": event.port.node, "ref": event.port.ref, "handle": sub.handle.hex()}


def _watch(arguments: argparse.Namespace) -> int:
    from ._topology import TipcTopologyWatcher  # noqa: PLC0415

    filter_ = SUB_SERVICE if arguments.service else SUB_PORTS
    seen = 0
    try:
        watcher = TipcTopologyWatcher(byteorder=arguments.byteorder)
    except OSError as exc:  # no AF_TIPC in this kernel, or no topology service: say so, no traceback
        print(f"famsock tipc watch: cannot reach the TIPC topology service: {exc}", file=sys.stderr)
        return 1
    with _interruptible(), watcher:
        try:
            watcher.subscribe(arguments.type, arguments.lower, arguments.upper,
                              timeout_ms=arguments.timeout_ms, filter=filter_)
            for event in watcher:
                _line(event_record(event))
                seen += 1
                if event.kind.name == "TIMEOUT" or seen == arguments.count:
                    break
        except KeyboardInterrupt:
            pass
    return 0


def _publish(arguments: argparse.Namespace) -> int:
    import famsock  # noqa: PLC0415

    upper = arguments.instance if arguments.upper is None else arguments.upper
    name = TipcServiceRange(arguments.type, arguments.instance, upper, scope=_SCOPES[arguments.scope])
    try:
        sock = famsock.socket(famsock.AF_TIPC, famsock.SOCK_RDM)
    except OSError as exc:  # no AF_TIPC in this kernel
        print(f"famsock tipc publish: cannot open an AF_TIPC socket: {exc}", file=sys.stderr)
        return 1
    with _interruptible(), sock:
        try:
            sock.bind(name)
        except OSError as exc:
            print(f"famsock tipc publish: cannot bind {famsock.address_to_text(name)}: {exc}",
                  file=sys.stderr)
            return 1
        _line({"published": famsock.address_to_text(name),
               "socket": famsock.address_to_text(sock.getsockname())})
        try:
            while True:
                data, sender = sock.recvfrom(_RECEIVE)
                _line({"received": len(data), "from": famsock.address_to_text(sender),
                       "data": data.decode("utf-8", "backslashreplace")})
        except KeyboardInterrupt:
            _line({"withdrawn": famsock.address_to_text(name)})
    return 0


@contextmanager
def _interruptible() -> Iterator[None]:
    """SIGTERM ends the command as Ctrl-C does (a clean exit, the name withdrawn on close)."""
    def stop(number: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers (tests run commands on threads)
        return
    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
