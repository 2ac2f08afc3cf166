"""The core's shared caches under threads: no reader ever sees one half-updated.

A backend (famsock._backends) is shared by every socket of one (family, type, proto), and so by
every thread: its memo of results, its last (address, value) pair, its learnt typed classes, and the
table of backends itself. Real threads and real sockets here, bounded in iterations and time: one
test makes the interpreter's switch interval tiny so that threads interleave anywhere, another
runs a reader thread at the exact step where the memo is empty, deterministically.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import pytest

import famsock
from famsock import _backend_parts, _backends
from famsock.contract import Family
from famsock.testing import syscall_path
from tests.helpers import make_family

pytestmark = pytest.mark.family("inet")

_ROUNDS = 20_000  # getsockname() calls by the churning thread, each one evicting the memo
_DEADLINE = 20.0  # seconds: a bound, never asserted


@contextmanager
def _switching_often() -> Iterator[None]:
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


def test_a_tcp_recvfrom_never_sees_the_memo_evicted(syscall_path: str, monkeypatch: pytest.MonkeyPatch
                                                    ) -> None:
    """recvfrom() on a TCP socket gives no address (None) while another thread's getsockname()
    calls make the backend evict its memo. The memo's bound is lowered to 1 so that every miss
    evicts (a real program needs 1,024 distinct results per eviction): the interleaving looked
    for can then happen at every call, not once per 1,024."""
    monkeypatch.setattr(_backend_parts, "MEMO_LIMIT", 1)
    failures: list[BaseException] = []
    done = threading.Event()
    with ExitStack() as stack:
        churned = [stack.enter_context(famsock.socket(famsock.AF_INET, famsock.SOCK_STREAM))
                   for _ in range(3)]
        for sock in churned:
            sock.bind(("127.0.0.1", 0))  # distinct ports: distinct getsockname() results
        listener = stack.enter_context(famsock.create_server(("127.0.0.1", 0)))
        client = stack.enter_context(famsock.socket(famsock.AF_INET, famsock.SOCK_STREAM))
        client.connect(listener.getsockname())
        server, _ = listener.accept()
        stack.enter_context(server)
        server.sendall(b"x")  # MSG_PEEK below leaves it there: recvfrom() never blocks
        assert client.syscall_path == syscall_path
        assert client._backend() is churned[0]._backend()  # one backend, one memo for both threads

        def churn() -> None:
            try:
                deadline = time.monotonic() + _DEADLINE
                for round in range(_ROUNDS):
                    churned[round % len(churned)].getsockname()
                    if failures or (round % 1000 == 0 and time.monotonic() > deadline):
                        break
            except BaseException as exc:  # reported by the main thread
                failures.append(exc)
            finally:
                done.set()

        received = 0
        with _switching_often():
            churner = threading.Thread(target=churn)
            churner.start()
            try:
                while not done.is_set():
                    data, address = client.recvfrom(1, famsock.MSG_PEEK)
                    assert (data, address) == (b"x", None)
                    received += 1
            except BaseException as exc:
                failures.append(exc)
            finally:
                churner.join(_DEADLINE * 2)
    assert not churner.is_alive()
    assert not failures, repr(failures[0])
    assert received > 0


class _Evicted:
    """A memo value that calls ``during`` when the memo drops it: dict.clear() empties the dict
    first and releases the values after, so ``during`` runs while the memo is empty, exactly
    where a thread switch after clear() would let another thread in."""

    def __init__(self, during: Callable[[], None]) -> None:
        self._during = during

    def __del__(self) -> None:
        self._during()


def test_a_reader_thread_running_while_the_memo_is_evicted_gets_no_address() -> None:
    """Deterministic: another thread's recvfrom() runs inside the eviction, memo empty."""
    seen: list[object] = []
    with ExitStack() as stack:
        stack.enter_context(syscall_path("auto"))
        listener = stack.enter_context(famsock.socket(famsock.AF_INET, famsock.SOCK_STREAM))
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        client = stack.enter_context(famsock.socket(famsock.AF_INET, famsock.SOCK_STREAM))
        client.connect(listener.getsockname())
        server, _ = listener.accept()
        stack.enter_context(server)
        server.sendall(b"x")
        other = stack.enter_context(famsock.socket(famsock.AF_INET, famsock.SOCK_STREAM))
        other.bind(("127.0.0.1", 0))  # its getsockname() is a miss: it evicts the full memo
        memo = client._backend().results
        assert memo is not None and other._backend().results is memo

        def read() -> None:
            try:
                seen.append(client.recvfrom(1, famsock.MSG_PEEK))
            except BaseException as exc:  # reported by the main thread
                seen.append(exc)

        def read_in_another_thread() -> None:
            reader = threading.Thread(target=read)
            reader.start()
            reader.join(_DEADLINE)

        memo[object()] = _Evicted(read_in_another_thread)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(_backend_parts, "MEMO_LIMIT", len(memo))  # full: the next miss evicts
            assert other.getsockname() == ("127.0.0.1", other.getsockname()[1])
    assert seen == [(b"x", None)]


class _SwitchingRegistry:
    """What backend_for() asks of the registry, with another thread's register() replacing the
    family right after the first lookup returned (before backend_for() takes its lock)."""

    def __init__(self, first: Family[Any], then: Family[Any]) -> None:
        self.generation = 1
        self._current: Family[Any] = first
        self._next: Family[Any] | None = then

    def lookup(self, number: int) -> Family[Any] | None:
        found = self._current
        if self._next is not None:
            self._current, self._next = self._next, None
            self.generation += 1
        return found


def test_a_backend_is_never_kept_for_a_family_replaced_while_it_was_looked_up(
        monkeypatch: pytest.MonkeyPatch) -> None:
    old = make_family("inet", 2, constant="AF_INET", summary="old")
    new = make_family("inet", 2, constant="AF_INET", summary="new")
    monkeypatch.setattr(_backends, "_registry", _SwitchingRegistry(old, new))
    monkeypatch.setattr(_backends, "_backends", {})
    monkeypatch.setattr(_backends, "_backends_generation", -1)
    with famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM) as first:
        assert first._backend().family is new  # type: ignore[union-attr]  # looked up again
    with famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM) as second:
        assert second._backend().family is new  # type: ignore[union-attr]
