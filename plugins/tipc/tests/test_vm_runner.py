"""vm/tipc/run.py, the runner of the TIPC kernel tests, without a guest: which interpreter runs
pytest, how apt's answers are read, and the summary of counts ``./dev test`` shows."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[3]
RUNNER = ROOT / "vm" / "tipc" / "run.py"


@pytest.fixture(scope="module")
def run() -> ModuleType:
    spec = importlib.util.spec_from_file_location("famsock_tipc_vm_run", RUNNER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_pytest_runs_in_the_checkouts_venv_when_started_outside_one(run: ModuleType,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """``python3 vm/tipc/run.py test`` (a system Python, without famsock's plugins) ran pytest
    with that Python, and every TIPC test module failed to import famsock_tipc."""
    venv_python = ROOT / ".venv" / "bin" / "python"
    if not venv_python.exists():
        pytest.skip("no .venv in this checkout")
    monkeypatch.setattr(sys, "prefix", sys.base_prefix)
    assert run.test_python() == str(venv_python)
    monkeypatch.setattr(sys, "prefix", "/some/venv")
    assert run.test_python() == sys.executable


def test_an_apt_command_that_prints_nothing_succeeded(run: ModuleType,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """An apt-get that exits 0 quietly was taken for a failure: ``apt-get update``, then the
    guest reported unavailable."""
    updates: list[str] = []
    monkeypatch.setattr(run.Apt, "update", lambda self: updates.append("update"))
    apt = run.Apt()
    assert apt.run(sys.executable, "-c", "pass") == ""
    assert updates == []
    with pytest.raises(run.Unavailable, match="failed"):
        apt.run(sys.executable, "-c", "pass", output=True)  # apt-cache: no output is no answer
    assert updates == ["update"]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A JUnit report of pytest's own: one test passes, one fails, one skips, one errors."""
    directory = tmp_path_factory.mktemp("junit")
    (directory / "test_four.py").write_text(textwrap.dedent("""
        import pytest

        @pytest.fixture
        def broken():
            raise RuntimeError("setup")

        def test_passes(): pass
        def test_fails(): assert False
        def test_skips(): pytest.skip("why")
        def test_errors(broken): pass
    """))
    path = directory / "junit.xml"
    plugins = ["-p", "no:cacheprovider", "-p", "no:famsock", "-p", "no:hypothesispytest"]
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", *plugins, f"--junitxml={path}",
                           str(directory / "test_four.py")], cwd=directory, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    return path


def test_the_summary_counts_what_ran(run: ModuleType, report: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert run.junit_counts(report) == (4, 1, 1, 1)
    assert run.summarize(1, report, "in a test", require=True) == 1
    assert "TIPC kernel tests in a test: 1 passed, 1 failed, 1 errors, 1 skipped" in capsys.readouterr().err


def test_a_kernel_with_tipc_that_passes_nothing_fails(run: ModuleType, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    skipped = tmp_path / "junit.xml"
    skipped.write_text('<testsuites><testsuite name="pytest" tests="3" failures="0" errors="0" skipped="3"/>'
                       "</testsuites>")
    assert run.summarize(0, skipped, "here", require=True) == 1
    assert run.summarize(0, skipped, "skipped: no guest", require=False) == 0
    assert run.summarize(0, tmp_path / "missing.xml", "here", require=True) == 1
    assert "no report" in capsys.readouterr().err


def test_the_command_writes_to_a_pipe_as_on_the_host(run: ModuleType, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The guest's console is a terminal: pytest wrote terminal redraws ("collecting ...") into
    CI logs. Where the host's output is no terminal, the guest's command writes to a pipe, and
    its exit status still comes through."""
    monkeypatch.setattr(sys.stdout, "isatty", lambda: False)
    probe = ("import os, sys; print(os.isatty(1), os.environ.get('NO_COLOR'), "
             "os.environ.get('PYTHONUNBUFFERED')); sys.exit(7)")
    script = tmp_path / "guest.sh"
    script.write_text(run.guest_script([sys.executable, "-c", probe], tmp_path))
    primary, secondary = os.openpty()  # the console
    try:
        done = subprocess.run(["/bin/sh", str(script)], stdin=secondary, stdout=secondary, stderr=secondary,
                              timeout=60, check=False)
        os.close(secondary)
        output = b""
        while chunk := _read(primary):
            output += chunk
    finally:
        os.close(primary)
    assert done.returncode == 7
    assert b"False 1 1" in output, output  # unbuffered: lines come as the tests run


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 4096)
    except OSError:  # EIO: the terminal's other end is closed
        return b""
