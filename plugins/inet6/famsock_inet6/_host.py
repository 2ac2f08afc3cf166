"""AF_INET6 hosts: the bytes the C library gets, IPv6 literals, names and ``%scope`` suffixes.

As the stdlib's ``setipaddr()``: ``''`` is in6addr_any, ``'<broadcast>'`` and
``'255.255.255.255'`` are refused (``OSError``: IPv4 only), a literal without ``%`` is read by
``inet_pton``, and anything else (names, and literals with a ``%scope``) goes to
``getaddrinfo(AF_INET6)``, whose first result is taken. glibc reads ``literal%scope`` itself,
without asking DNS: an interface name (for link-local and multicast link/node-local addresses
only) or a decimal number.
"""

from __future__ import annotations

import _socket

from famsock.contract import shorten

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: a first bind() imports no typing
if TYPE_CHECKING:
    from typing import Any

__all__ = ["ANY", "BROADCAST", "host_bytes", "is_literal", "literal", "resolve", "scope_text",
           "shorten"]

AF_INET6 = _socket.AF_INET6
ANY = bytes(16)
BROADCAST = (b"<broadcast>", b"255.255.255.255")  # the stdlib's IPv4-only special forms
_IFNAMSIZ = 16  # <net/if.h>: an interface name and its NUL


def host_bytes(host: Any) -> bytes:
    """The host as the C library gets it: ASCII as is, other text IDNA-encoded (as the stdlib)."""
    if isinstance(host, str):
        if host.isascii():
            data = host.encode("ascii")
        else:
            try:
                data = host.encode("idna")
            except UnicodeError as exc:
                raise TypeError(f"AF_INET6 host {shorten(host)} cannot be encoded as a host name: "
                                f"{exc}") from None
    elif isinstance(host, (bytes, bytearray)):
        data = bytes(host)
    else:
        raise TypeError(f"AF_INET6 host must be str, bytes or bytearray, not {type(host).__name__}: "
                        f"{shorten(host)}")
    if b"\0" in data:
        raise TypeError(f"AF_INET6 host must not contain a NUL character: {shorten(host)}")
    return data


def literal(name: bytes) -> bytes | None:
    """The 16 address bytes of an IPv6 literal without ``%scope``; None for anything else."""
    if b"%" in name:
        return None  # the stdlib hands scoped literals to getaddrinfo(), and so do we
    try:
        return _socket.inet_pton(AF_INET6, name.decode("ascii"))
    except (OSError, UnicodeDecodeError):
        return None


def is_literal(name: bytes) -> bool:
    """Whether ``name`` is ``''`` or an IPv6 literal, with or without a ``%scope``."""
    return not name or literal(name.partition(b"%")[0]) is not None


def resolve(name: bytes, shown: Any) -> tuple[bytes, int]:
    """The first AF_INET6 result for a name or a scoped literal: (address bytes, scope_id)."""
    try:
        infos = _socket.getaddrinfo(name, None, AF_INET6)
    except _socket.gaierror as exc:
        raise _socket.gaierror(exc.errno, _unresolved(name, shown, exc.strerror)) from None
    sockaddr: tuple[Any, ...] = infos[0][4]  # (host, port, flowinfo, scope_id)
    # CPython >= 3.7 reports the scope in scope_id only; older ones appended "%scope" to the host
    return _socket.inet_pton(AF_INET6, sockaddr[0].partition("%")[0]), int(sockaddr[3])


def _unresolved(name: bytes, shown: Any, reason: str | None) -> str:
    address, percent, scope = name.partition(b"%")
    if percent and literal(address) is not None:
        return (f"AF_INET6 host {shorten(shown)}: scope {scope.decode('ascii', 'replace')!r} is "
                f"neither an interface name nor a number 0-4294967295 (interface names are taken "
                f"for link-local and multicast link/node-local addresses only): {reason}")
    return f"AF_INET6 host {shorten(shown)} could not be resolved: {reason}"


def _takes_interface_names(packed: bytes) -> bool:
    """glibc's rule for a ``%scope`` that is a name: fe80::/10, ff01::/16-style and ff02::/16-style."""
    link_local = packed[0] == 0xFE and packed[1] & 0xC0 == 0x80
    return link_local or (packed[0] == 0xFF and packed[1] & 0x0F in (1, 2))


def scope_text(packed: bytes, scope_id: int) -> str:
    """The ``%scope`` text for a scope id, as glibc reads it back: the interface's name where
    glibc takes names and the interface exists (and its name is printable ASCII without ``]``:
    other text would be IDNA-encoded or end the brackets), else the number."""
    if not _takes_interface_names(packed):
        return str(scope_id)
    try:
        name = _socket.if_indextoname(scope_id)
    except OSError:
        name = ""
    if name and name.isascii() and name.isprintable() and "]" not in name:
        return name
    return _number_no_name_takes(scope_id)


def _number_no_name_takes(scope_id: int) -> str:
    """The scope id in decimal, with leading zeros while an interface has that name: glibc reads
    a name first (an interface may be called ``7``), and no name is 16 characters long."""
    text = str(scope_id)
    while len(text) < _IFNAMSIZ:
        try:
            _socket.if_nametoindex(text)
        except OSError:
            break
        text = "0" + text
    return text
