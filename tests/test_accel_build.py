"""famsock builds and works without a C compiler: the accelerator (famsock/_accel.c) is optional.

The sources are built into a wheel with ``CC=/bin/false`` (a compiler that always fails), offline,
with the setuptools of this environment, as tests/test_examples.py builds its wheels; the wheel,
installed into a directory of its own with famsock-inet's, runs a UDP round trip on the pure-Python
path in an interpreter started with ``-S`` (no site-packages: this checkout's editable install and
its built accelerator out of sight).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ROUND_TRIP = """
import famsock, famsock._socket_object as s
a = famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM)
a.bind(("127.0.0.1", 0))
a.sendto(b"hello", a.getsockname())
data, sender = a.recvfrom(10)
assert (data, sender) == (b"hello", a.getsockname()), (data, sender)
print(famsock.__file__)
print(s.accelerator())
a.close()
"""


def test_without_a_compiler_famsock_installs_on_the_pure_path(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    shutil.copytree(ROOT / "famsock", source / "famsock",
                    ignore=shutil.ignore_patterns("*.so", "__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    inet = tmp_path / "inet"
    shutil.copytree(ROOT / "plugins" / "inet", inet,
                    ignore=shutil.ignore_patterns("*.egg-info", "__pycache__", "build"))
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-v", "--no-build-isolation", "--no-deps", "--no-index",
         "--disable-pip-version-check", "-w", str(tmp_path / "wheels"), str(source), str(inet)],
        capture_output=True, text=True, timeout=300, env={**os.environ, "CC": "/bin/false"})
    assert built.returncode == 0, built.stdout[-4000:] + built.stderr[-4000:]
    assert 'building extension "famsock._accel" failed' in built.stdout + built.stderr
    (wheel,) = (tmp_path / "wheels").glob("famsock-0*.whl")
    (plugin,) = (tmp_path / "wheels").glob("famsock_inet-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "famsock/_socket_object.py" in names
    assert not [name for name in names if name.endswith(".so")]

    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-index", "--no-deps",
                    "--disable-pip-version-check", "--target", str(target), str(wheel), str(plugin)],
                   check=True, capture_output=True, text=True, timeout=300)
    environment = {**os.environ, "PYTHONPATH": str(target)}
    environment.pop("FAMSOCK_ACCELERATOR", None)
    ran = subprocess.run([sys.executable, "-S", "-c", ROUND_TRIP], capture_output=True, text=True,
                         timeout=120, env=environment, cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    location, in_use = ran.stdout.splitlines()
    assert Path(location).is_relative_to(target)
    assert in_use.startswith("python (famsock._accel is not built: ")
