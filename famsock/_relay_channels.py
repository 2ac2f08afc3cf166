"""Channels: the two sides of a ``famsock relay`` session (see :mod:`famsock._relay`)."""

from __future__ import annotations

import _socket
import contextlib
import errno
import functools
import os
import sys
import threading
from collections import deque

from .codec import address_to_text

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs 3.6 ms
if TYPE_CHECKING:
    from typing import Any

    from ._relay import Relay, Session
    from ._relay_loop import Loop
    from ._socket_object import socket

__all__ = ["Channel", "DatagramListener", "EchoChannel", "PeerChannel", "SocketChannel", "StdioChannel"]

_CHUNK = 65536  # bytes read at once from a connection
_DATAGRAM = 262144  # room for one datagram (UNIX datagrams may be larger than UDP's 64 KiB)
_DATAGRAM_QUEUE = 256  # datagrams queued for a side before further ones are dropped


class Channel:
    """One side of a :class:`Session`.

    ``endless``: it never reaches an end of its own (datagrams), so its session ends when idle;
    ``holds_open``: while true, the session does not end for being idle (standard input, unread).
    """

    endless = False
    holds_open = False
    session: Session

    def start(self) -> None:
        """Begin reading: what is read goes to ``session.received``/``session.ended``."""

    def pause(self) -> None:
        """Stop reading for a while (the other side's queue is full)."""

    def resume(self) -> None:
        """Read again."""

    def write(self, data: bytes) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        """No more data will be written: pass the end on, once the queue has gone."""

    def backlog(self) -> int:
        """How much is queued, not yet written (bytes)."""
        return 0

    def close(self) -> None:
        """Release everything; no callback after this."""

    def describe(self) -> str:
        return type(self).__name__


class SocketChannel(Channel):
    """A connected socket (or a datagram socket connected to its peer), non-blocking."""

    def __init__(self, loop: Loop, sock: socket, *, connected: bool, name: str) -> None:
        self.loop, self.sock, self.connected, self.name = loop, sock, connected, name
        self.endless = not connected
        self.fd = sock.fileno()
        self.queue: deque[memoryview] = deque()
        self.queued = 0
        self.reading = False
        self.finishing = False
        self.closed = False
        sock.setblocking(False)

    def describe(self) -> str:
        return self.name

    def start(self) -> None:
        self.resume()

    def pause(self) -> None:
        if self.reading and not self.closed:
            self.reading = False
            self.loop.reader(self.fd, None)

    def resume(self) -> None:
        if not self.reading and not self.closed:
            self.reading = True
            self.loop.reader(self.fd, self._readable)

    def _readable(self) -> None:
        try:
            data = self.sock.recv(_CHUNK if self.connected else _DATAGRAM)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as exc:
            if self.connected:
                self.session.failed(self, exc)
            else:  # a datagram socket's error (ECONNREFUSED from an ICMP answer) ends nothing
                self.session.note(f"{self.name}: {exc}")
            return
        if self.connected and not data:
            self.pause()
            self.session.ended(self)
        else:
            self.session.received(self, data)

    def write(self, data: bytes) -> None:
        if self.closed or self.finishing:
            return
        if not self.connected and len(self.queue) >= _DATAGRAM_QUEUE:
            self.session.note(f"{self.name}: datagram dropped (its queue is full)")
            return
        self.queue.append(memoryview(data))
        self.queued += len(data)
        if len(self.queue) == 1:
            self._flush()

    def _flush(self) -> None:
        while self.queue and not self.closed:
            head = self.queue[0]
            try:
                sent = self.sock.send(head)
            except (BlockingIOError, InterruptedError):
                self.loop.writer(self.fd, self._flush)
                return
            except OSError as exc:
                if self.connected:
                    self.session.failed(self, exc)
                    return
                self.session.note(f"{self.name}: datagram dropped: {exc}")
                sent = len(head)
            if sent < len(head) and self.connected:
                self.queue[0] = head[sent:]
            else:
                self.queue.popleft()
            self.queued -= sent if self.connected else len(head)
        if self.closed:
            return
        self.loop.writer(self.fd, None)
        if self.finishing:
            self._shutdown()
        self.session.drained(self)

    def finish(self) -> None:
        if self.finishing or self.closed:
            return
        self.finishing = True
        if not self.queue:
            self._shutdown()

    def _shutdown(self) -> None:
        if self.connected:
            with contextlib.suppress(OSError):  # the peer may be gone already: nothing to tell it
                self.sock.shutdown(_socket.SHUT_WR)

    def backlog(self) -> int:
        return self.queued

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.loop.forget(self.fd)
            self.sock.close()


class DatagramListener:
    """A bound datagram socket shared by one :class:`PeerChannel` per peer address."""

    def __init__(self, loop: Loop, sock: socket, relay: Relay) -> None:
        self.loop, self.sock, self.relay = loop, sock, relay
        self.fd = sock.fileno()
        self.peers: dict[Any, PeerChannel] = {}
        self.queue: deque[tuple[bytes, Any]] = deque()
        sock.setblocking(False)
        loop.reader(self.fd, self._readable)

    def _readable(self) -> None:
        try:
            data, peer = self.sock.recvfrom(_DATAGRAM)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as exc:
            self.relay.note(f"{self.relay.listen_name}: {exc}")
            return
        channel = self.peers.get(peer)
        if channel is None and self.relay.single and self.relay.sessions:
            self.relay.note(f"{_text(peer)}: datagram dropped (standard input/output serves one peer)")
            return
        if channel is None:
            channel = PeerChannel(self, peer)
            self.peers[peer] = channel
            self.relay.new_session(channel, f"{_text(peer)}")
        channel.session.received(channel, data)

    def send(self, data: bytes, peer: Any) -> None:
        if len(self.queue) >= _DATAGRAM_QUEUE:
            self.relay.note(f"{_text(peer)}: datagram dropped (the queue is full)")
            return
        self.queue.append((data, peer))
        if len(self.queue) == 1:
            self._flush()

    def _flush(self) -> None:
        while self.queue:
            data, peer = self.queue[0]
            try:
                self.sock.sendto(data, peer)
            except (BlockingIOError, InterruptedError):
                self.loop.writer(self.fd, self._flush)
                return
            except OSError as exc:
                self.relay.note(f"{_text(peer)}: datagram dropped: {_message(exc)}")
            self.queue.popleft()
        self.loop.writer(self.fd, None)

    def close(self) -> None:
        self.loop.forget(self.fd)
        self.sock.close()


class PeerChannel(Channel):
    """One peer of a :class:`DatagramListener`: its datagrams, and replies sent to its address."""

    endless = True

    def __init__(self, listener: DatagramListener, peer: Any) -> None:
        self.listener, self.peer = listener, peer

    def describe(self) -> str:
        return _text(self.peer)

    def write(self, data: bytes) -> None:
        self.listener.send(data, self.peer)

    def close(self) -> None:
        self.listener.peers.pop(self.peer, None)


class EchoChannel(Channel):
    """What ``serve`` relays to: every write comes back as a read; the end comes back as the end."""

    def __init__(self, loop: Loop) -> None:
        self.loop = loop
        self.pending: deque[bytes | None] = deque()  # None: the end
        self.paused = False
        self.closed = False

    def describe(self) -> str:
        return "echo"

    def write(self, data: bytes) -> None:
        self._queue(data)

    def finish(self) -> None:
        self._queue(None)

    def _queue(self, item: bytes | None) -> None:
        self.pending.append(item)
        if len(self.pending) == 1:
            self.loop.post(self._deliver)

    def _deliver(self) -> None:
        while self.pending and not self.paused and not self.closed:
            item = self.pending.popleft()
            if item is None:
                self.session.ended(self)
            else:
                self.session.received(self, item)

    def pause(self) -> None:
        self.paused = True

    def resume(self) -> None:
        if self.paused:
            self.paused = False
            self.loop.post(self._deliver)

    def backlog(self) -> int:
        return sum(len(item) for item in self.pending if item is not None)

    def close(self) -> None:
        self.closed = True


class StdioChannel(Channel):
    """Standard input (read on a thread: it may be a file or a terminal) and standard output."""

    holds_open = True

    def __init__(self, loop: Loop) -> None:
        self.loop = loop
        self.go = threading.Event()
        self.go.set()
        self.closed = False

    def describe(self) -> str:
        return "standard input/output"

    def start(self) -> None:
        threading.Thread(target=self._read, name="famsock-stdin", daemon=True).start()

    def _read(self) -> None:
        while True:
            self.go.wait()
            try:
                data = os.read(sys.stdin.fileno(), _CHUNK)
            except OSError as exc:
                self.loop.post(functools.partial(self._failed, exc))
                return
            if self.closed:
                return
            self.loop.post(functools.partial(self._received, data))
            if not data:
                return

    def _received(self, data: bytes) -> None:
        if self.closed:
            return
        if data:
            self.session.received(self, data)
        else:
            self.holds_open = False
            self.session.ended(self)

    def _failed(self, exc: OSError) -> None:
        if not self.closed:
            self.session.failed(self, exc)

    def pause(self) -> None:
        self.go.clear()

    def resume(self) -> None:
        self.go.set()

    def write(self, data: bytes) -> None:
        if self.closed:
            return
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(sys.stdout.fileno(), view):]
        except OSError as exc:  # a closed pipe: nobody reads any more
            self.session.failed(self, exc)

    def finish(self) -> None:
        # The other side has ended: so has the exchange (a terminal or pipe is not half-closed).
        self.holds_open = False
        self.session.close()

    def close(self) -> None:
        self.closed = True
        self.go.set()


# -- helpers -----------------------------------------------------------------------------------------


def _text(address: Any) -> str:
    try:
        return address_to_text(address)
    except Exception:  # only for messages
        return repr(address)


def _message(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.errno and exc.strerror and not exc.filename:
        name = errno.errorcode.get(exc.errno, str(exc.errno))
        return f"{exc.strerror} ({name})" if exc.args[1:] == (exc.strerror,) else f"{exc} ({name})"
    return " ".join(str(exc).split()) or type(exc).__name__
