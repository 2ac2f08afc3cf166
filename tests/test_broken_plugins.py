"""Broken plugin distributions, installed with pip next to famsock-inet.

Each is a real wheel installed into a directory on PYTHONPATH; famsock runs in a subprocess, as
an application would. inet must keep working and `famsock families` must show each broken one
with its reason.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from tests.wheels import build_wheel, install

GROUP = "famsock.families"

# A plugin claiming AF 2 under another name, reusing famsock-inet's functions.
DUPLICATE_INET = """
    import dataclasses
    import famsock_inet
    from famsock.contract import hookimpl
    famsock_contract = 2

    @hookimpl
    def famsock_families():
        return [dataclasses.replace(famsock_inet.FAMILY, name="inet_twin")]
"""

# A plugin written for contract 1, as famsock-inet 0.1 was: one hook, the text form in __str__,
# loopbacks on the Family, encode(address) without the socket's spec.
V1_PLUGIN = """
    import socket
    from famsock.contract import Family, Loopback, hookimpl
    famsock_contract = 1

    class LegacyAddress(tuple):
        def __str__(self):
            return f"legacy:{self[0]}"

    def parse(value, spec):
        return LegacyAddress((int(value),))

    def encode(address):
        return (251).to_bytes(2, "little") + address[0].to_bytes(2, "big")

    def decode(data, spec):
        return LegacyAddress((int.from_bytes(data[2:4], "big"),))

    @hookimpl
    def famsock_families():
        return [Family(name="legacy", number=251, constant="AF_LEGACY", address_type=LegacyAddress,
                       socket_types=frozenset({socket.SOCK_DGRAM}), parse=parse, encode=encode,
                       decode=decode, from_text=lambda text: LegacyAddress((int(text),)),
                       loopbacks=(Loopback(socket.SOCK_DGRAM, lambda: 0),))]
"""

BROKEN = {
    "famsock-broken-import": ("broken_import", "import no_such_dependency_xyz\n",
                              "failed: ModuleNotFoundError: No module named 'no_such_dependency_xyz'"),
    "famsock-raising-hook": ("raising_hook", """
        from famsock.contract import hookimpl
        famsock_contract = 2

        @hookimpl
        def famsock_families():
            raise RuntimeError("cannot read /etc/fantasy.conf")
    """, "famsock_families() raised RuntimeError: cannot read /etc/fantasy.conf"),
    "famsock-bad-registration": ("bad_registration", """
        import famsock_inet, dataclasses
        from famsock.contract import hookimpl
        famsock_contract = 2

        @hookimpl
        def famsock_families():
            twin = dataclasses.replace(famsock_inet.FAMILY, name="twin", number=251, constant="AF_TWIN")
            return [twin, dataclasses.replace(twin, name="twin_again")]
    """, "invalid registration: family 251 is registered twice by this plugin"),
    "famsock-old-contract": ("old_contract", "famsock_contract = 0\n",
                             "was written for famsock contract 0"),
    "famsock-legacy": ("legacy", V1_PLUGIN,
                       "was written for famsock contract 1; this famsock provides contract 2"),
}


def run(target: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(target), **env}
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=environment,
                          timeout=60)


def families(target: Path, **env: str) -> dict[str, dict[str, Any]]:
    result = run(target, "-m", "famsock", "families", "--json", **env)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    return {row["plugin"]: row for row in rows}


@pytest.fixture(scope="module")
def broken_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("broken")
    wheels = [build_wheel(work, dist, "1.0", {f"{module}.py": textwrap.dedent(source)},
                          {GROUP: {module: module}})
              for dist, (module, source, _) in BROKEN.items()]
    install(work / "site", wheels)
    return work / "site"


@pytest.fixture(scope="module")
def duplicate_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("duplicate")
    wheel = build_wheel(work, "famsock-inet-twin", "2.0", {"inet_twin.py": textwrap.dedent(DUPLICATE_INET)},
                        {GROUP: {"inet_twin": "inet_twin"}})
    install(work / "site", [wheel])
    return work / "site"


def test_families_lists_inet_loaded_and_each_broken_plugin_with_its_reason(broken_site: Path) -> None:
    rows = families(broken_site)
    assert rows["inet"]["status"] == "loaded"
    assert rows["inet"]["available"] is True
    for dist, (module, _, reason) in BROKEN.items():
        assert rows[module]["status"] == "broken", rows[module]
        assert rows[module]["distribution"] == dist
        assert reason in rows[module]["reason"]


def test_the_table_shows_the_reasons_too(broken_site: Path) -> None:
    result = run(broken_site, "-m", "famsock", "families")
    assert result.returncode == 0
    for _, (module, _, reason) in BROKEN.items():
        assert f"({module})" in result.stdout
        assert reason in result.stdout
    assert "skipped family plugin" in result.stderr  # the PluginWarnings


def test_inet_still_works_next_to_broken_plugins(broken_site: Path) -> None:
    result = run(broken_site, "-m", "famsock", "echo", "--family", "inet", "--path", "both")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("12 bytes echoed") == 2


def test_a_second_claim_to_af_inet_is_a_conflict_naming_both_distributions(duplicate_site: Path) -> None:
    rows = families(duplicate_site)
    assert rows["inet"]["status"] == rows["inet_twin"]["status"] == "conflict"
    assert "famsock-inet-twin 2.0" in rows["inet"]["reason"]
    code = "import famsock; s = famsock.socket(); s.bind(('127.0.0.1', 0))"
    result = run(duplicate_site, "-c", code)
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("famsock._errors.FamilyConflictError: [Errno 97] address family")
    assert "famsock-inet 0.1.0" in last and "famsock-inet-twin 2.0" in last


def test_blocking_one_of_the_claimants_resolves_the_conflict(duplicate_site: Path) -> None:
    rows = families(duplicate_site, FAMSOCK_BLOCK_PLUGINS="famsock-inet-twin")
    assert rows["inet"]["status"] == "loaded"
    assert rows["inet_twin"]["status"] == "blocked"
    result = run(duplicate_site, "-m", "famsock", "echo", "--family", "inet",
                 FAMSOCK_BLOCK_PLUGINS="inet_twin")
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_v1_plugin_is_reported_broken_with_the_reason(broken_site: Path) -> None:
    """Contract 1's plugins are refused before any of their hooks run, saying why."""
    why = "was written for famsock contract 1; this famsock provides contract 2"
    legacy = families(broken_site)["legacy"]
    assert (legacy["status"], legacy["distribution"], legacy["family"], legacy["reason"]) == (
        "broken", "famsock-legacy", None, why)
    code = textwrap.dedent("""
        import famsock
        try:
            famsock.address_from_text("legacy:1")
        except ValueError as exc:
            print(exc)
        print(famsock.address_to_text(famsock.parse_address("inet", ("127.0.0.1", 1))))
    """)
    result = run(broken_site, "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("'legacy:1': no famsock family named 'legacy'")
    assert result.stdout.splitlines()[1] == "inet:127.0.0.1:1"
    assert f"PluginWarning: famsock: skipped family plugin 'legacy' from famsock-legacy 1.0: {why}" in (
        result.stderr)
