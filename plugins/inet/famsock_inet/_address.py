"""``InetAddress`` and the parsing of user values into it: the stdlib's rules, checked loudly.

Checks run types first (host type, NUL, port type), as in the stdlib, so a value of a wrong
type fails with the stdlib's exception type; then the port's range, then the host is read or
resolved. The stdlib resolves the host before it checks the port's range: here an out-of-range
port never costs a name lookup, so ``('no-such-name.invalid', 65536)`` is ``OverflowError``
where the stdlib gives ``gaierror``.
"""

from __future__ import annotations

import _socket
from collections.abc import Iterable
from operator import index, itemgetter

from famsock.contract import SocketSpec, shorten

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: a first bind() imports no typing
if TYPE_CHECKING:
    from typing import Any, SupportsIndex, overload

__all__ = ["InetAddress", "from_text", "parse", "to_text"]

AF_INET = _socket.AF_INET
_ANY = "0.0.0.0"
_BROADCAST = "255.255.255.255"
_CACHE_LIMIT = 512
_ONE_ITERABLE: Any = object()  # InetAddress(fields): no port given


class InetAddress(tuple[str, int]):
    """An AF_INET socket address: the stdlib's ``(host, port)`` tuple, with attributes.

    host
        The IPv4 address in dotted-quad form (``"127.0.0.1"``), never a host name.
    port
        The port, 0-65535.

    A ``tuple`` subclass that changes nothing the tuple does: ``str()``, ``repr()``, ``==``,
    ``hash()``, JSON and every tuple method give what the stdlib's tuple gives. The text form
    (``inet:127.0.0.1:8080``) is ``famsock.address_to_text(address)``.

    Valid however it was built: the constructor (``InetAddress(host, port)``, or one iterable
    of both, as ``tuple()`` takes), ``_make``, ``_replace``, copies and pickles all check; only
    ``tuple.__new__`` does not. A pickle calls ``famsock_inet.InetAddress(host, port)``.
    """

    __slots__ = ()
    __module__ = "famsock_inet"  # pickles name the public class, wherever it is defined
    __match_args__ = ("host", "port")

    if TYPE_CHECKING:
        @property
        def host(self) -> str: ...

        @property
        def port(self) -> int: ...
    else:  # C-level getters: as fast as a namedtuple's fields
        host = property(itemgetter(0), doc="The IPv4 address, dotted quad.")
        port = property(itemgetter(1), doc="The port, 0-65535.")

    if TYPE_CHECKING:  # the constructor's two forms, for type checkers
        @overload
        def __new__(cls, host: str | bytes | bytearray, port: SupportsIndex) -> InetAddress: ...

        @overload
        def __new__(cls, fields: Iterable[Any], /) -> InetAddress: ...

    def __new__(cls, host: Any, port: Any = _ONE_ITERABLE) -> InetAddress:
        """Check and normalize; host names are refused here (``parse`` resolves them)."""
        if port is _ONE_ITERABLE:
            host, port = _two_fields(host)
        if _literal(_host_bytes(host)) is None:
            raise ValueError(f"InetAddress host must be an IPv4 address, not a name: {shorten(host)} "
                             "(famsock.parse_address resolves names)")
        return parse((host, port))

    @classmethod
    def _make(cls, iterable: Iterable[Any]) -> InetAddress:
        """As the constructor, from exactly two fields (namedtuple's ``_make``)."""
        fields = tuple(iterable)
        if len(fields) != 2:
            raise TypeError(f"Expected 2 arguments, got {len(fields)}")  # namedtuple's message
        return cls(*fields)

    def _replace(self, **changes: Any) -> InetAddress:
        """A copy with some fields changed, checked as the constructor checks (namedtuple's
        ``_replace``; ``copy.replace`` on Python 3.13+)."""
        host, port = changes.pop("host", self[0]), changes.pop("port", self[1])
        if changes:
            raise ValueError(f"Got unexpected field names: {list(changes)!r}")  # namedtuple's message
        return self._make((host, port))

    __replace__ = _replace

    def __reduce__(self) -> tuple[type[InetAddress], tuple[str, int]]:
        # Through the constructor on every protocol: tuple's own reduction (protocols 0 and 1)
        # would rebuild with tuple.__new__, so an edited pickle would skip the checks.
        return self.__class__, (self[0], self[1])


def _two_fields(fields: Any) -> tuple[Any, Any]:
    """``InetAddress(iterable)``'s fields, as ``tuple(iterable)`` reads them."""
    if isinstance(fields, (str, bytes, bytearray)):
        raise TypeError(f"InetAddress needs a host and a port: InetAddress(host, port), or one "
                        f"iterable of both; got only {shorten(fields)}")
    items = tuple(fields)
    if len(items) != 2:
        raise TypeError(f"InetAddress takes two fields (host, port), got {len(items)}: {shorten(items)}")
    return items[0], items[1]


_new = tuple.__new__  # build without re-validating: for values parse() or the kernel produced
_cache: dict[tuple[Any, ...], InetAddress] = {}


def parse(value: Any, spec: SocketSpec | None = None) -> InetAddress:
    """A user value (``(host, port)``, or an ``InetAddress``) as a checked, resolved address."""
    if type(value) is InetAddress:
        return value
    if type(value) is tuple:
        try:
            hit = _cache.get(value)
        except Exception:  # TypeError, ValueError (a writable memoryview), what a __hash__ raises:
            hit = None  # the slow path says what is wrong, as the stdlib would
        # 80.0 == 80: only an int port may hit what an int port put there
        if hit is not None and type(value[1]) is int:
            return hit
    return _parse(value)


def _parse(value: Any) -> InetAddress:
    if not isinstance(value, tuple):
        raise TypeError(f"AF_INET address must be a tuple (host, port), not {type(value).__name__}: "
                        f"{shorten(value)}")
    if len(value) != 2:
        raise TypeError(f"AF_INET address must be a pair (host, port), got {len(value)} items: "
                        f"{shorten(value)}")
    host, port = value
    name = _host_bytes(host)
    port = _port(port)
    literal = _literal(name)
    address: InetAddress = _new(InetAddress, (literal or _resolve(name, host), port))
    if literal is not None and type(host) is str and type(value[1]) is int:
        if len(_cache) >= _CACHE_LIMIT:
            _cache.clear()
        _cache[value] = address
    return address


def _host_bytes(host: Any) -> bytes:
    """The host as the C library gets it: ASCII as is, other text IDNA-encoded (as the stdlib)."""
    if isinstance(host, str):
        if host.isascii():
            data = host.encode("ascii")
        else:
            try:
                data = host.encode("idna")
            except UnicodeError as exc:
                raise TypeError(f"AF_INET host {host!r} cannot be encoded as a host name: {exc}") from None
    elif isinstance(host, (bytes, bytearray)):
        data = bytes(host)
    else:
        raise TypeError(f"AF_INET host must be str, bytes or bytearray, not {type(host).__name__}: "
                        f"{shorten(host)}")
    if b"\0" in data:
        raise TypeError(f"AF_INET host must not contain a NUL character: {shorten(host)}")
    return data


def _port(port: Any) -> int:
    try:
        number = index(port)  # __index__ looked up on the type, its result an int: as the stdlib
    except TypeError as exc:
        broken = f" ({exc})" if hasattr(type(port), "__index__") else ""
        raise TypeError(f"AF_INET port must be an integer, not {type(port).__name__}: "
                        f"{shorten(port)}{broken}") from None
    if not 0 <= number <= 0xFFFF:
        raise OverflowError(f"AF_INET port must be 0-65535, got {number}")
    return int(number)


def _literal(name: bytes) -> str | None:
    """The dotted quad for ``''``, ``'<broadcast>'`` and IPv4 literals; None for names."""
    if not name:
        return _ANY
    if name == b"<broadcast>":
        return _BROADCAST
    try:
        return _socket.inet_ntop(AF_INET, _socket.inet_pton(AF_INET, name.decode("ascii")))
    except (OSError, UnicodeDecodeError):
        return None


def _resolve(name: bytes, shown: Any) -> str:
    """The first IPv4 address of a host name (as the stdlib: its result is not deterministic)."""
    try:
        infos = _socket.getaddrinfo(name, None, AF_INET)
    except _socket.gaierror as exc:
        raise _socket.gaierror(exc.errno, f"AF_INET host {shorten(shown)} could not be resolved: "
                                          f"{exc.strerror}") from None
    return str(infos[0][4][0])


def from_native(value: tuple[str, int], spec: SocketSpec | None = None) -> InetAddress:
    """The stdlib's ``(host, port)`` result: already canonical, so no checks."""
    return _new(InetAddress, value)


def to_text(address: InetAddress) -> str:
    """``"127.0.0.1:8080"``: the text form after ``inet:``."""
    return f"{address.host}:{address.port}"


def from_text(text: str) -> InetAddress:
    """``"127.0.0.1:8080"`` (the text after ``inet:``) as an address; names are resolved."""
    host, colon, port = text.rpartition(":")
    if not colon or not (port.isascii() and port.isdigit()):
        raise ValueError(f"inet address text must be HOST:PORT, got {text!r}")
    return parse((host, int(port)))
