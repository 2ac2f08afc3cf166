"""One load of the plugins, or one registration, built aside: what :mod:`famsock._registry` publishes.

Each entry point is loaded on its own, and each of a plugin's hook implementations is called
on its own, so a plugin whose import fails (``SystemExit`` included), whose contract version
differs, whose hook raises or returns something that is not a registration of that hook's kind,
is recorded as *broken* with the reason, and the next one loads; so is a distribution whose
metadata cannot be read. ``pluggy.PluginManager.load_setuptools_entrypoints`` is not used: it
stops at the first broken entry point. Plugins named in ``FAMSOCK_BLOCK_PLUGINS`` (entry-point or
distribution names, compared as pip normalises them) are not imported at all.

:func:`build_state` indexes what the attempt found, every registration by its key (a family by
its number and its name, a control message by its level and type...): two plugins claiming one
key are both kept, and using that key raises :class:`~famsock.FamilyConflictError` naming both.
"""

from __future__ import annotations

import _socket
import sys
import types

from ._entrypoints import EntryPoint

# At module level: a `from .contract import` in a function asks the module for __path__ each
# time it runs (contract's __getattr__ then raises). Contract is light, and plugins import it.
from .contract import (
    CONTRACT_VERSION,
    PROJECT,
    REGISTRATIONS,
    Command,
    ControlMessage,
    Family,
    Hooks,
    InetText,
    Loopback,
    ServerSetup,
    SocketOption,
)

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs 3.6 ms
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from dataclasses import dataclass
    from typing import Any

    import pluggy

else:
    from ._markers import record as dataclass


__all__ = ["BLOCK_PLUGINS", "FAMILY_NUMBERS", "Attempt", "Claim", "PluginRecord", "State", "add",
           "build_state", "load_entry", "normalize"]

BLOCK_PLUGINS = "FAMSOCK_BLOCK_PLUGINS"
#: The entry-point group whose ``NUMBER = module`` lines declare the AF numbers a plugin registers.
FAMILY_NUMBERS = "famsock.family_numbers"


@dataclass(frozen=True)
class PluginRecord:
    """One plugin as famsock found it.

    ``status`` is ``"loaded"``, ``"blocked"`` (named in ``FAMSOCK_BLOCK_PLUGINS``) or ``"broken"``;
    ``reason`` says why a plugin is not loaded. ``registrations`` are what its hooks returned.
    """

    name: str
    distribution: str
    version: str
    status: str
    reason: str = ""
    registrations: tuple[Any, ...] = ()
    #: The AF numbers its distribution declares it registers (``famsock.family_numbers``), or
    #: ``None``: undeclared, so every process that loads any plugin loads it too.
    declared_families: tuple[int, ...] | None = None

    @property
    def families(self) -> tuple[Family[Any], ...]:

        return tuple(r for r in self.registrations if isinstance(r, Family))

    @property
    def source(self) -> str:
        """``distribution version`` for messages, or the plugin name for unpackaged plugins."""
        if not self.distribution:
            return f"plugin {self.name!r} (registered in code)"
        return f"{self.distribution} {self.version}".strip()


@dataclass(frozen=True)
class Claim:
    """A registration and the plugin that made it; ``rivals`` are other plugins claiming its key."""

    registration: Any
    plugin: PluginRecord
    rivals: tuple[PluginRecord, ...] = ()

    @property
    def family(self) -> Family[Any]:
        """The registration, for claims of families."""
        return self.registration  # type: ignore[no-any-return]


class State:
    """Everything the registry answers from, complete; replaced whole, never changed (but for
    its pluggy ``PluginManager``, made the first time somebody asks for it)."""

    __slots__ = ("_manager", "blocked", "by_key", "by_object", "by_type", "claims", "constant_conflicts",
                 "constants", "covered", "generation", "loading", "plugins", "registered", "warned")

    def __init__(self, manager: pluggy.PluginManager | None, plugins: tuple[PluginRecord, ...],
                 registered: tuple[tuple[str, object], ...], blocked: tuple[str, ...],
                 claims: tuple[Claim, ...],
                 by_key: Mapping[tuple[Any, ...], Claim], by_type: Mapping[type, Claim],
                 by_object: Mapping[int, Claim], constants: Mapping[str, tuple[int, PluginRecord]],
                 constant_conflicts: Mapping[str, str], warned: frozenset[str], generation: int,
                 loading: bool = False, covered: frozenset[int] | None = None) -> None:
        self._manager = manager
        self.plugins = plugins
        self.registered = registered  # (name, plugin) in the manager: to fill a fresh one
        self.blocked = blocked  # names blocked in the manager
        self.claims = claims  # every registration's, in load order
        self.by_key = by_key  # the first claim of each key (see _keys)
        self.by_type = by_type  # families by address class
        self.by_object = by_object  # id(registration): registrations need not be hashable
        self.constants = constants
        self.constant_conflicts = constant_conflicts
        self.warned = warned  # conflicts already warned about
        self.generation = generation
        self.loading = loading  # NOTHING: what is seen while the first load runs
        # None: every installed plugin is in. Otherwise only the plugins declaring these AF
        # numbers are (and those registered by hand): their families are answered, nothing else.
        self.covered = covered

    @property
    def manager(self) -> pluggy.PluginManager:
        """The pluggy manager these plugins are registered in (made on first use: a process
        that only binds and sends never imports pluggy)."""
        if self._manager is None:
            self._manager = new_manager(self.blocked, self.registered)
        return self._manager


#: What a plugin asking the registry while the first load runs sees: nothing yet.
NOTHING = State(None, (), (), (), (), {}, {}, {}, {}, {}, frozenset(), 0, loading=True)


def new_manager(blocked: Iterable[str], registered: Iterable[tuple[str, object]]) -> pluggy.PluginManager:
    """A fresh pluggy ``PluginManager`` with famsock's hook specifications, these names blocked
    and these plugins registered."""
    import pluggy  # noqa: PLC0415 - deferred: a first bind() needs no pluggy

    manager = pluggy.PluginManager(PROJECT)
    manager.add_hookspecs(Hooks)
    for name in blocked:
        manager.set_blocked(name)
    for name, plugin in registered:
        manager.register(plugin, name=name)
    return manager


class Attempt:
    """One load or registration in progress: the records so far, and the plugin manager once
    a plugin needed pluggy to register it (see :func:`_simple_hooks`)."""

    def __init__(self, base: State | None) -> None:
        self._manager: pluggy.PluginManager | None = None
        self.plugins: list[PluginRecord] = []
        self.registered: list[tuple[str, object]] = []
        self.blocked: list[str] = []
        self.warnings: list[str] = []  # emitted when the attempt completes, before it is published
        if base is not None:
            self.plugins.extend(base.plugins)
            self.blocked.extend(base.blocked)
            self.registered.extend(base.registered)

    @property
    def manager(self) -> pluggy.PluginManager:
        """pluggy's manager holding what this attempt has registered, made on first use."""
        if self._manager is None:
            self._manager = new_manager(self.blocked, self.registered)
        return self._manager

    def block(self, name: str) -> None:
        if self._manager is not None:
            self._manager.set_blocked(name)
        self.blocked.append(name)

    def record(self, name: str, distribution: str, version: str, status: str, reason: str = "",
               registrations: tuple[Any, ...] = (), declared: tuple[int, ...] | None = None) -> PluginRecord:
        record = PluginRecord(name, distribution, version, status, reason, registrations, declared)
        self.plugins.append(record)
        if status == "broken":
            self.warnings.append(f"famsock: skipped family plugin {name!r} from {record.source}: {reason}")
        return record


class _BrokenError(Exception):
    """Why a plugin cannot be used; the message is its record's reason."""


def normalize(name: str) -> str:
    """A distribution or entry-point name as pip compares them (PEP 503): runs of ``-_.`` made
    one ``-`` (``re.sub(r"[-_.]+", "-", name)``, without importing ``re``)."""
    parts = name.replace("_", "-").replace(".", "-").split("-")
    return "-".join(part for index, part in enumerate(parts)
                    if part or index in (0, len(parts) - 1)).lower()


def load_entry(attempt: Attempt, entry: EntryPoint, blocked: set[str]) -> None:
    """Import one entry point's plugin and add it to the attempt, or record why not."""
    def unloaded(status: str, reason: str) -> None:
        attempt.record(entry.name, entry.distribution, entry.version, status, reason, (), entry.families)

    if blocked & {normalize(entry.name), normalize(entry.distribution)}:
        if not entry.problem:
            attempt.block(entry.name)
        unloaded("blocked", f"named in {BLOCK_PLUGINS}")
        return
    if entry.problem:  # a distribution whose metadata cannot be read
        unloaded("broken", entry.problem)
        return
    try:
        plugin = _resolve(entry.value)
    except (Exception, SystemExit) as exc:  # a plugin's import must not stop the others
        unloaded("broken", f"import of {entry.value!r} failed: {_describe(exc)}")
        return
    add(attempt, plugin, entry.name, entry.distribution, entry.version, entry.families)


def add(attempt: Attempt, plugin: object, name: str, distribution: str, version: str,
        declared: tuple[int, ...] | None = None) -> PluginRecord:
    """Register ``plugin`` in the attempt's manager and record its registrations, or why not.
    ``declared``: the AF numbers its distribution says it registers, held to that."""
    if name in attempt.blocked:
        return attempt.record(name, distribution, version, "blocked", f"named in {BLOCK_PLUGINS}", (),
                              declared)
    try:
        registrations = _register(attempt, plugin, name)
        if declared is not None:
            _check_declared(registrations, declared)
    except _BrokenError as exc:
        return attempt.record(name, distribution, version, "broken", str(exc), (), declared)
    except (Exception, SystemExit) as exc:  # whatever a plugin object does must not stop the others
        return attempt.record(name, distribution, version, "broken", f"loading it raised {_describe(exc)}",
                              (), declared)
    attempt.registered.append((name, plugin))
    return attempt.record(name, distribution, version, "loaded", "", registrations, declared)


def _register(attempt: Attempt, plugin: object, name: str) -> tuple[Any, ...]:

    try:
        declared = getattr(plugin, "famsock_contract", None)
    except Exception as exc:
        raise _BrokenError(f"reading famsock_contract raised {_describe(exc)}") from exc
    if declared != CONTRACT_VERSION:
        problem = ("declares no famsock_contract" if declared is None
                   else f"was written for famsock contract {declared!r}")
        raise _BrokenError(f"{problem}; this famsock provides contract {CONTRACT_VERSION}")
    if any(known == name or other == plugin for known, other in attempt.registered):
        raise _BrokenError(f"a plugin named {name!r} (or the same object) is already registered")
    hooks = None if attempt._manager is not None else _simple_hooks(plugin)
    if hooks is not None:  # what pluggy would find and accept, without importing it
        return _checked([(hook_name, [function]) for hook_name, function in hooks])
    manager = attempt.manager
    try:
        try:
            manager.register(plugin, name=name)
        except Exception as exc:
            raise _BrokenError(f"pluggy refused it: {_describe(exc)}") from exc
        return _call_hooks(manager, plugin)
    except (Exception, SystemExit):
        if manager.has_plugin(name):  # ours (the name was free): pluggy < 1.6 keeps refused ones too
            manager.unregister(name=name)
        raise


def _check_declared(registrations: tuple[Any, ...], declared: tuple[int, ...]) -> None:
    """A process that uses one family loads only the plugins declaring it: a plugin registering a
    family its metadata does not declare could hide a conflict there, and its loopbacks, inet
    texts and server setups of such a family would be missed. It is refused."""
    undeclared = [f"address family {r.constant} = {r.number}" for r in registrations
                  if isinstance(r, Family) and r.number not in declared]
    undeclared += [f"a {type(r).__name__} of AF {r.family}" for r in registrations
                   if isinstance(r, (Loopback, InetText, ServerSetup)) and r.family not in declared]
    if undeclared:
        raise _BrokenError(f"registers {'; '.join(undeclared)}, which its distribution does not declare "
                           f"in [{FAMILY_NUMBERS}] (it declares {', '.join(map(str, declared)) or 'none'})")


_DEFAULT_IMPL = {"wrapper": False, "hookwrapper": False, "optionalhook": False, "tryfirst": False,
                 "trylast": False, "specname": None}
_BOUND = (staticmethod, classmethod, types.MethodType)


def _simple_hooks(plugin: object) -> list[tuple[str, Any]] | None:
    """The hook implementations of a plugin module whose every marked item is a plain function
    named after one of famsock's hooks, taking no argument, with pluggy's default options (what
    plugins are): pluggy would accept each as it is, so it need not be imported to say so.
    ``None`` for anything else: pluggy registers it (and refuses what it refuses)."""

    if type(plugin) is not types.ModuleType:
        return None
    namespace = vars(plugin)
    if "__dir__" in namespace:  # pluggy looks through dir(), which that may change
        return None
    marker = PROJECT + "_impl"
    found: dict[str, Any] = {}
    for name, value in namespace.items():
        if type(value) is types.FunctionType:
            options = value.__dict__.get(marker)
            if options is None or not isinstance(options, dict):
                continue  # pluggy skips it too
            code = value.__code__
            if (options != _DEFAULT_IMPL or name not in REGISTRATIONS or code.co_argcount
                    or code.co_kwonlyargcount or code.co_flags & 0x0C):  # *args, **kwargs
                return None
            found[name] = value
        elif isinstance(value, _BOUND) and getattr(value, marker, None) is not None:
            return None
    return [(name, found[name]) for name in REGISTRATIONS if name in found]


def _call_hooks(manager: pluggy.PluginManager, plugin: object) -> tuple[Any, ...]:
    """Every hook of this plugin, each called alone; its results checked against the hook's kind."""

    return _checked([(name, [impl.function for impl in getattr(manager.hook, name).get_hookimpls()
                                     if impl.plugin is plugin]) for name in REGISTRATIONS])


def _checked(hooks: list[tuple[str, list[Any]]]) -> tuple[Any, ...]:
    """Call each hook implementation alone, in the order of REGISTRATIONS; check what it returns."""

    registrations: list[Any] = []
    implemented = False
    for hook_name, functions in hooks:
        kind = REGISTRATIONS[hook_name]
        for function in functions:
            implemented = True
            try:
                result = function()
            except (Exception, SystemExit) as exc:  # SystemExit: as at import, the plugin is broken
                raise _BrokenError(f"{hook_name}() raised {_describe(exc)}") from exc
            if isinstance(result, kind) or not isinstance(result, (list, tuple)):
                raise _BrokenError(f"{hook_name}() must return a list of {kind.__name__}, got {result!r}")
            wrong = [r for r in result if not isinstance(r, kind)]
            if wrong:
                raise _BrokenError(f"{hook_name}() returned {wrong[0]!r}, not a famsock.contract."
                                   f"{kind.__name__}")
            registrations.extend(result)
    if not implemented:
        raise _BrokenError("implements no famsock hook (" + ", ".join(REGISTRATIONS) + ")")
    problems = _registration_problems(registrations)
    if problems:
        raise _BrokenError("invalid registration: " + "; ".join(problems))
    return tuple(registrations)


def _registration_problems(registrations: list[Any]) -> list[str]:
    """What makes a plugin's registrations unusable, beyond what each checks itself."""
    problems: list[str] = []
    seen: dict[tuple[Any, ...], Any] = {}
    for registration in registrations:
        for key in _keys(registration):
            if key in seen:
                problems.append(f"{_describe_key(key)} is registered twice by this plugin")
            seen[key] = registration
        for name, value in _constants_of(registration).items():
            known = getattr(_socket, name, value)
            if known != value:
                problems.append(f"{registration.name}: {name} = {value}, but it is {int(known)} on this "
                                "platform")
    return problems


def _keys(registration: Any) -> list[tuple[Any, ...]]:
    """The keys a registration claims alone: two plugins claiming one conflict."""

    if isinstance(registration, Family):
        return [("family", registration.number), ("family name", registration.name)]
    if isinstance(registration, ControlMessage):
        return [("control message", registration.level, registration.type, registration.family)]
    if isinstance(registration, SocketOption):
        return [("socket option", registration.level, registration.option)]
    if isinstance(registration, Command):
        return [("command", registration.name)]
    if isinstance(registration, (InetText, ServerSetup)):
        return [(type(registration).__name__, registration.family)]
    return []  # loopbacks: as many as plugins offer


def _describe_key(key: tuple[Any, ...]) -> str:
    kind, *rest = key
    return f"{kind} {', '.join(map(repr, rest))}"


def _constants_of(registration: Any) -> dict[str, int]:

    if not isinstance(registration, Family):
        return {}
    return {registration.constant: registration.number, **registration.constants}


def build_state(attempt: Attempt, previous: State | None,
                covered: frozenset[int] | None = None) -> tuple[State, list[str]]:
    """The lookups of the attempt's plugins, conflicting claims marked; and conflicts to warn of.
    ``covered``: the AF numbers whose plugins are all in, if not every plugin is."""

    pairs = [(registration, record) for record in attempt.plugins for registration in record.registrations]
    holders: dict[tuple[Any, ...], list[PluginRecord]] = {}
    for registration, record in pairs:
        for key in _keys(registration):
            holders.setdefault(key, []).append(record)
    claims: list[Claim] = []
    for registration, record in pairs:
        rivals = {id(r): r for key in _keys(registration) for r in holders[key] if r is not record}
        claims.append(Claim(registration, record, tuple(rivals.values())))
    by_key: dict[tuple[Any, ...], Claim] = {}
    by_type: dict[type, Claim] = {}
    by_object: dict[int, Claim] = {}
    warned = set(previous.warned if previous else ())
    conflicts: list[str] = []
    for claim in claims:
        for key in _keys(claim.registration):
            by_key.setdefault(key, claim)
        if isinstance(claim.registration, Family):
            by_type.setdefault(claim.registration.address_type, claim)
        by_object.setdefault(id(claim.registration), claim)
        message = conflict_message(claim) if claim.rivals else ""
        if message and message not in warned:
            warned.add(message)
            conflicts.append(f"famsock: {message}")
    constants: dict[str, tuple[int, PluginRecord]] = {}
    constant_conflicts: dict[str, str] = {}
    for registration, record in pairs:
        for name, value in _constants_of(registration).items():
            first = constants.setdefault(name, (value, record))
            if first[0] != value:
                constant_conflicts[name] = (f"constant {name} is {first[0]} in {first[1].source} "
                                            f"but {value} in {record.source}")
    manager = attempt._manager  # None: the state makes one on first use
    state = State(manager, tuple(attempt.plugins), tuple(attempt.registered), tuple(attempt.blocked),
                  tuple(claims), by_key, by_type, by_object, constants, constant_conflicts,
                  frozenset(warned), (previous.generation if previous else 0) + 1, covered=covered)
    return state, conflicts


def conflict_message(claim: Claim) -> str:

    holders = sorted([claim.plugin, *claim.rivals], key=lambda r: (r.source, r.name))
    who = " and ".join(f"{r.source} (plugin {r.name!r})" for r in holders)
    registration = claim.registration
    if isinstance(registration, Family):
        what = f"address family {registration.name!r} ({registration.constant} = {registration.number})"
    else:
        what = " and ".join(_describe_key(key) for key in _keys(registration))
    return f"{what} is claimed by {who}; uninstall one, or name one in {BLOCK_PLUGINS}"


def _resolve(value: str) -> Any:
    module_name, _, attribute = value.partition(":")
    module_name = module_name.strip()
    # importlib.import_module(), for the absolute names entry points hold, without importing
    # importlib (and warnings) at a first bind()
    __import__(module_name)
    obj: Any = sys.modules[module_name]
    for part in filter(None, attribute.strip().split(".")):
        obj = getattr(obj, part)
    return obj


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"
