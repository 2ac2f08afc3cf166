#!/usr/bin/env python3
"""Run a command on a Linux kernel that has AF_TIPC: a throw-away qemu guest (vm/tipc/README.md).

    run.py setup                 install and cache what the guest needs, say where it is
    run.py exec [-T S] -- CMD..  run CMD in the guest, in this directory; its exit status is CMD's
    run.py test [PYTEST ARGS]    the TIPC kernel tests (plugins/tipc/tests/kernel): on this kernel
                                 if it has AF_TIPC, else in the guest, else skipped with the reason;
                                 ends with a line of counts (what ``./dev test`` runs)

The guest boots Debian's kernel package (linux-image-amd64's, which ships tipc.ko) under qemu
with software emulation; its root is this machine's / over virtio-9p, read-only, with a tmpfs
overlay, so it sees the same venv, tools and checkout, and its writes vanish with it. Only the
run directory (the command's script, its exit status, the test report) is shared read-write.

Installed from Debian's package archive with apt, once: qemu-system-x86 (``apt-get install``),
the kernel and busybox-static packages (``apt-get download``, unpacked into the cache, by
default ~/.cache/famsock/tipc-vm, or $FAMSOCK_TIPC_VM_CACHE). Exit status: the command's
(pytest's for ``test``, or 1 if a kernel with AF_TIPC passed no test); 124 on a timeout; 125
when the guest failed before the command ended; 3 when no guest can be had (``test``: 0, the
tests skipped with the reason, unless $FAMSOCK_TIPC_VM_REQUIRED is 1).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import re
import shlex
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple
from xml.etree import ElementTree

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
INIT = HERE / "init.sh"
QEMU = "qemu-system-x86_64"
QEMU_PACKAGE = "qemu-system-x86"
KERNEL_META = "linux-image-amd64"  # Debian's current kernel; its Depends names the ABI package
BUSYBOX_PACKAGE = "busybox-static"
# virtio-9p for the root, overlayfs on it, TIPC, veth for the two-node tests; what they need
# comes from modules.dep
MODULES = ("virtio_pci", "9pnet_virtio", "9p", "overlay", "tipc", "veth")
QBOOT = Path("/usr/share/qemu/qboot.rom")  # boots in a fraction of SeaBIOS's time
FORWARDED = ("PATH", "HOME", "LANG", "LC_ALL", "TERM", "USER", "VIRTUAL_ENV", "PYTHONPATH", "CI",
             "FAMSOCK_HYPOTHESIS_PROFILE", "FAMSOCK_SYSCALL_PATH", "FAMSOCK_ACCELERATOR")
# no hypothesis in the kernel tests: its pytest plugin off (importing hypothesis takes ~20 s emulated)
TESTS = ["plugins/tipc/tests/kernel", "-p", "no:cacheprovider", "-p", "no:hypothesispytest"]
POWER_DOWN = re.compile(rb"\[ *[0-9.]+\] reboot: Power down\n?\Z")
NO_GUEST = 3
GUEST_FAILED = 125
TIMED_OUT = 124


class Unavailable(Exception):  # noqa: N818 - a state, not an error of the caller
    """No guest can be had here; the message says why."""


class Guest(NamedTuple):
    qemu: str
    kernel: Path
    initramfs: Path


def say(message: str) -> None:
    print(f"famsock-vm: {message}", file=sys.stderr, flush=True)


def cache_directory() -> Path:
    configured = os.environ.get("FAMSOCK_TIPC_VM_CACHE")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "famsock" / "tipc-vm"


# -- installing from Debian's archive -------------------------------------------------------------


class Apt:
    """apt-get and apt-cache, with one ``apt-get update`` when the package lists fall short."""

    def __init__(self) -> None:
        self.updated = False

    def usable(self) -> None:
        if shutil.which("apt-get") is None or shutil.which("dpkg-deb") is None:
            raise Unavailable("no apt-get/dpkg-deb to install qemu and a Debian kernel with")
        if os.geteuid() != 0:
            raise Unavailable("installing qemu and the kernel package with apt needs root")

    def run(self, *arguments: str, cwd: Path | None = None, output: bool = False) -> str:
        """``apt-get``/``apt-cache`` ARGUMENTS' output; after one ``apt-get update`` if they fail
        (or, with ``output``, print nothing: apt-cache knows no package without package lists)."""
        for attempt in (1, 2):
            done = subprocess.run(arguments, cwd=cwd, capture_output=True, text=True, check=False,
                                  env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
            if done.returncode == 0 and (done.stdout.strip() or not output):
                return done.stdout
            if attempt == 1 and not self.updated:
                self.update()
                continue
            raise Unavailable(f"{' '.join(arguments)} failed ({done.returncode}): "
                              f"{(done.stderr or done.stdout).strip()[-400:]}")
        raise AssertionError("unreachable")

    def update(self) -> None:
        say("apt-get update")
        self.updated = True
        subprocess.run(["apt-get", "update", "-qq"], capture_output=True, check=False)

    def download(self, package: str, directory: Path) -> Path:
        """The package's .deb in ``directory`` (downloaded unless there already)."""
        found = sorted(directory.glob(f"{package}_*.deb"))
        if found:
            return found[-1]
        say(f"downloading {package} (Debian package)")
        directory.mkdir(parents=True, exist_ok=True)
        self.run("apt-get", "download", "-q", package, cwd=directory)
        found = sorted(directory.glob(f"{package}_*.deb"))
        if not found:
            raise Unavailable(f"apt-get download {package} left no .deb in {directory}")
        return found[-1]


def find_qemu(apt: Apt) -> str:
    path = shutil.which(QEMU)
    if path is not None:
        return path
    apt.usable()
    say(f"installing {QEMU_PACKAGE} (Debian package)")
    apt.run("apt-get", "install", "-y", "-q", "--no-install-recommends", QEMU_PACKAGE)
    path = shutil.which(QEMU)
    if path is None:
        raise Unavailable(f"{QEMU_PACKAGE} is installed but {QEMU} is not on PATH")
    return path


def kernel_abi(apt: Apt, cache: Path) -> str:
    """The kernel ABI to boot: the one unpacked already (offline runs), else what Debian's
    ``linux-image-amd64`` depends on now."""
    unpacked = sorted(cache.glob("kernel-*/vmlinuz"))
    if unpacked:
        return unpacked[-1].parent.name.removeprefix("kernel-")
    apt.usable()
    for line in apt.run("apt-cache", "depends", KERNEL_META, output=True).splitlines():
        name = line.strip().removeprefix("Depends:").strip()
        if name.startswith("linux-image-") and name.endswith("-amd64") and name != KERNEL_META:
            return name.removeprefix("linux-image-")
    raise Unavailable(f"apt-cache depends {KERNEL_META} names no linux-image-*-amd64 package")


def unpack_kernel(apt: Apt, cache: Path, abi: str) -> Path:
    """``cache/kernel-ABI``: vmlinuz, and the modules to load in ``modules/`` with their order."""
    target = cache / f"kernel-{abi}"
    if (target / "vmlinuz").exists():
        return target
    deb = apt.download(f"linux-image-{abi}", cache / "debs")
    say(f"unpacking {deb.name}")
    with tempfile.TemporaryDirectory(dir=cache) as work:
        subprocess.run(["dpkg-deb", "-x", str(deb), work], check=True)
        tree = Path(work) / "lib" / "modules" / abi
        order = module_order(tree, MODULES)
        staging = Path(work) / "kernel"
        (staging / "modules").mkdir(parents=True)
        for name, relative in order:
            (staging / "modules" / f"{name}.ko").write_bytes(module_bytes(tree / relative))
        (staging / "modules" / "order").write_text("\n".join(name for name, _ in order) + "\n")
        shutil.copyfile(Path(work) / "boot" / f"vmlinuz-{abi}", staging / "vmlinuz.partial")
        (staging / "vmlinuz.partial").rename(staging / "vmlinuz")  # last: it marks a whole unpack
        staging.rename(target)
    deb.unlink()  # ~70 MB no longer needed: the unpacked files are the cache
    return target


def module_order(tree: Path, wanted: Iterable[str]) -> list[tuple[str, str]]:
    """``(name, path in tree)`` of the wanted modules and those they need, dependencies first;
    built-in ones left out. Debian's package has no modules.dep (depmod writes it on install):
    each module's own ``depends=`` (its .modinfo section) says what it needs."""
    paths = {module_name(path.name): path for path in (tree / "kernel").rglob("*.ko*")}
    builtin_file = tree / "modules.builtin"
    builtin = {module_name(p) for p in builtin_file.read_text().split()} if builtin_file.exists() else set()
    order: list[tuple[str, str]] = []

    def visit(name: str) -> None:
        if name in builtin or any(name == seen for seen, _ in order):
            return
        if name not in paths:
            raise Unavailable(f"the kernel package has no module {name!r}")
        for need in modinfo(paths[name]).get("depends", "").split(","):
            if need:
                visit(module_name(need))
        order.append((name, str(paths[name].relative_to(tree))))

    for name in wanted:
        visit(name)
    return order


def modinfo(path: Path) -> dict[str, str]:
    """A module's .modinfo section (``key=value`` strings) read from its ELF64 file."""
    data = module_bytes(path)
    if data[:5] != b"\x7fELF\x02":
        raise Unavailable(f"{path.name} is not an ELF64 kernel module")
    section_offset, = struct.unpack_from("<Q", data, 0x28)
    entry_size, count, names_index = struct.unpack_from("<HHH", data, 0x3A)

    def section(index: int) -> tuple[int, int, int]:
        name, _, _, _, offset, size = struct.unpack_from("<IIQQQQ", data, section_offset + index * entry_size)
        return name, offset, size

    _, names_offset, _ = section(names_index)
    for index in range(count):
        name, offset, size = section(index)
        if data[names_offset + name:].startswith(b".modinfo\0"):
            pairs = (item.decode(errors="replace").partition("=") for item in data[offset:offset + size]
                     .split(b"\0") if item)
            return {key: value for key, _, value in pairs}
    return {}


def module_name(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    for suffix in (".xz", ".zst", ".gz"):
        name = name.removesuffix(suffix)
    return name.removesuffix(".ko").replace("-", "_")


def module_bytes(source: Path) -> bytes:
    if source.suffix == ".xz":
        import lzma  # noqa: PLC0415 - only for compressed modules

        return lzma.decompress(source.read_bytes())
    if source.suffix == ".ko":
        return source.read_bytes()
    raise Unavailable(f"cannot decompress kernel module {source.name}")


def unpack_busybox(apt: Apt, cache: Path) -> Path:
    target = cache / "busybox"
    if target.exists():
        return target
    deb = apt.download(BUSYBOX_PACKAGE, cache / "debs")
    with tempfile.TemporaryDirectory(dir=cache) as work:
        subprocess.run(["dpkg-deb", "-x", str(deb), work], check=True)
        shutil.copyfile(Path(work) / "bin" / "busybox", cache / "busybox.partial")
    (cache / "busybox.partial").chmod(0o755)
    (cache / "busybox.partial").rename(target)
    deb.unlink()
    return target


# -- the initramfs: busybox, init.sh, the modules -------------------------------------------------


def build_initramfs(cache: Path, kernel: Path, busybox: Path) -> Path:
    """A gzipped newc cpio archive, cached under a hash of everything in it."""
    files = {"init": INIT, "bin/busybox": busybox, "modules/order": kernel / "modules" / "order"}
    order = (kernel / "modules" / "order").read_text().split()
    files.update({f"modules/{name}.ko": kernel / "modules" / f"{name}.ko" for name in order})
    digest = hashlib.sha256()
    for name, path in sorted(files.items()):
        digest.update(name.encode() + b"\0" + path.read_bytes())
    target = cache / f"initramfs-{kernel.name}-{digest.hexdigest()[:16]}.cpio.gz"
    if target.exists():
        return target
    for stale in cache.glob("initramfs-*.cpio.gz"):
        stale.unlink()
    partial = target.with_suffix(".partial")
    with gzip.open(partial, "wb", compresslevel=1) as archive:
        writer = Cpio(archive)
        for directory in ("bin", "dev", "proc", "sys", "modules"):
            writer.add(directory, 0o040755, b"")
        for name, path in files.items():
            writer.add(name, 0o100755 if name in ("init", "bin/busybox") else 0o100644, path.read_bytes())
        writer.close()
    partial.rename(target)
    return target


class Cpio:
    """The newc cpio format (``070701``), as the kernel unpacks an initramfs."""

    def __init__(self, out: gzip.GzipFile) -> None:
        self.out = out
        self.inode = 1

    def add(self, name: str, mode: int, data: bytes) -> None:
        encoded = name.encode() + b"\0"
        fields = (self.inode, mode, 0, 0, 2 if mode & 0o040000 else 1, 0, len(data), 0, 0, 0, 0,
                  len(encoded), 0)
        self.inode += 1
        header = b"070701" + b"".join(b"%08X" % value for value in fields)
        self.out.write(header + encoded + _pad(len(header) + len(encoded)) + data + _pad(len(data)))

    def close(self) -> None:
        self.add("TRAILER!!!", 0, b"")


def _pad(size: int) -> bytes:
    return b"\0" * (-size % 4)


def prepare() -> Guest:
    """Everything the guest needs, installed and cached; ``Unavailable`` when it cannot be."""
    if sys.platform != "linux" or os.uname().machine != "x86_64":
        raise Unavailable(f"the guest is an x86_64 Linux one, this is {sys.platform} {os.uname().machine}")
    cache = cache_directory()
    cache.mkdir(parents=True, exist_ok=True)
    apt = Apt()
    qemu = find_qemu(apt)
    kernel = unpack_kernel(apt, cache, kernel_abi(apt, cache))
    busybox = unpack_busybox(apt, cache)
    return Guest(qemu, kernel / "vmlinuz", build_initramfs(cache, kernel, busybox))


# -- booting --------------------------------------------------------------------------------------


def guest_script(command: Sequence[str], cwd: Path) -> str:
    """What the guest runs (/bin/sh): this environment, this directory, then the command."""
    lines = ["#!/bin/sh", 'echo "famsock-vm: guest up after $(cut -d" " -f1 /proc/uptime) s"']
    lines += [f"export {name}={shlex.quote(os.environ[name])}" for name in FORWARDED if name in os.environ]
    lines += ["export FAMSOCK_TIPC_VM=1", f"cd {shlex.quote(str(cwd))} || exit {GUEST_FAILED}"]
    line = " ".join(shlex.quote(word) for word in command)
    if sys.stdout.isatty():
        lines.append(f"exec {line}")
    else:  # the guest's console is a terminal, where this output goes is not: through a pipe, so
        # that pytest neither colours nor redraws its lines ("collecting ...") for a terminal;
        # unbuffered, so that its lines still come as they are written
        lines += ["export NO_COLOR=1 PYTHONUNBUFFERED=1", 'rm -f "$0.status"',
                  f'{{ {line}; echo $? > "$0.status"; }} 2>&1 | cat',
                  f'exit "$(cat "$0.status" 2>/dev/null || echo {GUEST_FAILED})"']
    return "\n".join(lines) + "\n"


def qemu_command(guest: Guest, run: Path, memory: str) -> list[str]:
    # software emulation: KVM guests hang at boot on some hosts, so KVM is opt-in
    accel = ["-accel", "kvm", "-cpu", "host"] if os.environ.get("FAMSOCK_TIPC_VM_KVM") == "1" else [
        "-accel", "tcg", "-cpu", "max"]
    share = "security_model=none,multidevs=remap"
    return [
        guest.qemu, *accel, "-m", memory, "-smp", str(os.cpu_count() or 1),
        "-nodefaults", "-no-user-config", "-display", "none", "-vga", "none", "-no-reboot",
        *(["-bios", str(QBOOT)] if QBOOT.exists() else []),
        "-serial", "stdio", "-kernel", str(guest.kernel), "-initrd", str(guest.initramfs),
        "-virtfs", f"local,path=/,mount_tag=hostroot,readonly=on,{share}",
        "-virtfs", f"local,path={run},mount_tag=famsockrun,{share}",
        "-append", f"console=ttyS0 quiet loglevel=3 panic=-1 rdinit=/init famsock_run={run}",
    ]


def boot(guest: Guest, command: Sequence[str], cwd: Path, timeout: float, memory: str = "1G",
         run: Path | None = None) -> int:
    """Run ``command`` in a fresh guest; its exit status (124: timeout, 125: the guest failed).
    ``run``: the directory shared read-write with the guest (default: a temporary one)."""
    if run is None:
        with run_directory() as made:
            return boot(guest, command, cwd, timeout, memory, made)
    (run / "guest.sh").write_text(guest_script(command, cwd))
    errors = run / "qemu.stderr"
    started = time.monotonic()
    with errors.open("w") as stderr:
        qemu = subprocess.Popen(qemu_command(guest, run, memory), stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=stderr)
        try:
            timed_out = relay(qemu, started + timeout)
        finally:  # interrupted, say: the guest goes too
            if qemu.poll() is None:
                qemu.kill()
                qemu.wait()
    status = (run / "status").read_text().strip() if (run / "status").exists() else ""
    say(f"guest ran {time.monotonic() - started:.1f} s (wall)")
    if timed_out:
        say(f"timed out after {timeout:.0f} s")
        return TIMED_OUT
    if not status.isdigit():
        say(f"no exit status from the guest (qemu exited {qemu.returncode}): "
            f"{errors.read_text().strip()[-2000:]}")
        return GUEST_FAILED
    return int(status)


@contextmanager
def run_directory() -> Iterator[Path]:
    """A fresh directory under the cache for one run, removed after it."""
    runs = cache_directory() / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=runs) as directory:
        yield Path(directory)


def relay(qemu: subprocess.Popen[bytes], deadline: float) -> bool:
    """Copy the guest's console to stdout until qemu exits; kill it at the deadline (True)."""
    assert qemu.stdout is not None
    os.set_blocking(qemu.stdout.fileno(), False)
    import selectors  # noqa: PLC0415

    pending = b""
    with selectors.DefaultSelector() as selector:
        selector.register(qemu.stdout, selectors.EVENT_READ)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                qemu.kill()
                qemu.wait()
                return True
            if selector.select(min(left, 1.0)):
                chunk = qemu.stdout.read()
                if not chunk and qemu.poll() is not None:
                    show(pending)
                    return False
                *lines, pending = (pending + (chunk or b"")).replace(b"\r", b"").split(b"\n")
                for line in lines:
                    show(line + b"\n")
            elif qemu.poll() is not None:
                show(pending)
                return False


def show(line: bytes) -> None:
    """A line of the guest's console, but the kernel's last words."""
    if not POWER_DOWN.match(line):
        sys.stdout.buffer.write(line)
        sys.stdout.flush()


# -- commands -------------------------------------------------------------------------------------


def host_has_tipc() -> bool:
    try:
        socket.socket(socket.AF_TIPC, socket.SOCK_RDM).close()
    except (OSError, AttributeError):
        return False
    return True


def test_python() -> str:
    """The interpreter to run pytest with: this one in a virtual environment, else the
    checkout's .venv (``./dev`` makes it), where famsock and its plugins are installed."""
    venv = ROOT / ".venv" / "bin" / "python"
    return sys.executable if sys.prefix != sys.base_prefix or not venv.exists() else str(venv)


def test(pytest_args: list[str], timeout: float) -> int:
    """The TIPC kernel tests where they can run, with a summary line of counts; skipped, with
    the reason, where no kernel with AF_TIPC can be had (a failure if $FAMSOCK_TIPC_VM_REQUIRED)."""
    with run_directory() as run:
        report = run / "junit.xml"
        pytest = [test_python(), "-m", "pytest", *TESTS, f"--junitxml={report}", *pytest_args]
        if host_has_tipc():
            say("this kernel has AF_TIPC: the TIPC kernel tests run here")
            return summarize(subprocess.run(pytest, cwd=ROOT, check=False).returncode, report,
                             f"on this kernel ({os.uname().release})", require=True)
        try:
            guest = prepare()
        except Unavailable as exc:
            say(f"no TIPC guest: {exc}")
            if os.environ.get("FAMSOCK_TIPC_VM_REQUIRED") == "1":
                say("FAMSOCK_TIPC_VM_REQUIRED=1: that is a failure")
                return NO_GUEST
            env = {**os.environ, "FAMSOCK_TIPC_VM_UNAVAILABLE": str(exc)}
            code = subprocess.run(pytest, cwd=ROOT, env=env, check=False).returncode
            return summarize(code, report, f"skipped: {exc}", require=False)
        where = f"in a qemu guest (Linux {guest.kernel.parent.name.removeprefix('kernel-')})"
        say(f"running the TIPC kernel tests {where}, software emulation")
        return summarize(boot(guest, pytest, ROOT, timeout, run=run), report, where, require=True)


def summarize(code: int, report: Path, where: str, *, require: bool) -> int:
    """Say what ran (from pytest's JUnit XML report) and return the run's status: pytest's, or
    1 when a kernel that has AF_TIPC passed no test (they all skipped: something is wrong)."""
    counts = junit_counts(report)
    if counts is None:
        say(f"TIPC kernel tests {where}: no report (exit status {code})")
        return code or 1
    tests, failed, errors, skipped = counts
    say(f"TIPC kernel tests {where}: {tests - failed - errors - skipped} passed, {failed} failed, "
        f"{errors} errors, {skipped} skipped (exit status {code})")
    if code == 0 and require and tests - failed - errors - skipped == 0:
        say("no TIPC kernel test passed on a kernel that has AF_TIPC: failing")
        return 1
    return code


def junit_counts(report: Path) -> tuple[int, int, int, int] | None:
    """(tests, failures, errors, skipped) of a pytest JUnit XML report, or None without one."""
    try:
        root = ElementTree.parse(report).getroot()
    except (OSError, ElementTree.ParseError):
        return None
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    return tuple(sum(int(suite.get(name, "0")) for suite in suites)  # type: ignore[return-value]
                 for name in ("tests", "failures", "errors", "skipped"))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="vm/tipc/run.py", description=__doc__.split("\n", 1)[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("setup", help="install and cache what the guest needs")
    execute = commands.add_parser("exec", help="run a command in the guest, in this directory")
    execute.add_argument("-T", "--timeout", type=float, default=900.0, help="seconds (default 900)")
    execute.add_argument("-m", "--memory", default="1G", help="guest memory (default 1G)")
    execute.add_argument("argv", nargs="+", metavar="CMD")
    tests = commands.add_parser("test", help="the TIPC kernel tests (plugins/tipc -m family)")
    tests.add_argument("-T", "--timeout", type=float, default=600.0, help="seconds (default 600)")
    arguments, rest = parser.parse_known_args(argv)
    if arguments.command == "test":
        return test(rest, arguments.timeout)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    try:
        guest = prepare()
    except Unavailable as exc:
        say(f"no TIPC guest: {exc}")
        return NO_GUEST
    if arguments.command == "setup":
        print(f"qemu: {guest.qemu}\nkernel: {guest.kernel}\ninitramfs: {guest.initramfs}")
        return 0
    return boot(guest, arguments.argv, Path.cwd(), arguments.timeout, arguments.memory)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
