"""The text form's escaping: any ``sun_path`` bytes as readable text, and back, exactly.

An address's bytes are shown as UTF-8 text where they are printable UTF-8; every other byte
(invalid UTF-8, control and other non-printable characters, NUL) is written ``%XX`` (two
upper-case hex digits), and so is ``%`` itself (``%25``). Reading accepts ``%xx`` in either case
and any literal character (encoded as UTF-8, lone surrogates as ``os.fsencode`` does), so
``unescape(escape(data)) == data`` for all bytes. ``@`` is only special at the start of the
whole text form, which :mod:`famsock_unix._address` handles.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: a first bind() imports no typing
if TYPE_CHECKING:
    from typing import Any

__all__ = ["escape", "unescape"]

_percent: Any = None  # r"%([0-9A-Fa-f]{2})?", compiled at the first unescape(): no re at a first bind()


def escape(data: bytes) -> str:
    """``data`` as text: printable UTF-8 as is, every other byte and ``%`` as ``%XX``."""
    text = data.decode("utf-8", "surrogateescape")
    if text.isprintable() and "%" not in text:
        return text  # the common case: nothing to escape
    return "".join(_escape_char(char) for char in text)


def _escape_char(char: str) -> str:
    if char == "%" or not char.isprintable():  # undecodable bytes are lone surrogates: unprintable
        return "".join(f"%{byte:02X}" for byte in char.encode("utf-8", "surrogateescape"))
    return char


def unescape(text: str) -> bytes:
    """The bytes ``text`` stands for; ``ValueError`` for a ``%`` not followed by two hex digits."""
    global _percent
    if _percent is None:
        import re  # noqa: PLC0415

        _percent = re.compile(r"%([0-9A-Fa-f]{2})?")
    parts: list[bytes] = []
    start = 0
    for match in _percent.finditer(text):
        if match.group(1) is None:
            raise ValueError(f"'%' at position {match.start()} of {text!r} must be followed by two "
                             "hex digits (write a literal '%' as %25)")
        parts.append(_encode(text[start:match.start()], text))
        parts.append(bytes.fromhex(match.group(1)))
        start = match.end()
    parts.append(_encode(text[start:], text))
    return b"".join(parts)


def _encode(chunk: str, text: str) -> bytes:
    try:
        return chunk.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError as exc:
        raise ValueError(f"{text!r} holds a character that is not text: {exc.reason}") from None
