"""famsock as the process's ``socket`` module, both ways, each in a fresh interpreter:
``sys.modules["socket"] = famsock`` before anything imports ``socket``, and
``famsock.patch_stdlib()`` / ``unpatch_stdlib()`` once libraries are imported."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from typing import Any

#: Servers and clients of the stdlib's libraries on loopback; prints what each one's sockets are.
#: ``famsock`` and ``socket`` (whatever it is by then) are imported; ``typed(a)`` tells a typed
#: INET address from the stdlib's plain tuple.
LIBRARIES = """
import asyncio, http.client, http.server, logging.handlers, socketserver, ssl, threading

def typed(address):
    return isinstance(address, famsock.family("inet").address_type)

def kind(sock):
    if isinstance(sock, famsock.socket):
        return "famsock"
    return type(sock).__module__ + "." + type(sock).__name__

seen = {}

class Echo(socketserver.BaseRequestHandler):
    def handle(self):
        self.request.sendall(self.request.recv(16))

with socketserver.TCPServer(("127.0.0.1", 0), Echo) as server:
    threading.Thread(target=server.handle_request, daemon=True).start()
    seen["socketserver"] = [kind(server.socket), typed(server.server_address)]
    with socket.create_connection(server.server_address, timeout=10) as client:
        client.sendall(b"ping")
        seen["socketserver"].append(client.recv(16) == b"ping")

async def asyncio_both_ends():
    async def serve(reader, writer):
        writer.write(await reader.read(4))
        await writer.drain()
        writer.close()
    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    async with server:
        address = server.sockets[0].getsockname()
        reader, writer = await asyncio.open_connection(*address)
        writer.write(b"ping")
        echoed = await reader.read(4)
        peer = writer.get_extra_info("peername")
        writer.close()
        await writer.wait_closed()
    return [typed(address), typed(peer), echoed == b"ping"]

seen["asyncio"] = asyncio.run(asyncio.wait_for(asyncio_both_ends(), 10))

class Quiet(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(204)
        self.end_headers()
    def log_message(self, *args):
        pass

with http.server.HTTPServer(("127.0.0.1", 0), Quiet) as server:
    threading.Thread(target=server.handle_request, daemon=True).start()
    connection = http.client.HTTPConnection(*server.server_address, timeout=10)
    connection.request("GET", "/")
    client = kind(connection.sock)  # before the response: an HTTP/1.0 one closes it
    status = connection.getresponse().status
    seen["http"] = [kind(server.socket), client, status == 204]
    connection.close()

with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as collector:
    collector.bind(("127.0.0.1", 0))
    collector.settimeout(10)
    handler = logging.handlers.SysLogHandler(address=collector.getsockname())
    handler.emit(logging.makeLogRecord({"msg": "hello"}))
    data, sender = collector.recvfrom(1024)
    seen["logging"] = [kind(handler.socket), typed(sender), b"hello" in data]
    handler.close()

seen["ssl"] = [ssl.create_connection is famsock.create_connection,
               issubclass(ssl.SSLSocket, famsock.socket)]
"""

EVERY_ONE = {"socketserver": ["famsock", True, True], "asyncio": [True, True, True],
             "http": ["famsock", "famsock", True], "logging": ["famsock", True, True]}


def _python(code: str) -> Any:
    """Run ``code`` in a fresh interpreter (this session's private network namespace); return
    the JSON it prints last."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_famsock_as_sys_modules_socket_before_other_imports() -> None:
    seen = _python(f"""
        import sys, json
        import famsock
        sys.modules["socket"] = famsock
        import socket
        {textwrap.indent(LIBRARIES, "        ").strip()}
        seen["socket is famsock"] = socket is famsock
        print(json.dumps(seen))
    """)
    assert seen == {**EVERY_ONE, "ssl": [True, True], "socket is famsock": True}


def test_patch_stdlib_makes_imported_libraries_use_famsock() -> None:
    seen = _python(f"""
        import sys, json
        import asyncio, http.client, http.server, logging.handlers, socketserver, ssl
        import socket
        import famsock
        patch = famsock.patch_stdlib()
        {textwrap.indent(LIBRARIES, "        ").strip()}
        seen["replaced"] = sorted(map(list, patch.replaced))
        print(json.dumps(seen))
    """)
    replaced = seen.pop("replaced")
    # ssl's own class keeps the stdlib's base (documented), the rest is famsock's
    assert seen == {**EVERY_ONE, "ssl": [True, False]}
    assert ["ssl", "create_connection"] in replaced
    assert {name for module, name in replaced if module == "socket"} == {
        "socket", "socketpair", "fromfd", "create_connection", "create_server", "getaddrinfo",
        "inet_pton", "inet_ntop"}


#: Every (module, name) whose value is one of the stdlib socket module's replaced objects, by
#: identity, or one of famsock's replacements; outside famsock itself and ``_socket``, whose
#: functions (inet_pton...) the stdlib's module holds and famsock's call: never patched.
HOLDERS = """
from famsock._patching import REPLACED_NAMES
import famsock._connections

def holders(objects):
    found = []
    for key, module in sorted(sys.modules.items()):
        if key.startswith("famsock") or key == "_socket" or not hasattr(module, "__dict__"):
            continue
        for name, value in list(vars(module).items()):
            if any(value is o for o in objects.values()):
                found.append([key, name, next(n for n, o in objects.items() if value is o)])
    return sorted(found)

originals = {n: getattr(std, n) for n in REPLACED_NAMES}
replacements = {n: getattr(famsock, n) for n in REPLACED_NAMES}
"""


def test_unpatch_restores_exactly_what_was_replaced() -> None:
    seen = _python(f"""
        import sys, json
        import ssl, socketserver, http.client, smtplib, asyncio
        import socket as std
        import famsock
        {textwrap.indent(HOLDERS, "        ").strip()}
        before = holders(originals)
        patch = famsock.patch_stdlib()
        during = holders(originals)
        again = famsock.patch_stdlib()
        replaced_by_famsock = holders(replacements)
        home_during = famsock._connections.home is std
        first, second = famsock.unpatch_stdlib(), famsock.unpatch_stdlib()
        print(json.dumps({{
            "before": before, "during": during, "after": holders(originals),
            "replaced": sorted(map(list, patch.replaced)), "famsock's during": replaced_by_famsock,
            "famsock's after": holders(replacements), "made": [patch.made, again.made],
            "again replaced": sorted(map(list, again.replaced)), "unpatched": [first, second],
            "home": [home_during, famsock._connections.home is None],
            "kept": famsock._connections._StdSocket is originals["socket"],
        }}))
    """)
    assert seen["before"], "the stdlib module holds its own objects"
    assert seen["during"] == []
    assert sorted([m, n] for m, n, _ in seen["before"]) == seen["replaced"]
    assert sorted([m, n] for m, n, _ in seen["famsock's during"]) == seen["replaced"]
    assert seen["after"] == seen["before"]
    assert seen["famsock's after"] == []
    assert seen["made"] == [True, False]
    assert seen["again replaced"] == seen["replaced"]
    assert seen["unpatched"] == [True, False]
    assert seen["home"] == [True, True]
    assert seen["kept"]


def test_patch_stdlib_as_a_context_manager_nests() -> None:
    seen = _python("""
        import json, socket
        import famsock
        original = socket.socket
        states = []
        with famsock.patch_stdlib() as outer:
            states.append(socket.socket is famsock.socket)
            with famsock.patch_stdlib() as inner:
                states.append(socket.socket is famsock.socket)
            states.append(socket.socket is famsock.socket)  # the inner one made nothing
        states.append(socket.socket is original)
        print(json.dumps([states, outer.made, inner.made]))
    """)
    assert seen == [[True, True, True, True], True, False]


def test_names_changed_since_patching_are_left_alone_on_unpatch() -> None:
    seen = _python("""
        import json, socket
        import famsock
        famsock.patch_stdlib()
        class Mine(famsock.socket):
            pass
        socket.socket = Mine  # what a test does (CPython's test_socket), or a third library
        famsock.unpatch_stdlib()
        print(json.dumps([socket.socket is Mine, socket.create_connection.__module__]))
    """)
    assert seen == [True, "socket"]


def test_module_functions_follow_the_stdlib_modules_class_while_patched() -> None:
    seen = _python("""
        import json, socket
        import famsock
        famsock.patch_stdlib()
        class Mine(famsock.socket):
            pass
        socket.socket = Mine  # CPython's test_socket patches the module's class this way
        with socket.create_server(("127.0.0.1", 0)) as server:
            with socket.create_connection(server.getsockname()) as client:
                kinds = [type(server).__name__, type(client).__name__]
        a, b = socket.socketpair()
        kinds.append(type(a).__name__)
        a.close(); b.close()
        with famsock.to_stdlib(famsock.socket()) as plain:
            kinds.append(type(plain).__module__ + "." + type(plain).__name__)
        print(json.dumps(kinds))
    """)
    assert seen == ["Mine", "Mine", "Mine", "socket.socket"]


def test_patching_does_not_load_lazily_imported_modules() -> None:
    seen = _python("""
        import importlib.util, json, sys
        import famsock
        spec = importlib.util.find_spec("smtplib")
        spec.loader = importlib.util.LazyLoader(spec.loader)
        module = importlib.util.module_from_spec(spec)
        sys.modules["smtplib"] = module
        spec.loader.exec_module(module)
        with famsock.patch_stdlib():
            pass
        loaded = type(module).__name__ != "_LazyModule"
        smtp_socket_ok = module.socket is sys.modules["socket"]  # now it loads, and is whole
        print(json.dumps([loaded, smtp_socket_ok]))
    """)
    assert seen == [False, True]


def test_socket_module_functions_stay_what_famsock_calls() -> None:
    # famsock.inet_pton() falls back on _socket.inet_pton for families no plugin reads: were
    # _socket patched as well (it holds the stdlib module's very objects), that would recurse.
    seen = _python("""
        import _socket, errno, json, socket
        import famsock
        kept_aside = [_socket.inet_pton]  # in a list: a module global would be patched too
        with famsock.patch_stdlib():
            try:
                socket.inet_pton(99, "x")
            except OSError as exc:
                refused = exc.errno == errno.EAFNOSUPPORT
            packed = socket.inet_pton(socket.AF_INET6, "::1") == bytes(15) + b"\\x01"
            kept = _socket.inet_pton is kept_aside[0]
        print(json.dumps([refused, packed, kept]))
    """)
    assert seen == [True, True, True]
