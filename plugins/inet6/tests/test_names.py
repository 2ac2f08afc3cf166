"""Host names, resolved by the C library from a hosts file of the test's own, as the stdlib does.

The machine's /etc/hosts has no IPv6 entries and DNS must not be asked, so a child process
runs in a private mount namespace with the test's hosts file bound over /etc/hosts (and in the
session's private network namespace, where any DNS query fails at once). It tries every case
on a stdlib and a famsock socket; the results must be equal.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

CHILD = Path(__file__).parent / "resolver_child.py"
HOSTS = """\
::1 famsock-v6
::ffff:127.0.0.1 famsock-multi
::1 famsock-multi
::ffff:127.0.0.1 famsock-mapped
::1 xn--bcher-kva.famsock.test
fe80::1 famsock-ll
127.0.0.2 famsock-v4
::1 famsock-moving
"""


def _resolve_in_child(tmp_path: Path, scope: int, mode: str) -> Any:
    unshare, mount = shutil.which("unshare"), shutil.which("mount")
    if unshare is None or mount is None:
        pytest.skip("needs unshare and mount (util-linux) for a private /etc/hosts")
    hosts = tmp_path / "hosts"
    hosts.write_text(HOSTS)
    script = f'{mount} --bind "$0" /etc/hosts && exec "$1" "$2" "$0" "$3"'
    done = subprocess.run(
        [unshare, "--mount", "--propagation", "private", "sh", "-c", script,
         str(hosts), sys.executable, str(CHILD), str(scope)],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "FAMSOCK_SYSCALL_PATH": mode},
    )
    if done.returncode != 0 and "unshare failed" in done.stderr:
        pytest.skip(f"no private mount namespace: {done.stderr.strip()}")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(params=["native", "raw"])
def report(request: pytest.FixtureRequest, tmp_path: Path, link_local: int) -> tuple[Any, int]:
    mode = "auto" if request.param == "native" else "raw"
    results = _resolve_in_child(tmp_path, link_local, mode)
    assert results["syscall-path"] == request.param
    return results, link_local


def test_every_name_resolves_as_in_the_stdlib(report: tuple[Any, int]) -> None:
    results, scope = report
    expected_successes = {
        "name": ["::1", 9, 0, 0],
        "name-as-bytes": ["::1", 9, 0, 0],
        "name-as-bytearray": ["::1", 9, 0, 0],
        "name-with-flowinfo": ["::1", 9, 0, 0],  # without IPV6_FLOWINFO_SEND, not kept
        "idna-name": ["::1", 9, 0, 0],
        "link-local-name-with-scope_id": ["fe80::1", 9, 0, scope],
        "bind-to-name": ["::1", 0, 0],
        "bind-to-mapped-name": ["::ffff:127.0.0.1", 0, 0],
    }
    cases = {name: outcome for name, outcome in results.items() if isinstance(outcome, dict)}
    assert len(cases) == 11
    for case, outcome in cases.items():
        assert outcome["famsock"] == outcome["stdlib"], case
    for case, address in expected_successes.items():
        assert cases[case]["famsock"] == address, case
    assert cases["link-local-name-without-scope"]["famsock"][:2] == ["error", "OSError"]
    assert cases["ipv4-only-name"]["famsock"][:2] == ["error", "gaierror"]


def test_the_first_result_is_taken(report: tuple[Any, int]) -> None:
    """getaddrinfo's first result (it sorts them, RFC 6724), not the hosts file's first line."""
    results, _ = report
    assert results["first-of-several"]["famsock"] == results["first-result"]


def test_names_in_the_text_form_and_never_cached(report: tuple[Any, int]) -> None:
    results, _ = report
    assert results["text-form"] == ["::1", 80, 0, 0]
    assert results["moving-name"] == [["::1", 9, 0, 0], ["::2", 9, 0, 0]]
