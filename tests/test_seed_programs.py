"""The socket documentation's four echo programs run on famsock with only `import famsock as socket`.

They are run as written (tests/seed_programs/), as separate processes, on the fixed port the
documentation uses; the same programs with `import socket` are the reference.
"""

from __future__ import annotations

import os
import socket as stdlib
import subprocess
import sys
import time
from pathlib import Path

import pytest

PROGRAMS = Path(__file__).parent / "seed_programs"
PORT = 50007


def run_pair(server_source: str, client_source: str, tmp_path: Path) -> tuple[str, str]:
    """Run server then client; return what each printed."""
    server_file, client_file = tmp_path / "server.py", tmp_path / "client.py"
    server_file.write_text(server_source)
    client_file.write_text(client_source)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with subprocess.Popen([sys.executable, str(server_file)], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, env=env) as server:
        try:
            wait_until_listening(PORT, server)
            client = subprocess.run([sys.executable, str(client_file)], capture_output=True, text=True,
                                    timeout=30, env=env)
            out, err = server.communicate(timeout=30)
        finally:
            server.kill()
    assert client.returncode == 0, client.stderr
    assert server.returncode == 0, err
    return out.strip(), client.stdout.strip()


def wait_until_listening(port: int, server: subprocess.Popen[str]) -> None:
    """Watch the kernel's table of TCP listeners (state 0A) for the port, without connecting."""
    wanted = f":{port:04X} "
    for _ in range(500):  # bounded: 5 s
        if server.poll() is not None:
            raise AssertionError(f"server exited early: {server.communicate()}")
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            with open(table) as rows:
                if any(wanted in row.split(" 0A ")[0] and " 0A " in row for row in rows):
                    return
        time.sleep(0.01)
    raise AssertionError("server never listened")


@pytest.fixture
def port_is_free() -> None:
    with stdlib.socket() as probe:
        probe.setsockopt(stdlib.SOL_SOCKET, stdlib.SO_REUSEADDR, 1)
        try:
            probe.bind(("", PORT))
        except OSError as exc:
            pytest.skip(f"port {PORT} of the seed programs is busy here: {exc}")


@pytest.mark.usefixtures("port_is_free")
@pytest.mark.parametrize("module", ["famsock", "socket"])
@pytest.mark.parametrize("programs", ["v4", "v46"], ids=["ipv4", "ipv4-ipv6-getaddrinfo"])
def test_echo_server_and_client(module: str, programs: str, tmp_path: Path) -> None:
    server = (PROGRAMS / f"echo_server_{programs}.py").read_text()
    client = (PROGRAMS / f"echo_client_{programs}.py").read_text()
    if module == "socket":
        server = server.replace("import famsock as socket", "import socket")
        client = client.replace("import famsock as socket", "import socket")
    server_out, client_out = run_pair(server, client, tmp_path)
    assert client_out == "Received b'Hello, world'"
    assert server_out.startswith("Connected by ('127.0.0.1', "), server_out  # the stdlib's print()
