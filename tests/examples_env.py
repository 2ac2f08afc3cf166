"""A throw-away Python environment for the third-party examples (examples/*), as a user has one.

``python -m venv`` (no pip, no system site-packages), then:

- the test tools of the running environment (pytest, pluggy, hypothesis, setuptools...), made
  importable through a ``.pth`` line naming a directory of links to them. Only them: no famsock
  distribution and no editable-install hook is linked, so plugin discovery there sees only
  what is installed into the venv itself (``--system-site-packages`` would show every plugin
  of the base interpreter's site-packages, and none of the running venv's tools);
- famsock and famsock-inet, editable from this checkout (``pip install -e``);
- an example, installed from a wheel built once from a copy of its directory (building in the
  checkout would leave ``build/`` and ``*.egg-info`` there), with the running environment's pip
  (``pip --python``): offline, no build isolation, no dependencies fetched.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

__all__ = ["EXAMPLES", "GUIDE", "ROOT", "ExampleEnv", "build_env", "files_from_guide"]

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
GUIDE = ROOT / "docs" / "plugins.md"
#: a file the guide shows whole: its path in bold code, a blank line, then a fenced block
_GUIDE_FILE = re.compile(r"^\*\*`([^`]+)`\*\*[^\n]*\n\n```\w*\n(.*?)^```$", re.MULTILINE | re.DOTALL)
_PIP_SECONDS = 300
_SKIPPED_TOOLS = ("famsock", "__editable__", "_famsock", "__pycache__")
_COPY_IGNORED = shutil.ignore_patterns("__pycache__", "*.egg-info", "build", "dist", ".pytest_cache",
                                       ".hypothesis", ".mypy_cache", ".ruff_cache")


@dataclass(frozen=True)
class ExampleEnv:
    """The venv (``python``, ``bin``), the copies of the examples (``sources``) and their wheels."""

    root: Path
    python: Path
    bin: Path
    sources: Path
    wheels: Path

    def environ(self) -> dict[str, str]:
        """The environment a user of this venv has: its bin first, nothing of the caller's."""
        environ = {key: value for key, value in os.environ.items()
                   if not key.startswith(("PYTHON", "FAMSOCK_", "PYTEST_", "VIRTUAL_ENV"))}
        return {**environ, "PATH": f"{self.bin}{os.pathsep}{environ.get('PATH', '')}",
                "VIRTUAL_ENV": str(self.root / "venv"), "PYTHONDONTWRITEBYTECODE": "1"}

    def run(self, *command: str | Path, cwd: Path | None = None, timeout: float = 300,
            **environ: str) -> subprocess.CompletedProcess[str]:
        """Run a command of the venv (``"famsock"``, ``"pytest"``...) or any program, as a user would."""
        program, *arguments = command
        executable = self.bin / program if (self.bin / str(program)).exists() else program
        return subprocess.run([str(executable), *map(str, arguments)], cwd=cwd or self.root,
                              env={**self.environ(), **environ}, capture_output=True, text=True,
                              timeout=timeout, check=False)

    def pip(self, *arguments: str | Path) -> subprocess.CompletedProcess[str]:
        """The running environment's pip, acting on this venv; offline, nothing fetched."""
        return subprocess.run([sys.executable, "-m", "pip", "--python", str(self.python),
                               "--disable-pip-version-check", *map(str, arguments)],
                              capture_output=True, text=True, timeout=_PIP_SECONDS, check=False)

    def install(self, *arguments: str | Path) -> None:
        done = self.pip("install", "--quiet", "--no-index", "--no-deps", "--no-build-isolation",
                        *arguments)
        if done.returncode:
            shown = " ".join(map(str, arguments))
            raise RuntimeError(f"pip install {shown} failed:\n{done.stdout}{done.stderr}")

    def wheel(self, name: str) -> Path:
        """The wheel of ``examples/<name>``, built once from a copy of the directory."""
        found = sorted(self.wheels.glob(f"{name.replace('-', '_')}-*.whl"))
        if found:
            return found[0]
        build = self.root / "build" / name  # setuptools leaves build/ and *.egg-info in it
        shutil.copytree(EXAMPLES / name, build, ignore=_COPY_IGNORED)
        done = self.pip("wheel", "--quiet", "--no-index", "--no-deps", "--no-build-isolation",
                        "--wheel-dir", self.wheels, build)
        if done.returncode:
            raise RuntimeError(f"building the wheel of {name} failed:\n{done.stdout}{done.stderr}")
        (wheel,) = self.wheels.glob(f"{name.replace('-', '_')}-*.whl")
        return wheel

    def source(self, name: str) -> Path:
        """A copy of ``examples/<name>`` (its tests run there, against the installed package)."""
        copy = self.sources / name
        if not copy.exists():
            shutil.copytree(EXAMPLES / name, copy, ignore=_COPY_IGNORED)
        return copy


def files_from_guide(target: Path) -> list[Path]:
    """Follow docs/plugins.md as its reader would: write every file it shows where it says, and
    the empty ``py.typed`` it asks for. Returns the files written."""
    written = []
    for match in _GUIDE_FILE.finditer(GUIDE.read_text()):
        path = target / match.group(1)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(match.group(2))
        written.append(path)
    for package in {path.parent for path in written if path.name == "__init__.py"}:
        (package / "py.typed").touch()
    return written


def build_env(work: Path) -> ExampleEnv:
    """A venv in ``work`` with the running environment's tools, famsock and famsock-inet."""
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   capture_output=True, timeout=120)
    python = venv / "bin" / "python"
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = Path(subprocess.run([str(python), "-c", purelib], check=True, capture_output=True,
                               text=True).stdout.strip())
    tools = work / "tools"
    tools.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if not entry.name.startswith(_SKIPPED_TOOLS) and entry.suffix != ".pth":
            (tools / entry.name).symlink_to(entry)
    (site / "_famsock_example_tools.pth").write_text(f"{tools}\n")
    # the `pytest` command, as installing pytest writes it: not `python -m pytest`, which would
    # put the working directory (an example's sources) first on sys.path
    launcher = venv / "bin" / "pytest"
    launcher.write_text(f"#!{python}\nimport sys\nimport pytest\nsys.exit(pytest.main())\n")
    launcher.chmod(0o755)
    env = ExampleEnv(work, python, venv / "bin", work / "sources", work / "wheels")
    env.sources.mkdir()
    env.wheels.mkdir()
    env.install("--editable", ROOT, "--editable", ROOT / "plugins" / "inet")
    return env
