"""The exceptions of the netlink layer: the stdlib's types, with netlink's details attached.

- :class:`MalformedMessageError` (``ValueError``): bytes that are not what netlink allows (a length that
  lies, a truncated header or attribute, a value of the wrong size).
- :class:`UnexpectedReplyError` (``ValueError``): a well-formed message a conversation must not accept
  (a sequence number no request in flight has, a sender that is not the peer, a reply addressed
  to another port).
- :class:`NetlinkError` (``OSError``): the kernel refused a request (``NLMSG_ERROR`` with an
  errno, or a dump's ``NLMSG_DONE`` with one). Each instance is also the stdlib's class for its
  errno (``FileNotFoundError`` for ENOENT, ``PermissionError`` for EPERM...), so code that
  catches those keeps working; ``extack`` holds the kernel's extended acknowledgement.
- :class:`DumpInterruptedError` (``OSError``, EINTR): a dump whose data changed while the kernel sent
  it (``NLM_F_DUMP_INTR``); raised after every message that arrived was yielded.
- :class:`OverrunError` (``OSError``, ENOBUFS): the socket's receive buffer overflowed and the kernel
  dropped messages (multicast events): what a listener knows is now stale.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass

__all__ = ["DumpInterruptedError", "ExtendedAck", "MalformedMessageError", "NetlinkError", "OverrunError",
           "UnexpectedReplyError", "netlink_error"]


class MalformedMessageError(ValueError):
    """Netlink bytes that cannot be read: the message says what and where."""


class UnexpectedReplyError(ValueError):
    """A message that is no reply to anything this conversation asked (see its text)."""


@dataclass(frozen=True)
class ExtendedAck:
    """The kernel's extended acknowledgement (``NETLINK_EXT_ACK``) of a request.

    message
        ``NLMSGERR_ATTR_MSG``: the kernel's explanation, or ``None``.
    offset
        ``NLMSGERR_ATTR_OFFS``: where the offending attribute starts in the request, in bytes from
        its ``nlmsghdr``.
    attribute
        That attribute, named by the request's declaration as a path (``"linkinfo.kind"``), or
        ``None`` where no declaration names it.
    missing_type, missing_nest
        ``NLMSGERR_ATTR_MISS_TYPE``/``MISS_NEST``: a required attribute that was missing (its
        number, and the offset of the nest it was missing from).
    cookie
        ``NLMSGERR_ATTR_COOKIE``: bytes a subsystem returns on success.
    """

    message: str | None = None
    offset: int | None = None
    attribute: str | None = None
    missing_type: int | None = None
    missing_nest: int | None = None
    cookie: bytes | None = None

    def describe(self) -> str:
        """The parts that say something, as one line (empty when none does)."""
        parts = []
        if self.message:
            parts.append(self.message)
        if self.attribute is not None:
            parts.append(f"attribute {self.attribute}")
        elif self.offset is not None:
            parts.append(f"at byte {self.offset} of the request")
        if self.missing_type is not None:
            parts.append(f"missing attribute type {self.missing_type}")
        return "; ".join(parts)


class NetlinkError(OSError):
    """The kernel refused a request: ``errno`` is the kernel's, ``extack`` its explanation."""

    extack: ExtendedAck
    request_type: int | None


_BY_ERRNO: dict[int, type[NetlinkError]] = {}


def netlink_error(code: int, extack: ExtendedAck | None = None, request_type: int | None = None,
                  what: str = "netlink request") -> NetlinkError:
    """A :class:`NetlinkError` for a positive errno, also an instance of the stdlib's class for it."""
    extack = extack or ExtendedAck()
    strerror = os.strerror(code)
    detail = extack.describe()
    text = f"{strerror} ({what} refused by the kernel{': ' + detail if detail else ''})"
    error = _class_for(code)(code, text)
    error.extack = extack
    error.request_type = request_type
    return error


def _class_for(code: int) -> type[NetlinkError]:
    cls = _BY_ERRNO.get(code)
    if cls is None:
        stdlib = type(OSError(code, ""))  # FileNotFoundError for ENOENT...; OSError itself otherwise
        if stdlib is OSError:
            cls = NetlinkError
        else:
            name = f"NetlinkError_{stdlib.__name__}"
            cls = type(name, (NetlinkError, stdlib), {"__module__": __name__})
            globals()[name] = cls  # so that pickle finds it by name
        _BY_ERRNO[code] = cls
    return cls


class DumpInterruptedError(OSError):
    """``NLM_F_DUMP_INTR``: the kernel's data changed during the dump; what was yielded may be
    inconsistent (an object missing, or seen twice). Dump again. ``count``: messages yielded."""

    count: int

    def __init__(self, count: int, what: str = "netlink dump") -> None:
        super().__init__(errno.EINTR, f"{what} interrupted: the kernel's data changed while it was sent "
                                      f"({count} messages yielded may be inconsistent); dump again")
        self.count = count


class OverrunError(OSError):
    """ENOBUFS: the receive buffer overflowed and the kernel dropped messages. A listener's view
    is stale: dump again to resynchronize (or set ``NETLINK_NO_ENOBUFS`` to not be told)."""

    def __init__(self, what: str = "netlink socket") -> None:
        super().__init__(errno.ENOBUFS, f"{what}: receive buffer overrun, the kernel dropped messages "
                                        "(events were lost: dump again to resynchronize)")
