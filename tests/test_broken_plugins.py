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
from wheels import build_wheel

GROUP = "famsock.families"

# A plugin claiming AF 2 under another name, reusing famsock-inet's functions.
DUPLICATE_INET = """
    import dataclasses
    import famsock_inet
    from famsock.contract import hookimpl
    famsock_contract = 1

    @hookimpl
    def famsock_families():
        return [dataclasses.replace(famsock_inet.FAMILY, name="inet_twin")]
"""

BROKEN = {
    "famsock-broken-import": ("broken_import", "import no_such_dependency_xyz\n",
                              "failed: ModuleNotFoundError: No module named 'no_such_dependency_xyz'"),
    "famsock-raising-hook": ("raising_hook", """
        from famsock.contract import hookimpl
        famsock_contract = 1

        @hookimpl
        def famsock_families():
            raise RuntimeError("cannot read /etc/fantasy.conf")
    """, "famsock_families() raised RuntimeError: cannot read /etc/fantasy.conf"),
    "famsock-bad-registration": ("bad_registration", """
        import famsock_inet, dataclasses
        from famsock.contract import hookimpl
        famsock_contract = 1

        @hookimpl
        def famsock_families():
            twin = dataclasses.replace(famsock_inet.FAMILY, name="twin", number=251, constant="AF_TWIN")
            return [twin, dataclasses.replace(twin, name="twin_again")]
    """, "repeats 251 of family 'twin'"),
    "famsock-old-contract": ("old_contract", "famsock_contract = 0\n",
                             "was written for famsock contract 0"),
}


def install(target: Path, wheels: list[Path]) -> None:
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-index", "--no-deps",
                    "--disable-pip-version-check", "--target", str(target), *map(str, wheels)],
                   check=True, capture_output=True, text=True)


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
