"""Run-time stand-ins that keep ``pluggy``, ``dataclasses`` and ``typing`` off a first ``bind()``.

Why: plugins import :mod:`famsock.contract` when they load, at the first address call; importing
``pluggy`` there costs more than the stdlib's whole process start (it imports ``inspect`` and
``typing``), ``dataclasses`` nearly as much (``inspect`` again, and code compiled per class),
``typing`` alone a third of it (issue 12). Type checkers never see these: the modules that use
them bind the real names under ``TYPE_CHECKING``. One module: each import costs ~0.3 ms.

- :func:`record` (and :func:`field`): ``@dataclass(frozen=True)`` without ``dataclasses``. It makes
  the methods a frozen dataclass has (``__init__`` taking the fields by position or keyword,
  ``__repr__``, ``__eq__``, ``__hash__``, assignment refused with ``FrozenInstanceError``,
  ``__match_args__``), calling ``__post_init__`` as dataclasses do. ``__dataclass_fields__``
  and ``__dataclass_params__`` are made on first use, by applying the real
  ``dataclasses.dataclass`` to a copy of the class: ``dataclasses.replace()``, ``fields()``,
  ``asdict()`` and ``is_dataclass()`` work as on a dataclass, and pay for the import then.

- :class:`HookimplMarker`, :class:`HookspecMarker`: pluggy's markers' protocol, exactly: they
  set the same ``<project>_impl`` / ``<project>_spec`` dict on the function, which pluggy's
  ``PluginManager`` reads as its own markers'.
- :data:`Generic`: ``Generic[T]`` as a base class; the class is subscriptable at run time
  (``Family[InetAddress]`` is a ``types.GenericAlias``).
- :data:`NamedTuple`: ``class X(NamedTuple)`` with annotated fields and defaults, made by
  ``collections.namedtuple`` as ``typing.NamedTuple`` makes it.
"""

from __future__ import annotations

import types
from _thread import get_ident
from collections import namedtuple

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs 3.6 ms
if TYPE_CHECKING:
    from typing import Any

__all__ = ["Generic", "HookimplMarker", "HookspecMarker", "NamedTuple", "field", "overload", "record"]


class HookimplMarker:
    """``pluggy.HookimplMarker``'s protocol: ``@hookimpl`` or ``@hookimpl(tryfirst=True)``."""

    __slots__ = ("project_name",)

    def __init__(self, project_name: str) -> None:
        self.project_name = project_name

    def __call__(self, function: Any = None, hookwrapper: bool = False, optionalhook: bool = False,
                 tryfirst: bool = False, trylast: bool = False, specname: str | None = None,
                 wrapper: bool = False) -> Any:
        def mark(func: Any) -> Any:
            setattr(func, self.project_name + "_impl", {
                "wrapper": wrapper, "hookwrapper": hookwrapper, "optionalhook": optionalhook,
                "tryfirst": tryfirst, "trylast": trylast, "specname": specname})
            return func

        return mark if function is None else mark(function)


class HookspecMarker:
    """``pluggy.HookspecMarker``'s protocol: ``@hookspec`` or ``@hookspec(firstresult=True)``."""

    __slots__ = ("project_name",)

    def __init__(self, project_name: str) -> None:
        self.project_name = project_name

    def __call__(self, function: Any = None, firstresult: bool = False, historic: bool = False,
                 warn_on_impl: Any = None, warn_on_impl_args: Any = None) -> Any:
        def mark(func: Any) -> Any:
            if historic and firstresult:
                raise ValueError("cannot have a historic firstresult hook")
            setattr(func, self.project_name + "_spec", {
                "firstresult": firstresult, "historic": historic, "warn_on_impl": warn_on_impl,
                "warn_on_impl_args": warn_on_impl_args})
            return func

        return mark if function is None else mark(function)


class _Generic:
    """The base ``Generic[T]`` stands for: its subclasses are subscriptable, as generic classes."""

    __slots__ = ()

    def __class_getitem__(cls, item: Any) -> Any:
        return types.GenericAlias(cls, item)


class _GenericMarker:
    def __getitem__(self, parameters: Any) -> type:
        return _Generic


Generic: Any = _GenericMarker()


class _NamedTupleMeta(type):
    """Makes ``class X(NamedTuple): ...`` a ``collections.namedtuple`` class, as typing does."""

    def __new__(cls, name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> Any:
        if namespace.get("_root"):
            return super().__new__(cls, name, bases, namespace)
        annotations = namespace.get("__annotations__", {})
        fields = list(annotations)
        defaults = [namespace[f] for f in fields if f in namespace]
        made = namedtuple(name, fields, defaults=defaults, module=namespace["__module__"])  # type: ignore[misc]
        made.__annotations__ = dict(annotations)
        skip = {"__module__", "__qualname__", "__annotations__", "_root", "__orig_bases__", "__dict__",
                "__weakref__"}
        for key, value in namespace.items():
            if key not in skip and key not in fields:
                setattr(made, key, value)
        made.__qualname__ = namespace.get("__qualname__", name)
        return made


class _NamedTupleRoot(metaclass=_NamedTupleMeta):
    _root = True


class _NamedTupleMarker:
    def __mro_entries__(self, bases: tuple[Any, ...]) -> tuple[type, ...]:
        return (_NamedTupleRoot,)


NamedTuple: Any = _NamedTupleMarker()


def overload(function: Any) -> Any:
    """``typing.overload`` at run time: the last definition, the implementation, is the one kept."""
    return function


# -- records ---------------------------------------------------------------------------------------

_NOTHING: Any = object()


class _FieldSpec:
    """What ``field(default=..., default_factory=...)`` says, until ``dataclasses`` is asked."""

    __slots__ = ("default", "default_factory")

    def __init__(self, default: Any, default_factory: Any) -> None:
        self.default = default
        self.default_factory = default_factory


def field(*, default: Any = _NOTHING, default_factory: Any = _NOTHING) -> Any:
    """``dataclasses.field()``, for the two arguments the records use."""
    return _FieldSpec(default, default_factory)


class _Shadow:
    """A class attribute made on first use: ``__dataclass_fields__`` or ``__dataclass_params__``
    of a real dataclass built like the record (then set on the record, replacing this)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type) -> Any:
        import dataclasses  # noqa: PLC0415 - only once somebody asks for a dataclass's metadata

        namespace: dict[str, Any] = {"__annotations__": dict(owner.__dict__["__record_annotations__"])}
        for name, (default, factory) in owner.__dict__["__record_defaults__"].items():
            namespace[name] = (dataclasses.field(default_factory=factory) if factory is not _NOTHING
                               else default)
        shadow: type = dataclasses.dataclass(frozen=True)(type(owner.__name__, (), namespace))
        for attribute in ("__dataclass_fields__", "__dataclass_params__"):
            setattr(owner, attribute, shadow.__dict__[attribute])
        return owner.__dict__[self.name]


class FrozenInstanceError(AttributeError):
    """Raised on assignment to a record's field (``dataclasses.FrozenInstanceError`` once that
    module is imported: records raise that one then, so ``except`` clauses for it work)."""


def _frozen_error() -> type[AttributeError]:
    import sys  # noqa: PLC0415

    module = sys.modules.get("dataclasses")
    found: type[AttributeError] = FrozenInstanceError if module is None else module.FrozenInstanceError
    return found


def record(cls: type | None = None, /, *, frozen: bool = True) -> Any:
    """``@dataclass(frozen=True)`` without ``dataclasses`` (see the module's docstring)."""
    return _make if cls is None else _make(cls)


def _annotations(cls: type) -> dict[str, Any]:
    """The class's own annotations (inspect.get_annotations() would import inspect)."""
    annotations: dict[str, Any] = cls.__dict__.get("__annotations__", {})  # noqa: RUF063
    return annotations


def _own_fields(cls: type) -> list[str]:
    return [name for name, kind in _annotations(cls).items()
            if not str(kind).startswith(("ClassVar", "typing.ClassVar"))]


def _make(cls: type) -> type:  # noqa: PLR0915 - one closure per generated method
    names: list[str] = []
    annotations: dict[str, Any] = {}
    defaults: dict[str, tuple[Any, Any]] = {}
    for base in reversed(cls.__mro__[1:]):  # fields of record bases first, as dataclasses
        for name in base.__dict__.get("__record_fields__", ()):
            if name not in names:
                names.append(name)
        annotations.update(base.__dict__.get("__record_annotations__", {}))
        defaults.update(base.__dict__.get("__record_defaults__", {}))
    for name in _own_fields(cls):
        if name not in names:
            names.append(name)
        annotations[name] = _annotations(cls)[name]
        if name in cls.__dict__:
            value = cls.__dict__[name]
            if isinstance(value, _FieldSpec) and _NOTHING is value.default is value.default_factory:
                delattr(cls, name)
                defaults.pop(name, None)
            elif isinstance(value, _FieldSpec):
                defaults[name] = (value.default, value.default_factory)
                if value.default is _NOTHING:
                    delattr(cls, name)
                else:
                    setattr(cls, name, value.default)
            else:
                defaults[name] = (value, _NOTHING)
        else:
            defaults.pop(name, None)
    fields = tuple(names)
    required = [n for n in fields if n not in defaults]
    for index, name in enumerate(fields):
        if name in defaults and any(later in required for later in fields[index + 1:]):
            raise TypeError(f"non-default argument follows default argument in {cls.__name__}")
    post_init = getattr(cls, "__post_init__", None)
    setter = object.__setattr__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:  # noqa: N807
        if len(args) > len(fields):
            raise TypeError(f"{cls.__name__}.__init__() takes {len(fields) + 1} positional arguments "
                            f"but {len(args) + 1} were given")
        for name, value in zip(fields, args, strict=False):
            if name in kwargs:
                raise TypeError(f"{cls.__name__}.__init__() got multiple values for argument {name!r}")
            setter(self, name, value)
        for name in fields[len(args):]:
            if name in kwargs:
                setter(self, name, kwargs.pop(name))
            elif name in defaults:
                default, factory = defaults[name]
                setter(self, name, factory() if factory is not _NOTHING else default)
            else:
                missing = [n for n in fields[len(args):] if n not in kwargs and n not in defaults]
                raise TypeError(f"{cls.__name__}.__init__() missing {len(missing)} required "
                                f"argument{'s' if len(missing) > 1 else ''}: "
                                + " and ".join(repr(n) for n in missing))
        if kwargs:
            raise TypeError(f"{cls.__name__}.__init__() got an unexpected keyword argument "
                            f"{next(iter(kwargs))!r}")
        if post_init is not None:
            post_init(self)

    repr_running: set[tuple[int, int]] = set()

    def __repr__(self: Any) -> str:  # noqa: N807
        key = (id(self), get_ident())
        if key in repr_running:
            return "..."
        repr_running.add(key)
        try:
            shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in fields)
        finally:
            repr_running.discard(key)
        return f"{type(self).__qualname__}({shown})"

    def __eq__(self: Any, other: object) -> bool:  # noqa: N807
        if other.__class__ is self.__class__:
            return tuple(getattr(self, n) for n in fields) == tuple(getattr(other, n) for n in fields)
        return NotImplemented

    def __hash__(self: Any) -> int:  # noqa: N807
        return hash(tuple(getattr(self, n) for n in fields))

    def __setattr__(self: Any, name: str, value: Any) -> None:  # noqa: N807
        if type(self) is cls or name in fields:
            raise _frozen_error()(f"cannot assign to field {name!r}")
        object.__setattr__(self, name, value)

    def __delattr__(self: Any, name: str) -> None:  # noqa: N807
        if type(self) is cls or name in fields:
            raise _frozen_error()(f"cannot delete field {name!r}")
        object.__delattr__(self, name)

    for function in (__init__, __repr__, __eq__, __hash__, __setattr__, __delattr__):
        function.__qualname__ = f"{cls.__qualname__}.{function.__name__}"
        if function.__name__ not in cls.__dict__:  # as dataclasses: the class's own methods stay
            setattr(cls, function.__name__, function)
    setattr(cls, "__match_args__", fields)  # noqa: B010 - mypy refuses the assignment
    cls.__record_fields__ = fields  # type: ignore[attr-defined]
    cls.__record_annotations__ = annotations  # type: ignore[attr-defined]
    cls.__record_defaults__ = defaults  # type: ignore[attr-defined]
    cls.__dataclass_fields__ = _Shadow("__dataclass_fields__")  # type: ignore[attr-defined]
    cls.__dataclass_params__ = _Shadow("__dataclass_params__")  # type: ignore[attr-defined]
    return cls
