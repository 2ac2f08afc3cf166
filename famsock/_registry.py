"""Which plugins are installed, what they register, and what went wrong with the rest.

Theory of operation
-------------------
Nothing here runs at ``import famsock``. The first call that needs a plugin (an address method,
a plugin constant, ``famsock families``) loads every entry point of the ``famsock.families``
group once (:mod:`famsock._loading`: each plugin in isolation, a broken one recorded with the
reason), and every question after that is answered from the published :class:`State`.

A load, and a :meth:`Registry.register`, is all-or-nothing: it builds a new state aside, with a
fresh pluggy ``PluginManager``, and publishes it with one assignment at the end. Readers take the
published state without a lock and never see half of one; an attempt cut short by
``KeyboardInterrupt`` (or any ``BaseException`` that is not a plugin's ``SystemExit``), or by a
``PluginWarning`` turned into an error, leaves the registry as it was, and the next call starts
afresh. A plugin that asks the registry while it is being loaded (same thread) is answered from
the state published before; one that registers another plugin meanwhile adds to the attempt.

``FAMSOCK_DISABLE_PLUGIN_AUTOLOAD`` takes yes/no values: ``1``, ``true``, ``yes``, ``on`` (any
case) disable autoload; ``0``, ``false``, ``no``, ``off`` and empty keep it; anything else keeps
it too, with a :class:`PluginWarning`.
"""

from __future__ import annotations

import os
from _thread import RLock

from ._entrypoints import EntryPoint, entry_points
from ._errors import FamilyConflictError, FamilyError, PluginWarning
from ._loading import (
    BLOCK_PLUGINS,
    FAMILY_NUMBERS,
    NOTHING,
    Attempt,
    Claim,
    PluginRecord,
    State,
    add,
    build_state,
    conflict_message,
    load_entry,
    normalize,
)
from .contract import Command, Family, Loopback  # light: plugins import it anyway

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs 3.6 ms
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

    import pluggy

    from .contract import ControlMessage, InetText, ServerSetup, SocketOption

__all__ = ["GROUP", "Claim", "FamilyClaim", "PluginRecord", "Registry", "registry"]

GROUP = "famsock.families"
DISABLE_AUTOLOAD = "FAMSOCK_DISABLE_PLUGIN_AUTOLOAD"
_YES = frozenset({"1", "true", "yes", "on"})
_NO = frozenset({"0", "false", "no", "off", ""})

FamilyClaim = Claim  # the name of contract 1's days, for the claims of families


class Registry:
    """Installed plugins, loaded on first use; one per process is :data:`registry`."""

    def __init__(
        self,
        find: Callable[[], list[EntryPoint]] = lambda: entry_points(GROUP, declarations=FAMILY_NUMBERS),
        environ: Mapping[str, str] = os.environ,
    ) -> None:
        self._find = find
        self._environ = environ
        self._lock = RLock()  # _thread's: threading costs a first bind() ~2 ms to import
        self._state: State | None = None  # None until a load completes
        self._attempt: Attempt | None = None  # the load or registration in progress (under _lock)
        self._unloaded: list[EntryPoint] = []  # installed plugins not loaded yet (under _lock)

    @property
    def generation(self) -> int:
        """Bumped whenever what is registered changes, so caches keyed on it go stale."""
        state = self._state
        return 0 if state is None else state.generation

    # -- families -------------------------------------------------------------------------------

    def lookup(self, number: int) -> Family[Any] | None:
        """The family registered for AF ``number``, or ``None`` if no plugin claims it."""
        claim = self._covering(number).by_key.get(("family", number))
        return None if claim is None else _unrivalled(claim).registration

    def family_named(self, name: str) -> Family[Any]:
        """The family called ``name`` (``"inet"``); :class:`FamilyError` if none is."""
        state = self._everything()
        claim = state.by_key.get(("family name", name))
        if claim is None:
            known = ", ".join(sorted(key[1] for key in state.by_key if key[0] == "family name")) or "none"
            raise FamilyError(f"no famsock family named {name!r} (installed: {known})")
        return _unrivalled(claim).family

    def family_for_address(self, address: object) -> Family[Any]:
        """The family whose ``address_type`` (a class, or a base of several) ``address`` is of."""
        by_type = self._everything().by_type
        claim = next((by_type[cls] for cls in type(address).__mro__ if cls in by_type), None)
        if claim is None:
            raise TypeError(f"{type(address).__name__} is not the address type of any famsock "
                            "family; name the family as well")
        return _unrivalled(claim).family

    def claims(self) -> list[Claim]:
        """The claims of families, in load order."""
        return [c for c in self._everything().claims if isinstance(c.registration, Family)]

    # -- the other registrations ------------------------------------------------------------------

    def loopbacks(self, number: int) -> tuple[Loopback, ...]:
        """How to serve sockets of AF ``number`` on this machine, most useful first."""
        return tuple(c.registration for c in self._covering(number).claims
                     if isinstance(c.registration, Loopback) and c.registration.family == number)

    def control_message(self, level: int, kind: int, family: int | None = None) -> ControlMessage[Any] | None:
        """The codec of ancillary items ``(level, kind)`` on sockets of ``family``, if any."""
        by_key = self._everything().by_key
        claim = by_key.get(("control message", level, kind, family)) if family is not None else None
        claim = claim or by_key.get(("control message", level, kind, None))
        return None if claim is None else _unrivalled(claim).registration

    def socket_option(self, level: int, option: int) -> SocketOption[Any] | None:
        """The codec of socket option ``(level, option)``, if a plugin registers one."""
        claim = self._everything().by_key.get(("socket option", level, option))
        return None if claim is None else _unrivalled(claim).registration

    def commands(self) -> list[Claim]:
        """The claims of CLI commands, in load order (conflicting ones included)."""
        return [c for c in self._everything().claims if isinstance(c.registration, Command)]

    def command(self, name: str) -> Command | None:
        claim = self._everything().by_key.get(("command", name))
        return None if claim is None else _unrivalled(claim).registration

    def inet_text(self, number: int) -> InetText | None:
        """``inet_pton``/``inet_ntop`` of AF ``number``, if its plugin offers them."""
        claim = self._covering(number).by_key.get(("InetText", number))
        return None if claim is None else _unrivalled(claim).registration

    def server_setup(self, number: int) -> ServerSetup | None:
        """AF ``number``'s part of ``create_server()``, if its plugin has one."""
        claim = self._covering(number).by_key.get(("ServerSetup", number))
        return None if claim is None else _unrivalled(claim).registration

    # -- constants, plugins ---------------------------------------------------------------------

    def constant(self, name: str) -> int | None:
        """A plugin's value for constant ``name``, or ``None`` if no plugin contributes it."""
        state = self._everything()
        if name in state.constant_conflicts:
            raise FamilyConflictError(state.constant_conflicts[name])
        entry = state.constants.get(name)
        return None if entry is None else entry[0]

    def constant_names(self) -> list[str]:
        return sorted(self._everything().constants)

    def plugins(self) -> list[PluginRecord]:
        return list(self._everything().plugins)

    def source_of(self, registration: object) -> str:
        """Who registered ``registration`` (this object), for messages: its plugin's
        :attr:`PluginRecord.source`, or ``"the 'name' family plugin"`` if unknown. Loads nothing."""
        state = self._state
        claim = None if state is None else state.by_object.get(id(registration))
        if claim is not None and claim.registration is registration:
            return claim.plugin.source
        return f"the {getattr(registration, 'name', type(registration).__name__)!r} family plugin"

    @property
    def manager(self) -> pluggy.PluginManager:
        """The pluggy ``PluginManager`` the loaded plugins are registered in (a new one after each
        :meth:`register`: ask again rather than keep it)."""
        state = self._everything()
        if state.loading:
            raise RuntimeError("famsock's plugins are still loading: their plugin manager is not ready")
        with self._lock:  # made on first use (a process that only binds never imports pluggy): once
            return state.manager

    # -- loading ------------------------------------------------------------------------------

    def ensure_loaded(self) -> None:
        self._everything()

    def _covering(self, number: int) -> State:
        """A state with every plugin that may register something of AF ``number`` in: its family,
        loopbacks, inet texts and server setups (the plugins declaring it, where all declare)."""
        state = self._state
        if state is None or (state.covered is not None and number not in state.covered):
            state = self._load(number)
        return state

    def _everything(self) -> State:
        """The state with every installed plugin in: any question but a family's number needs it."""
        state = self._state
        if state is None or state.covered is not None:
            state = self._load()
        return state

    def _load(self, number: int | None = None) -> State:
        """Load the plugins not loaded yet and publish the result, unless another thread has (or,
        in this thread, a load is under way: a plugin asking while it loads gets what was
        published). With ``number``, and every plugin left declaring its AF numbers, only those
        declaring ``number``: a program that binds one family imports that family's plugin."""
        with self._lock:
            state = self._state
            if state is not None and (state.covered is None or number in state.covered):
                return state
            if self._attempt is not None:
                return state or NOTHING
            try:
                self._attempt = attempt = Attempt(state)  # inside the try: never left set
                if state is None:
                    self._unloaded = self._find() if self._autoload(attempt) else []
                names = self._environ.get(BLOCK_PLUGINS, "").replace(",", " ").split()
                blocked = {normalize(name) for name in names}
                now, later = _split(self._unloaded, number)
                for entry in now:
                    load_entry(attempt, entry, blocked)
                covered = None
                if later and number is not None:  # only a family's plugins were loaded
                    covered = frozenset(state.covered or () if state is not None else ()) | {number}
                published = self._publish(attempt, covered)
                self._unloaded = later
                return published
            finally:
                self._attempt = None

    def register(self, plugin: object, name: str | None = None) -> PluginRecord:
        """Register a plugin object that is not installed as a distribution (tests, apps)."""
        name = name or str(getattr(plugin, "__name__", None) or type(plugin).__name__)
        with self._lock:
            if self._attempt is not None:  # a plugin registering another while plugins load
                return add(self._attempt, plugin, name, "", "")
            base = self._state or self._load()
            try:
                self._attempt = attempt = Attempt(base)
                record = add(attempt, plugin, name, "", "")
                self._publish(attempt, base.covered)  # the installed plugins not loaded yet stay due
            finally:
                self._attempt = None
            return record

    def _autoload(self, attempt: Attempt) -> bool:
        value = self._environ.get(DISABLE_AUTOLOAD, "")
        word = value.strip().lower()
        if word in _YES:
            return False
        if word not in _NO:
            attempt.warnings.append(f"famsock: {DISABLE_AUTOLOAD}={value!r} is not a yes/no value "
                                    "(1, true, yes, on / 0, false, no, off); plugins are loaded")
        return True

    def _publish(self, attempt: Attempt, covered: frozenset[int] | None = None) -> State:
        """Warn about what the attempt found, then make its state the registry's, in one step."""
        state, conflicts = build_state(attempt, self._state, covered)
        messages = [*attempt.warnings, *conflicts]
        if messages:
            import warnings  # noqa: PLC0415 - only when there is something to say

            for message in messages:
                warnings.warn(message, PluginWarning, stacklevel=3)
        self._state = state
        return state


def _split(entries: list[EntryPoint], number: int | None) -> tuple[list[EntryPoint], list[EntryPoint]]:
    """The entry points to load now for AF ``number`` (``None``: any question), and the rest. Only
    if every one declares its AF numbers can those that do not declare ``number`` wait: one that
    does not declare might register it, and a conflict would go unseen."""
    if number is None or any(entry.families is None for entry in entries):
        return entries, []
    return ([entry for entry in entries if number in (entry.families or ())],
            [entry for entry in entries if number not in (entry.families or ())])


def _unrivalled(claim: Claim) -> Claim:
    if claim.rivals:
        raise FamilyConflictError(conflict_message(claim))
    return claim


registry = Registry()
