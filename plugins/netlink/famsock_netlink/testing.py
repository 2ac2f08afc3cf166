"""A fake kernel for tests: a netlink peer in this process that answers with the bytes you script.

The peer is a real netlink socket of protocol ``NETLINK_USERSOCK``, whose datagrams the kernel
carries between user sockets without reading them. A :class:`~famsock_netlink.Connection` made
by :meth:`FakeKernel.connection` takes the fake's port as its peer (the kernel's, 0, for real
connections), so the conversation code under test is the real one, over a real socket, on
either syscall path; only the bytes are scripted, which lets a test send what a kernel would
not (wrong sequence numbers, lying lengths, interrupted dumps)::

    with FakeKernel() as kernel, kernel.connection() as nl:
        pending = nl.submit_raw(0x10, kind="dump")
        request = kernel.receive()
        kernel.send(nl.pid, kernel.message(request, 0x10, b"one", multi=True), kernel.done(request))
        assert [m.payload for m in nl.replies(pending)] == [b"one"]

``send`` to a multicast group (``send_group``) needs root or, as here, a protocol that lets users
send to groups (``NETLINK_USERSOCK`` does). The builders (``message``, ``ack``, ``error``,
``done``) are pure functions of a request and values.
"""

from __future__ import annotations

import contextlib
import struct
from collections.abc import Mapping
from typing import Any, NamedTuple

import famsock

from ._attributes import pack_attribute
from ._connection import Connection
from ._header import HEADER_SIZE, align, pack_header
from .constants import (
    NETLINK_USERSOCK,
    NLM_F_ACK_TLVS,
    NLM_F_CAPPED,
    NLM_F_MULTI,
    NLMSG_DONE,
    NLMSG_ERROR,
    NLMSGERR_ATTR_COOKIE,
    NLMSGERR_ATTR_MISS_TYPE,
    NLMSGERR_ATTR_MSG,
    NLMSGERR_ATTR_OFFS,
)

__all__ = ["FakeKernel", "Request", "attributes", "send_to_group"]


class Request(NamedTuple):
    """A request the fake received: header fields, payload, the whole message, the sender's port."""

    type: int
    flags: int
    seq: int
    pid: int
    payload: bytes
    data: bytes
    sender: int


class FakeKernel:
    """The peer (see the module's docstring). Use as a context manager; ``close()`` closes it."""

    def __init__(self, protocol: int = NETLINK_USERSOCK, timeout: float = 5.0) -> None:
        self.protocol = protocol
        self.timeout = timeout
        self.sock = famsock.socket(famsock.AF_NETLINK, famsock.SOCK_RAW, protocol)
        try:
            self.sock.settimeout(timeout)
            self.sock.bind((0, 0))
            self.pid: int = self.sock.getsockname()[0]
        except BaseException:
            self.sock.close()
            raise

    def connection(self, **options: Any) -> Connection:
        """A connection whose peer is this fake (options as :class:`Connection`'s; its timeout is
        the fake's unless given, so that a test waiting for a reply never waits forever)."""
        options.setdefault("timeout", self.timeout)
        return Connection(self.protocol, peer=self.pid, **options)

    # -- I/O ----------------------------------------------------------------------------------------

    def receive(self) -> Request:
        """The next request sent to the fake (``TimeoutError`` after the fake's timeout)."""
        data, sender = self.sock.recvfrom(1 << 16)
        length, kind, flags, seq, pid = struct.unpack_from("=IHHII", data)
        return Request(kind, flags, seq, pid, data[HEADER_SIZE:length], data, sender[0])

    def send(self, port: int, *messages: bytes) -> None:
        """One datagram of ``messages`` to ``port`` (a connection's ``pid``)."""
        self.sock.sendto(b"".join(messages), (port, 0))

    def send_group(self, group: int, *messages: bytes) -> None:
        """One datagram of ``messages`` to multicast group ``group`` (1-32)."""
        send_to_group(self.sock, group, b"".join(messages))

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> FakeKernel:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- builders (pure) --------------------------------------------------------------------------------

    @staticmethod
    def message(request: Request | None, kind: int, payload: bytes = b"", *, multi: bool = False,
                flags: int = 0, seq: int | None = None, pid: int | None = None,
                length: int | None = None) -> bytes:
        """A message answering ``request`` (its seq and pid unless given); ``length``: an
        ``nlmsg_len`` that lies."""
        flags |= NLM_F_MULTI if multi else 0
        seq = seq if seq is not None else (request.seq if request is not None else 0)
        pid = pid if pid is not None else (request.pid if request is not None else 0)
        size = HEADER_SIZE + len(payload)
        body = payload + b"\0" * (align(size) - size)
        return pack_header(size if length is None else length, kind, flags, seq, pid) + body

    @classmethod
    def done(cls, request: Request, error: int = 0, *, flags: int = 0,
             extack: Mapping[str, Any] | None = None, seq: int | None = None) -> bytes:
        """``NLMSG_DONE`` (``error``: a positive errno, sent as ``-errno``)."""
        tlvs = _tlvs(extack)
        return cls.message(request, NLMSG_DONE, struct.pack("=i", -error) + tlvs, multi=True, seq=seq,
                           flags=flags | (NLM_F_ACK_TLVS if tlvs else 0))

    @classmethod
    def ack(cls, request: Request, *, seq: int | None = None, flags: int = 0) -> bytes:
        """``NLMSG_ERROR`` with error 0: the request succeeded."""
        return cls.error(request, 0, seq=seq, flags=flags)

    @classmethod
    def error(cls, request: Request, error: int, *, extack: Mapping[str, Any] | None = None,
              capped: bool = True, seq: int | None = None, flags: int = 0) -> bytes:
        """``NLMSG_ERROR`` with ``-error``, echoing the request (its header only when ``capped``),
        with ``extack`` (``message``, ``offset``, ``missing_type``, ``cookie``) as TLVs."""
        echo = request.data[:HEADER_SIZE] if capped or not error else request.data + b"\0" * (
            align(len(request.data)) - len(request.data))
        tlvs = _tlvs(extack)
        flags |= (NLM_F_CAPPED if capped or not error else 0) | (NLM_F_ACK_TLVS if tlvs else 0)
        payload = struct.pack("=i", -error) + echo + tlvs
        return cls.message(request, NLMSG_ERROR, payload, seq=seq, flags=flags)


def _tlvs(extack: Mapping[str, Any] | None) -> bytes:
    if not extack:
        return b""
    parts: list[bytes] = []
    for key, value in extack.items():
        if key == "message":
            parts.append(pack_attribute(NLMSGERR_ATTR_MSG, str(value).encode() + b"\0"))
        elif key == "offset":
            parts.append(pack_attribute(NLMSGERR_ATTR_OFFS, struct.pack("=I", value)))
        elif key == "missing_type":
            parts.append(pack_attribute(NLMSGERR_ATTR_MISS_TYPE, struct.pack("=I", value)))
        elif key == "cookie":
            parts.append(pack_attribute(NLMSGERR_ATTR_COOKIE, bytes(value)))
        else:
            raise ValueError(f"no extended-ack attribute {key!r} (message, offset, missing_type, cookie)")
    return b"".join(parts)


def send_to_group(sock: Any, group: int, data: bytes) -> None:
    """Send ``data`` to a multicast group from a user socket. Linux also unicasts such a datagram
    to the ``nl_pid`` given (0: the kernel), and on protocols with no kernel socket
    (``NETLINK_USERSOCK``) that part fails with ECONNREFUSED after the broadcast went out."""
    with contextlib.suppress(ConnectionRefusedError):
        sock.sendto(data, (0, 1 << (group - 1)))


def attributes(*pairs: tuple[int, bytes]) -> bytes:
    """Attributes ``(type, payload)`` packed one after another (for payloads a test builds)."""
    return b"".join(pack_attribute(kind, payload) for kind, payload in pairs)
