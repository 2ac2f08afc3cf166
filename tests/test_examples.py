"""The third-party families in examples/, each a distribution of its own, used as their users would.

They are not installed by ./dev: here each is built into a wheel and installed with pip into a
throw-away environment that holds famsock and famsock-inet (tests/examples_env.py). There,
``famsock families`` lists each with its distribution, its own test suite passes (``pytest`` in
its directory: famsock.testing's codec kit and kernel kit, and its kernel tests), the CLI uses it,
and ``pip uninstall`` takes it off the list. The environment is built once for the module.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import re
import select
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.examples_env import ROOT, ExampleEnv, build_env, files_from_guide

#: distribution -> (family name, AF constant, number)
EXAMPLES = {
    "famsock-packet": ("packet", "AF_PACKET", 17),
    "famsock-xdp": ("xdp", "AF_XDP", 44),
    "famsock-vsock": ("vsock", "AF_VSOCK", 40),
}


def _build_tools_problem() -> str:
    """Why setuptools here cannot build the examples' wheels offline, or "": their license is an
    SPDX expression, which setuptools reads from 77 on (which also builds wheels itself)."""
    try:
        version = importlib.metadata.version("setuptools")
    except importlib.metadata.PackageNotFoundError:
        return "setuptools is not installed"
    if int(re.findall(r"\d+", version)[0]) >= 77:
        return ""
    return (f"setuptools {version} cannot build them: ./dev's TEST_TOOLS needs \"setuptools>=77\" "
            "(tests build offline, so pip cannot fetch build tools)")


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> ExampleEnv:
    problem = _build_tools_problem()
    if problem:
        pytest.fail(f"cannot build the examples' distributions: {problem}")
    made = build_env(tmp_path_factory.mktemp("examples"))
    made.install(*(made.wheel(name) for name in EXAMPLES))
    return made


def _families(env: ExampleEnv) -> dict[str, dict[str, Any]]:
    done = env.run("famsock", "families", "--json", timeout=60)
    assert done.returncode == 0, done.stderr
    return {row["plugin"]: row for row in map(json.loads, done.stdout.splitlines())}


def test_families_lists_each_example_with_its_distribution(env: ExampleEnv) -> None:
    rows = _families(env)
    assert set(rows) == {"inet", *(name for name, _, _ in EXAMPLES.values())}  # nothing else here
    for distribution, (name, constant, number) in EXAMPLES.items():
        row = rows[name]
        assert (row["family"], row["constant"], row["number"], row["distribution"], row["version"],
                row["status"], row["available"]) == (
            name, constant, number, distribution, "0.1.0", "loaded", True)
    table = env.run("famsock", "families", timeout=60).stdout
    line = r"^packet +AF_PACKET = 17 +famsock-packet 0\.1\.0 +loaded +available$"
    assert re.search(line, table, re.MULTILINE), table


@pytest.mark.parametrize("distribution", list(EXAMPLES))
def test_its_own_tests_pass_where_it_is_installed(env: ExampleEnv, distribution: str) -> None:
    """``pytest`` in the example's directory (a copy: the checkout stays clean), against the
    installed package; the suites run in private network namespaces of their own."""
    done = env.run("pytest", "-q", "-p", "no:cacheprovider", cwd=env.source(distribution), timeout=600)
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    passed = re.search(r"(\d+) passed", summary)
    assert passed and int(passed.group(1)) >= 50, summary
    assert "failed" not in summary and "error" not in summary, summary
    package = distribution.replace("-", "_")
    imported = env.run("python", "-c", f"import {package}; print({package}.__file__)", cwd=Path("/"))
    assert str(env.root / "venv") in imported.stdout, imported  # the installed package, not the sources


def test_famsock_echo_speaks_a_third_party_family(env: ExampleEnv) -> None:
    done = env.run("famsock", "echo", "--family", "packet", "--path", "both", timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("packet ")]
    assert len(lines) == 2
    for line, path in zip(lines, ("native", "raw"), strict=True):
        assert "packet:lo:0x88b5:host:772:00:00:00:00:00:00" in line and "12 bytes echoed" in line
        assert f"({path} path)" in line


def test_famsock_echo_says_why_it_skips_the_others(env: ExampleEnv) -> None:
    done = env.run("famsock", "echo", "--family", "xdp", "--family", "vsock", timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    for name in ("xdp", "vsock"):
        assert f"{name:<8} skipped: the plugin offers no loopback address to echo over" in done.stdout


def test_the_cli_listens_on_a_third_party_family(env: ExampleEnv) -> None:
    """``famsock serve`` on AF_VSOCK; ``famsock connect`` to it gets the kernel's answer (no vsock
    loopback here: ENODEV), as one line and status 1."""
    cid = env.run("python", "-c", "import famsock_vsock; print(famsock_vsock.local_cid())", cwd=Path("/"))
    if cid.returncode:
        pytest.skip(f"no vsock transport gives this machine a CID: {cid.stderr.strip().splitlines()[-1]}")
    server = subprocess.Popen([str(env.bin / "famsock"), "serve", "vsock:any:any"], stderr=subprocess.PIPE,
                              env=env.environ(), cwd="/")
    try:
        assert server.stderr is not None
        ready, _, _ = select.select([server.stderr], [], [], 30)
        assert ready, "famsock serve said nothing"
        line = server.stderr.readline().decode().strip()
        match = re.fullmatch(r"famsock serve: listening on vsock:any:(\d+) \(stream\)", line)
        assert match, line
        target = f"vsock:{cid.stdout.strip()}:{match.group(1)}"
        done = env.run("famsock", "connect", target, timeout=60)
        assert (done.returncode, done.stdout) == (1, "")
        assert done.stderr == (f"famsock connect: cannot connect to {target} (stream): "
                               "No such device (ENODEV)\n")
        server.send_signal(signal.SIGTERM)
        assert server.wait(30) == 0
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(30)
        server.stderr.close()  # type: ignore[union-attr]


def test_the_families_text_forms_work_in_any_program(env: ExampleEnv) -> None:
    program = ("import famsock; "
               "print(famsock.address_to_text(famsock.address_from_text('vsock:any:1234'))); "
               "print(repr(famsock.address_from_text('xdp:1:0:copy'))); "
               "print(famsock.encode(famsock.address_from_text('packet:lo:0x0800')).hex())")
    done = env.run("python", "-c", program, cwd=Path("/"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["vsock:any:1234", "(1, 0, 2, 0)",
                                        "1100080001000000000000000000000000000000"]


def test_uninstalling_takes_each_off_the_list(env: ExampleEnv) -> None:
    """One at a time: ``pip uninstall`` removes the family from discovery, the others stay."""
    remaining = {name for name, _, _ in EXAMPLES.values()}
    try:
        for distribution, (name, _, _) in EXAMPLES.items():
            done = env.pip("uninstall", "--yes", distribution)
            assert done.returncode == 0, done.stdout + done.stderr
            remaining.discard(name)
            rows = _families(env)
            assert name not in rows and remaining <= set(rows), (name, sorted(rows))
            program = f"import famsock; famsock.address_from_text('{name}:1:0')"
            gone = env.run("python", "-c", program, cwd=Path("/"))
            assert gone.returncode == 1
            assert f"no famsock family named '{name}'" in gone.stderr.strip().splitlines()[-1]
    finally:
        env.install(*(env.wheel(distribution) for distribution in EXAMPLES))
    assert {name for name, _, _ in EXAMPLES.values()} <= set(_families(env))


def test_the_guides_family_passes_the_kits(env: ExampleEnv, tmp_path: Path) -> None:
    """docs/plugins.md, followed alone: the files it shows make a distribution that installs, is
    listed, and passes both kits (its kernel checks skip where the kernel has no AF_QIPCRTR)."""
    written = files_from_guide(tmp_path / "famsock-qrtr")
    names = {str(path.relative_to(tmp_path / "famsock-qrtr")) for path in written}
    assert {"pyproject.toml", "famsock_qrtr/__init__.py", "tests/test_codec_kit.py",
            "tests/test_conformance.py", "tests/vectors/sockaddr_qrtr.c"} <= names, names
    # the code the guide shows type-checks, strictly, against this famsock
    checked = subprocess.run([sys.executable, "-m", "mypy", "--strict", "famsock_qrtr"],
                             cwd=tmp_path / "famsock-qrtr", capture_output=True, text=True, timeout=300,
                             env={**os.environ, "MYPYPATH": str(ROOT)})  # editable installs' finders hide it
    assert checked.returncode == 0, checked.stdout[-3000:]
    built = env.pip("wheel", "--quiet", "--no-index", "--no-deps", "--no-build-isolation", "--wheel-dir",
                    tmp_path / "wheels", tmp_path / "famsock-qrtr")
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "wheels").glob("famsock_qrtr-*.whl")
    env.install(wheel)
    try:
        assert _families(env)["qrtr"]["distribution"] == "famsock-qrtr"
        done = env.run("pytest", "-q", "-p", "no:cacheprovider", cwd=tmp_path / "famsock-qrtr", timeout=300)
        assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
        passed = re.search(r"(\d+) passed", done.stdout)
        assert passed and int(passed.group(1)) >= 50, done.stdout[-500:]
    finally:
        assert env.pip("uninstall", "--yes", "famsock-qrtr").returncode == 0
