"""Netlink benchmark: a dump of 10,000 addresses through famsock-netlink, pyroute2 and ``ip -j addr``;
memory while streaming; a multicast monitor's throughput.

Run as root (it makes a network namespace, then deletes it), from the repository:

    .venv/bin/python bench/netlink_bench.py

pyroute2 is never a dependency of famsock: it lives in a venv of the benchmark's own,
``.venv-bench`` (made with ``python3 -m venv .venv-bench && .venv-bench/bin/pip install ./famsock-dir
./plugins/* pyroute2``, all non-editable). When that venv exists, both famsock and pyroute2 run in
its python (the same interpreter for both); ``--python`` names another; without pyroute2 there,
its column is left out and the reason printed.

The namespace holds two veth pairs with 5,000 IPv4 addresses (198.18.0.0/15) on one link and 5,000
IPv6 addresses (2001:db8::/32, nodad) on another, plus loopback's: 10,002 objects. Each contender
runs as its own process inside the namespace and reports the best of ``--rounds`` dumps, each
counting objects decoded (famsock: ``Message`` with its address read; pyroute2: its
``get_addr()`` messages with ``IFA_ADDRESS`` read; ip: the JSON it prints). RSS is read from
``/proc/self/statm`` before a streamed dump, every 500 objects during it, and after it. Figures are
ratios measured side by side in one run; absolute times on these machines are noise.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from typing import Any, NamedTuple

ADDRESSES_PER_FAMILY = 5000

RSS = textwrap.dedent("""
    def rss():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * 4096
    def timed(dump, read, rounds):
        best, count = None, 0
        for _ in range(rounds):
            start = time.perf_counter()
            count = 0
            for message in dump():
                read(message)
                count += 1
            elapsed = time.perf_counter() - start
            best = elapsed if best is None else min(best, elapsed)
        before = rss()  # memory: a streamed dump keeps nothing
        peak = before
        for index, message in enumerate(dump()):
            read(message)
            if index % 500 == 0:
                peak = max(peak, rss())
        return {"objects": count, "seconds": best, "rss_before": before, "rss_peak": peak,
                "rss_after": rss()}
""")

FAMSOCK_DUMP = "import json, sys, time\n" + RSS + textwrap.dedent("""
    from famsock_netlink import Connection
    with Connection(timeout=60) as nl:
        result = timed(lambda: nl.dump("rt-addr", "getaddr"), lambda m: m.attributes.get("address"),
                       int(sys.argv[1]))
        before = rss()
        kept = list(nl.dump("rt-addr", "getaddr"))
        result["list_rss_growth"], result["kept"] = rss() - before, len(kept)
    print(json.dumps(result))
""")

PYROUTE2_DUMP = "import json, sys, time\n" + RSS + textwrap.dedent("""
    import pyroute2
    from pyroute2 import IPRoute
    with IPRoute() as ipr:
        result = timed(ipr.get_addr, lambda m: m.get_attr("IFA_ADDRESS"), int(sys.argv[1]))
    result["version"] = pyroute2.__version__
    print(json.dumps(result))
""")

FAMSOCK_MONITOR = textwrap.dedent("""
    import json, subprocess, sys, time
    from famsock_netlink import Connection, OverrunError
    from famsock_netlink.constants import RTNLGRP_IPV4_IFADDR
    batch, expected = sys.argv[1], int(sys.argv[2])
    with Connection(groups=[RTNLGRP_IPV4_IFADDR], events=["rt-addr"], receive_buffer=256 << 20,
                    timeout=10) as nl:
        subprocess.run(["ip", "-batch", batch], check=True)     # the events queue up, unread
        start = time.perf_counter()
        count = 0
        for event in nl.events():
            event.attributes.get("local")
            count += 1
            if count == expected:
                break
        elapsed = time.perf_counter() - start
    print(json.dumps({"events": count, "seconds": elapsed}))
""")

PYROUTE2_MONITOR = textwrap.dedent("""
    import json, subprocess, sys, time
    from pyroute2 import IPRoute
    from pyroute2.netlink.rtnl import RTMGRP_IPV4_IFADDR
    batch, expected = sys.argv[1], int(sys.argv[2])
    import socket
    result = {}
    try:
        with IPRoute() as ipr:
            ipr.setsockopt(socket.SOL_SOCKET, 33, 256 << 20)  # SO_RCVBUFFORCE, as famsock's run
            ipr.bind(groups=RTMGRP_IPV4_IFADDR)
            subprocess.run(["ip", "-batch", batch], check=True)
            start = time.perf_counter()
            count = 0
            while count < expected:
                for message in ipr.get():
                    message.get_attr("IFA_LOCAL")
                    count += 1
            result = {"events": count, "seconds": time.perf_counter() - start}
    except OSError as exc:
        result = {"error": f"{type(exc).__name__}: {exc}"}
    print(json.dumps(result))
""")


def ip(*arguments: str, namespace: str | None = None) -> None:
    prefix = ["ip", "-n", namespace] if namespace else ["ip"]
    subprocess.run([*prefix, *arguments], check=True, capture_output=True)


def write_batch(path: str, lines: list[str]) -> str:
    with open(path, "w") as file:
        file.write("\n".join(lines) + "\n")
    return path


def ipv4(index: int, base: int) -> str:
    number = base + index
    return ".".join(str(number >> shift & 0xFF) for shift in (24, 16, 8, 0))


def prepare(namespace: str, work: str) -> None:
    ip("netns", "add", namespace)
    ip("link", "set", "lo", "up", namespace=namespace)
    for pair in ((("bv0", "bv1")), ("bw0", "bw1")):
        ip("link", "add", pair[0], "type", "veth", "peer", "name", pair[1], namespace=namespace)
        for name in pair:
            ip("link", "set", name, "up", namespace=namespace)
    lines = [f"address add {ipv4(i, 0xC6120000 + 256)}/32 dev bv0" for i in range(ADDRESSES_PER_FAMILY)]
    lines += [f"address add 2001:db8::{i + 1:x}/128 dev bw0 nodad" for i in range(ADDRESSES_PER_FAMILY)]
    ip("-batch", write_batch(os.path.join(work, "addresses.batch"), lines), namespace=namespace)


def in_namespace(namespace: str, python: str, script: str, *arguments: str) -> dict[str, Any]:
    done = subprocess.run(["ip", "netns", "exec", namespace, python, "-c", script, *arguments],
                          capture_output=True, text=True, timeout=300, check=False)
    if done.returncode:
        raise RuntimeError(f"{python}: {done.stderr.strip()[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def time_ip(namespace: str, rounds: int) -> dict[str, Any]:
    best, count = None, 0
    for _ in range(rounds):
        start = time.perf_counter()
        output = subprocess.run(["ip", "-n", namespace, "-j", "address", "show"], capture_output=True,
                                text=True, check=True).stdout
        elapsed = time.perf_counter() - start
        count = sum(len(entry["addr_info"]) for entry in json.loads(output))
        best = elapsed if best is None else min(best, elapsed)
    return {"objects": count, "seconds": best}


BENCH_VENV = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), ".venv-bench")


def has_module(python: str, module: str) -> str | None:
    """Why ``python`` cannot import ``module`` (``None``: it can)."""
    done = subprocess.run([python, "-c", f"import {module}"], capture_output=True, text=True, timeout=120,
                          check=False)
    return None if done.returncode == 0 else (done.stderr.strip().splitlines() or ["failed"])[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default = os.path.join(BENCH_VENV, "bin", "python")
    parser.add_argument("--python", default=default if os.path.exists(default) else sys.executable,
                        help="the python that runs famsock and pyroute2 (default: .venv-bench's, if any)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--events", type=int, default=5000, help="address events for the monitor run")
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("needs root: it makes a network namespace", file=sys.stderr)
        return 2
    report(measure(args.python, args.rounds, args.events), args)
    return 0


def measure(python: str, rounds: int, events_count: int) -> dict[str, Any]:
    """Every figure, in a namespace made for the run and deleted after it."""
    famsock_python = python if has_module(python, "famsock_netlink") is None else sys.executable
    no_pyroute2 = has_module(python, "pyroute2")
    namespace = f"fsbench-{os.getpid()}"
    work = tempfile.mkdtemp(prefix=f"{namespace}-")
    results: dict[str, Any] = {"python": {"famsock": famsock_python, "pyroute2": python}}
    try:
        prepare(namespace, work)
        results["famsock"] = in_namespace(namespace, famsock_python, FAMSOCK_DUMP, str(rounds))
        results["ip -j addr"] = time_ip(namespace, rounds)
        if no_pyroute2 is None:
            results["pyroute2"] = in_namespace(namespace, python, PYROUTE2_DUMP, str(rounds))
        else:
            results["pyroute2"] = {"skipped": f"{python} has no pyroute2 ({no_pyroute2})"}
        events = [f"address add {ipv4(i, 0xC6130000 + 256)}/32 dev bv1" for i in range(events_count)]
        batch = write_batch(os.path.join(work, "events.batch"), events)
        undo = write_batch(os.path.join(work, "undo.batch"),
                           [line.replace("address add", "address del", 1) for line in events])
        results["famsock monitor"] = in_namespace(namespace, famsock_python, FAMSOCK_MONITOR, batch,
                                                  str(events_count))
        if no_pyroute2 is None:
            ip("-batch", undo, namespace=namespace)
            results["pyroute2 monitor"] = in_namespace(namespace, python, PYROUTE2_MONITOR, batch,
                                                       str(events_count))
    finally:
        subprocess.run(["ip", "netns", "delete", namespace], check=False)
        shutil.rmtree(work, ignore_errors=True)
    return results


class Row(NamedTuple):
    """A figure for bench/bench.py: famsock's rate over another's (best rounds: low = high)."""

    name: str
    ratio: float
    low: float
    high: float
    goal: float | None


def rows(rounds: int = 5) -> list[Row] | str:
    """The dump's and the monitor's figures against pyroute2 (goal 3x for the dump) and the dump's
    against ``ip -j addr``; or why there are none."""
    if os.geteuid() != 0:
        return "skipped: needs root (it makes a network namespace)"
    default = os.path.join(BENCH_VENV, "bin", "python")
    results = measure(default if os.path.exists(default) else sys.executable, rounds, 5000)

    def rate(name: str, count: str) -> float | None:
        figures = results.get(name, {})
        return None if count not in figures else float(figures[count]) / float(figures["seconds"])

    made = []
    for other, count, title, goal in (("pyroute2", "objects", "dump of 10,000 addresses vs pyroute2", 3.0),
                                      ("ip -j addr", "objects", "dump of 10,000 addresses vs ip", None),
                                      ("pyroute2 monitor", "events", "monitor events/s vs pyroute2", None)):
        mine, theirs = rate("famsock monitor" if "monitor" in other else "famsock", count), rate(other, count)
        if mine is not None and theirs is not None:
            ratio = mine / theirs
            made.append(Row(f"netlink {title}", ratio, ratio, ratio, goal))
    return made or f"skipped: {results['pyroute2'].get('skipped', 'no figures')}"


def report(results: dict[str, Any], args: argparse.Namespace) -> None:
    famsock = results["famsock"]
    rate = famsock["objects"] / famsock["seconds"]
    print(f"dump of {famsock['objects']} addresses, best of {args.rounds} ({args.python}):")
    for name in ("famsock", "pyroute2", "ip -j addr"):
        figures = results[name]
        if "skipped" in figures:
            print(f"  {name:<17} skipped: {figures['skipped']}")
            continue
        own = figures["objects"] / figures["seconds"]
        version = f" {figures['version']}" if "version" in figures else ""
        print(f"  {name + version:<17} {figures['seconds'] * 1000:8.1f} ms  {own:10,.0f} objects/s  famsock "
              f"= {rate / own:5.2f}x")
    for name in ("famsock", "pyroute2"):
        figures = results[name]
        if "rss_before" in figures:
            print(f"  {name} RSS while streaming: before {figures['rss_before'] / 1024:,.0f} KiB, peak "
                  f"{figures['rss_peak'] / 1024:,.0f} KiB, after {figures['rss_after'] / 1024:,.0f} KiB")
    growth = famsock["list_rss_growth"] / 1024
    print(f"  (famsock keeping the dump in a list instead grows RSS by {growth:,.0f} "
          f"KiB for {famsock['kept']} objects)")
    for name in ("famsock monitor", "pyroute2 monitor"):
        if name in results:
            figures = results[name]
            if "error" in figures:
                print(f"{name}: failed: {figures['error']}")
                continue
            print(f"{name}: {figures['events']} queued address events read and decoded in "
                  f"{figures['seconds'] * 1000:.1f} ms: {figures['events'] / figures['seconds']:,.0f} "
                  "events/s")
    print(json.dumps(results))


if __name__ == "__main__":
    sys.exit(main())
