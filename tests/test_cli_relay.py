"""``famsock relay``, ``serve`` and ``connect``, started as a user starts them (``python -m famsock``,
a subprocess), carrying data both ways between INET and UNIX endpoints, streams and datagrams.

The peers at either end are plain stdlib sockets made here, so what is checked is what crosses
the relay. A listening relay says where it listens on its first line of stderr
(``famsock relay: listening on inet:127.0.0.1:41234 (stream)``): binding port 0 and reading that
line avoids guessing free ports. The session's private network namespace is the subprocesses' too.
"""

from __future__ import annotations

import os
import re
import select
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import famsock
from famsock._relay import idle_check_interval
from famsock.cli import main

SECONDS = 10
LISTENING = re.compile(r"^famsock (relay|serve): listening on (\S+) \((\w+)\)$")


class Command:
    """A ``famsock`` subprocess; stdin/stdout are pipes, stderr is read line by line."""

    def __init__(self, *args: str, **environ: str) -> None:
        self.args = args
        self.process = subprocess.Popen([sys.executable, "-m", "famsock", *args], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        env={**os.environ, **environ})

    def line(self) -> str:
        """The next line of stderr (``TimeoutError`` after SECONDS)."""
        assert self.process.stderr is not None
        ready, _, _ = select.select([self.process.stderr], [], [], SECONDS)
        if not ready:
            raise TimeoutError(f"famsock {' '.join(self.args)} wrote nothing on stderr in {SECONDS} s")
        return self.process.stderr.readline().decode().rstrip("\n")

    def listening(self) -> Any:
        """The address the command says it listens on."""
        line = self.line()
        match = LISTENING.match(line)
        assert match, line
        return famsock.address_from_text(match.group(2))

    def stop(self, number: int = signal.SIGTERM) -> tuple[int, str]:
        """Send the signal; its exit status and the rest of its stderr."""
        self.process.send_signal(number)
        _, err = self.process.communicate(timeout=SECONDS)
        return self.process.returncode, err.decode()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(SECONDS)
        for pipe in (self.process.stdin, self.process.stdout, self.process.stderr):
            if pipe is not None:
                pipe.close()


@pytest.fixture
def famsock_command() -> Iterator[Callable[..., Command]]:
    started: list[Command] = []

    def start(*args: str, **environ: str) -> Command:
        command = Command(*args, **environ)
        started.append(command)
        return command

    yield start
    for command in started:
        command.close()


@pytest.fixture
def sock_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("relay")
    assert len(os.fsencode(directory)) < 80, directory  # room for socket names under sun_path's 107
    return directory


def _thread(target: Callable[[], None]) -> Callable[[], None]:
    """Run ``target`` on a thread; the returned join re-raises what it raised."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            target()
        except BaseException as exc:
            failures.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()

    def join() -> None:
        thread.join(SECONDS)
        assert not thread.is_alive(), "the peer thread is still running"
        if failures:
            raise failures[0]

    return join


def _read_to_end(sock: socket.socket) -> bytes:
    chunks = []
    while data := sock.recv(65536):
        chunks.append(data)
    return b"".join(chunks)


def _request_response_server(server: socket.socket, seen: list[bytes]) -> Callable[[], None]:
    """Accept one connection: read the request to its end (the client's half-close must cross the
    relay), then answer and close."""
    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            conn.settimeout(SECONDS)
            request = _read_to_end(conn)
            seen.append(request)
            conn.sendall(b"response to " + request + b" " + bytes(range(256)) * 300)

    return _thread(serve)


def _client_exchange(family: int, address: Any, request: bytes) -> bytes:
    with socket.socket(family, socket.SOCK_STREAM) as client:
        client.settimeout(SECONDS)
        client.connect(address)
        client.sendall(request)
        client.shutdown(socket.SHUT_WR)
        return _read_to_end(client)


@pytest.mark.parametrize("path", ["auto", "raw"])
def test_a_unix_service_on_tcp(famsock_command: Callable[..., Command], sock_dir: Path, path: str) -> None:
    """The issue's example: ``famsock relay listen:inet:127.0.0.1:PORT unix:/run/app.sock``."""
    app = str(sock_dir / "app.sock")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.settimeout(SECONDS)
        server.bind(app)
        server.listen()
        relay = famsock_command("relay", "listen:inet:127.0.0.1:0", f"unix:{app}", FAMSOCK_SYSCALL_PATH=path)
        listening = relay.listening()
        seen: list[bytes] = []
        join = _request_response_server(server, seen)
        answer = _client_exchange(socket.AF_INET, tuple(listening), b"GET / " * 5000)
        join()
    assert seen == [b"GET / " * 5000]
    assert answer == b"response to " + b"GET / " * 5000 + b" " + bytes(range(256)) * 300
    assert relay.stop() == (0, "")


def test_megabytes_both_ways_at_once(famsock_command: Callable[..., Command], sock_dir: Path) -> None:
    """More than any socket buffer holds, in both directions at the same time: the relay's queues
    and its back-pressure, with no deadlock and nothing lost or reordered."""
    app = str(sock_dir / "bulk.sock")
    payload = os.urandom(1 << 16) * 64  # 4 MiB
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.settimeout(SECONDS)
        server.bind(app)
        server.listen()
        relay = famsock_command("relay", "listen:inet:127.0.0.1:0", f"unix:{app}")
        address = tuple(relay.listening())

        def echo() -> None:
            conn, _ = server.accept()
            with conn:
                conn.settimeout(SECONDS)
                while data := conn.recv(1 << 16):
                    conn.sendall(data)

        join_server = _thread(echo)
        with socket.create_connection(address, timeout=SECONDS) as client:
            def send() -> None:
                client.sendall(payload)
                client.shutdown(socket.SHUT_WR)

            join_sender = _thread(send)
            received = _read_to_end(client)
            join_sender()
        join_server()
    assert len(received) == len(payload) and received == payload
    assert relay.stop() == (0, "")


def test_a_tcp_service_on_a_unix_path(famsock_command: Callable[..., Command], sock_dir: Path) -> None:
    front = sock_dir / "front.sock"
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.settimeout(SECONDS)
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        # the listening endpoint may be either argument
        relay = famsock_command("relay", f"inet:127.0.0.1:{port}", f"listen:stream:unix:{front}")
        assert relay.listening() == str(front)
        seen: list[bytes] = []
        join = _request_response_server(server, seen)
        answer = _client_exchange(socket.AF_UNIX, str(front), b"over unix")
        join()
    assert seen == [b"over unix"]
    assert answer.startswith(b"response to over unix ")
    code, err = relay.stop(signal.SIGINT)
    assert (code, err) == (0, "")
    assert not front.exists()  # the relay made it; the relay removed it


def test_each_connection_gets_its_own(famsock_command: Callable[..., Command], sock_dir: Path) -> None:
    app = sock_dir / "echo.sock"
    server = famsock_command("serve", f"unix:{app}")
    assert server.listening() == str(app)
    relay = famsock_command("relay", "listen:inet:127.0.0.1:0", f"unix:{app}")
    address = tuple(relay.listening())
    clients = [socket.create_connection(address, timeout=SECONDS) for _ in range(3)]
    try:
        for number, client in enumerate(clients):  # all open at once, answered each on its own
            client.sendall(f"client {number}".encode())
        for number, client in reversed(list(enumerate(clients))):
            assert client.recv(100) == f"client {number}".encode()
        for client in clients:
            client.shutdown(socket.SHUT_WR)
            assert client.recv(100) == b""  # the end came back through both relays
    finally:
        for client in clients:
            client.close()
    assert relay.stop() == (0, "")
    assert server.stop() == (0, "")


def test_datagrams_from_udp_to_a_unix_socket_and_back(famsock_command: Callable[..., Command],
                                                       sock_dir: Path) -> None:
    app = str(sock_dir / "app.dgram")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as server:
        server.settimeout(SECONDS)
        server.bind(app)
        relay = famsock_command("relay", "listen:dgram:inet:127.0.0.1:0", f"dgram:unix:{app}")
        address = tuple(relay.listening())

        def answer(count: int) -> None:
            for _ in range(count):
                data, sender = server.recvfrom(65536)
                assert sender, "the relay's socket has no name to answer to"
                server.sendto(data.upper(), sender)

        join = _thread(lambda: answer(4))
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as one, \
                socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as two:
            for sock in (one, two):
                sock.settimeout(SECONDS)
            one.sendto(b"first", address)
            assert one.recv(100) == b"FIRST"
            two.sendto(b"second", address)  # another peer: another session, its own answers
            assert two.recv(100) == b"SECOND"
            one.sendto(b"x" * 60000, address)  # boundaries kept, large ones too
            assert one.recv(65536) == b"X" * 60000
            one.sendto(b"", address)  # an empty datagram is one too
            assert one.recv(100) == b""
        join()
    assert relay.stop() == (0, "")


def test_datagrams_from_a_unix_socket_to_udp_and_back(famsock_command: Callable[..., Command],
                                                       sock_dir: Path) -> None:
    front = str(sock_dir / "front.dgram")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as server:
        server.settimeout(SECONDS)
        server.bind(("127.0.0.1", 0))
        relay = famsock_command("relay", f"listen:dgram:unix:{front}",
                                f"dgram:inet:127.0.0.1:{server.getsockname()[1]}")
        assert relay.listening() == front

        def answer() -> None:
            for _ in range(2):
                data, sender = server.recvfrom(100)
                server.sendto(b"udp says " + data, sender)

        join = _thread(answer)
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as client:
            client.settimeout(SECONDS)
            client.bind(b"\0famsock-relay-test-" + os.urandom(4).hex().encode())  # somewhere to answer to
            for word in (b"hi", b"again"):
                client.sendto(word, front)
                assert client.recv(100) == b"udp says " + word
        join()
    assert relay.stop() == (0, "")
    assert not Path(front).exists()


def test_two_connecting_endpoints_end_with_their_exchange(famsock_command: Callable[..., Command],
                                                          sock_dir: Path) -> None:
    """Neither side listens: the relay connects to both, and exits when both have ended."""
    path = str(sock_dir / "left.sock")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as left, \
            socket.socket(socket.AF_INET, socket.SOCK_STREAM) as right:
        for server in (left, right):
            server.settimeout(SECONDS)
        left.bind(path)
        right.bind(("127.0.0.1", 0))
        left.listen()
        right.listen()
        relay = famsock_command("relay", f"unix:{path}", f"inet:127.0.0.1:{right.getsockname()[1]}")
        a, _ = left.accept()
        b, _ = right.accept()
        with a, b:
            for sock in (a, b):
                sock.settimeout(SECONDS)
            a.sendall(b"from unix")
            assert b.recv(100) == b"from unix"
            b.sendall(b"from inet")
            assert a.recv(100) == b"from inet"
            a.shutdown(socket.SHUT_WR)
            assert b.recv(100) == b""  # the end crossed; the other direction is still open
            b.sendall(b"still here")
            assert a.recv(100) == b"still here"
            b.shutdown(socket.SHUT_WR)
            assert a.recv(100) == b""
        _, err = relay.process.communicate(timeout=SECONDS)
    assert (relay.process.returncode, err) == (0, b"")


def test_serve_echoes_streams_and_datagrams(famsock_command: Callable[..., Command]) -> None:
    stream = famsock_command("serve", "inet6:[::1]:0")
    address = tuple(stream.listening())
    with socket.create_connection(address[:2], timeout=SECONDS) as client:
        client.sendall(b"echo me")
        client.shutdown(socket.SHUT_WR)
        assert _read_to_end(client) == b"echo me"
    name = f"@famsock-serve-{os.getpid()}"
    datagrams = famsock_command("serve", f"dgram:unix:{name}")
    assert datagrams.listening() == b"\0" + name[1:].encode()
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as client:
        client.settimeout(SECONDS)
        client.bind(b"")  # autobind: an abstract name to answer to
        client.sendto(b"and me", b"\0" + name[1:].encode())
        assert client.recv(100) == b"and me"
    assert stream.stop() == (0, "")
    assert datagrams.stop(signal.SIGINT) == (0, "")


def test_connect_carries_stdin_and_stdout(famsock_command: Callable[..., Command]) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.settimeout(SECONDS)
        server.bind(("127.0.0.1", 0))
        server.listen()
        seen: list[bytes] = []
        join = _request_response_server(server, seen)
        command = famsock_command("connect", f"inet:127.0.0.1:{server.getsockname()[1]}")
        out, err = command.process.communicate(b"line one\nline two\n", timeout=SECONDS)
        join()
    assert seen == [b"line one\nline two\n"]  # stdin's end half-closed the connection
    assert out == b"response to line one\nline two\n " + bytes(range(256)) * 300
    assert (command.process.returncode, err) == (0, b"")


def test_connect_over_datagrams(famsock_command: Callable[..., Command]) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as server:
        server.settimeout(SECONDS)
        server.bind(("127.0.0.1", 0))
        port = server.getsockname()[1]
        command = famsock_command("connect", "--idle", "0.5", f"dgram:inet:127.0.0.1:{port}")
        assert command.process.stdin is not None
        command.process.stdin.write(b"one datagram")
        command.process.stdin.flush()
        data, sender = server.recvfrom(100)
        server.sendto(b"reply: " + data, sender)
        out, err = command.process.communicate(timeout=SECONDS)  # stdin's end, then --idle
    assert (command.process.returncode, out, err) == (0, b"reply: one datagram", b"")


def test_a_listening_relay_to_standard_input_and_output(famsock_command: Callable[..., Command]) -> None:
    """``famsock relay listen:ADDRESS -``: netcat's listen mode, for one peer."""
    relay = famsock_command("relay", "-", "listen:inet:127.0.0.1:0")
    address = tuple(relay.listening())
    assert relay.process.stdin is not None and relay.process.stdout is not None
    with socket.create_connection(address, timeout=SECONDS) as client:
        relay.process.stdin.write(b"to the peer")
        relay.process.stdin.close()  # its end half-closes the connection
        assert _read_to_end(client) == b"to the peer"
        client.sendall(b"to stdout")
        client.shutdown(socket.SHUT_WR)
        assert relay.process.stdout.read() == b"to stdout"  # until the relay ends, with the exchange
    assert relay.process.wait(SECONDS) == 0


def test_sigterm_ends_open_connections_and_removes_the_socket_file(
        famsock_command: Callable[..., Command], sock_dir: Path) -> None:
    front = sock_dir / "busy.sock"
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.settimeout(SECONDS)
        server.bind(("127.0.0.1", 0))
        server.listen()
        relay = famsock_command("relay", f"listen:unix:{front}", f"inet:127.0.0.1:{server.getsockname()[1]}")
        relay.listening()
        assert front.exists()
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(SECONDS)
            client.connect(str(front))
            conn, _ = server.accept()
            with conn:
                conn.settimeout(SECONDS)
                client.sendall(b"in flight")
                assert conn.recv(100) == b"in flight"
                assert relay.stop() == (0, "")
                assert client.recv(100) == b""  # both connections closed by the relay
                assert conn.recv(100) == b""
    assert not front.exists()


def test_an_unreachable_endpoint_is_one_line_and_status_1(famsock_command: Callable[..., Command],
                                                          sock_dir: Path) -> None:
    relay = famsock_command("relay", "listen:inet:127.0.0.1:0", f"unix:{sock_dir / 'nobody.sock'}")
    address = tuple(relay.listening())
    with socket.create_connection(address, timeout=SECONDS) as client:
        assert client.recv(100) == b""  # the relay could not reach the other side: it closes
    assert relay.line() == (f"famsock relay: cannot connect to unix:{sock_dir / 'nobody.sock'} (stream): "
                            "No such file or directory (ENOENT)")
    assert relay.stop() == (0, "")  # a listening relay goes on with other peers
    command = famsock_command("connect", f"unix:{sock_dir / 'nobody.sock'}")
    _, err = command.process.communicate(timeout=SECONDS)
    assert command.process.returncode == 1
    nobody = sock_dir / "nobody.sock"
    assert err.decode().splitlines() == [f"famsock connect: cannot connect to unix:{nobody} (stream): "
                                         "No such file or directory (ENOENT)"]


BAD = [
    (("relay", "inet:127.0.0.1", "unix:/run/x"), "'inet:127.0.0.1': inet address text must be HOST:PORT"),
    (("relay", "nosuch:1", "unix:/run/x"), "'nosuch:1': no famsock family named 'nosuch'"),
    (("relay", "listen:inet:127.0.0.1:99999", "unix:/run/x"), "port must be 0-65535, got 99999"),
    (("relay", "dgram:stream:unix:/run/x", "-"), "two socket types (dgram and stream)"),
    (("relay", "listen:listen:unix:/run/x", "-"), "'listen:' given twice"),
    (("relay", "seqpacket:inet:127.0.0.1:1", "-"), "the inet family has no seqpacket sockets"),
    (("relay", "proto=tcp:inet:127.0.0.1:1", "-"), "proto= takes a number, got 'tcp'"),
    (("relay", "listen:unix:/run/x", "listen:inet:127.0.0.1:1"), "both listen"),
    (("relay", "-", "-"), "at least one endpoint must be an address"),
    (("relay", "listen:-", "inet:127.0.0.1:1"), "takes no listen:"),
    (("relay", "listen:", "inet:127.0.0.1:1"), "no address after the prefixes"),
    (("serve", "-"), "cannot be used here"),
    (("connect", "listen:inet:127.0.0.1:1"), "connect connects"),
    (("connect", "unix:/run/%zz"), "'%' at position"),
    (("connect", "--idle", "0", "inet:127.0.0.1:1"), "--idle must be more than 0"),
    (("connect", "--idle", "nan", "inet:127.0.0.1:1"), "--idle must be more than 0"),
    # settimeout() takes no more than time_t's nanoseconds hold: one line, not its OverflowError
    (("connect", "--timeout", "inf", "inet:127.0.0.1:1"), "--timeout must be more than 0 and at most"),
    (("connect", "--timeout", "1e300", "inet:127.0.0.1:1"), "--timeout must be more than 0 and at most"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[" ".join(args) for args, _ in BAD])
def test_a_bad_endpoint_is_one_line_and_status_2(args: tuple[str, ...], message: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(list(args)) == 2  # in this process: the command's own code, without a start-up each
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"famsock {args[0]}: ") and message in lines[0], lines[0]


def test_a_bad_endpoint_as_a_user_sees_it() -> None:
    done = subprocess.run([sys.executable, "-m", "famsock", "relay", "listen:inet:127.0.0.1:8080", "unix"],
                          capture_output=True, text=True, timeout=SECONDS, stdin=subprocess.DEVNULL)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "famsock relay: 'unix': an address text form is '<family>:<address>', got 'unix'\n"


def test_help_documents_the_endpoints(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("relay", "serve", "connect"):
        with pytest.raises(SystemExit) as exited:
            main([command, "--help"])
        assert exited.value.code == 0
        shown = capsys.readouterr().out
        assert "endpoints: [listen:][TYPE:][proto=N:]ADDRESS" in shown
        assert "famsock relay listen:inet:127.0.0.1:8080 unix:/run/app.sock" in shown
    done = subprocess.run([sys.executable, "-m", "famsock", "--help"], capture_output=True, text=True,
                          timeout=SECONDS)
    assert "join two endpoints, both directions, as socat does" in done.stdout


@pytest.mark.parametrize(("idle", "interval"), [(1e-4, 0.01), (0.2, 0.05), (60.0, 1.0), (float("inf"), 1.0)])
def test_a_tiny_idle_does_not_spin_the_loop(idle: float, interval: float) -> None:
    # --idle 0.0001 used to check sessions every 25 us: the relay spun a CPU
    assert idle_check_interval(idle) == interval
