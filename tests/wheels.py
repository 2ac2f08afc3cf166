"""Build a minimal pure-Python wheel and install it with pip: real plugin distributions for tests."""

from __future__ import annotations

import base64
import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"sha256={digest},{len(data)}"


def build_wheel(directory: Path, name: str, version: str, modules: dict[str, str],
                entry_points: dict[str, dict[str, str]]) -> Path:
    """Write ``name-version-py3-none-any.whl`` holding ``modules`` ({"pkg.py": source})."""
    stem = f"{name.replace('-', '_')}-{version}"
    info = f"{stem}.dist-info"
    sections = "".join(
        f"[{group}]\n" + "".join(f"{key} = {value}\n" for key, value in points.items())
        for group, points in entry_points.items())
    files = {
        **{path: source.encode() for path, source in modules.items()},
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode(),
        f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: famsock-tests\nRoot-Is-Purelib: true\n"
                         b"Tag: py3-none-any\n",
        f"{info}/entry_points.txt": sections.encode(),
    }
    record = "".join(f"{path},{_record_hash(data)}\n" for path, data in files.items())
    record += f"{info}/RECORD,,\n"
    wheel = directory / f"{stem}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, data in files.items():
            archive.writestr(path, data)
        archive.writestr(f"{info}/RECORD", record)
    return wheel


def install(target: Path, wheels: list[Path]) -> None:
    """Install ``wheels`` into directory ``target`` with pip, offline, as a user would."""
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-index", "--no-deps",
                    "--disable-pip-version-check", "--target", str(target), *map(str, wheels)],
                   check=True, capture_output=True, text=True)
