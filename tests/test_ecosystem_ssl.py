"""TLS over famsock sockets: ``SSLContext.wrap_socket`` on both ends, with certificates made here.

``wrap_socket`` builds an ``ssl.SSLSocket`` on the famsock socket's fd and detaches the famsock
socket: the TLS socket is the stdlib's, and so are its address methods (plain tuples; on a
wrapped listener, ``accept()`` makes stdlib sockets). Connect and accept with famsock, then wrap,
and the addresses that matter were the plugin's. To keep famsock's address methods on the TLS
socket itself, ``SSLContext.sslsocket_class`` (documented, 3.7+) takes a subclass of
``ssl.SSLSocket`` and ``famsock.socket``: ``SSLSocket`` reaches them through ``super()``.

Certificates: self-signed, made by the ``openssl`` command, else by ``cryptography`` if it is
importable (it is no dependency of famsock), else these tests skip and say why.
"""

from __future__ import annotations

import datetime
import importlib.util
import ipaddress
import shutil
import socket as stdlib
import ssl
import subprocess
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import famsock
from famsock.testing import open_fds
from tests.helpers import IPS, Ip

TIMEOUT = 10
SERVER_NAME = "localhost"
CLIENT_NAME = "famsock test client"


@pytest.fixture(autouse=True)
def _no_fd_leaks() -> Iterator[None]:
    before = open_fds()
    yield
    assert open_fds() == before


@pytest.fixture(autouse=True)
def _bounded() -> Iterator[None]:
    """Every socket made here, accepted ones included, gets a timeout: no handshake can hang."""
    previous = stdlib.getdefaulttimeout()
    stdlib.setdefaulttimeout(TIMEOUT)
    yield
    stdlib.setdefaulttimeout(previous)


@dataclass(frozen=True)
class Identity:
    cert: Path
    key: Path


def _with_openssl(directory: Path, name: str, common_name: str) -> Identity:
    identity = Identity(directory / f"{name}.crt", directory / f"{name}.key")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "2", "-subj", f"/CN={common_name}",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1",
         "-keyout", str(identity.key), "-out", str(identity.cert)],
        check=True, capture_output=True, timeout=60)
    return identity


def _with_cryptography(directory: Path, name: str, common_name: str) -> Identity:
    ec = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.ec")
    hashes = pytest.importorskip("cryptography.hazmat.primitives.hashes")
    serialization = pytest.importorskip("cryptography.hazmat.primitives.serialization")
    x509 = pytest.importorskip("cryptography.x509")
    oid = pytest.importorskip("cryptography.x509.oid")

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(oid.NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    alt_names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                 x509.IPAddress(ipaddress.ip_address("::1"))]
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    identity = Identity(directory / f"{name}.crt", directory / f"{name}.key")
    identity.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    identity.key.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                               serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
    return identity


@pytest.fixture(scope="module")
def identities(tmp_path_factory: pytest.TempPathFactory) -> tuple[Identity, Identity]:
    """Self-signed (server, client) certificates and keys, made for this run."""
    if shutil.which("openssl"):
        make: Callable[[Path, str, str], Identity] = _with_openssl
    else:
        if importlib.util.find_spec("cryptography") is None:
            pytest.skip("no way to make a test certificate: neither the openssl command nor the "
                        "cryptography package (not a famsock dependency) is available")
        make = _with_cryptography
    directory = tmp_path_factory.mktemp("tls")
    return make(directory, "server", SERVER_NAME), make(directory, "client", CLIENT_NAME)


@dataclass(frozen=True)
class Contexts:
    server: ssl.SSLContext
    client: ssl.SSLContext


@pytest.fixture
def contexts(identities: tuple[Identity, Identity]) -> Contexts:
    """Mutual TLS: each side proves its identity and trusts only the other's certificate."""
    server_identity, client_identity = identities
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(server_identity.cert, server_identity.key)
    server.verify_mode = ssl.CERT_REQUIRED
    server.load_verify_locations(client_identity.cert)
    client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # check_hostname and CERT_REQUIRED
    client.load_cert_chain(client_identity.cert, client_identity.key)
    client.load_verify_locations(server_identity.cert)
    return Contexts(server, client)


def common_name(cert: Any) -> str:
    return str(dict(field for rdn in cert["subject"] for field in rdn)["commonName"])


def exchange(server_side: Callable[[], ssl.SSLSocket], client_side: Callable[[], ssl.SSLSocket]
             ) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run a TLS conversation: the server side in a thread, the client here; each sends a line
    and reads the other's. Returns what each side saw of it."""

    def talk(tls: ssl.SSLSocket, line: bytes) -> dict[str, Any]:
        with tls:
            tls.sendall(line)
            with tls.makefile("rb") as reader:
                heard = reader.readline()
            return {"heard": heard, "peer cert": tls.getpeercert(), "version": tls.version(),
                    "tls": tls, "sockname": tls.getsockname(), "peername": tls.getpeername()}

    with ThreadPoolExecutor(1) as pool:  # on a client error, waits for the server (timeouts)
        server = pool.submit(lambda: talk(server_side(), b"hello from the server\n"))
        client = talk(client_side(), b"hello from the client\n")
        served = server.result(TIMEOUT)
    return served, client


def famsock_listener(ip: Ip) -> famsock.socket:
    sock = famsock.socket(ip.family)
    sock.bind(ip.local)
    sock.listen()
    return sock


@pytest.mark.parametrize("ip", IPS)
def test_tls_over_famsock_sockets(syscall_path: str, ip: Ip, contexts: Contexts) -> None:
    """Connect and accept with famsock, then wrap: handshake, both directions, both certificates."""
    accepted: list[Any] = []
    with famsock_listener(ip) as listener:
        def server_side() -> ssl.SSLSocket:
            conn, peer = listener.accept()
            accepted.append((conn, peer))
            return contexts.server.wrap_socket(conn, server_side=True)

        def client_side() -> ssl.SSLSocket:
            sock = famsock.create_connection(listener.getsockname()[:2])
            assert isinstance(sock, famsock.socket) and sock.syscall_path == syscall_path
            return contexts.client.wrap_socket(sock, server_hostname=SERVER_NAME)

        served, client = exchange(server_side, client_side)
        address = listener.getsockname()

    assert served["heard"] == b"hello from the client\n"
    assert client["heard"] == b"hello from the server\n"
    assert common_name(client["peer cert"]) == SERVER_NAME
    assert common_name(served["peer cert"]) == CLIENT_NAME
    assert served["version"] == client["version"] is not None
    [(conn, peer)] = accepted
    assert type(peer) is ip.address_type
    assert peer == client["sockname"] == served["peername"]
    assert client["peername"] == served["sockname"] == address
    assert conn.fileno() == -1  # wrap_socket() took its fd


@pytest.mark.parametrize("ip", IPS)
def test_wrap_socket_makes_a_stdlib_ssl_socket(syscall_path: str, ip: Ip, contexts: Contexts) -> None:
    """What wrapping does to famsock sockets, a connected client and a listener alike."""
    with famsock_listener(ip) as listener:
        tls_listener = contexts.server.wrap_socket(listener, server_side=True)
        assert listener.fileno() == -1
        with tls_listener:
            def client_side() -> ssl.SSLSocket:
                sock = famsock.create_connection(tls_listener.getsockname()[:2])
                return contexts.client.wrap_socket(sock, server_hostname=SERVER_NAME)

            served, client = exchange(lambda: tls_listener.accept()[0], client_side)
    assert served["heard"] == b"hello from the client\n"
    assert client["heard"] == b"hello from the server\n"
    for side in (served, client):
        assert type(side["tls"]) is ssl.SSLSocket  # not a famsock socket
        assert type(side["sockname"]) is type(side["peername"]) is tuple  # the stdlib's forms
    assert served["peername"] == client["sockname"]
    assert client["peername"] == served["sockname"]


class FamsockSSLSocket(ssl.SSLSocket, famsock.socket):  # type: ignore[misc] # accept()'s types
    """A TLS socket whose address methods are famsock's (through ``SSLSocket``'s ``super()``)."""


@pytest.mark.parametrize("ip", IPS)
def test_sslsocket_class_keeps_famsock_addresses(syscall_path: str, ip: Ip, contexts: Contexts) -> None:
    """Wrap before connecting, and wrap the listener: connect() and accept() stay famsock's."""
    for context in (contexts.server, contexts.client):
        context.sslsocket_class = FamsockSSLSocket
    with famsock_listener(ip) as listener, \
            contexts.server.wrap_socket(listener, server_side=True) as tls_listener:
        assert type(tls_listener) is FamsockSSLSocket
        assert tls_listener.syscall_path == syscall_path

        def server_side() -> ssl.SSLSocket:
            conn, peer = tls_listener.accept()
            assert isinstance(conn, FamsockSSLSocket)
            assert type(peer) is ip.address_type
            return conn

        def client_side() -> ssl.SSLSocket:
            tls = contexts.client.wrap_socket(famsock.socket(ip.family), server_hostname=SERVER_NAME)
            tls.connect(tls_listener.getsockname())  # famsock's connect, then the handshake
            return tls

        served, client = exchange(server_side, client_side)
        address = tls_listener.getsockname()
    assert served["heard"] == b"hello from the client\n"
    assert client["heard"] == b"hello from the server\n"
    assert common_name(served["peer cert"]) == CLIENT_NAME
    for side in (served, client):
        assert type(side["tls"]) is FamsockSSLSocket
        assert side["tls"].syscall_path == syscall_path
        assert type(side["sockname"]) is type(side["peername"]) is ip.address_type
    assert served["peername"] == client["sockname"]
    assert client["peername"] == served["sockname"] == address


def test_datagram_sockets_are_refused_alike() -> None:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    for make in (stdlib.socket, famsock.socket):
        with make(stdlib.AF_INET, stdlib.SOCK_DGRAM) as sock:
            with pytest.raises(NotImplementedError, match="only stream sockets"):
                context.wrap_socket(sock, server_hostname=SERVER_NAME)
            assert sock.fileno() != -1  # refused before taking the fd
