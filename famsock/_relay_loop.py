"""The ``famsock relay`` event loop: one ``selectors`` selector in one thread (see :mod:`famsock._relay`)."""

from __future__ import annotations

import _socket
import contextlib
import queue
import selectors
import time

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs 3.6 ms
if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["Loop"]


class Loop:
    """A selector loop: readers and writers per file descriptor, calls posted from other threads
    (thread-safe), timers, and a stop that signals may request."""

    def __init__(self) -> None:
        self.selector = selectors.DefaultSelector()
        self.callbacks: dict[int, list[Callable[[], None] | None]] = {}
        self.posted: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self.wake_reader, self.wake_writer = _socket.socketpair()
        self.wake_reader.setblocking(False)
        self.wake_writer.setblocking(False)
        self.selector.register(self.wake_reader.fileno(), selectors.EVENT_READ)
        self.timers: list[tuple[float, Callable[[], None]]] = []
        self.stopping = False

    def _watch(self, fd: int, slot: int, callback: Callable[[], None] | None) -> None:
        callbacks = self.callbacks.setdefault(fd, [None, None])
        callbacks[slot] = callback
        events = ((selectors.EVENT_READ if callbacks[0] else 0)
                  | (selectors.EVENT_WRITE if callbacks[1] else 0))
        registered = fd in self.selector.get_map()
        if not events:
            del self.callbacks[fd]
            if registered:
                self.selector.unregister(fd)
        elif registered:
            self.selector.modify(fd, events)
        else:
            self.selector.register(fd, events)

    def reader(self, fd: int, callback: Callable[[], None] | None) -> None:
        self._watch(fd, 0, callback)

    def writer(self, fd: int, callback: Callable[[], None] | None) -> None:
        self._watch(fd, 1, callback)

    def forget(self, fd: int) -> None:
        """Stop watching ``fd`` (before it is closed)."""
        if fd in self.callbacks:
            del self.callbacks[fd]
            self.selector.unregister(fd)

    def post(self, call: Callable[[], None]) -> None:
        """Run ``call`` in the loop's thread, soon; from any thread."""
        self.posted.put(call)
        with contextlib.suppress(OSError):  # full: the loop is awake anyway; closed: it has stopped
            self.wake_writer.send(b"\0")

    def later(self, seconds: float, call: Callable[[], None]) -> None:
        self.timers.append((time.monotonic() + seconds, call))

    def stop(self) -> None:
        self.stopping = True

    def run(self) -> None:
        while not self.stopping:
            timeout = None
            if self.timers:
                timeout = max(0.0, min(when for when, _ in self.timers) - time.monotonic())
            for key, events in self.selector.select(timeout):
                callbacks = self.callbacks.get(key.fd)
                if key.fd == self.wake_reader.fileno():
                    with contextlib.suppress(BlockingIOError):
                        while self.wake_reader.recv(4096):
                            pass
                elif callbacks is not None:
                    if events & selectors.EVENT_READ and callbacks[0]:
                        callbacks[0]()
                    callbacks = self.callbacks.get(key.fd)  # the reader may have closed it
                    if callbacks is not None and events & selectors.EVENT_WRITE and callbacks[1]:
                        callbacks[1]()
            while not self.posted.empty():
                self.posted.get()()
            now = time.monotonic()
            due = [call for when, call in self.timers if when <= now]
            self.timers = [(when, call) for when, call in self.timers if when > now]
            for call in due:
                call()

    def close(self) -> None:
        self.selector.close()
        self.wake_reader.close()
        self.wake_writer.close()
