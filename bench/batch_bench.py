"""UDP receive with famsock's batch API (recvmmsg into a DatagramBatch) against the stdlib's
recvfrom() loop: datagrams per second, side by side in one run.

    python bench/batch_bench.py [--rounds N] [--datagrams N] [--slots N]

Each round queues the same datagrams on a socket (untimed, by sendmmsg), then times receiving
all of them: the stdlib with ``recvfrom(2048)`` per datagram, famsock with ``recv_batch()`` of up
to ``--slots`` datagrams per call. Rounds alternate between the two sides; the ratio is the
median famsock rate over the median stdlib rate, with the spread of the per-round ratios, and
the ratio of the best rounds. Time is the receiving thread's CPU time by default (``--clock
cpu``): the datagrams are queued before the clock starts, so receiving them is all this thread's
work, and other processes on a shared machine do not count; ``--clock wall`` for elapsed time.

Variants of what famsock's side does with each batch (the stdlib's side always gets a bytes
object and an address per datagram, which is all recvfrom() can give):

- ``buffers``: nothing more: the data stays in the batch's memory, the lengths and flags in its
  arrays (a buffer-oriented consumer: parse in place, forward, checksum...);
- ``views``: also a memoryview of each datagram (``batch.datagrams(n)``);
- ``addresses``: also each sender, decoded by the family plugin (``batch.addresses(n)``).

Sockets are non-blocking on both sides (no poll on either: the same syscall path as blocking
sockets with data queued), so a datagram the kernel dropped ends the round with an error
instead of a hang. The AF_UNIX pair is connected both ways: an AF_UNIX datagram socket queues
at most ``net.unix.max_dgram_qlen`` datagrams (10 by default) from a sender it is not connected
to. bench/bench.py calls :func:`rows`.
"""

from __future__ import annotations

import argparse
import os
import platform
import socket as stdlib
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

import famsock
import famsock.testing

SIZE = 2048  # the receive size on both sides
CLOCKS = {"cpu": time.thread_time, "wall": time.perf_counter}
_clock = CLOCKS["cpu"]
VARIANTS = ("buffers", "views", "addresses")
_FAMILIES = {"inet": (stdlib.AF_INET, "127.0.0.1"), "inet6": (stdlib.AF_INET6, "::1"),
             "unix": (stdlib.AF_UNIX, None)}


class Figure(NamedTuple):
    """One figure: the median rates (datagrams per second) and their ratio, with the spread."""

    name: str
    ratio: float
    best: float  # the best famsock round's rate over the best stdlib round's
    low: float  # the lowest and highest per-round ratio
    high: float
    stdlib_rate: float
    famsock_rate: float


def _local(family: str) -> Any:
    number, host = _FAMILIES[family]
    return (host, 0) if number != stdlib.AF_UNIX else b"\0famsock-batch-bench-" + uuid.uuid4().hex.encode()


@contextmanager
def _receiver(family: str, payload: int) -> Iterator[tuple[famsock.socket, Callable[[int], None]]]:
    """A famsock receiving socket and a function that queues that many datagrams on it."""
    number = _FAMILIES[family][0]
    receiver = famsock.socket(number, stdlib.SOCK_DGRAM)
    sender = famsock.socket(number, stdlib.SOCK_DGRAM)
    try:
        receiver.setsockopt(stdlib.SOL_SOCKET, stdlib.SO_RCVBUF, 1 << 22)  # the kernel caps them
        sender.setsockopt(stdlib.SOL_SOCKET, stdlib.SO_SNDBUF, 1 << 22)  # AF_UNIX: the queue's room
        receiver.bind(_local(family))
        sender.bind(_local(family))
        sender.connect(receiver.getsockname())
        if number == stdlib.AF_UNIX:
            # Connected both ways: the kernel then bounds an AF_UNIX receiver's queue by the
            # sender's buffer only, not by net.unix.max_dgram_qlen (10 datagrams by default).
            # A UDP receiver stays unconnected, as a server's socket is.
            receiver.connect(sender.getsockname())
        receiver.setblocking(False)
        outgoing = [bytes([index % 256]) * payload for index in range(1024)]

        def fill(datagrams: int) -> None:
            left = datagrams
            while left:
                left -= sender.send_batch(outgoing, min(left, len(outgoing)))

        yield receiver, fill
    finally:
        receiver.close()
        sender.close()


def _round(fill: Callable[[int], None], receive: Callable[[int], float], datagrams: int, limit: int) -> float:
    """Seconds to receive ``datagrams``, queued ``limit`` at a time (the fills are not timed)."""
    seconds, left = 0.0, datagrams
    while left:
        chunk = min(left, limit)
        fill(chunk)
        seconds += receive(chunk)
        left -= chunk
    return seconds


def _stdlib_receive(plain: stdlib.socket, datagrams: int) -> float:
    """Seconds to receive ``datagrams`` with the stdlib's recvfrom()."""
    receive = plain.recvfrom
    started = _clock()
    for _ in range(datagrams):
        receive(SIZE)
    return _clock() - started


def _famsock_receive(receiver: famsock.socket, batch: famsock.DatagramBatch, datagrams: int,
                     variant: str) -> float:
    receive = receiver.recv_batch
    left = datagrams
    if variant == "buffers":
        started = _clock()
        while left:
            left -= receive(batch)
        return _clock() - started
    if variant == "views":
        datagrams_of = batch.datagrams
        started = _clock()
        while left:
            got = receive(batch)
            datagrams_of(got)
            left -= got
        return _clock() - started
    addresses = batch.addresses
    started = _clock()
    while left:
        got = receive(batch)
        addresses(got)
        left -= got
    return _clock() - started


def udp_receive(family: str = "inet", path: str = "native", variant: str = "buffers", rounds: int = 15,
                datagrams: int = 1024, slots: int = 64, payload: int = 64) -> Figure:
    """The figure for one family, syscall path and variant: ``rounds`` interleaved rounds of
    ``datagrams`` datagrams of ``payload`` bytes each side, famsock taking ``slots`` per call."""
    limit = 1024  # 64-byte datagrams per fill: room to spare in 4 MB buffers
    with famsock.testing.syscall_path("auto" if path == "native" else "raw"), \
            _receiver(family, payload) as (receiver, fill), \
            stdlib.socket(fileno=os.dup(receiver.fileno())) as plain, \
            famsock.DatagramBatch(slots, SIZE) as batch:
        plain.setblocking(False)  # the stdlib's own socket on the same queue

        def theirs_receive(count: int) -> float:
            return _stdlib_receive(plain, count)

        def ours_receive(count: int) -> float:
            return _famsock_receive(receiver, batch, count, variant)

        _round(fill, theirs_receive, datagrams, limit)  # warm both sides
        _round(fill, ours_receive, datagrams, limit)
        theirs, ours = [], []
        for _ in range(rounds):
            theirs.append(datagrams / _round(fill, theirs_receive, datagrams, limit))
            ours.append(datagrams / _round(fill, ours_receive, datagrams, limit))
    ratios = [mine / other for mine, other in zip(ours, theirs, strict=True)]
    kind = "UNIX dgram receive" if family == "unix" else f"UDP receive, {family}"
    name = f"{kind}, batch ({variant}), {path} path"
    return Figure(name, statistics.median(ours) / statistics.median(theirs), max(ours) / max(theirs),
                  min(ratios), max(ratios), statistics.median(theirs), statistics.median(ours))


def rows(rounds: int = 15, datagrams: int = 1024, slots: int = 64) -> list[Figure]:
    """Every figure: the headline (inet, native path, buffers) first, then each family and
    path with buffers, then the other variants on inet."""
    figures = [udp_receive("inet", "native", "buffers", rounds, datagrams, slots)]
    for family in ("inet", "inet6", "unix"):
        for path in ("native", "raw"):
            if (family, path) != ("inet", "native"):
                figures.append(udp_receive(family, path, "buffers", rounds, datagrams, slots))
    for variant in VARIANTS[1:]:
        for path in ("native", "raw"):
            figures.append(udp_receive("inet", path, variant, rounds, datagrams, slots))
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=15, help="interleaved rounds per side (default 15)")
    parser.add_argument("--datagrams", type=int, default=1024, help="datagrams per round (default 1024)")
    parser.add_argument("--slots", type=int, default=64, help="datagrams per recv_batch() call (default 64)")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="cpu",
                        help="cpu: the receiving thread's CPU time (default); wall: elapsed time")
    args = parser.parse_args()
    global _clock
    _clock = CLOCKS[args.clock]
    print("famsock batch receive vs stdlib recvfrom loop: ratio = famsock datagrams/s / stdlib's; "
          "goal >= 1.5")
    print(f"python {platform.python_version()}, {platform.system()} {platform.release()}, "
          f"{os.cpu_count()} CPUs, median of {args.rounds} interleaved rounds of {args.datagrams} "
          f"datagrams of 64 bytes, {args.slots} per call, {args.clock} time")
    print()
    print(f"{'figure':<52} {'ratio':>6} {'spread':>11} {'best':>5} {'stdlib/s':>10} {'famsock/s':>10}")
    for figure in rows(args.rounds, args.datagrams, args.slots):
        print(f"{figure.name:<52} {figure.ratio:>6.2f} {figure.low:>5.2f}-{figure.high:<5.2f} "
              f"{figure.best:>5.2f} {figure.stdlib_rate:>10,.0f} {figure.famsock_rate:>10,.0f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
