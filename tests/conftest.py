"""Shared fixtures of the core's tests."""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from types import FrameType

import pytest

from tests.helpers import InterruptedByTestError


@pytest.fixture
def alarm() -> Iterator[Callable[[float, bool], list[int]]]:
    """Deliver SIGALRM after a delay; the handler records it and raises if asked."""
    previous = signal.getsignal(signal.SIGALRM)
    calls: list[int] = []

    def arm(delay: float, raising: bool) -> list[int]:
        def handler(signum: int, frame: FrameType | None) -> None:
            calls.append(signum)
            if raising:
                raise InterruptedByTestError

        signal.signal(signal.SIGALRM, handler)
        signal.setitimer(signal.ITIMER_REAL, delay)
        return calls

    yield arm
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, previous)
