"""Plugin loading under interrupts, threads, unreadable metadata and odd settings.

A load is all-or-nothing: an interrupted load (or registration) leaves the registry as it was,
and the next call loads everything afresh, once. One unreadable distribution on the path is
reported as a broken plugin, never an exception out of every address call.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import textwrap
import threading
import time
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from famsock import FamilyConflictError, PluginWarning
from famsock._entrypoints import EntryPoint, entry_points
from famsock._registry import Registry
from famsock.contract import Family, hookimpl
from tests import helpers
from tests.helpers import FakePlugin, make_family

GROUP = "famsock.families"

# A plugin module: `{stop}` runs at import, `{stop_in_hook}` in the hook (each "" or a call that
# raises once). CALLS counts hook calls.
PLUGIN = """
    import os
    from tests import helpers
    from famsock.contract import hookimpl
    famsock_contract = 2
    CALLS = []

    def stop_once():
        # raises the first time only: the marker file outlives the failed import
        if not os.path.exists({marker!r}):
            open({marker!r}, "x").close()
            raise {exception}
    {stop}

    @hookimpl
    def famsock_families():
        {stop_in_hook}
        CALLS.append(1)
        return [helpers.make_family({name!r}, {number})]
"""


def write_plugin(site: Path, name: str, number: int, stop: str = "", exception: str = "KeyboardInterrupt",
                 distribution: str | None = None) -> None:
    """A plugin module ``fsh_<name>`` and its installed ``.dist-info`` in ``site``."""
    module = f"fsh_{name}"
    source = PLUGIN.format(marker=str(site / f"{module}.stopped"), exception=exception, name=name,
                           number=number, stop="stop_once()" if stop == "import" else "",
                           stop_in_hook="stop_once()" if stop == "hook" else "")
    (site / f"{module}.py").write_text(textwrap.dedent(source))
    dist = distribution or f"fsh-{name}"
    write_dist(site, f"{dist.replace('-', '_')}-1.0.dist-info", f"Name: {dist}\nVersion: 1.0\n".encode(),
               f"[{GROUP}]\n{name} = {module}\n".encode())


def write_dist(site: Path, dirname: str, metadata: bytes, entry_points_txt: bytes | None) -> Path:
    meta = site / dirname
    meta.mkdir(parents=True)
    (meta / "METADATA").write_bytes(metadata)
    if entry_points_txt is not None:
        (meta / "entry_points.txt").write_bytes(entry_points_txt)
    return meta


def plain_dist(site: Path, name: str, point: str) -> None:
    """Distribution ``name`` 1.0 with the entry point ``point = point``."""
    write_dist(site, f"{name}-1.0.dist-info", f"Name: {name}\nVersion: 1.0\n".encode(),
               f"[{GROUP}]\n{point} = {point}\n".encode())


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A directory on sys.path for plugin modules; the modules are forgotten afterwards."""
    directory = tmp_path / "site"
    directory.mkdir()
    monkeypatch.syspath_prepend(str(directory))
    yield directory
    for module in [m for m in sys.modules if m.startswith("fsh_")]:
        del sys.modules[module]


def installed(site: Path, **environ: str) -> Registry:
    """A registry reading the real entry points of the distributions in ``site`` only."""
    return Registry(find=lambda: entry_points(GROUP, [str(site)]), environ=environ)


def names_and_statuses(registry: Registry) -> list[tuple[str, str]]:
    return [(p.name, p.status) for p in registry.plugins()]


def families_of(registry: Registry) -> list[str]:
    return [family.name for plugin in registry.plugins() for family in plugin.families]


def hook_calls(name: str) -> int:
    return len(sys.modules[f"fsh_{name}"].CALLS)


class StopOnce:
    """A plugin object whose hook raises ``exception`` the first time it is called."""

    famsock_contract = 2

    def __init__(self, family: Family[Any], exception: BaseException) -> None:
        self.family = family
        self.exception: BaseException | None = exception

    @hookimpl
    def famsock_families(self) -> list[Family[Any]]:
        exception, self.exception = self.exception, None
        if exception is not None:
            raise exception
        return [self.family]


# -- 1. all-or-nothing loading ------------------------------------------------------------------

@pytest.mark.parametrize("where", ["import", "hook"])
def test_an_interrupted_load_is_undone_and_the_next_call_loads_everything_once(site: Path,
                                                                              where: str) -> None:
    write_plugin(site, "alpha", 240)  # the scan lists distributions by name: alpha, stop, zulu
    write_plugin(site, "stop", 241, stop=where)
    write_plugin(site, "zulu", 242)
    registry = installed(site)
    with pytest.raises(KeyboardInterrupt):
        registry.lookup(240)
    assert registry.generation == 0  # nothing was published
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no conflict, no broken plugin
        found = [registry.lookup(number) for number in (240, 241, 242)]
    assert [family.name for family in found if family] == ["alpha", "stop", "zulu"]
    assert names_and_statuses(registry) == [("alpha", "loaded"), ("stop", "loaded"), ("zulu", "loaded")]
    assert sorted(dict(registry.manager.list_name_plugin())) == ["alpha", "stop", "zulu"]
    assert registry.generation == 1
    assert hook_calls("alpha") == 2  # once per attempt
    assert hook_calls("zulu") == 1  # the interrupted attempt never reached it
    assert registry.family_named("alpha") is found[0]


def test_an_interrupted_first_load_does_not_break_famsock_inet_in_a_real_process(tmp_path: Path) -> None:
    # The reported failure: after Ctrl-C during loading, every family raised
    # "FamilyConflictError: ... famsock-inet ... and famsock-inet ..." for the rest of the process.
    write_plugin(tmp_path, "ctrl_c", 243, stop="import")
    code = textwrap.dedent("""
        import sys
        sys.path += sys.argv[1:]  # after famsock-inet's distribution: inet loads before the interrupt
        import famsock
        try:
            famsock.socket().bind(("127.0.0.1", 0))
        except KeyboardInterrupt:
            print("interrupted")
        with famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            print(s.getsockname()[0])
        from famsock._registry import registry
        print(sorted(p.name for p in registry.plugins() if p.name in ("inet", "ctrl_c")))
    """)
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path), str(Path(__file__).parents[1])],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n") == ["interrupted", "127.0.0.1", "['ctrl_c', 'inet']", ""]


def test_an_interrupted_registration_changes_nothing() -> None:
    registry = Registry(find=list, environ={})
    registry.register(FakePlugin(make_family()), "demo")
    manager, plugins, generation = registry.manager, registry.plugins(), registry.generation
    late = StopOnce(make_family("late", 251), KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        registry.register(late, "late")
    assert registry.manager is manager
    assert registry.manager.get_plugin("late") is None
    assert registry.plugins() == plugins
    assert registry.generation == generation
    assert registry.lookup(251) is None
    record = registry.register(late, "late")
    assert (record.status, record.reason) == ("loaded", "")
    assert registry.lookup(251) is late.family
    assert names_and_statuses(registry) == [("demo", "loaded"), ("late", "loaded")]
    assert registry.manager.get_plugin("late") is late
    assert registry.manager is not manager  # a fresh manager per attempt
    assert registry.generation == generation + 1


def test_system_exit_in_a_hook_marks_the_plugin_broken_as_at_import(site: Path) -> None:
    write_plugin(site, "exits", 244, stop="hook", exception="SystemExit(4)")
    write_plugin(site, "fine", 245)
    registry = installed(site)
    with pytest.warns(PluginWarning, match=r"'exits' .*famsock_families\(\) raised SystemExit: 4"):
        assert registry.lookup(245) is not None
    assert names_and_statuses(registry) == [("exits", "broken"), ("fine", "loaded")]
    assert "exits" not in dict(registry.manager.list_name_plugin())


def test_warnings_turned_into_errors_abort_the_load_without_leaving_half_of_it(site: Path) -> None:
    write_plugin(site, "good", 246)
    (site / "fsh_bad.py").write_text("raise RuntimeError('bad import')\n")
    write_dist(site, "fsh_bad-1.0.dist-info", b"Name: fsh-bad\nVersion: 1.0\n",
               f"[{GROUP}]\nbad = fsh_bad\n".encode())
    registry = installed(site)
    for _ in range(2):  # every call fails alike while the warning is an error
        with warnings.catch_warnings():
            warnings.simplefilter("error", PluginWarning)
            with pytest.raises(PluginWarning, match="skipped family plugin 'bad'"):
                registry.lookup(246)
    with pytest.warns(PluginWarning, match="bad import"):
        assert registry.lookup(246) is not None
    assert names_and_statuses(registry) == [("bad", "broken"), ("good", "loaded")]


def test_a_plugin_pluggy_refuses_leaves_no_trace_in_the_manager() -> None:
    class WrongSignature:
        famsock_contract = 2

        @hookimpl
        def famsock_families(self, unknown_argument: Any) -> list[Family[Any]]:
            return []

    registry = Registry(find=list, environ={})
    with pytest.warns(PluginWarning, match="pluggy refused it: PluginValidationError"):
        registry.register(WrongSignature(), "twice")
    assert registry.manager.get_plugin("twice") is None
    assert registry.manager.hook.famsock_families.get_hookimpls() == []
    record = registry.register(FakePlugin(make_family()), "twice")  # the name is free again
    assert record.status == "loaded"


def test_a_plugin_whose_attributes_raise_is_broken_and_the_others_load() -> None:
    class Haunted:
        @property
        def famsock_contract(self) -> int:
            raise RuntimeError("boo")

    registry = Registry(find=list, environ={})
    with pytest.warns(PluginWarning, match="famsock_contract raised RuntimeError: boo"):
        registry.register(Haunted(), "haunted")
    registry.register(FakePlugin(make_family()), "demo")
    assert names_and_statuses(registry) == [("haunted", "broken"), ("demo", "loaded")]
    assert registry.lookup(250) is not None


def test_32_threads_asking_while_plugins_load_all_see_the_complete_registry(site: Path) -> None:
    write_plugin(site, "one", 247)
    write_plugin(site, "two", 248)
    reads: list[int] = []

    def find() -> list[EntryPoint]:
        reads.append(1)
        time.sleep(0.05)  # widens the window in which the other threads ask; asserts no time
        return entry_points(GROUP, [str(site)])

    registry = Registry(find=find, environ={})
    start = threading.Barrier(32)
    seen: list[tuple[Any, ...]] = []

    def ask() -> None:
        start.wait(timeout=30)
        seen.append((registry.lookup(247), registry.lookup(248), len(registry.plugins()),
                     "AF_TWO" in registry.constant_names()))

    threads = [threading.Thread(target=ask) for _ in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    one, two = registry.family_named("one"), registry.family_named("two")
    assert seen == [(one, two, 2, True)] * 32
    assert reads == [1]
    assert hook_calls("one") == hook_calls("two") == 1


class PausingClass(type):
    """A metaclass whose classes, once armed for one thread, stop that thread when hashed: the
    registry hashes address types while it builds its index, so a test can look in midway."""

    armed_for: int | None = None
    inside = threading.Event()
    release = threading.Event()

    def __hash__(cls) -> int:
        if PausingClass.armed_for == threading.get_ident():
            PausingClass.armed_for = None
            PausingClass.inside.set()
            PausingClass.release.wait(timeout=30)
        return id(cls)


class PausingAddress(tuple[int, ...], metaclass=PausingClass):
    __slots__ = ()


def test_lookups_during_a_registration_see_the_registry_before_it_whole() -> None:
    registry = Registry(find=list, environ={})
    first, second, third = (make_family("first", 250, address_type=PausingAddress),
                            make_family("second", 251), make_family("third", 252))
    registry.register(FakePlugin(first), "first")
    registry.register(FakePlugin(second), "second")

    def register_third() -> None:
        PausingClass.armed_for = threading.get_ident()
        registry.register(FakePlugin(third), "third")

    PausingClass.inside.clear()
    PausingClass.release.clear()
    writer = threading.Thread(target=register_third)
    writer.start()
    try:
        assert PausingClass.inside.wait(timeout=30)  # the writer is indexing, holding the lock
        seen = (registry.lookup(250), registry.lookup(251), registry.lookup(252), families_of(registry),
                registry.constant("AF_SECOND"), [p.name for p in registry.plugins()])
    finally:
        PausingClass.armed_for = None
        PausingClass.release.set()
        writer.join(timeout=30)
    assert seen == (first, second, None, ["first", "second"], 251, ["first", "second"])
    assert registry.lookup(252) is third
    assert families_of(registry) == ["first", "second", "third"]


def test_a_plugin_asking_and_registering_while_it_loads_is_served_and_kept(
        site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (site / "fsh_curious.py").write_text(textwrap.dedent("""
        from tests import helpers
        from famsock.contract import hookimpl
        famsock_contract = 2
        registry = helpers.HARDENING_REGISTRY
        SEEN = (registry.lookup(250), registry.plugins(), registry.source_of(helpers.make_family()))
        registry.register(helpers.FakePlugin(helpers.make_family("helper", 252)), "helper")

        @hookimpl
        def famsock_families():
            return [helpers.make_family()]
    """))
    write_dist(site, "fsh_curious-1.0.dist-info", b"Name: fsh-curious\nVersion: 1.0\n",
               f"[{GROUP}]\ncurious = fsh_curious\n".encode())
    registry = installed(site)
    monkeypatch.setattr(helpers, "HARDENING_REGISTRY", registry, raising=False)
    assert registry.lookup(250) is not None
    assert registry.lookup(252) is not None  # registered from inside the load: kept
    assert sys.modules["fsh_curious"].SEEN == (None, [], "the 'demo' family plugin")
    assert names_and_statuses(registry) == [("helper", "loaded"), ("curious", "loaded")]


# -- 2. unreadable distributions ----------------------------------------------------------------

NOT_UTF8 = b"[famsock.families]\nname = caf\xe9\n"


def test_a_non_utf8_entry_points_txt_is_reported_and_the_rest_kept(tmp_path: Path) -> None:
    plain_dist(tmp_path, "alpha", "a")
    bad = write_dist(tmp_path, "latin1_dist-2.0.dist-info", b"Name: latin1-dist\n", NOT_UTF8)
    plain_dist(tmp_path, "zulu", "z")
    found = entry_points(GROUP, [str(tmp_path)])
    assert found[0] == EntryPoint("a", "a", "alpha", "1.0")
    assert found[2] == EntryPoint("z", "z", "zulu", "1.0")
    problem = found[1]
    assert (problem.name, problem.value, problem.distribution, problem.version) == (
        "latin1_dist", "", "latin1_dist", "2.0")
    assert problem.problem.startswith(f"cannot read {str(bad / 'entry_points.txt')!r}: UnicodeDecodeError: ")
    assert "can't decode byte 0xe9" in problem.problem


def test_a_non_utf8_metadata_is_reported_only_for_a_distribution_with_famsock_entry_points(
        tmp_path: Path) -> None:
    write_dist(tmp_path, "plugin_dist-1.0.dist-info", b"Name: caf\xe9\n", b"[famsock.families]\np = p\n")
    write_dist(tmp_path, "other_dist-1.0.dist-info", b"Name: caf\xe9\n", b"[console_scripts]\no = o:main\n")
    [problem] = entry_points(GROUP, [str(tmp_path)])
    assert problem.distribution == "plugin_dist"
    assert "METADATA" in problem.problem and "UnicodeDecodeError" in problem.problem


def test_an_entry_points_txt_that_is_a_directory_is_reported(tmp_path: Path) -> None:
    meta = write_dist(tmp_path, "odd-1.0.dist-info", b"Name: odd\nVersion: 1.0\n", None)
    (meta / "entry_points.txt").mkdir()
    [problem] = entry_points(GROUP, [str(tmp_path)])
    assert problem.problem == (f"cannot read {str(meta / 'entry_points.txt')!r}: "
                               "IsADirectoryError: Is a directory")


@pytest.mark.skipif(shutil.which("setpriv") is None, reason="needs setpriv (util-linux)")
def test_an_entry_points_txt_it_may_not_read_is_reported(tmp_path: Path) -> None:
    meta = write_dist(tmp_path, "secret-1.0.dist-info", b"Name: secret\nVersion: 1.0\n", NOT_UTF8)
    (meta / "entry_points.txt").chmod(0o000)
    plain_dist(tmp_path, "open", "o")
    code = ("import json; from famsock._entrypoints import entry_points; "
            f"print(json.dumps(entry_points({GROUP!r}, [{str(tmp_path)!r}])))")
    # root reads anything: the scan runs without the capabilities that override file modes
    result = subprocess.run(["setpriv", "--bounding-set", "-dac_override,-dac_read_search",
                             sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    points = [EntryPoint(*row) for row in json.loads(result.stdout)]
    assert points[0] == EntryPoint("o", "o", "open", "1.0")
    assert points[1].distribution == "secret"
    assert points[1].problem == (f"cannot read {str(meta / 'entry_points.txt')!r}: "
                                 "PermissionError: Permission denied")


def test_a_zip_with_an_unreadable_member_is_reported_and_its_other_distributions_kept(tmp_path: Path) -> None:
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as bundle:
        bundle.writestr("good-1.0.dist-info/METADATA", "Name: good\nVersion: 1.0\n")
        bundle.writestr("good-1.0.dist-info/entry_points.txt", "[famsock.families]\ngood = good\n")
        bundle.writestr("latin-1.0.dist-info/entry_points.txt", NOT_UTF8)
        bundle.writestr("torn-1.0.dist-info/entry_points.txt", "[famsock.families]\ntorn = TORN\n")
    data = archive.read_bytes()
    archive.write_bytes(data.replace(b"TORN", b"T0RN", 1))  # the member's CRC no longer matches
    found = entry_points(GROUP, [str(archive)])
    assert found[0] == EntryPoint("good", "good", "good", "1.0")
    assert [(p.distribution, p.version) for p in found[1:]] == [("latin", "1.0"), ("torn", "1.0")]
    assert found[1].problem.startswith(
        f"cannot read {str(archive / 'latin-1.0.dist-info/entry_points.txt')!r}: UnicodeDecodeError")
    assert found[2].problem == (f"cannot read {str(archive / 'torn-1.0.dist-info/entry_points.txt')!r}: "
                                "BadZipFile: Bad CRC-32 for file 'torn-1.0.dist-info/entry_points.txt'")


def test_path_entries_that_are_not_text_are_skipped_as_the_import_system_does(tmp_path: Path) -> None:
    plain_dist(tmp_path, "alpha", "a")
    path: list[Any] = [os.fsencode(tmp_path), tmp_path, None, str(tmp_path)]
    assert entry_points(GROUP, path) == [EntryPoint("a", "a", "alpha", "1.0")]


def test_the_registry_reports_an_unreadable_distribution_as_broken_and_loads_the_rest(site: Path) -> None:
    write_plugin(site, "fine", 249)
    bad = write_dist(site, "latin1_dist-2.0.dist-info", b"Name: latin1-dist\n", NOT_UTF8)
    registry = installed(site)
    with pytest.warns(PluginWarning, match=r"skipped family plugin 'latin1_dist' from latin1_dist 2.0: "
                                           r"cannot read .*entry_points.txt'?: UnicodeDecodeError"):
        assert registry.lookup(249) is not None
    record = {p.name: p for p in registry.plugins()}["latin1_dist"]
    assert record.status == "broken"
    assert str(bad / "entry_points.txt") in record.reason
    # blocking the distribution silences it
    registry = installed(site, FAMSOCK_BLOCK_PLUGINS="latin1.dist")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert {p.name: p.status for p in registry.plugins()}["latin1_dist"] == "blocked"


def test_an_unreadable_distribution_anywhere_on_sys_path_does_not_break_inet(tmp_path: Path) -> None:
    write_dist(tmp_path, "latin1_dist-2.0.dist-info", b"Name: latin1-dist\n", NOT_UTF8)
    code = textwrap.dedent("""
        import famsock
        with famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            print(s.getsockname()[0])
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert result.stdout == "127.0.0.1\n"
    assert "PluginWarning: famsock: skipped family plugin 'latin1_dist'" in result.stderr
    families = subprocess.run([sys.executable, "-m", "famsock", "families", "--json"], capture_output=True,
                              text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(tmp_path)})
    rows = {row["plugin"]: row for row in map(json.loads, families.stdout.splitlines())}
    assert rows["inet"]["status"] == "loaded"
    assert rows["latin1_dist"]["status"] == "broken"
    assert "entry_points.txt" in rows["latin1_dist"]["reason"]


# -- 3. FAMSOCK_DISABLE_PLUGIN_AUTOLOAD takes yes/no values ------------------------------------

def autoloads(value: str) -> bool:
    reads: list[int] = []

    def find() -> list[EntryPoint]:
        reads.append(1)
        return []

    registry = Registry(find=find, environ={"FAMSOCK_DISABLE_PLUGIN_AUTOLOAD": value})
    registry.ensure_loaded()
    return bool(reads)


@pytest.mark.parametrize("value", ["1", "true", "TRUE", "yes", "On", " 1 "])
def test_a_true_value_disables_autoload(value: str) -> None:
    assert not autoloads(value)


@pytest.mark.parametrize("value", ["0", "false", "False", "no", "OFF", "", "  "])
def test_a_false_value_keeps_autoload(value: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert autoloads(value)


def test_any_other_value_keeps_autoload_with_a_warning() -> None:
    with pytest.warns(PluginWarning, match=r"FAMSOCK_DISABLE_PLUGIN_AUTOLOAD='maybe' is not a yes/no value"):
        assert autoloads("maybe")


# -- 4. FAMSOCK_BLOCK_PLUGINS matches names as pip normalises them ------------------------------

@pytest.mark.parametrize("block", ["famsock-inet", "famsock_inet", "famsock.inet", "Famsock-Inet",
                                   "FAMSOCK__INET", "x, famsock-._inet", "inet.plug", "Inet_Plug"])
def test_blocked_names_match_after_pep_503_normalisation(block: str) -> None:
    # the module does not exist: if it were not blocked, its import would fail
    entries = [EntryPoint("inet-plug", "fsh_never_imported", "famsock-inet", "1.0")]
    registry = Registry(find=lambda: entries, environ={"FAMSOCK_BLOCK_PLUGINS": block})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert names_and_statuses(registry) == [("inet-plug", "blocked")]
    assert registry.manager.is_blocked("inet-plug")


@pytest.mark.parametrize("block", ["famsockinet", "famsock-inet6", "inet", "plug"])
def test_other_names_block_nothing(block: str) -> None:
    entries = [EntryPoint("inet-plug", "fsh_never_imported", "famsock-inet", "1.0")]
    registry = Registry(find=lambda: entries, environ={"FAMSOCK_BLOCK_PLUGINS": block})
    with pytest.warns(PluginWarning, match="No module named 'fsh_never_imported'"):
        assert names_and_statuses(registry) == [("inet-plug", "broken")]


# -- 5. source_of ---------------------------------------------------------------------------------

def test_source_of_names_the_distribution_or_the_plugin_registered_in_code(site: Path) -> None:
    write_plugin(site, "shipped", 239, distribution="fsh-Shipped")
    registry = installed(site)
    by_hand = make_family("by_hand", 238)
    registry.register(FakePlugin(by_hand), "handmade")
    assert registry.source_of(registry.family_named("shipped")) == "fsh-Shipped 1.0"
    assert registry.source_of(by_hand) == "plugin 'handmade' (registered in code)"


def test_source_of_matches_by_identity_and_falls_back_for_unknown_families() -> None:
    family = make_family()
    registry = Registry(find=list, environ={})
    assert registry.source_of(family) == "the 'demo' family plugin"  # never loads plugins itself
    registry.register(FakePlugin(family), "demo")
    twin = dataclasses.replace(family)
    assert twin == family
    assert registry.source_of(twin) == "the 'demo' family plugin"
    assert registry.source_of(family) == "plugin 'demo' (registered in code)"


def test_source_of_names_each_claimant_of_a_conflict() -> None:
    first, second = make_family(), make_family()
    registry = Registry(find=list, environ={})
    registry.register(FakePlugin(first), "first")
    with pytest.warns(PluginWarning, match="claimed by"):
        registry.register(FakePlugin(second), "second")
    with pytest.raises(FamilyConflictError):
        registry.lookup(250)
    assert registry.source_of(first) == "plugin 'first' (registered in code)"
    assert registry.source_of(second) == "plugin 'second' (registered in code)"


def test_source_of_the_installed_inet_family() -> None:
    registry = Registry(environ={})
    assert registry.source_of(registry.family_named("inet")).startswith("famsock-inet ")
