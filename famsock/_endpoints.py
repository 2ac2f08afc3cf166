"""The command line's endpoints: ``[listen:][KIND:][proto=N:]ADDRESS``, read into an :class:`Endpoint`.

ADDRESS is a text form (``famsock.address_from_text``: ``inet:127.0.0.1:8080``,
``unix:/run/app.sock``, ``raw:40:...``, any installed family's), or ``-`` for standard input and
output. Before it, in any order, each at most once:

- ``listen:`` — bind to the address and wait for peers (accept connections, or take datagrams
  from anyone), instead of connecting to it;
- a socket type — ``stream:``, ``dgram:``, ``seqpacket:``, ``rdm:`` or ``raw:`` (``raw:`` followed
  by a number is the text form of a ``RawSockaddr`` instead); the family's first of stream,
  seqpacket, dgram, raw and rdm when not given;
- ``proto=N:`` — the socket's protocol number (default 0).

Nothing here opens a socket; a text that cannot be read raises :class:`EndpointError`, whose
message is one line.
"""

from __future__ import annotations

import _socket
from dataclasses import dataclass
from typing import Any

from ._raw_sockaddr import RawSockaddr
from ._registry import registry
from .codec import address_from_text

__all__ = ["CONNECTED", "KINDS", "STDIO", "Endpoint", "EndpointError", "kind_name", "parse_endpoint"]

KINDS = {"stream": _socket.SOCK_STREAM, "dgram": _socket.SOCK_DGRAM, "seqpacket": _socket.SOCK_SEQPACKET,
         "rdm": _socket.SOCK_RDM, "raw": _socket.SOCK_RAW}
#: Socket types with connections (listen/accept/connect, end of stream); the rest are datagrams.
CONNECTED = frozenset({_socket.SOCK_STREAM, _socket.SOCK_SEQPACKET})
_PREFERRED = (_socket.SOCK_STREAM, _socket.SOCK_SEQPACKET, _socket.SOCK_DGRAM, _socket.SOCK_RAW,
              _socket.SOCK_RDM)
STDIO = "-"


class EndpointError(ValueError):
    """An endpoint's text that cannot be used; the message is one line naming the text."""


def kind_name(kind: int) -> str:
    return next((name for name, value in KINDS.items() if value == kind), str(kind))


@dataclass(frozen=True)
class Endpoint:
    """One side of ``famsock relay``: what the text said, resolved."""

    text: str
    listen: bool = False
    kind: int = _socket.SOCK_STREAM
    proto: int = 0
    family: int = 0
    address: Any = None  # a typed address or a RawSockaddr; None for standard input/output

    @property
    def stdio(self) -> bool:
        return self.address is None

    @property
    def connected(self) -> bool:
        """Whether its sockets have connections (stream, seqpacket) rather than datagrams."""
        return self.kind in CONNECTED

    def describe(self) -> str:
        return "standard input/output" if self.stdio else f"{self.text} ({kind_name(self.kind)})"


def parse_endpoint(text: str, *, stdio: bool = True) -> Endpoint:
    """Read an endpoint; ``stdio``: whether ``-`` may be given."""
    listen, kind, proto, rest = _prefixes(text)
    if rest == STDIO:
        if not stdio:
            raise EndpointError(f"{text!r}: standard input/output ('-') cannot be used here")
        if listen or kind is not None or proto is not None:
            raise EndpointError(f"{text!r}: standard input/output ('-') takes no listen:, socket type "
                                "or proto=")
        return Endpoint(text, address=None)
    if not rest:
        raise EndpointError(f"{text!r}: no address after the prefixes (an address is 'family:...', e.g. "
                            "inet:127.0.0.1:8080 or unix:/run/app.sock)")
    try:
        address = address_from_text(rest)
    except Exception as exc:  # the family's own exception types (ValueError, OSError...): one line
        message = _one_line(exc)
        raise EndpointError(message if message.startswith(repr(text)) else f"{text!r}: {message}") from None
    if isinstance(address, RawSockaddr):
        family = address.family
    else:
        family = registry.family_for_address(address).number
    return Endpoint(text, listen, _kind(text, rest, family, kind), proto or 0, family, address)


def _prefixes(text: str) -> tuple[bool, int | None, int | None, str]:
    listen, kind, proto = False, None, None
    rest = text
    while True:
        word, colon, after = rest.partition(":")
        if not colon:
            return listen, kind, proto, rest
        if word == "listen":
            if listen:
                raise EndpointError(f"{text!r}: 'listen:' given twice")
            listen = True
        elif word in KINDS and not (word == "raw" and after.partition(":")[0].isdigit()):  # raw:AF:hex
            if kind is not None:
                raise EndpointError(f"{text!r}: two socket types ({kind_name(kind)} and {word})")
            kind = KINDS[word]
        elif word.startswith("proto="):
            if proto is not None:
                raise EndpointError(f"{text!r}: 'proto=' given twice")
            proto = _proto(text, word[len("proto="):])
        else:
            return listen, kind, proto, rest
        rest = after


def _proto(text: str, number: str) -> int:
    try:
        value = int(number, 0)
    except ValueError:
        raise EndpointError(f"{text!r}: proto= takes a number, got {number!r}") from None
    if not 0 <= value <= 0x7FFFFFFF:
        raise EndpointError(f"{text!r}: proto= must be 0-2147483647, got {value}")
    return value


def _kind(text: str, rest: str, family: int, kind: int | None) -> int:
    claimed = registry.lookup(family)
    if claimed is None:  # a RawSockaddr of a family no plugin claims: the kernel decides
        return _socket.SOCK_STREAM if kind is None else kind
    if kind is None:
        return next(k for k in _PREFERRED if k in claimed.socket_types) if any(
            k in claimed.socket_types for k in _PREFERRED) else min(claimed.socket_types)
    if kind not in claimed.socket_types:
        has = ", ".join(kind_name(k) for k in sorted(claimed.socket_types))
        raise EndpointError(f"{text!r}: the {claimed.name} family has no {kind_name(kind)} sockets (it has "
                            f"{has})")
    return kind


def _one_line(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return " ".join(text.split())
