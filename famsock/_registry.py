"""Which plugins are installed, which families they provide, and what went wrong with the rest.

Theory of operation
-------------------
Nothing here runs at ``import famsock``. The first call that needs a family (an address method,
a plugin constant, ``famsock families``) loads every entry point of the ``famsock.families``
group once, each in isolation: a plugin whose import fails (``SystemExit`` included), whose
contract version differs, whose hook raises or whose registrations are invalid is recorded as
*broken* with the reason and a :class:`PluginWarning`, and loading goes on with the next one; so
is a distribution whose metadata cannot be read. Plugins named in ``FAMSOCK_BLOCK_PLUGINS``
(entry-point or distribution names, compared as pip normalises them) are not imported at all.
Two plugins claiming one family number or name are both recorded, and any use of that family
raises :class:`FamilyConflictError` naming both.

A load, and a :meth:`Registry.register`, is all-or-nothing: it builds a new :class:`_State` aside,
with a fresh pluggy ``PluginManager``, and publishes it with one assignment at the end. Readers
take the published state without a lock and never see half of one; an attempt cut short by
``KeyboardInterrupt`` (or any ``BaseException`` that is not a plugin's ``SystemExit``), or by a
``PluginWarning`` turned into an error, leaves the registry as it was, and the next call starts
afresh. A plugin that asks the registry while it is being loaded (same thread) is answered from
the state published before; one that registers another plugin meanwhile adds to the attempt.

``pluggy.PluginManager.load_setuptools_entrypoints`` is not used: it stops at the first broken
entry point (see the brief). Each plugin's hook implementation is called on its own for the same
reason, so one raising hook cannot hide the families of the others.

``FAMSOCK_DISABLE_PLUGIN_AUTOLOAD`` takes yes/no values: ``1``, ``true``, ``yes``, ``on`` (any
case) disable autoload; ``0``, ``false``, ``no``, ``off`` and empty keep it; anything else keeps
it too, with a :class:`PluginWarning`.
"""

from __future__ import annotations

import _socket
import os
import re
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
_YES = frozenset({"1", "true", "yes", "on"})
_NO = frozenset({"0", "false", "no", "off", ""})


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


@dataclass(frozen=True, eq=False)
class _State:
    """Everything the registry answers from, complete; replaced whole, never changed."""

    manager: pluggy.PluginManager | None
    plugins: tuple[PluginRecord, ...]
    registered: tuple[tuple[str, object], ...]  # (name, plugin) in the manager: to fill a fresh one
    blocked: tuple[str, ...]  # names blocked in the manager
    claims: tuple[FamilyClaim, ...]
    by_number: Mapping[int, FamilyClaim]
    by_name: Mapping[str, FamilyClaim]
    by_type: Mapping[type, FamilyClaim]
    by_family: Mapping[int, FamilyClaim]  # id(family): families need not be hashable
    constants: Mapping[str, tuple[int, PluginRecord]]
    constant_conflicts: Mapping[str, str]
    warned: frozenset[str]  # conflicts already warned about
    generation: int


# What a plugin asking the registry while the first load runs sees: nothing yet.
_NOTHING = _State(None, (), (), (), (), {}, {}, {}, {}, {}, {}, frozenset(), 0)


class _Attempt:
    """One load or registration in progress: a fresh plugin manager and the records so far."""

    def __init__(self, base: _State | None) -> None:
        import pluggy  # noqa: PLC0415 - deferred: import famsock stays cheap

        from .contract import PROJECT, FamilySpec  # noqa: PLC0415

        self.manager = pluggy.PluginManager(PROJECT)
        self.manager.add_hookspecs(FamilySpec)
        self.plugins: list[PluginRecord] = []
        self.registered: list[tuple[str, object]] = []
        self.blocked: list[str] = []
        self.warnings: list[str] = []  # emitted when the attempt completes, before it is published
        if base is not None:
            self.plugins.extend(base.plugins)
            for name in base.blocked:
                self.block(name)
            for name, plugin in base.registered:
                self.manager.register(plugin, name=name)
            self.registered.extend(base.registered)

    def block(self, name: str) -> None:
        self.manager.set_blocked(name)
        self.blocked.append(name)

    def record(self, name: str, distribution: str, version: str, status: str, reason: str = "",
               families: tuple[Family, ...] = ()) -> PluginRecord:
        record = PluginRecord(name, distribution, version, status, reason, families)
        self.plugins.append(record)
        if status == "broken":
            self.warnings.append(f"famsock: skipped family plugin {name!r} from {record.source}: {reason}")
        return record


class _BrokenError(Exception):
    """Why a plugin cannot be used; the message is its record's reason."""


def _split_names(value: str) -> set[str]:
    return {_normalize(name) for name in value.replace(",", " ").split()}


def _normalize(name: str) -> str:
    """A distribution or entry-point name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


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
        self._state: _State | None = None  # None until a load completes
        self._attempt: _Attempt | None = None  # the load or registration in progress (under _lock)

    @property
    def generation(self) -> int:
        """Bumped whenever the set of families changes, so caches keyed on it go stale."""
        state = self._state
        return 0 if state is None else state.generation

    # -- what callers ask -------------------------------------------------------------------

    def lookup(self, number: int) -> Family | None:
        """The family registered for AF ``number``, or ``None`` if no plugin claims it."""
        claim = (self._state or self._load()).by_number.get(number)
        if claim is None:
            return None
        if claim.rivals:
            raise FamilyConflictError(_conflict_message(claim))
        return claim.family

    def family_named(self, name: str) -> Family:
        """The family called ``name`` (``"inet"``); :class:`FamilyError` if none is."""
        state = self._state or self._load()
        claim = state.by_name.get(name)
        if claim is None:
            known = ", ".join(sorted(state.by_name)) or "none"
            raise FamilyError(f"no famsock family named {name!r} (installed: {known})")
        if claim.rivals:
            raise FamilyConflictError(_conflict_message(claim))
        return claim.family

    def family_for_address(self, address: object) -> Family:
        """The family whose ``address_type`` (a class, or a base of several) ``address`` is of."""
        by_type = (self._state or self._load()).by_type
        claim = next((by_type[cls] for cls in type(address).__mro__ if cls in by_type), None)
        if claim is None or claim.family.address_type is object:
            raise TypeError(f"{type(address).__name__} is not the address type of any famsock "
                            "family; name the family as well")
        if claim.rivals:
            raise FamilyConflictError(_conflict_message(claim))
        return claim.family

    def constant(self, name: str) -> int | None:
        """A plugin's value for constant ``name``, or ``None`` if no plugin contributes it."""
        state = self._state or self._load()
        if name in state.constant_conflicts:
            raise FamilyConflictError(state.constant_conflicts[name])
        entry = state.constants.get(name)
        return None if entry is None else entry[0]

    def constant_names(self) -> list[str]:
        return sorted((self._state or self._load()).constants)

    def plugins(self) -> list[PluginRecord]:
        return list((self._state or self._load()).plugins)

    def claims(self) -> list[FamilyClaim]:
        return list((self._state or self._load()).claims)

    def source_of(self, family: Family) -> str:
        """Who registered ``family`` (this object), for messages: its plugin's
        :attr:`PluginRecord.source`, or ``"the 'name' family plugin"`` if unknown. Loads nothing."""
        state = self._state
        claim = None if state is None else state.by_family.get(id(family))
        if claim is not None and claim.family is family:
            return claim.plugin.source
        return f"the {family.name!r} family plugin"

    @property
    def manager(self) -> pluggy.PluginManager:
        """The pluggy ``PluginManager`` the loaded plugins are registered in (a new one after each
        :meth:`register`: ask again rather than keep it)."""
        manager = (self._state or self._load()).manager
        if manager is None:
            raise RuntimeError("famsock's plugins are still loading: their plugin manager is not ready")
        return manager

    # -- loading ------------------------------------------------------------------------------

    def ensure_loaded(self) -> None:
        if self._state is None:
            self._load()

    def _load(self) -> _State:
        """Load every plugin and publish the result, unless another thread has (or, in this
        thread, a load is under way: a plugin asking while it loads gets what was published)."""
        with self._lock:
            if self._state is not None:
                return self._state
            if self._attempt is not None:
                return _NOTHING
            try:
                self._attempt = attempt = _Attempt(None)  # inside the try: never left set
                if self._autoload(attempt):
                    blocked = _split_names(self._environ.get(BLOCK_PLUGINS, ""))
                    for entry in self._find():
                        _load_entry(attempt, entry, blocked)
                return self._publish(attempt)
            finally:
                self._attempt = None

    def register(self, plugin: object, name: str | None = None) -> PluginRecord:
        """Register a plugin object that is not installed as a distribution (tests, apps)."""
        name = name or _plugin_name(plugin)
        with self._lock:
            if self._attempt is not None:  # a plugin registering another while plugins load
                return _add(self._attempt, plugin, name, "", "")
            base = self._state or self._load()
            try:
                self._attempt = attempt = _Attempt(base)
                record = _add(attempt, plugin, name, "", "")
                self._publish(attempt)
            finally:
                self._attempt = None
            return record

    def _autoload(self, attempt: _Attempt) -> bool:
        value = self._environ.get(DISABLE_AUTOLOAD, "")
        word = value.strip().lower()
        if word in _YES:
            return False
        if word not in _NO:
            attempt.warnings.append(f"famsock: {DISABLE_AUTOLOAD}={value!r} is not a yes/no value "
                                    "(1, true, yes, on / 0, false, no, off); plugins are loaded")
        return True

    def _publish(self, attempt: _Attempt) -> _State:
        """Warn about what the attempt found, then make its state the registry's, in one step."""
        state, conflicts = _build_state(attempt, self._state)
        for message in [*attempt.warnings, *conflicts]:
            warnings.warn(message, PluginWarning, stacklevel=3)
        self._state = state
        return state


def _load_entry(attempt: _Attempt, entry: EntryPoint, blocked: set[str]) -> None:
    if blocked & {_normalize(entry.name), _normalize(entry.distribution)}:
        if not entry.problem:
            attempt.block(entry.name)
        attempt.record(entry.name, entry.distribution, entry.version, "blocked", f"named in {BLOCK_PLUGINS}")
        return
    if entry.problem:  # a distribution whose metadata cannot be read
        attempt.record(entry.name, entry.distribution, entry.version, "broken", entry.problem)
        return
    try:
        plugin = _resolve(entry.value)
    except (Exception, SystemExit) as exc:  # a plugin's import must not stop the others
        attempt.record(entry.name, entry.distribution, entry.version, "broken",
                       f"import of {entry.value!r} failed: {_describe(exc)}")
        return
    _add(attempt, plugin, entry.name, entry.distribution, entry.version)


def _add(attempt: _Attempt, plugin: object, name: str, distribution: str, version: str) -> PluginRecord:
    """Register ``plugin`` in the attempt's manager and record its families, or why not."""
    if attempt.manager.is_blocked(name):
        return attempt.record(name, distribution, version, "blocked", f"named in {BLOCK_PLUGINS}")
    try:
        families = _register(attempt.manager, plugin, name)
    except _BrokenError as exc:
        return attempt.record(name, distribution, version, "broken", str(exc))
    except (Exception, SystemExit) as exc:  # whatever a plugin object does must not stop the others
        return attempt.record(name, distribution, version, "broken", f"loading it raised {_describe(exc)}")
    attempt.registered.append((name, plugin))
    return attempt.record(name, distribution, version, "loaded", "", families)


def _register(manager: pluggy.PluginManager, plugin: object, name: str) -> tuple[Family, ...]:
    from .contract import CONTRACT_VERSION  # noqa: PLC0415

    try:
        declared = getattr(plugin, "famsock_contract", None)
    except Exception as exc:
        raise _BrokenError(f"reading famsock_contract raised {_describe(exc)}") from exc
    if declared != CONTRACT_VERSION:
        problem = ("declares no famsock_contract" if declared is None
                   else f"was written for famsock contract {declared!r}")
        raise _BrokenError(f"{problem}; this famsock provides contract {CONTRACT_VERSION}")
    if manager.has_plugin(name) or manager.is_registered(plugin):
        raise _BrokenError(f"a plugin named {name!r} (or the same object) is already registered")
    try:
        try:
            manager.register(plugin, name=name)
        except Exception as exc:
            raise _BrokenError(f"pluggy refused it: {_describe(exc)}") from exc
        return _call_hook(manager, plugin)
    except (Exception, SystemExit):
        if manager.has_plugin(name):  # ours (the name was free): pluggy < 1.6 keeps refused ones too
            manager.unregister(name=name)
        raise


def _call_hook(manager: pluggy.PluginManager, plugin: object) -> tuple[Family, ...]:
    from .contract import Family  # noqa: PLC0415

    impls = [i for i in manager.hook.famsock_families.get_hookimpls() if i.plugin is plugin]
    if not impls:
        raise _BrokenError("implements no famsock_families hook")
    families: list[Family] = []
    for impl in impls:
        try:
            result = impl.function()
        except (Exception, SystemExit) as exc:  # SystemExit: as at import, the plugin is broken
            raise _BrokenError(f"famsock_families() raised {_describe(exc)}") from exc
        if isinstance(result, Family) or not isinstance(result, (list, tuple)):
            raise _BrokenError(f"famsock_families() must return a list of Family, got {result!r}")
        families.extend(result)
    problems = _registration_problems(families)
    if problems:
        raise _BrokenError("invalid registration: " + "; ".join(problems))
    return tuple(families)


def _build_state(attempt: _Attempt, previous: _State | None) -> tuple[_State, list[str]]:
    """The lookups of the attempt's plugins, conflicting claims marked; and conflicts to warn of."""
    pairs = [(family, record) for record in attempt.plugins for family in record.families]
    by_number: dict[int, list[PluginRecord]] = {}
    by_name: dict[str, list[PluginRecord]] = {}
    for family, record in pairs:
        by_number.setdefault(family.number, []).append(record)
        by_name.setdefault(family.name, []).append(record)
    claims: list[FamilyClaim] = []
    for family, record in pairs:
        rivals = {id(r): r for r in by_number[family.number] + by_name[family.name] if r is not record}
        claims.append(FamilyClaim(family, record, tuple(rivals.values())))
    numbers: dict[int, FamilyClaim] = {}
    names: dict[str, FamilyClaim] = {}
    types: dict[type, FamilyClaim] = {}
    objects: dict[int, FamilyClaim] = {}
    warned = set(previous.warned if previous else ())
    conflicts: list[str] = []
    for claim in claims:
        numbers.setdefault(claim.family.number, claim)
        names.setdefault(claim.family.name, claim)
        types.setdefault(claim.family.address_type, claim)
        objects.setdefault(id(claim.family), claim)
        message = _conflict_message(claim)
        if claim.rivals and message not in warned:
            warned.add(message)
            conflicts.append(f"famsock: {message}")
    constants: dict[str, tuple[int, PluginRecord]] = {}
    constant_conflicts: dict[str, str] = {}
    for family, record in pairs:
        for name, value in _family_constants(family).items():
            first = constants.setdefault(name, (value, record))
            if first[0] != value:
                constant_conflicts[name] = (f"constant {name} is {first[0]} in {first[1].source} "
                                            f"but {value} in {record.source}")
    state = _State(attempt.manager, tuple(attempt.plugins), tuple(attempt.registered), tuple(attempt.blocked),
                   tuple(claims), numbers, names, types, objects, constants, constant_conflicts,
                   frozenset(warned), (previous.generation if previous else 0) + 1)
    return state, conflicts


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
