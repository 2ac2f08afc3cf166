"""Run by test_names.py inside a private mount namespace whose /etc/hosts is the test's file.

Usage: ``python resolver_child.py HOSTS_FILE SCOPE``. Tries each named address on a stdlib and
on a famsock socket (the path comes from FAMSOCK_SYSCALL_PATH) and prints one JSON object:
``{case: {"stdlib": outcome, "famsock": outcome}}`` plus famsock-only checks, where an
outcome is the address reported (without the port when the port is the kernel's choice) or
``["error", exception type, errno]``.
"""

from __future__ import annotations

import json
import socket as stdlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import famsock

PORT = 9  # connecting a UDP socket sends nothing: any port will do


def _cases(scope: int) -> dict[str, tuple[str, Any]]:
    return {
        "name": ("connect", ("famsock-v6", PORT)),
        "name-as-bytes": ("connect", (b"famsock-v6", PORT)),
        "name-as-bytearray": ("connect", (bytearray(b"famsock-v6"), PORT)),
        "name-with-flowinfo": ("connect", ("famsock-v6", PORT, 5)),
        "first-of-several": ("connect", ("famsock-multi", PORT)),
        "idna-name": ("connect", ("bücher.famsock.test", PORT)),
        "link-local-name-with-scope_id": ("connect", ("famsock-ll", PORT, 0, scope)),
        "link-local-name-without-scope": ("connect", ("famsock-ll", PORT)),
        "ipv4-only-name": ("connect", ("famsock-v4", PORT)),
        "bind-to-name": ("bind", ("famsock-v6", 0)),
        "bind-to-mapped-name": ("bind", ("famsock-mapped", 0)),
    }


def _outcome(call: Callable[[], Any]) -> Any:
    try:
        return list(call())
    except OSError as exc:  # gaierror included
        return ["error", type(exc).__name__, exc.errno]


def _try(make: Callable[..., Any], method: str, value: Any) -> Any:
    def call() -> Any:
        with make(stdlib.AF_INET6, stdlib.SOCK_DGRAM) as sock:
            if method == "bind":
                sock.bind(value)
                host, _port, flowinfo, scope_id = sock.getsockname()
                return (host, flowinfo, scope_id)
            sock.connect(value)
            return sock.getpeername()

    return _outcome(call)


def main() -> None:
    hosts, scope = Path(sys.argv[1]), int(sys.argv[2])
    report: dict[str, Any] = {}
    for case, (method, value) in _cases(scope).items():
        report[case] = {"stdlib": _try(stdlib.socket, method, value),
                        "famsock": _try(famsock.socket, method, value)}
    with famsock.socket(famsock.AF_INET6, famsock.SOCK_DGRAM) as sock:
        report["syscall-path"] = sock.syscall_path
    report["first-result"] = list(stdlib.getaddrinfo("famsock-multi", PORT, stdlib.AF_INET6)[0][4])
    report["text-form"] = list(famsock.address_from_text("inet6:[famsock-v6]:80"))
    # a name's meaning may change between calls: it is looked up every time, never cached
    before = famsock.parse_address("inet6", ("famsock-moving", PORT))
    hosts.write_text(hosts.read_text().replace("::1 famsock-moving", "::2 famsock-moving"))
    after = famsock.parse_address("inet6", ("famsock-moving", PORT))
    report["moving-name"] = [list(before), list(after)]
    print(json.dumps(report))


if __name__ == "__main__":
    main()
