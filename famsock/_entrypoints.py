"""Find one entry-point group among the installed distributions, cheaply.

``importlib.metadata`` costs 11-24 ms to import on these machines, more than the rest of a
first ``bind()``; famsock needs a single group once per process, which reading
``*.dist-info/entry_points.txt`` in each ``sys.path`` directory answers in about a millisecond.
Archives on ``sys.path`` (zipped eggs, zipapps) are read with zipfile. As in importlib.metadata,
the first distribution of a name on ``sys.path`` wins.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

__all__ = ["EntryPoint", "entry_points"]

_METADATA_DIRS = (".dist-info", ".egg-info")


class EntryPoint(NamedTuple):
    """One ``name = module[:attr]`` line of a distribution's ``entry_points.txt``."""

    name: str
    value: str
    distribution: str
    version: str


def entry_points(group: str, path: Iterable[str] | None = None) -> list[EntryPoint]:
    """Entry points of ``group`` from the distributions importable from ``path`` (``sys.path``)."""
    found: list[EntryPoint] = []
    seen: set[str] = set()
    for entry in sys.path if path is None else path:
        directory = entry or "."
        if os.path.isdir(directory):
            candidates: Iterable[tuple[str, list[EntryPoint]]] = _scan_directory(directory, group)
        elif os.path.isfile(directory):
            candidates = _scan_archive(directory, group)
        else:
            continue
        for key, points in candidates:
            if key not in seen:
                seen.add(key)
                found.extend(points)
    return found


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _scan_directory(directory: str, group: str) -> Iterator[tuple[str, list[EntryPoint]]]:
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return
    for name in names:
        if not name.endswith(_METADATA_DIRS):
            continue
        meta = os.path.join(directory, name)
        stem = name.rsplit(".", 1)[0]
        key = _normalize(stem.split("-", 1)[0])
        try:
            with open(os.path.join(meta, "entry_points.txt"), encoding="utf-8") as file:
                lines = _group_lines(file.read(), group)
        except OSError:  # no entry points (or a bare egg-info file): the name still counts as seen
            yield key, []
            continue
        if not lines:
            yield key, []
            continue
        distribution, version = _name_and_version(meta, stem)
        yield key, [EntryPoint(n, v, distribution, version) for n, v in lines]


def _group_lines(text: str, group: str) -> list[tuple[str, str]]:
    """The ``name = value`` lines of one ``[group]`` section (extras like ``[x]`` dropped)."""
    lines: list[tuple[str, str]] = []
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
        try:
            with open(os.path.join(meta, filename), encoding="utf-8") as file:
                return _headers(file.read(), stem)
        except OSError:
            continue
    return _headers("", stem)


def _headers(text: str, stem: str) -> tuple[str, str]:
    """``Name`` and ``Version`` of a metadata file's headers (they end at the first blank line)."""
    fallback = stem.split("-")
    name, version = fallback[0], fallback[1] if len(fallback) > 1 else ""
    for line in text.splitlines():
        if not line.strip():
            break
        key, _, value = line.partition(":")
        if key == "Name":
            name = value.strip()
        elif key == "Version":
            version = value.strip()
    return name, version


def _scan_archive(archive: str, group: str) -> Iterator[tuple[str, list[EntryPoint]]]:
    """Distributions inside a zip on ``sys.path`` (``x.dist-info/`` or a zipped egg's ``EGG-INFO/``).

    Read with zipfile and closed at once: importlib.metadata would keep the archive open in its
    caches until the garbage collector closes it.
    """
    import zipfile  # noqa: PLC0415 - only archives pay for it

    try:
        bundle = zipfile.ZipFile(archive)
    except (OSError, zipfile.BadZipFile):
        return
    with bundle:
        for meta in sorted({n.split("/", 1)[0] for n in bundle.namelist() if "/" in n}):
            if not meta.endswith(_METADATA_DIRS) and meta != "EGG-INFO":
                continue
            stem = meta.rsplit(".", 1)[0] if meta != "EGG-INFO" else os.path.basename(archive)
            text = {name: _read(bundle, f"{meta}/{name}")
                    for name in ("entry_points.txt", "METADATA", "PKG-INFO")}
            distribution, version = _headers(text["METADATA"] or text["PKG-INFO"], stem)
            lines = _group_lines(text["entry_points.txt"], group)
            points = [EntryPoint(n, v, distribution, version) for n, v in lines]
            yield _normalize(distribution), points


def _read(bundle: Any, name: str) -> str:
    try:
        data: bytes = bundle.read(name)
    except KeyError:
        return ""
    return data.decode("utf-8")
