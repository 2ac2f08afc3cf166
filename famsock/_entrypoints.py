"""Find one entry-point group among the installed distributions, cheaply.

``importlib.metadata`` costs 11-24 ms to import on these machines, more than the rest of a
first ``bind()``; famsock needs a single group once per process, which reading
``*.dist-info/entry_points.txt`` in each ``sys.path`` directory answers in about a millisecond.
Archives on ``sys.path`` (zipped eggs, zipapps) are read with zipfile. As in importlib.metadata,
the first distribution of a name on ``sys.path`` wins.

A distribution whose ``entry_points.txt`` exists but cannot be read (not UTF-8, permission
denied, a directory, a corrupt archive member) may hold a plugin, so it is neither skipped in
silence nor allowed to stop the scan: it yields one :class:`EntryPoint` whose ``problem`` says
which file and why, and the registry reports it as a broken plugin. So does its ``METADATA``
when its entry points name plugins of the group.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs 3.6 ms
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from typing import Any, NamedTuple
else:
    from ._markers import NamedTuple

__all__ = ["EntryPoint", "entry_points"]

_METADATA_DIRS = (".dist-info", ".egg-info")


class EntryPoint(NamedTuple):
    """One ``name = module[:attr]`` line of a distribution's ``entry_points.txt``."""

    name: str
    value: str
    distribution: str
    version: str
    #: Why the distribution's metadata could not be read ("" when it could); ``value`` is then "".
    problem: str = ""
    #: The address families (AF numbers) the distribution declares this entry point registers
    #: (see :func:`entry_points`' ``declarations``); ``None``: not declared.
    families: tuple[int, ...] | None = None


class _UnreadableError(Exception):
    """A metadata file exists but cannot be read as UTF-8 text; the message names it."""


def entry_points(group: str, path: Iterable[object] | None = None,
                 declarations: str | None = None) -> list[EntryPoint]:
    """Entry points of ``group`` from the distributions importable from ``path`` (``sys.path``).

    ``declarations`` names a second group, read in the same scan, whose ``NUMBER = value`` lines
    declare which AF numbers the entry point of ``group`` with that value, in the same
    distribution, registers: its :attr:`EntryPoint.families`. One line that is not a number
    leaves that entry point undeclared.
    """
    found: list[EntryPoint] = []
    seen: set[str] = set()
    for entry in sys.path if path is None else path:
        if not isinstance(entry, str):  # bytes, Path, None...: skipped, as the import system does
            continue
        directory = entry or "."
        if os.path.isdir(directory):
            candidates: Iterable[tuple[str, list[EntryPoint]]] = _scan_directory(
                directory, group, declarations)
        elif os.path.isfile(directory):
            candidates = _scan_archive(directory, group, declarations)
        else:
            continue
        for key, points in candidates:
            if key not in seen:
                seen.add(key)
                found.extend(points)
    return found


def _normalize(name: str) -> str:
    """``re.sub(r"[-_.]+", "_", name).lower()``, without importing ``re``."""
    parts = name.replace("-", "_").replace(".", "_").split("_")
    return "_".join(part for index, part in enumerate(parts)
                    if part or index in (0, len(parts) - 1)).lower()


def _scan_directory(directory: str, group: str,
                    declarations: str | None) -> Iterator[tuple[str, list[EntryPoint]]]:
    try:
        names = sorted(name for name in _listing(directory) if name.endswith(_METADATA_DIRS))
    except OSError:
        return
    for name in names:
        stem = name.rsplit(".", 1)[0]
        yield (_normalize(stem.split("-", 1)[0]),
               _directory_points(os.path.join(directory, name), stem, group, declarations))


def _listing(directory: str) -> Iterable[str]:
    """The directory's entries: the import system's own listing of it while that is current
    (CPython's path finder lists each ``sys.path`` directory for imports, and re-lists it when its
    mtime changes, as this checks), else ``os.listdir``. Listing the stdlib's two directories again
    cost a first bind() ~0.25 ms."""
    finder = sys.path_importer_cache.get(directory)
    listed = getattr(finder, "_path_cache", None)  # importlib's FileFinder (CPython 3.3+)
    current = getattr(finder, "_path_mtime", None) == os.stat(directory).st_mtime
    if current and isinstance(listed, set) and listed:
        return listed
    return os.listdir(directory)


def _directory_points(meta: str, stem: str, group: str, declarations: str | None) -> list[EntryPoint]:
    """The group's entry points of one ``*.dist-info`` / ``*.egg-info``, or why they cannot be read."""
    try:
        # None: no entry points (or a bare egg-info file); the name still counts as seen
        text = _read_file(os.path.join(meta, "entry_points.txt")) or ""
        lines = _group_lines(text, group)
        if not lines:
            return []
        distribution, version = _name_and_version(meta, stem)
    except _UnreadableError as exc:
        return [_unreadable(stem, exc)]
    return _points(lines, distribution, version, _declared(text, declarations))


def _points(lines: list[tuple[str, str]], distribution: str, version: str,
            declared: dict[str, tuple[int, ...] | None]) -> list[EntryPoint]:
    return [EntryPoint(n, v, distribution, version, "", declared.get(v)) for n, v in lines]


def _declared(text: str, declarations: str | None) -> dict[str, tuple[int, ...] | None]:
    """The AF numbers each value's entry point declares (``None``: a line that is no number)."""
    declared: dict[str, tuple[int, ...] | None] = {}
    for name, value in _group_lines(text, declarations) if declarations else ():
        numbers = declared.get(value, ())
        if numbers is not None:
            declared[value] = (*numbers, int(name)) if name.isdigit() and name.isascii() else None
    return declared


def _read_file(path: str, headers: bool = False) -> str | None:
    """The file's text (``headers``: up to its first blank line: a METADATA file's body is its
    README, which nobody here reads), or ``None`` if there is no such file."""
    try:
        data = _read_bytes(path)
        if headers:
            data = data[:_headers_end(data)]
        return data.decode("utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return None
    except (OSError, ValueError) as exc:  # ValueError: UnicodeDecodeError
        raise _UnreadableError(f"cannot read {path!r}: {_describe(exc)}") from exc


def _read_bytes(path: str) -> bytes:
    """The file's bytes, with the fewest system calls: half the time of ``open().read()``, for
    each distribution on the path at a process's first bind()."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        chunks = []
        while chunk := os.read(fd, 65536):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _headers_end(data: bytes) -> int:
    """Where the first blank line starts (LF or CRLF line ends), or the length of ``data``."""
    end = data.find(b"\n\n")
    end = len(data) if end < 0 else end + 1
    crlf = data.find(b"\n\r\n", 0, end)  # bounded: no scan of a README after the headers
    return end if crlf < 0 else crlf + 1


def _describe(exc: BaseException) -> str:
    detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)  # the path is said
    return f"{type(exc).__name__}: {detail}"


def _unreadable(stem: str, exc: _UnreadableError) -> EntryPoint:
    name, version = _headers("", stem)
    return EntryPoint(name, "", name, version, str(exc))


def _group_lines(text: str, group: str) -> list[tuple[str, str]]:
    """The ``name = value`` lines of one ``[group]`` section (extras like ``[x]`` dropped)."""
    lines: list[tuple[str, str]] = []
    if group not in text:  # most distributions': one search in C, not a parse (setuptools' has ~100 lines)
        return lines
    inside = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            inside = line[1:-1].strip() == group
        elif inside and "=" in line:
            name, _, value = line.partition("=")
            lines.append((name.strip(), value.split("[", 1)[0].strip()))
    return lines


def _name_and_version(meta: str, stem: str) -> tuple[str, str]:
    """Name and version from METADATA / PKG-INFO headers, falling back on the directory name."""
    for filename in ("METADATA", "PKG-INFO"):
        text = _read_file(os.path.join(meta, filename), headers=True)
        if text is not None:
            return _headers(text, stem)
    return _headers("", stem)


def _headers(text: str, stem: str) -> tuple[str, str]:
    """``Name`` and ``Version`` of a metadata file's headers (they end at the first blank line)."""
    fallback = stem.split("-")
    name, version = fallback[0], fallback[1] if len(fallback) > 1 else ""
    found = 0
    for line in text.splitlines():
        if not line.strip():
            break
        key, _, value = line.partition(":")
        if key == "Name":
            name = value.strip()
            found |= 1
        elif key == "Version":
            version = value.strip()
            found |= 2
        if found == 3:  # they come first: the rest (classifiers, requirements...) need not be read
            break
    return name, version


def _scan_archive(archive: str, group: str,
                  declarations: str | None) -> Iterator[tuple[str, list[EntryPoint]]]:
    """Distributions inside a zip on ``sys.path`` (``x.dist-info/`` or a zipped egg's ``EGG-INFO/``).

    Read with zipfile and closed at once: importlib.metadata would keep the archive open in its
    caches until the garbage collector closes it.
    """
    import zipfile  # noqa: PLC0415 - only archives pay for it

    try:
        bundle = zipfile.ZipFile(archive)
    except Exception:  # not a zip at all (zipfile's errors are many): nothing importable either
        return
    with bundle:
        for meta in sorted({n.split("/", 1)[0] for n in bundle.namelist() if "/" in n}):
            if not meta.endswith(_METADATA_DIRS) and meta != "EGG-INFO":
                continue
            stem = meta.rsplit(".", 1)[0] if meta != "EGG-INFO" else os.path.basename(archive)
            yield (_normalize(stem.split("-", 1)[0]),
                   _archive_points(archive, bundle, meta, stem, group, declarations))


def _archive_points(archive: str, bundle: Any, meta: str, stem: str, group: str,
                    declarations: str | None) -> list[EntryPoint]:
    """As :func:`_directory_points`, for a metadata directory inside an archive."""
    try:
        text = _read_member(archive, bundle, f"{meta}/entry_points.txt")
        lines = _group_lines(text, group)
        if not lines:
            return []
        headers = (_read_member(archive, bundle, f"{meta}/METADATA")
                   or _read_member(archive, bundle, f"{meta}/PKG-INFO"))
    except _UnreadableError as exc:
        return [_unreadable(stem, exc)]
    distribution, version = _headers(headers, stem)
    return _points(lines, distribution, version, _declared(text, declarations))


def _read_member(archive: str, bundle: Any, name: str) -> str:
    """A member's text, or "" if there is no such member."""
    try:
        data: bytes = bundle.read(name)
        return data.decode("utf-8")
    except KeyError:
        return ""
    except Exception as exc:  # CRC, compression, encryption, truncation, decoding: zipfile's errors are many
        raise _UnreadableError(f"cannot read {os.path.join(archive, name)!r}: {_describe(exc)}") from exc
