"""The stdlib's own test suites of modules built on sockets, with famsock as the process's ``socket``.

Each suite runs twice in subprocesses (tests/stdlib_suites/runner.py): with the stdlib's
``socket``, and with ``sys.modules["socket"] = famsock`` set before anything imports it. Every
test that passes with the stdlib must pass with famsock; CPython's test_socket must pass whole
with famsock (the runner leaves out, with the reason, what cannot run here with the stdlib
either). The runs share a small pool: they mostly wait on sockets and timers, so on two cores
three at a time take about half the time of one at a time. The subprocesses inherit this
session's private network namespace. The counts per suite are printed at the end.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

RUNNER = Path(__file__).parent / "stdlib_suites" / "runner.py"
#: Longest first, so that the pool ends with the short ones (seconds measured here, stdlib mode).
SUITES = [
    "test.test_socket",  # 90
    "test.test_ssl",  # 55
    "test.test_asyncio.test_events",  # 22
    "test.test_logging",  # 15
    "test.test_selectors",  # 16
    "test.test_imaplib",  # 13
    "test.test_ftplib",  # 11
    "test.test_asyncio.test_sendfile",  # 11
    "test.test_poplib",  # 8
    "test.test_httplib",  # 3
    "test.test_httpservers",  # 3
    "test.test_asyncio.test_sock_lowlevel",  # 3
    "test.test_xmlrpc",  # 3
    "test.test_socketserver",  # 2
    "test.test_smtplib",  # 2
    "test.test_urllib2_localnet",  # 2
    "test.test_asyncio.test_streams",  # 1
    "test.test_asyncio.test_unix_events",  # 1
    "test.test_wsgiref",  # 1
]
WHOLE = {"test.test_socket"}  # must pass whole with famsock, not only where the stdlib passes
MODES = ("stdlib", "famsock")
WORKERS = int(os.environ.get("FAMSOCK_STDLIB_SUITE_WORKERS", "3"))
SUITE_SECONDS = 900  # one suite in one mode; test_socket takes ~100 s here


@dataclass(frozen=True)
class Run:
    outcomes: dict[str, str]  # test id -> pass | fail | error | skip
    log: str  # the tail of unittest's report
    seconds: float


_running: set[subprocess.Popen[bytes]] = set()  # killed at teardown should the session stop early


def _run(suite: str, mode: str, directory: Path) -> Run:
    """One suite in one mode, in its own session (so that a timeout kills its children too)."""
    directory.mkdir(parents=True)
    output, log = directory / "outcomes.json", directory / "log.txt"
    started = time.monotonic()
    with log.open("wb") as stream:
        process = subprocess.Popen([sys.executable, str(RUNNER), mode, str(output), suite], cwd=directory,
                                   stdin=subprocess.DEVNULL, stdout=stream, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        _running.add(process)
        try:
            process.wait(timeout=SUITE_SECONDS)
        except subprocess.TimeoutExpired:
            _kill(process)
            raise AssertionError(f"{suite} ({mode}) did not finish in {SUITE_SECONDS} s; "
                                 f"log: {log}\n{_tail(log)}") from None
        finally:
            _running.discard(process)
    seconds = time.monotonic() - started
    if not output.exists():
        raise AssertionError(f"{suite} ({mode}) exited with {process.returncode} and no outcomes; "
                             f"log: {log}\n{_tail(log)}")
    return Run(json.loads(output.read_text()), _tail(log), seconds)


def _kill(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _tail(log: Path, lines: int = 60) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def _available(suite: str) -> bool:
    try:
        return importlib.util.find_spec(suite) is not None
    except ModuleNotFoundError:  # no `test` package: a distribution that strips it
        return False


@pytest.fixture(scope="module")
def runs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[dict[tuple[str, str], Future[Run]]]:
    """Every selected suite in both modes, started at once on a pool of WORKERS."""
    selected = [item.callspec.params["suite"] for item in request.session.items
                if isinstance(item, pytest.Function) and item.module is request.module
                and hasattr(item, "callspec")]
    root = tmp_path_factory.mktemp("stdlib-suites")
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = {(suite, mode): pool.submit(_run, suite, mode, root / f"{suite}.{mode}")
                   for suite in SUITES if suite in selected and _available(suite) for mode in MODES}
        try:
            yield futures
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
            for process in list(_running):
                _kill(process)
    _report(request, futures, time.monotonic() - started)


def _report(request: pytest.FixtureRequest, futures: dict[tuple[str, str], Future[Run]],
            seconds: float) -> None:
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None:
        return
    with capture.global_and_fixture_disabled() if capture is not None else contextlib.nullcontext():
        _write(reporter, futures, seconds)


def _write(reporter: Any, futures: dict[tuple[str, str], Future[Run]], seconds: float) -> None:
    reporter.write_line("")
    reporter.write_line(f"stdlib suites with famsock as the socket module ({WORKERS} at a time, "
                        f"{seconds:.0f} s wall):")
    reporter.write_line(f"  {'suite':<38} {'both':>5} {'stdlib-only':>11} {'famsock-only':>12} "
                        f"{'skipped':>7}  seconds (stdlib/famsock)")
    for suite in SUITES:
        done = [futures.get((suite, mode)) for mode in MODES]
        if not all(f is not None and f.done() and not f.cancelled() and f.exception() is None
                   for f in done):
            continue
        stdlib, famsock = (f.result() for f in done if f is not None)
        counts = _counts(stdlib, famsock)
        reporter.write_line(f"  {suite:<38} {counts['both']:>5} {counts['stdlib-only']:>11} "
                            f"{counts['famsock-only']:>12} {counts['skipped']:>7}  "
                            f"{stdlib.seconds:.0f}/{famsock.seconds:.0f}")


def _counts(stdlib: Run, famsock: Run) -> dict[str, int]:
    ids = stdlib.outcomes.keys() | famsock.outcomes.keys()
    passed_by = {mode: {t for t in ids if run.outcomes.get(t) == "pass"}
                 for mode, run in (("stdlib", stdlib), ("famsock", famsock))}
    return {
        "both": len(passed_by["stdlib"] & passed_by["famsock"]),
        "stdlib-only": len(passed_by["stdlib"] - passed_by["famsock"]),
        "famsock-only": len(passed_by["famsock"] - passed_by["stdlib"]),
        "skipped": sum(1 for outcome in stdlib.outcomes.values() if outcome == "skip"),
    }


@pytest.mark.parametrize("suite", SUITES)
def test_famsock_passes_what_the_stdlib_passes(suite: str, runs: dict[tuple[str, str], Future[Run]]) -> None:
    if not _available(suite):
        pytest.skip(f"{suite} is not installed with this Python")
    stdlib, famsock = runs[(suite, "stdlib")].result(), runs[(suite, "famsock")].result()
    assert any(outcome == "pass" for outcome in stdlib.outcomes.values()), (
        f"{suite} passed nothing with the stdlib:\n{stdlib.log}")
    lost = sorted(t for t, outcome in stdlib.outcomes.items()
                  if outcome == "pass" and famsock.outcomes.get(t) != "pass")
    assert not lost, (f"{suite}: {len(lost)} tests pass with the stdlib but not with famsock: {lost}\n"
                      f"{famsock.log}")
    if suite in WHOLE:
        failed = sorted(t for t, outcome in famsock.outcomes.items() if outcome in ("fail", "error"))
        assert not failed, (f"{suite} must pass whole with famsock (tests that fail here with "
                            f"the stdlib too belong in runner.EXCLUDED, with the reason): {failed}\n"
                            f"{famsock.log}")
