"""``famsock netlink``: the plugin's command through the contract's Command hook."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import time

import pytest
from conftest import NamespaceLab

from famsock.cli import main

pytestmark = pytest.mark.family("netlink")


def run(*arguments: str) -> tuple[int, str]:
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        status = main(list(arguments))
    return status, output.getvalue()


def test_the_command_is_registered_and_lists_its_actions() -> None:
    with pytest.raises(SystemExit), contextlib.redirect_stdout(io.StringIO()) as shown:
        main(["netlink", "--help"])
    assert all(action in shown.getvalue() for action in ("links", "addrs", "family", "monitor"))


def test_links_and_addrs_in_this_namespace() -> None:
    status, text = run("netlink", "links")
    assert status == 0
    assert text.splitlines()[0].split() == ["INDEX", "NAME", "STATE", "MTU", "ADDRESS", "FLAGS"]
    assert " lo " in text
    status, text = run("netlink", "addrs", "--json")
    assert status == 0
    assert {"127.0.0.1", "::1"} <= {a.get("local", a.get("address")) for a in json.loads(text)}


def test_an_unknown_family_fails_with_the_kernels_errno() -> None:
    output = io.StringIO()
    with contextlib.redirect_stderr(output):
        status, _ = run("netlink", "family", "no-such-family")
    assert status == 1 and "No such file or directory" in output.getvalue()


def _subscribed(lab: NamespaceLab, pid: int) -> bool:
    """Whether process ``pid`` has a netlink socket with groups in the lab's namespace."""
    table = subprocess.run(["ip", "netns", "exec", lab.name, "cat", "/proc/net/netlink"], capture_output=True,
                           text=True, check=True, timeout=10).stdout.splitlines()[1:]
    return any(int(row.split()[2]) == pid and int(row.split()[3], 16) for row in table)


def test_monitor_prints_one_json_line_per_event(lab: NamespaceLab) -> None:
    with subprocess.Popen(["ip", "netns", "exec", lab.name, lab.program, "netlink", "monitor", "--json",
                           "--timeout", "20"], stdout=subprocess.PIPE, text=True) as monitor:
        try:
            deadline = time.monotonic() + 20
            while not _subscribed(lab, monitor.pid) and monitor.poll() is None:
                assert time.monotonic() < deadline, "the monitor never subscribed"
                time.sleep(0.05)
            lab.ip("link", "add", "clibr0", "type", "bridge")
            lab.ip("link", "del", "clibr0")
            assert monitor.stdout is not None
            events: list[dict[str, object]] = []
            while not any(e.get("message") == "dellink-ntf" and e.get("ifname") == "clibr0" for e in events):
                line = monitor.stdout.readline()
                assert line, "the monitor ended before the link was deleted"
                events.append(json.loads(line))
        finally:
            monitor.terminate()
    created = [e for e in events if e["message"] == "newlink-ntf" and e.get("ifname") == "clibr0"]
    assert created and created[0]["ifi-index"] == events[-1]["ifi-index"]
