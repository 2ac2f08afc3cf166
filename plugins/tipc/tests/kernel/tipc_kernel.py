"""Helpers the TIPC kernel tests share (fixtures are in conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

AF_TIPC = 30
SOL_TIPC = 271
BOUNDED = 10.0  # seconds any one blocking call in these tests may take


def same_error(call: Callable[[], Any], stdlib_call: Callable[[], Any]) -> Exception:
    """Both calls raise, of the same type and errno; famsock's exception is returned."""
    ours = theirs = None
    try:
        call()
    except Exception as exc:
        ours = exc
    try:
        stdlib_call()
    except Exception as exc:
        theirs = exc
    assert ours is not None and theirs is not None, (ours, theirs)
    assert type(ours) is type(theirs), (ours, theirs)
    assert getattr(ours, "errno", None) == getattr(theirs, "errno", None), (ours, theirs)
    return ours


def connect_and_accept(server: Any, client: Any, address: Any) -> tuple[Any, Any]:
    """``server.accept()`` of ``client.connect(address)``. A TIPC connect() returns only once
    the server has accepted (accept() sends the connection's first message), so the client
    connects on a thread while this one accepts."""
    with ThreadPoolExecutor(1) as pool:
        connecting = pool.submit(client.connect, address)
        try:
            accepted = server.accept()
        finally:
            connecting.result(timeout=2 * BOUNDED)
    return accepted  # type: ignore[no-any-return]
