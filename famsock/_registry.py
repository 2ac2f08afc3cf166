"""Which plugins are installed, which families they provide, and what went wrong with the rest.

Theory of operation
-------------------
Nothing here runs at ``import famsock``. The first call that needs a family (an address method,
a plugin constant, ``famsock families``) loads every entry point of the ``famsock.families``
group once, each in isolation: a plugin whose import fails, whose contract version differs,
whose hook raises or whose registrations are invalid is recorded as *broken* with the reason and
a :class:`PluginWarning`, and loading goes on with the next one. Plugins named in
``FAMSOCK_BLOCK_PLUGINS`` are not imported at all. Two plugins claiming one family number or name
are both recorded, and any use of that family raises :class:`FamilyConflictError` naming both.

``pluggy.PluginManager.load_setuptools_entrypoints`` is not used: it stops at the first broken
entry point (see the brief). Each plugin's hook implementation is called on its own for the same
reason, so one raising hook cannot hide the families of the others.
"""

from __future__ import annotations

import _socket
import os
import threading
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._constants import GENERIC_CONSTANTS
from ._entrypoints import EntryPoint, entry_points
from ._errors import FamilyConflictError, FamilyError, PluginWarning

if TYPE_CHECKING:
    import pluggy

    from .contract import Family

__all__ = ["GROUP", "FamilyClaim", "PluginRecord", "Registry", "registry"]

GROUP = "famsock.families"
DISABLE_AUTOLOAD = "FAMSOCK_DISABLE_PLUGIN_AUTOLOAD"
BLOCK_PLUGINS = "FAMSOCK_BLOCK_PLUGINS"


@dataclass(frozen=True)
class PluginRecord:
    """One plugin as famsock found it.

    ``status`` is ``"loaded"``, ``"blocked"`` (named in ``FAMSOCK_BLOCK_PLUGINS``) or ``"broken"``;
    ``reason`` says why a plugin is not loaded. ``families`` are its valid registrations.
    """

    name: str
    distribution: str
    version: str
    status: str
    reason: str = ""
    families: tuple[Family, ...] = ()

    @property
    def source(self) -> str:
        """``distribution version`` for messages, or the plugin name for unpackaged plugins."""
        if not self.distribution:
            return f"plugin {self.name!r} (registered in code)"
        return f"{self.distribution} {self.version}".strip()


@dataclass(frozen=True)
class FamilyClaim:
    """A family and the plugin that registered it; ``rivals`` are other claims to it."""

    family: Family
    plugin: PluginRecord
    rivals: tuple[PluginRecord, ...] = ()


def _split_names(value: str) -> set[str]:
    return {_normalize(name) for name in value.replace(",", " ").split() if name}


def _normalize(name: str) -> str:
    return name.strip().lower().replace("_", "-")


class Registry:
    """Installed family plugins, loaded on first use; one per process is :data:`registry`."""

    def __init__(
        self,
        find: Callable[[], list[EntryPoint]] = lambda: entry_points(GROUP),
        environ: Mapping[str, str] = os.environ,
    ) -> None:
        self._find = find
        self._environ = environ
        self._lock = threading.RLock()
        self._loaded = False
        self._manager: pluggy.PluginManager | None = None
        self._plugins: list[PluginRecord] = []
        self._claims: list[FamilyClaim] = []
        self._by_number: dict[int, FamilyClaim] = {}
        self._by_name: dict[str, FamilyClaim] = {}
        self._by_type: dict[type, FamilyClaim] = {}
        self._constants: dict[str, tuple[int, PluginRecord]] = {}
        self._constant_conflicts: dict[str, str] = {}
        self._loading = False
        self._warned: set[str] = set()
        #: Bumped whenever the set of families changes, so caches keyed on it go stale.
        self.generation = 0

    # -- what callers ask -------------------------------------------------------------------

    def lookup(self, number: int) -> Family | None:
        """The family registered for AF ``number``, or ``None`` if no plugin claims it."""
        self.ensure_loaded()
        claim = self._by_number.get(number)
        if claim is None:
            return None
        if claim.rivals:
            raise FamilyConflictError(_conflict_message(claim))
        return claim.family

    def family_named(self, name: str) -> Family:
        """The family called ``name`` (``"inet"``); :class:`FamilyError` if none is."""
        self.ensure_loaded()
        claim = self._by_name.get(name)
        if claim is None:
            known = ", ".join(sorted(self._by_name)) or "none"
            raise FamilyError(f"no famsock family named {name!r} (installed: {known})")
        if claim.rivals:
            raise FamilyConflictError(_conflict_message(claim))
        return claim.family

    def family_for_address(self, address: object) -> Family:
        """The family whose ``address_type`` (a class, or a base of several) ``address`` is of."""
        self.ensure_loaded()
        claim = next((self._by_type[cls] for cls in type(address).__mro__ if cls in self._by_type), None)
        if claim is None or claim.family.address_type is object:
            raise TypeError(f"{type(address).__name__} is not the address type of any famsock "
                            "family; name the family as well")
        if claim.rivals:
            raise FamilyConflictError(_conflict_message(claim))
        return claim.family

    def constant(self, name: str) -> int | None:
        """A plugin's value for constant ``name``, or ``None`` if no plugin contributes it."""
        self.ensure_loaded()
        if name in self._constant_conflicts:
            raise FamilyConflictError(self._constant_conflicts[name])
        entry = self._constants.get(name)
        return None if entry is None else entry[0]

    def constant_names(self) -> list[str]:
        self.ensure_loaded()
        return sorted(self._constants)

    def plugins(self) -> list[PluginRecord]:
        self.ensure_loaded()
        return list(self._plugins)

    def claims(self) -> list[FamilyClaim]:
        self.ensure_loaded()
        return list(self._claims)

    @property
    def manager(self) -> pluggy.PluginManager:
        """The pluggy ``PluginManager`` the loaded plugins are registered in."""
        self.ensure_loaded()
        assert self._manager is not None
        return self._manager

    # -- loading ------------------------------------------------------------------------------

    def ensure_loaded(self) -> None:
        if self._loaded:
            return
        with self._lock:
            if self._loaded or self._loading:  # a plugin importing famsock names while it loads
                return
            self._loading = True
            try:
                self._load_all()
            finally:
                self._loading = False

    def _load_all(self) -> None:
        import pluggy  # noqa: PLC0415 - deferred: import famsock stays cheap

        from .contract import PROJECT, FamilySpec  # noqa: PLC0415

        self._manager = pluggy.PluginManager(PROJECT)
        self._manager.add_hookspecs(FamilySpec)
        if not self._environ.get(DISABLE_AUTOLOAD):
            for entry in self._find():
                self._load(entry)
        self._index()
        self._loaded = True

    def register(self, plugin: object, name: str | None = None) -> PluginRecord:
        """Register a plugin object that is not installed as a distribution (tests, apps)."""
        with self._lock:
            self.ensure_loaded()
            record = self._add(plugin, name or _plugin_name(plugin), "", "")
            self._index()
            return record

    def _load(self, entry: EntryPoint) -> None:
        blocked = _split_names(self._environ.get(BLOCK_PLUGINS, ""))
        if blocked & {_normalize(entry.name), _normalize(entry.distribution)}:
            assert self._manager is not None
            self._manager.set_blocked(entry.name)
            self._record(entry.name, entry.distribution, entry.version, "blocked",
                         f"named in {BLOCK_PLUGINS}")
            return
        try:
            plugin = _resolve(entry.value)
        except (Exception, SystemExit) as exc:  # a plugin's import must not stop the others
            self._record(entry.name, entry.distribution, entry.version, "broken",
                         f"import of {entry.value!r} failed: {_describe(exc)}")
            return
        self._add(plugin, entry.name, entry.distribution, entry.version)

    def _add(self, plugin: object, name: str, distribution: str, version: str) -> PluginRecord:
        from .contract import CONTRACT_VERSION  # noqa: PLC0415

        manager = self._manager
        assert manager is not None
        declared = getattr(plugin, "famsock_contract", None)
        if declared != CONTRACT_VERSION:
            problem = ("declares no famsock_contract" if declared is None
                       else f"was written for famsock contract {declared!r}")
            return self._record(name, distribution, version, "broken",
                                f"{problem}; this famsock provides contract {CONTRACT_VERSION}")
        if manager.has_plugin(name) or manager.is_registered(plugin):
            return self._record(name, distribution, version, "broken",
                                f"a plugin named {name!r} (or the same object) is already registered")
        try:
            manager.register(plugin, name=name)
        except Exception as exc:
            return self._record(name, distribution, version, "broken",
                                f"pluggy refused it: {_describe(exc)}")
        try:
            families = self._call_hook(plugin)
        except Exception as exc:
            manager.unregister(plugin)
            return self._record(name, distribution, version, "broken", str(exc))
        return self._record(name, distribution, version, "loaded", "", families)

    def _call_hook(self, plugin: object) -> tuple[Family, ...]:
        from .contract import Family  # noqa: PLC0415

        assert self._manager is not None
        impls = [i for i in self._manager.hook.famsock_families.get_hookimpls() if i.plugin is plugin]
        if not impls:
            raise ValueError("implements no famsock_families hook")
        families: list[Family] = []
        for impl in impls:
            try:
                result = impl.function()
            except Exception as exc:
                raise ValueError(f"famsock_families() raised {_describe(exc)}") from exc
            if isinstance(result, Family) or not isinstance(result, (list, tuple)):
                raise ValueError(f"famsock_families() must return a list of Family, got {result!r}")
            families.extend(result)
        problems = _registration_problems(families)
        if problems:
            raise ValueError("invalid registration: " + "; ".join(problems))
        return tuple(families)

    def _record(self, name: str, distribution: str, version: str, status: str, reason: str,
                families: tuple[Family, ...] = ()) -> PluginRecord:
        record = PluginRecord(name, distribution, version, status, reason, families)
        self._plugins.append(record)
        if status == "broken":
            warnings.warn(f"famsock: skipped family plugin {name!r} from {record.source}: {reason}",
                          PluginWarning, stacklevel=2)
        return record

    def _index(self) -> None:
        """Rebuild the lookups from the loaded plugins, marking conflicting claims."""
        claims = [(family, record) for record in self._plugins for family in record.families]
        by_number: dict[int, list[PluginRecord]] = {}
        by_name: dict[str, list[PluginRecord]] = {}
        for family, record in claims:
            by_number.setdefault(family.number, []).append(record)
            by_name.setdefault(family.name, []).append(record)
        self._claims = []
        for family, record in claims:
            rivals = {id(r): r for r in by_number[family.number] + by_name[family.name] if r is not record}
            self._claims.append(FamilyClaim(family, record, tuple(rivals.values())))
        self._by_number = {}
        self._by_name = {}
        self._by_type = {}
        for claim in self._claims:
            self._by_number.setdefault(claim.family.number, claim)
            self._by_name.setdefault(claim.family.name, claim)
            self._by_type.setdefault(claim.family.address_type, claim)
            message = _conflict_message(claim)
            if claim.rivals and message not in self._warned:
                self._warned.add(message)
                warnings.warn(f"famsock: {message}", PluginWarning, stacklevel=3)
        self._constants = {}
        self._constant_conflicts = {}
        for family, record in claims:
            for name, value in _family_constants(family).items():
                first = self._constants.setdefault(name, (value, record))
                if first[0] != value:
                    self._constant_conflicts[name] = (
                        f"constant {name} is {first[0]} in {first[1].source} "
                        f"but {value} in {record.source}")
        self.generation += 1


def _family_constants(family: Family) -> dict[str, int]:
    return {family.constant: family.number, **family.constants}


def _registration_problems(families: Iterable[object]) -> list[str]:
    """What makes a plugin's registrations unusable, beyond what ``Family`` checks itself."""
    from .contract import Family  # noqa: PLC0415

    problems: list[str] = []
    seen: dict[object, str] = {}
    for family in families:
        if not isinstance(family, Family):
            problems.append(f"{family!r} is not a famsock.contract.Family")
            continue
        for key in (family.number, family.name):
            if key in seen:
                problems.append(f"family {family.name!r} repeats {key!r} of family {seen[key]!r}")
            seen[key] = family.name
        for name, value in _family_constants(family).items():
            known = GENERIC_CONSTANTS.get(name, getattr(_socket, name, value))
            if known != value:
                problems.append(f"{family.name}: {name} = {value}, but it is {int(known)} on this platform")
    return problems


def _conflict_message(claim: FamilyClaim) -> str:
    family = claim.family
    holders = sorted([claim.plugin, *claim.rivals], key=lambda r: (r.source, r.name))
    who = " and ".join(f"{r.source} (plugin {r.name!r})" for r in holders)
    return (f"address family {family.name!r} ({family.constant} = {family.number}) is claimed by "
            f"{who}; uninstall one, or name one in {BLOCK_PLUGINS}")


def _resolve(value: str) -> Any:
    import importlib  # noqa: PLC0415

    module_name, _, attribute = value.partition(":")
    obj: Any = importlib.import_module(module_name.strip())
    for part in filter(None, attribute.strip().split(".")):
        obj = getattr(obj, part)
    return obj


def _plugin_name(plugin: object) -> str:
    return str(getattr(plugin, "__name__", None) or type(plugin).__name__)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


registry = Registry()
