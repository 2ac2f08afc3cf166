"""``famsock relay``, ``serve`` and ``connect``: data between two endpoints, as socat moves it.

Theory of operation
-------------------
One thread runs an event loop (:class:`~famsock._relay_loop.Loop`, a ``selectors`` selector, in
:mod:`famsock._relay_loop`) over non-blocking famsock sockets. Every exchange is a :class:`Session`
between two channels (:class:`~famsock._relay_channels.Channel` and its kinds, in
:mod:`famsock._relay_channels`), and a session moves what one channel reads to the other, in both
directions:

- a listening endpoint makes a session per accepted connection, or per peer address from which
  datagrams arrive (a :class:`~famsock._relay_channels.PeerChannel` on the shared socket); the
  other endpoint is opened for each session, on a thread (a connection may take its time; the loop
  does not wait);
- two endpoints that connect make one session, and the relay ends with it;
- ``-`` is standard input and output (read on a thread: it may be a file, which no selector
  takes); ``serve`` relays to an :class:`~famsock._relay_channels.EchoChannel`.

A connected side that reaches its end (recv gives ``b""``) half-closes the other side
(``shutdown(SHUT_WR)``, once what is queued for it has gone) and the session ends when both
directions have; one that fails ends the session. Datagrams have no end: a session with a
datagram side ends after ``idle`` seconds without traffic. A side whose queue grows past a limit
stops the other side's reading until it drains, so memory stays bounded. SIGINT and SIGTERM stop
the loop (``signal.set_wakeup_fd`` wakes it): every socket is closed, the socket files the relay
created are removed, and the command exits 0.
"""

from __future__ import annotations

import _socket
import contextlib
import functools
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, TextIO

from ._endpoints import Endpoint, kind_name
from ._raw_sockaddr import RawSockaddr
from ._registry import registry
from ._relay_channels import (
    _DATAGRAM_QUEUE,
    Channel,
    DatagramListener,
    EchoChannel,
    SocketChannel,
    StdioChannel,
    _message,
    _text,
)
from ._relay_loop import Loop
from ._socket_object import socket
from .codec import address_to_text, encode

__all__ = ["Relay", "Session", "SetupError", "idle_check_interval", "run_relay"]

_BACKLOG_LIMIT = 1 << 20  # bytes queued for a side before the other side stops reading


class SetupError(Exception):
    """An endpoint could not be opened; the message is one line."""


# -- sessions ----------------------------------------------------------------------------------------


class Session:
    """Two channels and the data between them, both ways. ``b`` may come later (being opened)."""

    def __init__(self, relay: Relay, a: Channel, b: Channel | None = None) -> None:
        self.relay, self.a = relay, a
        self.b: Channel | None = None
        self.early: list[bytes | None] = []  # what ``a`` sent before ``b`` was open; None: its end
        self.done: set[int] = set()  # ids of the channels whose reading has ended
        self.closed = False
        self.last = time.monotonic()
        a.session = self
        a.start()
        if b is not None:
            self.attach(b)

    def attach(self, b: Channel) -> None:
        if self.closed:
            b.close()
            return
        self.b = b
        b.session = self
        for item in self.early:
            if item is None:
                b.finish()
            else:
                b.write(item)
        self.early.clear()
        if id(self.a) not in self.done:
            self.a.resume()
        b.start()

    def other(self, channel: Channel) -> Channel | None:
        return self.b if channel is self.a else self.a

    def received(self, channel: Channel, data: bytes) -> None:
        if self.closed:
            return
        self.last = time.monotonic()
        target = self.other(channel)
        if target is None:  # the other side is still being opened
            if len(self.early) >= _DATAGRAM_QUEUE:
                self.note(f"{channel.describe()}: dropped {len(data)} bytes (the other side is not open yet)")
                return
            self.early.append(data)
            if len(self.early) > 64:
                channel.pause()
            return
        target.write(data)
        if target.backlog() > _BACKLOG_LIMIT:
            channel.pause()

    def drained(self, channel: Channel) -> None:
        other = self.other(channel)
        if other is not None and id(other) not in self.done:
            other.resume()
        self._close_when_done()

    def ended(self, channel: Channel) -> None:
        """``channel`` has no more to read: pass the end on; the session ends with both ends."""
        if self.closed:
            return
        self.done.add(id(channel))
        target = self.other(channel)
        if target is None:
            self.early.append(None)
        else:
            target.finish()
        self._close_when_done()

    def _close_when_done(self) -> None:
        """Both directions have ended and what was queued has gone: the session is over."""
        if len(self.done) == 2 and not self.closed and self.b is not None and not (
                self.a.backlog() or self.b.backlog()):
            self.close()

    def failed(self, channel: Channel, exc: OSError) -> None:
        self.note(f"{channel.describe()}: {_message(exc)}")
        self.relay.session_failed()
        self.close()

    def note(self, message: str) -> None:
        self.relay.note(message)

    def idle(self, now: float, limit: float) -> bool:
        channels = [c for c in (self.a, self.b) if c is not None]
        return (any(c.endless for c in channels) and not any(c.holds_open for c in channels)
                and now - self.last >= limit)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.a.close()
            if self.b is not None:
                self.b.close()
            self.relay.session_closed(self)


# -- the relay ---------------------------------------------------------------------------------------


class Relay:
    """Two endpoints (one may listen), or an endpoint and ``echo``/stdio, joined until stopped."""

    def __init__(self, a: Endpoint, b: Endpoint | str, *, command: str, idle: float, timeout: float,
                 once: bool, verbose: bool, stderr: TextIO) -> None:
        self.a, self.b = a, b  # b: an Endpoint, "echo" or "stdio"
        self.command, self.idle, self.timeout = command, idle, timeout
        self.once, self.verbose, self.stderr = once, verbose, stderr
        self.loop = Loop()
        self.sessions: set[Session] = set()
        self.listeners: list[Any] = []
        self.created_files: list[str] = []
        self.listen_name = ""
        self.status = 0
        #: Standard input/output with a listening endpoint: the first peer only, then the end.
        self.single = b == "stdio"

    def note(self, message: str) -> None:
        print(f"famsock {self.command}: {message}", file=self.stderr, flush=True)

    # -- opening endpoints --

    def open(self, endpoint: Endpoint) -> SocketChannel:
        """Connect to ``endpoint`` (any thread): a channel, or :class:`SetupError`."""
        sock = socket(endpoint.family, endpoint.kind, endpoint.proto)
        try:
            sock.settimeout(self.timeout)
            sock.connect(endpoint.address)
            if not endpoint.connected:
                self._name_if_unnamed(sock, endpoint)
        except OSError as exc:
            sock.close()
            raise SetupError(f"cannot connect to {endpoint.describe()}: {_message(exc)}") from None
        except BaseException:
            sock.close()
            raise
        return SocketChannel(self.loop, sock, connected=endpoint.connected, name=endpoint.text)

    def _name_if_unnamed(self, sock: socket, endpoint: Endpoint) -> None:
        """A datagram socket that connect() left without a name (AF_UNIX does) can send, but no
        reply can reach it: bind it to a fresh loopback address of its family, if it has one."""
        name = sock.getsockname()
        data = name.sockaddr if isinstance(name, RawSockaddr) else _encoded(name)
        if data is None or len(data) > 2:  # a name beyond sa_family: replies can come
            return
        for loopback in registry.loopbacks(endpoint.family):
            if loopback.type == endpoint.kind:
                sock.bind(loopback.address())
                return

    def listen(self, endpoint: Endpoint) -> socket:
        sock = socket(endpoint.family, endpoint.kind, endpoint.proto)
        try:
            if endpoint.connected:
                sock.setsockopt(_socket.SOL_SOCKET, _socket.SO_REUSEADDR, 1)
            sock.bind(endpoint.address)
            path = _bound_file(endpoint.address)
            if path is not None:  # the bind made it (a bind to an existing file fails)
                self.created_files.append(path)
            if endpoint.connected:
                sock.listen(128)
        except OSError as exc:
            sock.close()
            raise SetupError(f"cannot listen on {endpoint.describe()}: {_message(exc)}") from None
        return sock

    # -- sessions --

    def new_session(self, a: Channel, name: str) -> Session:
        session = Session(self, a)
        self.sessions.add(session)
        if self.verbose:
            self.note(f"{name}: session opened")
        b = self.b
        if b == "echo":
            session.attach(EchoChannel(self.loop))
        elif b == "stdio":  # one peer only (see ``single``)
            session.attach(StdioChannel(self.loop))
        elif isinstance(b, Endpoint):
            a.pause()  # until the other side is open
            threading.Thread(target=self._connect_for, args=(session, b), daemon=True,
                             name="famsock-connect").start()
        return session

    def _connect_for(self, session: Session, endpoint: Endpoint) -> None:
        try:
            channel = self.open(endpoint)
        except SetupError as exc:
            self.loop.post(functools.partial(self._connect_failed, session, str(exc)))
            return
        except Exception as exc:  # a plugin's fault: reported, the relay goes on
            message = f"cannot connect to {endpoint.describe()}: {type(exc).__name__}: {_message(exc)}"
            self.loop.post(functools.partial(self._connect_failed, session, message))
            return
        self.loop.post(lambda: session.attach(channel))

    def _connect_failed(self, session: Session, message: str) -> None:
        self.note(message)
        self.session_failed()
        session.close()

    def session_failed(self) -> None:
        if not self.listeners:  # the relay's only session: its status is the command's
            self.status = 1

    def session_closed(self, session: Session) -> None:
        self.sessions.discard(session)
        if self.verbose:
            self.note(f"{session.a.describe()}: session closed")
        if not self.listeners or self.once:
            self.loop.stop()

    def _check_idle(self) -> None:
        now = time.monotonic()
        for session in [s for s in self.sessions if s.idle(now, self.idle)]:
            session.close()
        self.loop.later(idle_check_interval(self.idle), self._check_idle)

    # -- running --

    def start(self) -> None:
        """Open the endpoints; :class:`SetupError` if one cannot be."""
        a = self.a
        if a.listen:
            sock = self.listen(a)
            self.listen_name = address_to_text(sock.getsockname())
            if a.connected:
                self.listeners.append(sock)
                sock.setblocking(False)
                self.loop.reader(sock.fileno(), lambda: self._accept(sock))
            else:
                self.listeners.append(DatagramListener(self.loop, sock, self))
            self.note(f"listening on {self.listen_name} ({kind_name(a.kind)})")
            return
        first = StdioChannel(self.loop) if a.stdio else self.open(a)
        session = Session(self, first)
        self.sessions.add(session)
        try:
            second = self.open(self.b) if isinstance(self.b, Endpoint) else StdioChannel(self.loop)
        except BaseException:
            session.close()
            raise
        session.attach(second)

    def _accept(self, listener: socket) -> None:
        try:
            conn, peer = listener.accept()
        except (BlockingIOError, InterruptedError):
            return
        except OSError as exc:  # EMFILE...: said, and the relay goes on
            self.note(f"accept: {_message(exc)}")
            return
        name = _text(peer) if peer not in (None, "", b"") else "a peer"
        if self.single:  # standard input/output can serve one peer: take no other
            self.loop.reader(listener.fileno(), None)
        self.new_session(SocketChannel(self.loop, conn, connected=True, name=name), name)

    def run(self) -> int:
        """Until the relay ends or a signal stops it; 0, or 1 if an endpoint could not be opened."""
        handlers = _signals(self.loop.stop)
        wakeup = signal.set_wakeup_fd(self.loop.wake_writer.fileno(), warn_on_full_buffer=False) \
            if handlers else -1
        try:
            try:
                self.start()
            except SetupError as exc:
                self.note(str(exc))
                return 1
            self.loop.later(idle_check_interval(self.idle), self._check_idle)
            self.loop.run()
            return self.status
        finally:
            if handlers:
                signal.set_wakeup_fd(wakeup)
                for number, previous in handlers.items():
                    signal.signal(number, previous)
            self.shutdown()

    def shutdown(self) -> None:
        for session in list(self.sessions):
            session.close()
        for listener in self.listeners:
            if isinstance(listener, DatagramListener):
                listener.close()
            else:
                self.loop.forget(listener.fileno())
                listener.close()
        for path in self.created_files:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
        self.loop.close()


def idle_check_interval(idle: float) -> float:
    """How often sessions are checked for being idle: a quarter of ``idle`` (a session ends within
    1.25 ``idle``), at most a second, and at least 10 ms: a tiny ``--idle`` must not spin the loop."""
    return max(0.01, min(1.0, idle / 4))


def run_relay(a: Endpoint, b: Endpoint | str, *, command: str, idle: float, timeout: float = 10.0,
              once: bool = False, verbose: bool = False, stderr: TextIO | None = None) -> int:
    """Join ``a`` (the listening side, if any) and ``b`` (an endpoint, ``"echo"`` or ``"stdio"``)."""
    relay = Relay(a, b, command=command, idle=idle, timeout=timeout, once=once, verbose=verbose,
                  stderr=stderr or sys.stderr)
    return relay.run()


# -- helpers -----------------------------------------------------------------------------------------


def _signals(stop: Callable[[], None]) -> dict[int, Any]:
    """SIGINT and SIGTERM stop the loop (main thread only: elsewhere Python has no handlers)."""
    if threading.current_thread() is not threading.main_thread():
        return {}

    def handler(number: int, frame: object) -> None:
        stop()

    return {number: signal.signal(number, handler) for number in (signal.SIGINT, signal.SIGTERM)}


def _encoded(address: Any) -> bytes | None:
    try:
        return encode(address)
    except Exception:  # an address its plugin refuses to send (AF_PACKET's unbound one): leave it
        return None


def _bound_file(address: Any) -> str | None:
    """The file a bind to ``address`` created, as its family's plugin says (``Family.bound_file``:
    an AF_UNIX path's socket file)."""
    if isinstance(address, RawSockaddr):
        return None
    find = registry.family_for_address(address).bound_file
    return None if find is None else find(address)
