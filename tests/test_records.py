"""The run-time stand-ins that keep dataclasses, pluggy and typing off a first bind() (issue 12)
behave as the real ones: records as frozen dataclasses, markers as pluggy's, NamedTuple as typing's."""

from __future__ import annotations

import collections
import copy
import dataclasses
import pickle
import sys
import types
import typing
from collections.abc import Callable
from typing import Any

import pluggy
import pytest

from famsock import _markers
from famsock._markers import field, record
from famsock.contract import PROJECT, Family, Hooks, Native, SocketSpec, deferred, hookimpl, hookspec, loaded


def twins() -> tuple[Any, Any]:
    """One class body, made a frozen dataclass and a record."""

    def body() -> dict[str, Any]:
        return {"__annotations__": {"name": "str", "number": "int", "tags": "dict[str, int]",
                                    "note": "str"},
                "tags": field(default_factory=dict), "note": "", "__module__": __name__}

    real: Any = dataclasses.dataclass(frozen=True)(type("Thing", (), {**body(), "tags": dataclasses.field(
        default_factory=dict)}))
    ours: Any = record(type("Thing", (), body()))
    return real, ours


def test_a_record_behaves_as_a_frozen_dataclass() -> None:
    real, ours = twins()
    a, b = real("x", 1), ours("x", 1)
    assert repr(a) == repr(b) == "Thing(name='x', number=1, tags={}, note='')"
    assert ours("x", 1, {}, "") == b and ours("x", number=1) == b and b != ours("x", 2)
    assert b != a  # another class, as between two dataclasses
    assert ours("x", 1).tags is not ours("x", 1).tags  # the factory runs per instance
    assert ours.__match_args__ == real.__match_args__
    builds: list[Callable[[Any], Any]] = [
        lambda cls: cls(), lambda cls: cls("x"), lambda cls: cls("x", 1, {}, "", 5),
        lambda cls: cls("x", 1, name="y"), lambda cls: cls("x", 1, colour=2)]
    for build in builds:
        with pytest.raises(TypeError):
            build(real)
        with pytest.raises(TypeError):
            build(ours)
    with pytest.raises(dataclasses.FrozenInstanceError):
        b.name = "y"
    with pytest.raises(dataclasses.FrozenInstanceError):
        del b.name
    point = {"__annotations__": {"a": "int"}, "__module__": __name__}
    ours_point: Any = record(type("P", (), dict(point)))
    real_point: Any = dataclasses.dataclass(frozen=True)(type("P", (), dict(point)))
    assert hash(ours_point(1)) == hash(real_point(1))
    with pytest.raises(TypeError, match="unhashable"):
        hash(b)  # a dict field: as the dataclass
    assert copy.copy(b) == b and copy.deepcopy(b) == b


def test_dataclasses_functions_take_records() -> None:
    real, ours = twins()
    b: Any = ours("x", 1)
    assert dataclasses.is_dataclass(ours("x", 1)) and dataclasses.is_dataclass(ours)
    assert [f.name for f in dataclasses.fields(b)] == [f.name for f in dataclasses.fields(real)]
    assert dataclasses.asdict(b) == {"name": "x", "number": 1, "tags": {}, "note": ""}
    changed = dataclasses.replace(b, number=2)
    assert type(changed) is ours and changed == ours("x", 2)
    assert ours.__dataclass_params__.frozen


def test_replace_on_a_registration_checks_it_again() -> None:
    import famsock_inet

    family: Any = famsock_inet.FAMILY
    assert dataclasses.replace(family, summary="s").summary == "s"
    assert dataclasses.replace(family.native, applies=None) == family.native
    with pytest.raises(ValueError, match="name must match"):
        dataclasses.replace(family, name="Not A Name")
    assert isinstance(family, Family) and isinstance(family.native, Native)


def test_registrations_are_generic_at_run_time() -> None:
    alias: Any = Family[str]
    assert isinstance(alias, types.GenericAlias)
    assert alias.__origin__ is Family


def test_the_markers_set_what_pluggys_set() -> None:
    theirs_impl, theirs_spec = pluggy.HookimplMarker(PROJECT), pluggy.HookspecMarker(PROJECT)
    options: dict[str, Any]
    for options in ({}, {"tryfirst": True}, {"trylast": True, "specname": "x"}, {"wrapper": True},
                    {"hookwrapper": True, "optionalhook": True}):
        ours: Callable[..., Any] = hookimpl(**options)(lambda: None)
        theirs: Callable[..., Any] = theirs_impl(**options)(lambda: None)
        assert ours.famsock_impl == theirs.famsock_impl  # type: ignore[attr-defined]
    spec: dict[str, Any]
    marker: Any
    for spec in ({}, {"firstresult": True}, {"historic": True}):
        marker = hookspec
        ours = marker(**spec)(lambda: None)
        marker = theirs_spec
        theirs = marker(**spec)(lambda: None)
        assert ours.famsock_spec == theirs.famsock_spec  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="historic firstresult"):
        hookspec(historic=True, firstresult=True)(lambda: None)


def test_pluggy_registers_hooks_marked_with_famsocks_markers() -> None:
    plugin = types.ModuleType("marked")

    @hookimpl
    def famsock_families() -> list[Any]:
        return []

    plugin.famsock_families = famsock_families  # type: ignore[attr-defined]
    manager = pluggy.PluginManager(PROJECT)
    manager.add_hookspecs(Hooks)
    manager.register(plugin, name="marked")
    assert [i.function for i in manager.hook.famsock_families.get_hookimpls()] == [famsock_families]
    assert manager.hook.famsock_families() == [[]]


def test_the_namedtuple_stand_in_makes_what_typing_makes() -> None:
    class Theirs(typing.NamedTuple):
        """A doc."""

        a: int
        b: str = "x"

        def twice(self) -> int:
            return self.a * 2

    namespace: dict[str, Any] = {}
    exec("class Ours(NamedTuple):\n    '''A doc.'''\n    a: int\n    b: str = 'x'\n"
         "    def twice(self): return self.a * 2\n", {"NamedTuple": _markers.NamedTuple}, namespace)
    ours = namespace["Ours"]
    assert ours._fields == Theirs._fields and ours._field_defaults == Theirs._field_defaults
    assert ours.__doc__ == Theirs.__doc__ and ours.__annotations__ == {"a": "int", "b": "str"}
    assert repr(ours(1)).replace("Ours", "Theirs") == repr(Theirs(1)) and ours(1).twice() == 2
    assert ours(1) == Theirs(1) and issubclass(ours, tuple)
    assert SocketSpec(2)._replace(type=1) == (2, 1, None)
    assert pickle.loads(pickle.dumps(SocketSpec(2, 2, 0))) == SocketSpec(2, 2, 0)


def test_deferred_imports_its_module_at_the_first_call_only(tmp_path: Any, monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    (tmp_path / "famsock_deferred_probe.py").write_text(
        "calls = []\n"
        "def decode(data):\n"
        "    calls.append(data)\n"
        "    if not data:\n"
        "        raise ValueError('empty item')\n"
        "    return data[::-1]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "famsock_deferred_probe", raising=False)
    decode = deferred("famsock_deferred_probe", "decode")
    assert decode.__name__ == "decode"
    assert "famsock_deferred_probe" not in sys.modules  # made, not imported
    assert decode(b"ab") == b"ba"
    module = sys.modules["famsock_deferred_probe"]
    assert decode(b"cd") == b"dc" and module.calls == [b"ab", b"cd"]  # imported once, called each time
    with pytest.raises(ValueError, match="empty item"):  # the function's own errors
        decode(b"")


def test_deferred_names_a_missing_function_at_its_call() -> None:
    missing = deferred("famsock.contract", "no_such_codec")
    with pytest.raises(AttributeError, match="no_such_codec"):
        missing(b"")


def test_the_namedtuple_stand_in_binds_and_refuses_arguments_as_namedtuple_does() -> None:
    theirs: Any = collections.namedtuple("theirs", ["family", "type", "proto"], defaults=[None, None])
    theirs.__name__ = theirs.__qualname__ = "Spec"
    theirs.__new__.__qualname__ = "Spec.__new__"  # as namedtuple("Spec", ...) names it
    namespace: dict[str, Any] = {}
    exec("class Spec(NamedTuple):\n    family: int\n    type: int = None\n    proto: int = None\n",
         {"NamedTuple": _markers.NamedTuple}, namespace)
    ours = namespace["Spec"]
    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
        ((), {}), ((1, 2, 3, 4), {}), ((1,), {"family": 2}), ((1,), {"flavour": 2}), ((), {"type": 1}),
        ((1,), {}), ((1, 2), {"proto": 3}), ((), {"proto": 3, "family": 1})]
    for args, kwargs in calls:
        assert outcome(ours, *args, **kwargs) == outcome(theirs, *args, **kwargs), (args, kwargs)
    for made in ([1, 2], [1, 2, 3], range(3)):
        assert outcome(ours._make, made) == outcome(theirs._make, made)
    assert outcome(ours(1)._replace, flavour=1) == outcome(theirs(1)._replace, flavour=1)
    assert ours(1, 2)._asdict() == theirs(1, 2)._asdict() == {"family": 1, "type": 2, "proto": None}
    assert ours(1).type is None and ours.family.__doc__ == theirs.family.__doc__
    assert ours.__match_args__ == theirs.__match_args__
    assert ours.__new__.__qualname__ == "Spec.__new__"
    assert not hasattr(ours(1), "__dict__")  # __slots__ = ()
    assert copy.copy(ours(1, 2)) == ours(1, 2) and type(copy.deepcopy(ours(1, 2))) is ours


def outcome(call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """What ``call(*args, **kwargs)`` returns, or its exception's type and message."""
    try:
        return call(*args, **kwargs)
    except Exception as exc:
        return type(exc), str(exc)


def test_loaded_gives_what_a_deferred_function_stands_for() -> None:
    import famsock_inet._codec as codec

    stand_in = deferred("famsock_inet._codec", "decode")
    assert loaded(stand_in) is codec.decode
    assert loaded(codec.encode) is codec.encode  # not deferred: itself
