"""famsock against the stdlib, side by side in one run: the brief's figures as ratios.

    ./dev bench                   (or: python bench/bench.py [--rounds N] [--scale X])

A ratio is stdlib time / famsock time for the same work: 1.00 is parity, above 1 famsock is
faster. Each figure alternates stdlib and famsock rounds and keeps each side's best round, so
load on the machine hits both alike. Absolute times are printed for context only.
"""

from __future__ import annotations

import argparse
import os
import platform
import socket as stdlib
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from typing import Any

import famsock
import famsock.testing

Work = Callable[[int], None]  # does n operations


def best_ratio(stdlib_work: Work, famsock_work: Work, n: int, rounds: int) -> tuple[float, float, float]:
    """(ratio, stdlib seconds per op, famsock seconds per op), best round of each."""
    stdlib_work(max(n // 10, 1))  # warm caches on both sides
    famsock_work(max(n // 10, 1))
    best = {"stdlib": float("inf"), "famsock": float("inf")}
    for _ in range(rounds):
        for side, work in (("stdlib", stdlib_work), ("famsock", famsock_work)):
            started = time.perf_counter()
            work(n)
            best[side] = min(best[side], (time.perf_counter() - started) / n)
    return best["stdlib"] / best["famsock"], best["stdlib"], best["famsock"]


# -- workloads -------------------------------------------------------------------------------------

def stream_echo(make: Callable[..., Any]) -> Work:
    server = make(stdlib.AF_INET, stdlib.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen()
    client = make(stdlib.AF_INET, stdlib.SOCK_STREAM)
    client.connect(server.getsockname())
    conn, _ = server.accept()
    message = b"x" * 64

    def work(n: int) -> None:
        for _ in range(n):
            client.send(message)
            conn.recv(1024)
            conn.send(message)
            client.recv(1024)

    return work


def udp_addresses(family: str) -> tuple[int, Callable[[], Any]]:
    if family == "inet":
        return stdlib.AF_INET, lambda: ("127.0.0.1", 0)
    if family == "inet6":
        return stdlib.AF_INET6, lambda: ("::1", 0)
    return stdlib.AF_UNIX, lambda: b"\0famsock-bench-" + uuid.uuid4().hex.encode()


def datagram_round_trip(make: Callable[..., Any], family: str) -> Work:
    number, address = udp_addresses(family)
    a, b = make(number, stdlib.SOCK_DGRAM), make(number, stdlib.SOCK_DGRAM)
    a.bind(address())
    b.bind(address())
    target = a.getsockname()
    message = b"x" * 64

    def work(n: int) -> None:
        for _ in range(n):
            b.sendto(message, target)
            a.recvfrom(2048)

    return work


def connect_cycles(make: Callable[..., Any]) -> Work:
    server = make(stdlib.AF_INET, stdlib.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(128)
    target = server.getsockname()

    def work(n: int) -> None:
        for _ in range(n):
            client = make(stdlib.AF_INET, stdlib.SOCK_STREAM)
            client.connect(target)
            conn, _ = server.accept()
            conn.close()
            client.close()

    return work


def cold_start(module: str) -> Work:
    code = f"import {module} as s\ns.socket(s.AF_INET, s.SOCK_STREAM).close()"
    # Not from a source checkout: `python -c` would import ./famsock instead of the installed one.
    neutral = tempfile.gettempdir()

    def work(n: int) -> None:
        for _ in range(n):
            subprocess.run([sys.executable, "-c", code], check=True, cwd=neutral)

    return work


# -- the figures ------------------------------------------------------------------------------------

def family_installed(name: str) -> bool:
    try:
        famsock.family(name)
    except OSError:
        return False
    return True


def figures(scale: float) -> list[tuple[str, str, Callable[[], tuple[Work, Work]], int]]:
    rows: list[tuple[str, str, Callable[[], tuple[Work, Work]], int]] = [
        ("data path echo (send/recv), TCP", ">= 0.98",
         lambda: (stream_echo(stdlib.socket), stream_echo(famsock.socket)), int(20000 * scale)),
    ]
    for path in ("native", "raw"):
        for family in ("inet", "inet6", "unix"):
            if not family_installed(family):
                continue

            def pair(family: str = family, path: str = path) -> tuple[Work, Work]:
                with famsock.testing.syscall_path("auto" if path == "native" else "raw"):
                    theirs = datagram_round_trip(stdlib.socket, family)
                    return theirs, datagram_round_trip(famsock.socket, family)

            goal = ">= 0.95" if path == "native" else ">= 0.80"
            rows.append((f"UDP sendto+recvfrom, {family}, {path} path", goal, pair, int(20000 * scale)))
    for path in ("native", "raw"):
        def cycles(path: str = path) -> tuple[Work, Work]:
            with famsock.testing.syscall_path("auto" if path == "native" else "raw"):
                return connect_cycles(stdlib.socket), connect_cycles(famsock.socket)

        rows.append((f"TCP connect+accept+close, {path} path", ">= 0.97", cycles, int(2000 * scale)))
    rows.append(("cold start: import + open an INET socket", "<= 1.2x time (>= 0.83)",
                 lambda: (cold_start("socket"), cold_start("famsock")), max(int(10 * scale), 2)))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7, help="alternating rounds per side (default 7)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply operation counts")
    args = parser.parse_args()

    print(f"famsock {famsock.__version__} vs stdlib: ratio = stdlib time / famsock time (1.00 = parity)")
    print(f"python {platform.python_version()}, {platform.system()} {platform.release()}, "
          f"{os.cpu_count()} CPUs, best of {args.rounds} interleaved rounds")
    print()
    print(f"{'figure':<46} {'goal':<23} {'ratio':>6} {'stdlib':>11} {'famsock':>11}")
    for name, goal, build, n in figures(args.scale):
        stdlib_work, famsock_work = build()
        ratio, ours, theirs = best_ratio(stdlib_work, famsock_work, n, args.rounds)
        print(f"{name:<46} {goal:<23} {ratio:>6.2f} {_time(ours):>11} {_time(theirs):>11}", flush=True)
    print(f"{'UDP receive, recvmmsg batch API vs recvfrom':<46} {'>= 1.5':<23} {'n/a':>6}  "
          "(no batch API yet)")
    return 0


def _time(seconds: float) -> str:
    return f"{seconds * 1e6:.2f} us" if seconds < 1e-3 else f"{seconds * 1e3:.2f} ms"


if __name__ == "__main__":
    sys.exit(main())
