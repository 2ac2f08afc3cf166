"""``famsock tipc`` on a kernel without AF_TIPC: a one-line error and exit status 1, not a traceback
(the kernel tests, in a guest that has TIPC, cover the commands' work)."""

from __future__ import annotations

import pytest

import famsock
from famsock.cli import main


def _tipc_missing() -> OSError | None:
    try:
        famsock.socket(famsock.AF_TIPC, famsock.SOCK_RDM).close()
    except OSError as exc:
        return exc
    return None


MISSING = _tipc_missing()
pytestmark = pytest.mark.skipif(MISSING is None, reason="this kernel has AF_TIPC")


@pytest.mark.parametrize(("arguments", "message"), [
    (["tipc", "watch", "1000", "--count", "1"], "famsock tipc watch: cannot reach the TIPC topology service"),
    (["tipc", "publish", "1000", "1"], "famsock tipc publish: cannot open an AF_TIPC socket"),
])
def test_a_command_says_why_it_cannot_start(arguments: list[str], message: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(arguments) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"{message}: {MISSING}\n"
