"""famsock against the stdlib, side by side in one run: the product brief's figures as ratios.

    ./dev bench                   (or: python bench/bench.py [--rounds N] [--scale X] [--only TEXT])

A speed ratio is stdlib time / famsock time for the same work: 1.00 is parity, above 1 famsock
is faster. The cold start is the other way round, famsock's time as a multiple of the stdlib's.
Each figure runs ``--rounds`` rounds; each round times both sides, alternating which goes
first, and gives one ratio. The table shows the median ratio and the spread (lowest and highest
round), and each side's median time per operation: load on the machine hits both sides alike.

Cold start spawns processes (``python -c``) that import the module, open an INET datagram
socket, bind it and send a datagram, alternating stdlib and famsock processes; a ratio per pair.

Memory: RSS at the start and the end of the run, and the growth of RSS over a long run of
address calls to thousands of distinct addresses (the memos are bounded: no per-call growth).

Figures of other parts, when their modules are next to this one: ``batch_bench.rows()`` (UDP
receive through the batch API) and ``netlink_bench.rows()`` (netlink dumps), each returning
figures with ``name``, ``ratio``, ``low``, ``high`` and, optionally, ``goal``.

``--instructions`` also counts user-space instructions per operation under valgrind's
callgrind (steadier than times on a busy machine): each side's workload runs alone in a child
process, twice with different counts, and the difference is divided out.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import platform
import shutil
import socket as stdlib
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from functools import partial
from typing import Any, NamedTuple

import famsock

Work = Callable[[int], None]  # does n operations
Build = Callable[[], tuple[Work, Work]]  # (stdlib's work, famsock's work)
HERE = os.path.dirname(os.path.abspath(__file__))


class Figure(NamedTuple):
    """One row of the table."""

    key: str  # for --only and --instructions
    name: str
    goal: float | None  # speed: the lowest ratio allowed; time: the highest multiple; None: none
    build: Build
    n: int  # operations per side per round
    time_multiple: bool = False  # cold start: famsock time / stdlib time, lower is better


class Result(NamedTuple):
    ratio: float  # the median of the rounds' ratios
    low: float
    high: float
    stdlib_seconds: float  # median seconds per operation
    famsock_seconds: float


# -- timing ----------------------------------------------------------------------------------------

def interleaved(figure: Figure, rounds: int) -> Result:
    """``rounds`` rounds, each timing both sides (the first side alternating); ratios per round."""
    stdlib_work, famsock_work = figure.build()
    warm = max(figure.n // 10, 1)
    stdlib_work(warm)
    famsock_work(warm)
    ratios, theirs, ours = [], [], []
    for index in range(rounds):
        sides = [("stdlib", stdlib_work), ("famsock", famsock_work)]
        times: dict[str, float] = {}
        for side, work in sides if index % 2 == 0 else reversed(sides):
            gc.collect()
            started = time.perf_counter()
            work(figure.n)
            times[side] = (time.perf_counter() - started) / figure.n
        theirs.append(times["stdlib"])
        ours.append(times["famsock"])
        ratios.append(times["famsock"] / times["stdlib"] if figure.time_multiple
                      else times["stdlib"] / times["famsock"])
    return Result(statistics.median(ratios), min(ratios), max(ratios), statistics.median(theirs),
                  statistics.median(ours))


def met(figure: Figure, ratio: float) -> bool:
    if figure.goal is None:
        return True
    return ratio <= figure.goal if figure.time_multiple else ratio >= figure.goal


# -- workloads -------------------------------------------------------------------------------------

def socketpair_echo(module: Any) -> Work:
    a, b = module.socketpair()
    message = b"x" * 64

    def work(n: int) -> None:
        for _ in range(n):
            a.send(message)
            b.recv(1024)
            b.send(message)
            a.recv(1024)

    return work


def stream_echo(module: Any) -> Work:
    server = module.socket(stdlib.AF_INET, stdlib.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen()
    client = module.socket(stdlib.AF_INET, stdlib.SOCK_STREAM)
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


FAMILIES = {"inet": stdlib.AF_INET, "inet6": stdlib.AF_INET6, "unix": stdlib.AF_UNIX}


def local_address(family: str) -> Any:
    if family == "inet":
        return ("127.0.0.1", 0)
    if family == "inet6":
        return ("::1", 0)
    return b"\0famsock-bench-" + uuid.uuid4().hex.encode()


def datagram_round_trip(module: Any, family: str) -> Work:
    """b sends to a's address (as a returned it), a receives: what a UDP server's loop does."""
    a = module.socket(FAMILIES[family], stdlib.SOCK_DGRAM)
    b = module.socket(FAMILIES[family], stdlib.SOCK_DGRAM)
    a.bind(local_address(family))
    b.bind(local_address(family))
    target = a.getsockname()
    message = b"x" * 64

    def work(n: int) -> None:
        for _ in range(n):
            b.sendto(message, target)
            a.recvfrom(2048)

    return work


def _round_trip_of(family: str, module: Any) -> Work:
    return datagram_round_trip(module, family)


def connect_cycles(module: Any) -> Work:
    server = module.socket(stdlib.AF_INET, stdlib.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(128)
    target = server.getsockname()

    def work(n: int) -> None:
        for _ in range(n):
            client = module.socket(stdlib.AF_INET, stdlib.SOCK_STREAM)
            client.connect(target)
            conn, _ = server.accept()
            conn.close()
            client.close()

    return work


COLD_CODE = {
    "bind": ("import {module} as s\nx = s.socket(s.AF_INET, s.SOCK_DGRAM)\nx.bind(('127.0.0.1', 0))\n"
             "x.sendto(b'x', x.getsockname())\nx.close()"),
    # then a question only every plugin answers: what a first bind avoids (famsock.family_numbers)
    "bind-all": ("import famsock as s\nx = s.socket(s.AF_INET, s.SOCK_DGRAM)\nx.bind(('127.0.0.1', 0))\n"
                 "x.sendto(b'x', x.getsockname())\ns.address_to_text(x.getsockname())\nx.close()"),
    "open": "import {module} as s\ns.socket(s.AF_INET, s.SOCK_DGRAM).close()",
}


def cold_start(module: str, what: str) -> Work:
    """``n`` processes that run ``COLD_CODE[what]``, each started and waited for."""
    command = [sys.executable, "-c", COLD_CODE[what].format(module=module)]
    # Not from a source checkout: `python -c` would import ./famsock instead of the installed one.
    neutral = tempfile.gettempdir()

    def work(n: int) -> None:
        for _ in range(n):
            subprocess.run(command, check=True, cwd=neutral)

    return work


def on_path(path: str, build: Callable[[Any], Work]) -> Build:
    """Both sides built, and famsock's side run, with famsock's syscall path set to ``path``: a
    socket the work opens (a TCP client) chooses its path at its first address call."""
    mode = "auto" if path == "native" else "raw"

    def pair() -> tuple[Work, Work]:
        previous = famsock.set_syscall_path(mode)
        try:
            stdlib_work, famsock_work = build(stdlib), build(famsock)
        finally:
            famsock.set_syscall_path(previous)

        def on_the_path(n: int) -> None:
            previous = famsock.set_syscall_path(mode)
            try:
                famsock_work(n)
            finally:
                famsock.set_syscall_path(previous)

        return stdlib_work, on_the_path

    return pair


# -- the figures -----------------------------------------------------------------------------------

def family_installed(name: str) -> bool:
    try:
        famsock.family(name)
    except OSError:
        return False
    return True


def figures(scale: float) -> list[Figure]:
    def count(n: float) -> int:
        return max(int(n * scale), 1)

    rows = [
        Figure("echo-socketpair", "data path echo (send/recv), socketpair", 0.98,
               lambda: (socketpair_echo(stdlib), socketpair_echo(famsock)), count(20000)),
        Figure("echo-tcp", "data path echo (send/recv), TCP", 0.98,
               lambda: (stream_echo(stdlib), stream_echo(famsock)), count(20000)),
    ]
    for path in ("native", "raw"):
        for family in FAMILIES:
            if family_installed(family):
                goal = (0.95 if family == "unix" else 0.97) if path == "native" else 0.90
                work: Callable[[Any], Work] = partial(_round_trip_of, family)
                rows.append(Figure(f"udp-{family}-{path}", f"UDP sendto+recvfrom, {family}, {path} path",
                                   goal, on_path(path, work), count(20000)))
    for path in ("native", "raw"):
        rows.append(Figure(f"tcp-{path}", f"TCP connect+accept+close, {path} path", 0.97,
                           on_path(path, connect_cycles), count(2000)))
    rows.append(Figure("cold-bind", "cold start: import, bind, send a datagram", 1.3,
                       lambda: (cold_start("socket", "bind"), cold_start("famsock", "bind")), count(4),
                       time_multiple=True))
    rows.append(Figure("cold-bind-all", "same, then a question every plugin answers", None,
                       lambda: (cold_start("socket", "bind"), cold_start("famsock", "bind-all")), count(4),
                       time_multiple=True))
    rows.append(Figure("cold-open", "cold start: import, open a socket (no address)", 1.3,
                       lambda: (cold_start("socket", "open"), cold_start("famsock", "open")), count(4),
                       time_multiple=True))
    return rows


# -- memory ----------------------------------------------------------------------------------------

def rss() -> int:
    """Resident set size in bytes, from /proc (0 where there is none)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


def memory_growth(path: str, calls: int) -> tuple[int, int]:
    """(RSS growth in bytes over ``calls`` round trips after a warm-up, the largest memo then):
    one socket sends to 4,096 distinct addresses in turn, and from 4,096 distinct source
    addresses (IP_PKTINFO), more than any cache or memo keeps."""
    receiver = famsock.socket(stdlib.AF_INET, stdlib.SOCK_DGRAM)
    sender = famsock.socket(stdlib.AF_INET, stdlib.SOCK_DGRAM)
    try:
        previous = famsock.set_syscall_path("auto" if path == "native" else "raw")
        try:  # a socket's path is chosen at its first address call
            receiver.bind(("0.0.0.0", 0))  # every 127/8 address is this machine's: all reach it
            sender.bind(("0.0.0.0", 0))
        finally:
            famsock.set_syscall_path(previous)
        port = receiver.getsockname()[1]
        hosts = [f"127.0.{i // 256}.{i % 256 or 1}" for i in range(4096)]
        targets = [(host, port) for host in hosts]
        pktinfo = getattr(stdlib, "IP_PKTINFO", 8)
        # struct in_pktinfo with the source address (spec_dst) to send from
        sources = [[(stdlib.IPPROTO_IP, pktinfo, bytes(4) + stdlib.inet_aton(host) + bytes(4))]
                   for host in hosts]
        loopback = ("127.0.0.1", port)

        def run(n: int) -> None:
            for index in range(n):
                if index % 2:
                    sender.sendmsg([b"x"], sources[index % 4096], 0, loopback)  # 4,096 senders
                else:
                    sender.sendto(b"x", targets[index % 4096])  # 4,096 destinations
                receiver.recvfrom(64)

        receiver.settimeout(5)
        run(calls // 4)
        gc.collect()
        before = rss()
        run(calls)
        gc.collect()
        backends: list[Any] = [sender._famsock_backend, receiver._famsock_backend]  # the bench looks inside
        return rss() - before, max(len(b.memo) for b in backends)
    finally:
        sender.close()
        receiver.close()


# -- other parts' figures --------------------------------------------------------------------------

def other_rows(module_name: str, rounds: int) -> list[Any] | str:
    """``rows()`` of bench/<module_name>.py, or why there are none."""
    if not os.path.exists(os.path.join(HERE, f"{module_name}.py")):
        return f"not built yet (no bench/{module_name}.py)"
    if HERE not in sys.path:
        sys.path.insert(0, HERE)
    try:
        module = importlib.import_module(module_name)
        made = module.rows(rounds=rounds)
        return made if isinstance(made, str) else list(made)
    except Exception as exc:  # another part's bench must not stop this one
        return f"failed: {type(exc).__name__}: {exc}"


# -- instruction counts ----------------------------------------------------------------------------

def run_one(key: str, side: str, n: int) -> None:
    """The child of --instructions: build one figure and run one side's work ``n`` times."""
    figure = next(f for f in figures(1.0) if f.key == key)
    stdlib_work, famsock_work = figure.build()
    (stdlib_work if side == "stdlib" else famsock_work)(n)


def instructions(figure: Figure) -> tuple[float, float] | None:
    """User-space instructions per operation, (stdlib, famsock), from callgrind."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return None
    n = max(figure.n // 10, 10)
    counts: dict[tuple[str, int], int] = {}
    for side in ("stdlib", "famsock"):
        for ops in (n, 2 * n):
            with tempfile.TemporaryDirectory() as directory:
                result = subprocess.run(
                    [valgrind, "--tool=callgrind", f"--callgrind-out-file={directory}/out", sys.executable,
                     os.path.abspath(__file__), "--run-one", figure.key, side, str(ops)],
                    capture_output=True, text=True, check=True, cwd=tempfile.gettempdir())
            line = next(x for x in result.stderr.splitlines() if "Collected :" in x)
            counts[side, ops] = int(line.rsplit(":", 1)[1])
    return ((counts["stdlib", 2 * n] - counts["stdlib", n]) / n,
            (counts["famsock", 2 * n] - counts["famsock", n]) / n)


# -- the report ------------------------------------------------------------------------------------

def describe_machine() -> str:
    model = ""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            model = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")),
                         "")
    except OSError:
        pass
    return (f"python {platform.python_version()} ({sys.executable}), {platform.system()} "
            f"{platform.release()}, {os.cpu_count()} CPUs {model}".rstrip())


def installs() -> str:
    """famsock's and the plugins' install kinds: editable installs slow every famsock import."""
    editable = [name for name in ("famsock", "famsock_inet", "famsock_inet6", "famsock_unix")
                if "__editable__" in str(getattr(importlib.import_module(name).__spec__, "loader", ""))]
    return ("editable installs of " + ", ".join(editable) + " (their finders slow start-up: "
            "./dev bench uses regular installs)") if editable else "regular installs"


def _time(seconds: float) -> str:
    return f"{seconds * 1e6:.2f} us" if seconds < 1e-3 else f"{seconds * 1e3:.2f} ms"


def print_row(name: str, goal: str, ratio: float, low: float, high: float, ok: bool, extra: str = "",
              multiple: bool = False) -> None:
    shown = f"{ratio:.2f}x" if multiple else f"{ratio:.2f}"
    verdict = "" if goal == "-" else "ok" if ok else "BELOW"
    print(f"{name:<48} {goal:<8} {shown:>6} {low:>5.2f}-{high:<5.2f} {verdict:<5} {extra}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=9, help="interleaved rounds per figure (default 9)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply operation counts")
    parser.add_argument("--only", action="append", default=[], help="figures whose key or name holds TEXT")
    parser.add_argument("--instructions", action="store_true", help="also count instructions (valgrind)")
    parser.add_argument("--run-one", nargs=3, metavar=("KEY", "SIDE", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run_one:
        key, side, n = args.run_one
        run_one(key, side, int(n))
        return 0

    start_rss = rss()
    print(f"famsock {famsock.__version__} vs the stdlib; {installs()}")
    print(describe_machine())
    print(f"command: {' '.join([os.path.basename(sys.executable), *sys.argv])}")
    print(f"RSS at start: {start_rss / 2**20:.1f} MiB")
    print(f"speed ratio = stdlib time / famsock time (1.00 = parity); cold start: famsock time as a multiple "
          f"of the stdlib's; median and spread (lowest-highest) of {args.rounds} interleaved rounds")
    print()
    print(f"{'figure':<48} {'goal':<8} {'ratio':>6} {'spread':<11} {'':<5} {'stdlib':>11} {'famsock':>11}")
    selected = [f for f in figures(args.scale)
                if not args.only or any(text in f.key or text in f.name for text in args.only)]
    missed = 0
    for figure in selected:
        result = interleaved(figure, args.rounds)
        ok = met(figure, result.ratio)
        missed += not ok
        goal = ("-" if figure.goal is None else f"<= {figure.goal}x" if figure.time_multiple
                else f">= {figure.goal}")
        extra = f"{_time(result.stdlib_seconds):>11} {_time(result.famsock_seconds):>11}"
        if args.instructions and not figure.time_multiple:
            counted = instructions(figure)
            if counted:
                extra += (f"   instructions/op {counted[0]:,.0f} vs {counted[1]:,.0f} "
                          f"({counted[0] / counted[1]:.2f})")
        print_row(figure.name, goal, result.ratio, result.low, result.high, ok, extra, figure.time_multiple)
    if not args.only or any("batch" in text for text in args.only):
        # the goal is the buffer API's; the other variants show what more work per datagram costs
        missed += print_other("UDP receive, batch API", "batch_bench", args.rounds,
                              lambda name: 1.5 if "buffers" in name else None)
    if not args.only or any("netlink" in text for text in args.only):
        # each row carries its goal (3x pyroute2 for the dump); the others are for information
        missed += print_other("netlink dump vs pyroute2", "netlink_bench", args.rounds, lambda name: None)
    if not args.only or any("memory" in text for text in args.only):
        print()
        for path in ("native", "raw"):
            growth, memo = memory_growth(path, int(200000 * args.scale))
            calls = int(200000 * args.scale)
            print(f"memory, {path} path: RSS {growth / 1024:+.0f} KiB over {calls:,} UDP round trips (4,096 "
                  f"destinations and 4,096 senders) after a warm-up ({growth / calls:+.2f} bytes/call); "
                  f"largest memo {memo} entries")
    end_rss = rss()
    print(f"\nRSS at end: {end_rss / 2**20:.1f} MiB ({(end_rss - start_rss) / 2**20:+.1f} MiB)")
    print(f"{missed} figure(s) below goal" if missed else "every figure at or above its goal")
    return 0


def print_other(title: str, module_name: str, rounds: int, goal: Callable[[str], float | None]) -> int:
    """Print another part's figures (a row's own ``goal``, else ``goal(name)``; None: no goal);
    return how many miss their goal."""
    rows = other_rows(module_name, rounds)
    if isinstance(rows, str):
        print(f"{title:<48} {'':<8} {rows}", flush=True)
        return 0
    missed = 0
    for row in rows:
        row_goal = getattr(row, "goal", None) or goal(row.name)
        if row_goal is None:
            print(f"{row.name:<48} {'-':<8} {row.ratio:>6.2f} {row.low:>5.2f}-{row.high:<5.2f}", flush=True)
            continue
        ok = row.ratio >= row_goal
        missed += not ok
        print_row(row.name, f">= {row_goal}", row.ratio, row.low, row.high, ok)
    return missed


if __name__ == "__main__":
    sys.exit(main())
