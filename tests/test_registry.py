"""Loading plugins: each failure is isolated, recorded with its reason and warned about."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from famsock import FamilyConflictError, FamilyError, PluginWarning
from famsock._entrypoints import EntryPoint
from famsock._registry import Registry
from famsock.contract import hookimpl
from tests import helpers
from tests.helpers import FakePlugin, make_family


def registry_with(*plugins: tuple[str, object]) -> Registry:
    registry = Registry(find=list)
    for name, plugin in plugins:
        registry.register(plugin, name)
    return registry


def statuses(registry: Registry) -> dict[str, tuple[str, str]]:
    return {p.name: (p.status, p.reason) for p in registry.plugins()}


def test_a_valid_plugin_is_registered_in_pluggy_and_found_by_number_and_name() -> None:
    family = make_family()
    registry = registry_with(("demo", FakePlugin(family)))
    assert registry.lookup(250) is family
    assert registry.family_named("demo") is family
    assert registry.lookup(251) is None
    assert statuses(registry) == {"demo": ("loaded", "")}
    assert registry.manager.get_plugin("demo") is not None
    assert registry.constant("AF_DEMO") == 250


@pytest.mark.parametrize(
    ("contract", "reason"),
    [(None, "declares no famsock_contract"), (1, "was written for famsock contract 1"),
     ("2", "was written for famsock contract '2'")],
)
def test_a_plugin_for_another_contract_is_skipped(contract: object, reason: str) -> None:
    plugin = FakePlugin(make_family())
    plugin.famsock_contract = contract  # type: ignore[assignment]
    with pytest.warns(PluginWarning, match=reason):
        registry = registry_with(("old", plugin), ("good", FakePlugin(make_family("good", 251))))
    assert statuses(registry)["old"] == ("broken", f"{reason}; this famsock provides contract 2")
    assert registry.lookup(250) is None
    assert registry.lookup(251) is not None


class RaisingPlugin:
    famsock_contract = 2

    @hookimpl
    def famsock_families(self) -> list[Any]:
        raise RuntimeError("kaboom")


class InvalidPlugin:
    famsock_contract = 2

    @hookimpl
    def famsock_families(self) -> list[Any]:
        return [make_family(name="Bad Name", number=0)]


@pytest.mark.parametrize(
    ("plugin", "reason"),
    [
        (RaisingPlugin(), "famsock_families() raised RuntimeError: kaboom"),
        (InvalidPlugin(),
         "famsock_families() raised ValueError: invalid famsock Family 'Bad Name': name must match"),
        (FakePlugin("not a family"),
         "famsock_families() returned 'not a family', not a famsock.contract.Family"),
        (FakePlugin(make_family(), make_family("other", 250)),
         "invalid registration: family 250 is registered twice by this plugin"),
        (FakePlugin(make_family("inet", 3, constant="AF_INET")), "AF_INET = 3, but it is 2 on this platform"),
        (FakePlugin(make_family(constants={"SOCK_STREAM": 9})), "SOCK_STREAM = 9, but it is 1"),
        (object(), "declares no famsock_contract"),
    ],
    ids=["hook-raises", "invalid-family", "not-a-family", "duplicate-in-plugin", "af-mismatch",
         "constant-mismatch", "not-a-plugin"],
)
def test_a_broken_plugin_is_skipped_and_the_others_load(plugin: object, reason: str) -> None:
    with pytest.warns(PluginWarning, match="skipped family plugin 'broken'"):
        registry = registry_with(("broken", plugin), ("good", FakePlugin(make_family("good", 251))))
    status, why = statuses(registry)["broken"]
    assert status == "broken"
    assert reason in why
    assert registry.family_named("good").number == 251
    assert "broken" not in dict(registry.manager.list_name_plugin())


def test_a_plugin_without_the_hook_is_broken() -> None:
    class Empty:
        famsock_contract = 2

    with pytest.warns(PluginWarning, match=r"implements no famsock hook \(famsock_families, "):
        registry_with(("empty", Empty()))


def test_a_hook_returning_one_family_instead_of_a_list_is_broken() -> None:
    class Single:
        famsock_contract = 2

        @hookimpl
        def famsock_families(self) -> Any:
            return make_family()

    with pytest.warns(PluginWarning, match="must return a list of Family"):
        registry_with(("single", Single()))


@pytest.mark.parametrize("clash", [{"number": 250, "name": "twin"}, {"number": 251, "name": "demo"}],
                         ids=["same-number", "same-name"])
def test_two_plugins_claiming_one_family_fail_on_use_naming_both(clash: dict[str, Any]) -> None:
    with pytest.warns(PluginWarning, match="claimed by"):
        registry = registry_with(("first", FakePlugin(make_family())),
                                 ("second", FakePlugin(make_family(clash["name"], clash["number"]))))
    with pytest.raises(FamilyConflictError) as caught:
        registry.lookup(250) if clash["name"] == "twin" else registry.family_named("demo")
    message = str(caught.value)
    assert "plugin 'first'" in message and "plugin 'second'" in message
    assert "FAMSOCK_BLOCK_PLUGINS" in message
    assert isinstance(caught.value, OSError)


def test_unrelated_families_still_work_next_to_a_conflict() -> None:
    with pytest.warns(PluginWarning):
        registry = registry_with(("a", FakePlugin(make_family())), ("b", FakePlugin(make_family())),
                                 ("c", FakePlugin(make_family("other", 251))))
    assert registry.lookup(251) is not None


def test_constants_two_plugins_disagree_on_fail_on_use() -> None:
    registry = registry_with(
        ("a", FakePlugin(make_family(constants={"DEMO_X": 1, "DEMO_SAME": 5}))),
        ("b", FakePlugin(make_family("other", 251, constants={"DEMO_X": 2, "DEMO_SAME": 5}))),
    )
    assert registry.constant("DEMO_SAME") == 5
    with pytest.raises(FamilyConflictError, match=r"DEMO_X is 1 in .*'a'.* but 2 in .*'b'"):
        registry.constant("DEMO_X")


def test_unknown_family_names_list_the_installed_ones() -> None:
    registry = registry_with(("demo", FakePlugin(make_family())))
    with pytest.raises(FamilyError, match=r"no famsock family named 'nope' \(installed: demo\)"):
        registry.family_named("nope")


def test_registering_the_same_plugin_twice_is_refused() -> None:
    plugin = FakePlugin(make_family())
    with pytest.warns(PluginWarning, match="already registered"):
        registry = registry_with(("demo", plugin), ("again", plugin))
    assert registry.lookup(250) is not None


# -- loading from entry points ---------------------------------------------------------------

def write_module(directory: Path, name: str, source: str) -> None:
    (directory / f"{name}.py").write_text(textwrap.dedent(source))


GOOD_MODULE = """
    from famsock.contract import hookimpl
    from tests import helpers
    famsock_contract = 2

    @hookimpl
    def famsock_families():
        return [helpers.make_family("{name}", {number})]
"""


@pytest.fixture
def plugin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def test_entry_points_load_each_in_isolation(plugin_dir: Path) -> None:
    write_module(plugin_dir, "fs_good_one", GOOD_MODULE.format(name="one", number=240))
    write_module(plugin_dir, "fs_good_two", GOOD_MODULE.format(name="two", number=241))
    write_module(plugin_dir, "fs_raises_on_import", "raise RuntimeError('bad import')\n")
    write_module(plugin_dir, "fs_exits_on_import", "raise SystemExit(3)\n")
    entries = [
        EntryPoint("one", "fs_good_one", "fs-good-one", "1.0"),
        EntryPoint("missing", "fs_no_such_module", "fs-missing", "2.0"),
        EntryPoint("raises", "fs_raises_on_import", "fs-raises", "3.0"),
        EntryPoint("exits", "fs_exits_on_import", "fs-exits", "4.0"),
        EntryPoint("attr", "fs_good_one:no_such_attribute", "fs-attr", "5.0"),
        EntryPoint("two", "fs_good_two", "fs-good-two", "1.0"),
    ]
    registry = Registry(find=lambda: entries, environ={})
    with pytest.warns(PluginWarning):
        registry.ensure_loaded()
    found = statuses(registry)
    assert found["one"] == found["two"] == ("loaded", "")
    assert found["missing"][1] == ("import of 'fs_no_such_module' failed: ModuleNotFoundError: "
                                   "No module named 'fs_no_such_module'")
    assert found["raises"][1].endswith("failed: RuntimeError: bad import")
    assert found["exits"][1].endswith("failed: SystemExit: 3")
    assert "AttributeError" in found["attr"][1]
    assert {p.name: p.source for p in registry.plugins()}["two"] == "fs-good-two 1.0"
    assert registry.lookup(241) is not None


def test_blocked_plugins_are_not_even_imported(plugin_dir: Path) -> None:
    write_module(plugin_dir, "fs_blocked", GOOD_MODULE.format(name="blocked", number=242))
    entries = [EntryPoint("blocked", "fs_blocked", "fs-blocked", "1.0")]
    for block in ("blocked", "fs-blocked", "FS_Blocked", "other, fs_blocked"):
        registry = Registry(find=lambda: entries, environ={"FAMSOCK_BLOCK_PLUGINS": block})
        assert statuses(registry) == {"blocked": ("blocked", "named in FAMSOCK_BLOCK_PLUGINS")}
        assert registry.manager.is_blocked("blocked")
        assert "fs_blocked" not in sys.modules


def test_autoload_can_be_switched_off() -> None:
    def find() -> list[EntryPoint]:
        raise AssertionError("entry points must not be read")

    registry = Registry(find=find, environ={"FAMSOCK_DISABLE_PLUGIN_AUTOLOAD": "1"})
    assert registry.plugins() == []
    registry.register(FakePlugin(make_family()), "by-hand")
    assert registry.lookup(250) is not None


def test_a_plugin_asking_the_registry_while_it_loads_does_not_recurse(plugin_dir: Path) -> None:
    write_module(plugin_dir, "fs_curious", """
        from tests import helpers
        from famsock.contract import hookimpl
        famsock_contract = 2
        SEEN = helpers.LOADING.constant("AF_DEMO")  # re-enters the registry that imports us

        @hookimpl
        def famsock_families():
            return [helpers.make_family()]
    """)
    registry = Registry(find=lambda: [EntryPoint("curious", "fs_curious", "fs-curious", "1")], environ={})
    helpers.LOADING = registry  # type: ignore[attr-defined]
    assert registry.lookup(250) is not None
    assert sys.modules["fs_curious"].SEEN is None  # nothing loaded yet when it asked


# -- loading only the plugins of the family asked for (famsock.family_numbers) ---------------------

def declared_entries(plugin_dir: Path, **numbers: tuple[int, ...] | None) -> list[EntryPoint]:
    """One plugin module per name, registering a family of its number; declared as given."""
    entries = []
    for name, declared in numbers.items():
        number = int(name.rsplit("_", 1)[1])
        write_module(plugin_dir, f"fs_{name}", GOOD_MODULE.format(name=name.replace("_", ""), number=number))
        entries.append(EntryPoint(name, f"fs_{name}", f"fs-{name}", "1.0", "", declared))
    return entries


def loaded_modules(entries: list[EntryPoint]) -> list[str]:
    return [e.value for e in entries if e.value in sys.modules]


def test_a_familys_lookup_imports_only_the_plugins_declaring_its_number(plugin_dir: Path) -> None:
    entries = declared_entries(plugin_dir, p_230=(230,), p_231=(231,), p_232=(232,))
    registry = Registry(find=lambda: entries, environ={})
    family = registry.lookup(230)
    assert family is not None and family.number == 230
    assert loaded_modules(entries) == ["fs_p_230"]
    assert registry.lookup(233) is None  # nobody declares it: nothing to import
    assert loaded_modules(entries) == ["fs_p_230"]
    assert registry.lookup(232) is not None
    assert loaded_modules(entries) == ["fs_p_230", "fs_p_232"]
    assert registry.lookup(230) is family  # the same registration: backends built on it stay right


def test_any_other_question_loads_every_plugin(plugin_dir: Path) -> None:
    entries = declared_entries(plugin_dir, p_234=(234,), p_235=(235,))
    registry = Registry(find=lambda: entries, environ={})
    generation = registry.generation
    assert registry.lookup(234) is not None and loaded_modules(entries) == ["fs_p_234"]
    assert registry.generation > generation  # what is registered changed: caches go stale
    assert registry.family_named("p235").number == 235
    assert loaded_modules(entries) == ["fs_p_234", "fs_p_235"]
    assert sorted(p.name for p in registry.plugins()) == ["p_234", "p_235"]
    assert [p.declared_families for p in registry.plugins()] == [(234,), (235,)]


def test_one_undeclared_plugin_makes_any_lookup_load_every_plugin(plugin_dir: Path) -> None:
    # it might register the family asked for: a conflict would go unseen
    entries = declared_entries(plugin_dir, p_236=(236,), p_237=None)
    registry = Registry(find=lambda: entries, environ={})
    assert registry.lookup(236) is not None
    assert loaded_modules(entries) == ["fs_p_236", "fs_p_237"]


def test_two_plugins_declaring_one_family_conflict_at_its_lookup(plugin_dir: Path) -> None:
    entries = declared_entries(plugin_dir, p_238=(238,), q_238=(238,), p_239=(239,))
    registry = Registry(find=lambda: entries, environ={})
    with pytest.warns(PluginWarning, match="is claimed by"), pytest.raises(FamilyConflictError):
        registry.lookup(238)
    assert loaded_modules(entries) == ["fs_p_238", "fs_q_238"]


def test_a_plugin_registering_a_family_it_does_not_declare_is_broken(plugin_dir: Path) -> None:
    entries = declared_entries(plugin_dir, p_240=(241, 242))
    registry = Registry(find=lambda: entries, environ={})
    with pytest.warns(PluginWarning, match="does not declare"):
        assert registry.lookup(241) is None
    assert statuses(registry) == {"p_240": (
        "broken", "registers address family AF_P240 = 240, which its distribution does not declare in "
        "[famsock.family_numbers] (it declares 241, 242)")}
    assert registry.lookup(240) is None


def test_blocked_declared_plugins_are_recorded_when_their_family_is_asked_for(plugin_dir: Path) -> None:
    entries = declared_entries(plugin_dir, p_243=(243,), p_244=(244,))
    registry = Registry(find=lambda: entries, environ={"FAMSOCK_BLOCK_PLUGINS": "p_243"})
    assert registry.lookup(243) is None
    assert loaded_modules(entries) == []
    assert statuses(registry) == {"p_243": ("blocked", "named in FAMSOCK_BLOCK_PLUGINS"),
                                  "p_244": ("loaded", "")}
    assert loaded_modules(entries) == ["fs_p_244"]


def test_a_plugin_registering_a_loopback_of_a_family_it_does_not_declare_is_broken(plugin_dir: Path) -> None:
    write_module(plugin_dir, "fs_loopback_elsewhere", """
        from famsock.contract import Loopback, hookimpl
        from tests import helpers
        famsock_contract = 2

        @hookimpl
        def famsock_families():
            return [helpers.make_family("mine", 245)]

        @hookimpl
        def famsock_loopbacks():
            return [Loopback(246, 2, lambda: ("127.0.0.1", 0))]
    """)
    entries = [EntryPoint("elsewhere", "fs_loopback_elsewhere", "fs-elsewhere", "1.0", "", (245,))]
    registry = Registry(find=lambda: entries, environ={})
    assert registry.loopbacks(246) == ()  # not even imported: it does not declare AF 246
    assert "fs_loopback_elsewhere" not in sys.modules
    with pytest.warns(PluginWarning, match="a Loopback of AF 246"):
        assert registry.lookup(245) is None  # its own family goes with it
    assert statuses(registry)["elsewhere"][1].startswith("registers a Loopback of AF 246, which its "
                                                         "distribution does not declare")


def test_registering_by_hand_after_a_familys_lookup_still_loads_the_rest_when_asked(plugin_dir: Path) -> None:
    entries = declared_entries(plugin_dir, p_247=(247,), p_248=(248,))
    registry = Registry(find=lambda: entries, environ={})
    assert registry.lookup(247) is not None
    registry.register(FakePlugin(make_family("byhand", 249)), "byhand")
    assert registry.lookup(249) is not None
    assert registry.family_named("p248").number == 248  # not lost by the registration
    assert sorted(p.name for p in registry.plugins()) == ["byhand", "p_247", "p_248"]
