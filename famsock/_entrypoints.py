"""Find one entry-point group among the installed distributions, cheaply.

``importlib.metadata`` costs 11-24 ms to import on these machines, more than the rest of a
first ``bind()``; famsock needs a single group once per process, which reading
``*.dist-info/entry_points.txt`` in each ``sys.path`` directory answers in about a millisecond.
Archives on ``sys.path`` (zipped eggs, zipapps) cannot be listed that way and are handed to
``importlib.metadata``. As there, the first distribution of a name on ``sys.path`` wins.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Iterator
from typing import NamedTuple

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
    fallback = stem.split("-")
    name, version = fallback[0], fallback[1] if len(fallback) > 1 else ""
    for filename in ("METADATA", "PKG-INFO"):
        try:
            with open(os.path.join(meta, filename), encoding="utf-8") as file:
                for line in file:
                    if not line.strip():
                        break  # headers end at the first blank line
                    key, _, value = line.partition(":")
                    if key == "Name":
                        name = value.strip()
                    elif key == "Version":
                        version = value.strip()
            break
        except OSError:
            continue
    return name, version


def _scan_archive(archive: str, group: str) -> Iterator[tuple[str, list[EntryPoint]]]:
    import importlib.metadata  # noqa: PLC0415 - only archives pay for it

    for dist in importlib.metadata.distributions(path=[archive]):
        name = dist.metadata["Name"] or ""
        points = [
            EntryPoint(ep.name, ep.value, name, dist.version)
            for ep in dist.entry_points
            if ep.group == group
        ]
        yield _normalize(name), points
