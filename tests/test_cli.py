"""The famsock command: `families`, `echo` (the project's main job) and plugins' commands, as a user
runs them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.wheels import build_wheel, install


def famsock(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "famsock", *args], capture_output=True, text=True,
                          timeout=60)


def test_families_lists_inet_as_loaded_and_available() -> None:
    result = famsock("families")
    assert result.returncode == 0, result.stderr
    header, *rows = result.stdout.splitlines()
    assert header.split() == ["FAMILY", "AF", "DISTRIBUTION", "STATUS", "KERNEL"]
    inet = next(row for row in rows if row.startswith("inet "))
    assert inet.split() == ["inet", "AF_INET", "=", "2", "famsock-inet", "0.1.0", "loaded", "available"]


def test_families_json() -> None:
    rows = [json.loads(line) for line in famsock("families", "--json").stdout.splitlines()]
    inet = next(row for row in rows if row["family"] == "inet")
    assert inet | {"version": "?"} == {
        "plugin": "inet", "distribution": "famsock-inet", "version": "?", "family": "inet", "number": 2,
        "constant": "AF_INET", "status": "loaded", "reason": "", "available": True, "availability": "",
        "summary": "IPv4: (host, port)"}


def test_echo_over_inet_on_both_paths() -> None:
    result = famsock("echo", "--family", "inet", "--path", "both")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("inet ")]
    assert len(lines) == 2
    for line, path in zip(lines, ("native", "raw"), strict=True):
        assert "inet:127.0.0.1:" in line and "12 bytes echoed" in line and f"({path} path)" in line


FIRST_PARTY = {"inet": "inet:127.0.0.1:", "inet6": "inet6:[::1]:", "unix": "unix:@famsock-"}


def test_families_lists_every_first_party_family() -> None:
    rows = [json.loads(line) for line in famsock("families", "--json").stdout.splitlines()]
    found = {row["family"]: (row["status"], row["available"]) for row in rows}
    for name in FIRST_PARTY:
        assert found[name] == ("loaded", True), name


def test_echo_over_every_family_by_default() -> None:
    result = famsock("echo", "--message", "another message")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = {line.split()[0]: line for line in result.stdout.splitlines()}
    for name, server in FIRST_PARTY.items():
        assert server in lines[name], lines[name]
        assert "15 bytes echoed" in lines[name]
    assert "FAILED" not in result.stdout


def test_echo_follows_the_environments_path() -> None:
    result = subprocess.run([sys.executable, "-m", "famsock", "echo", "--family", "inet"],
                            capture_output=True, text=True, timeout=60,
                            env={**os.environ, "FAMSOCK_SYSCALL_PATH": "raw"})
    assert result.returncode == 0, result.stderr
    assert "(raw path)" in result.stdout


def test_echo_of_an_unknown_family_fails() -> None:
    result = famsock("echo", "--family", "nosuch")
    assert result.returncode == 1
    assert "nosuch   FAILED: no such family installed" in result.stdout


def test_version() -> None:
    result = famsock("--version")
    assert result.stdout.strip() == "famsock 0.1.0 (plugin contract 2)"


# A plugin distribution adding `famsock hello`, installed with pip as a user would.
HELLO_PLUGIN = """
    from famsock.contract import Command, hookimpl
    famsock_contract = 2

    def configure(parser):
        parser.add_argument("--name", default="world")

    def run(arguments):
        print(f"hello, {arguments.name}")
        return 3

    @hookimpl
    def famsock_commands():
        return [Command("hello", "greet someone", configure, run)]
"""


@pytest.fixture(scope="module")
def hello_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("hello")
    wheel = build_wheel(work, "famsock-hello", "1.0", {"famsock_hello.py": textwrap.dedent(HELLO_PLUGIN)},
                        {"famsock.families": {"hello": "famsock_hello"}})
    install(work / "site", [wheel])
    return work / "site"


def test_a_plugins_command_shows_in_help_and_runs(hello_site: Path) -> None:
    environment = {**os.environ, "PYTHONPATH": str(hello_site)}
    shown = subprocess.run([sys.executable, "-m", "famsock", "--help"], capture_output=True, text=True,
                           timeout=60, env=environment)
    assert shown.returncode == 0, shown.stderr
    assert re.search(r"\{families,echo,relay,serve,connect,(\w+,)*hello(,\w+)*\}", shown.stdout)
    assert "greet someone (famsock-hello 1.0)" in shown.stdout
    ran = subprocess.run([sys.executable, "-m", "famsock", "hello", "--name", "famsock"], capture_output=True,
                         text=True, timeout=60, env=environment)
    assert (ran.returncode, ran.stdout, ran.stderr) == (3, "hello, famsock\n", "")
