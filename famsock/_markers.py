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
- :data:`NamedTuple`: ``class X(NamedTuple)`` with annotated fields and defaults: the class
  ``typing.NamedTuple`` makes (``collections.namedtuple``'s methods and field getters), built
  without compiling code.
"""

from __future__ import annotations

import types
from _collections import _tuplegetter  # type: ignore[import-not-found]  # namedtuple's getters
from _thread import get_ident

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
    """Makes ``class X(NamedTuple): ...`` what ``typing.NamedTuple`` makes of it."""

    def __new__(cls, name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> Any:
        if namespace.get("_root"):
            return super().__new__(cls, name, bases, namespace)
        annotations = namespace.get("__annotations__", {})
        fields = tuple(annotations)
        defaults = {f: namespace[f] for f in fields if f in namespace}
        skip = {"_root", "__orig_bases__", "__dict__", "__weakref__", *fields}
        own = {key: value for key, value in namespace.items() if key not in skip}
        return type(name, (tuple,), {**_named_tuple_methods(name, fields, defaults), **own,
                                     "__annotations__": dict(annotations)})


def _named_tuple_methods(name: str, fields: tuple[str, ...], defaults: dict[str, Any]) -> dict[str, Any]:
    """What ``collections.namedtuple`` puts in its class, without the ``eval`` it compiles
    ``__new__`` with (a third of a millisecond a class, at a process's first bind)."""
    count = len(fields)
    required = count - len(defaults)
    new = tuple.__new__

    def bind(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
        # the binding, and the messages, of ``def __new__(_cls, <fields>, <defaults>)``
        if len(args) > count:
            takes = f"from {required + 1} to {count + 1}" if defaults else f"{count + 1}"
            raise TypeError(f"{name}.__new__() takes {takes} positional arguments but {len(args) + 1} "
                            "were given")
        values = list(args)
        for field in fields[len(args):]:
            values.append(kwargs.pop(field, defaults.get(field, _NOTHING)))
        for key in kwargs:
            problem = ("got multiple values for argument" if key in fields
                       else "got an unexpected keyword argument")
            raise TypeError(f"{name}.__new__() {problem} {key!r}")
        missing = [repr(f) for f, value in zip(fields, values, strict=True) if value is _NOTHING]
        if missing:
            listed = (" and ".join(missing) if len(missing) < 3
                      else ", ".join(missing[:-1]) + ", and " + missing[-1])
            raise TypeError(f"{name}.__new__() missing {len(missing)} required positional "
                            f"argument{'s' if len(missing) > 1 else ''}: {listed}")
        return tuple(values)

    def __new__(_cls: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N807
        return new(_cls, args if len(args) == count and not kwargs else bind(args, kwargs))

    def _make(cls: Any, iterable: Any) -> Any:
        result = new(cls, iterable)
        if len(result) != count:
            raise TypeError(f"Expected {count} arguments, got {len(result)}")
        return result

    def _replace(self: Any, /, **changes: Any) -> Any:
        result = self._make(map(changes.pop, fields, self))
        if changes:
            raise ValueError(f"Got unexpected field names: {list(changes)!r}")
        return result

    shown = "(" + ", ".join(f"{field}=%r" for field in fields) + ")"

    def __repr__(self: Any) -> str:  # noqa: N807
        return str(self.__class__.__name__ + shown % self)

    def _asdict(self: Any) -> dict[str, Any]:
        return dict(zip(self._fields, self, strict=True))

    def __getnewargs__(self: Any) -> tuple[Any, ...]:  # noqa: N807
        return tuple(self)

    methods: dict[str, Any] = {"__new__": __new__, "_make": _make, "_replace": _replace, "__repr__": __repr__,
                               "_asdict": _asdict, "__getnewargs__": __getnewargs__}
    for method in methods.values():
        method.__qualname__ = f"{name}.{method.__name__}"
    methods["_make"] = classmethod(_make)
    getters = {field: _tuplegetter(index, f"Alias for field number {index}")
               for index, field in enumerate(fields)}
    return {"__doc__": f"{name}({', '.join(fields)})", "__slots__": (), "_fields": fields,
            "_field_defaults": defaults, "__match_args__": fields, **methods, **getters}


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


def _make(cls: type) -> type:
    names: list[str] = []
    annotations: dict[str, Any] = {}
    defaults: dict[str, tuple[Any, Any]] = {}
    for base in reversed(cls.__mro__[1:]):  # fields of record bases first, as dataclasses
        namespace = base.__dict__
        for name in namespace.get("__record_fields__", ()):
            if name not in names:
                names.append(name)
        annotations.update(namespace.get("__record_annotations__", {}))
        defaults.update(namespace.get("__record_defaults__", {}))
    own_annotations = _annotations(cls)
    namespace = cls.__dict__
    for name in _own_fields(cls):
        if name not in names:
            names.append(name)
        annotations[name] = own_annotations[name]
        if name in namespace:
            value = namespace[name]
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
    seen_default = False
    for name in fields:
        if name in defaults:
            seen_default = True
        elif seen_default:
            raise TypeError(f"non-default argument follows default argument in {cls.__name__}")
    for name, function in _RECORD_METHODS.items():
        if name not in namespace:  # as dataclasses: the class's own methods stay
            setattr(cls, name, function)
    setattr(cls, "__match_args__", fields)  # noqa: B010 - mypy refuses the assignment
    cls.__record_fields__ = fields  # type: ignore[attr-defined]
    cls.__record_annotations__ = annotations  # type: ignore[attr-defined]
    cls.__record_defaults__ = defaults  # type: ignore[attr-defined]
    cls.__dataclass_fields__ = _Shadow("__dataclass_fields__")  # type: ignore[attr-defined]
    cls.__dataclass_params__ = _Shadow("__dataclass_params__")  # type: ignore[attr-defined]
    return cls


# The methods of every record, made once: each reads its class's fields (making closures and
# naming them for each class took a first bind() ~40 us a record class).

def _fields_of(record: Any) -> tuple[str, ...]:
    fields: tuple[str, ...] = type(record).__record_fields__
    return fields


def _record_class(record: Any) -> type:
    """The record class ``record``'s fields come from (``type(record)``, or the nearest record base
    of a plain subclass)."""
    return next(c for c in type(record).__mro__ if "__record_fields__" in c.__dict__)


def __init__(self: Any, *args: Any, **kwargs: Any) -> None:  # noqa: N807
    cls = type(self)
    fields: tuple[str, ...] = cls.__record_fields__
    defaults: dict[str, tuple[Any, Any]] = cls.__record_defaults__
    setter = object.__setattr__
    if len(args) > len(fields):
        raise TypeError(f"{_record_class(self).__name__}.__init__() takes {len(fields) + 1} positional "
                        f"arguments but {len(args) + 1} were given")
    for name, value in zip(fields, args, strict=False):
        if name in kwargs:
            raise TypeError(f"{_record_class(self).__name__}.__init__() got multiple values for argument "
                            f"{name!r}")
        setter(self, name, value)
    for name in fields[len(args):]:
        if name in kwargs:
            setter(self, name, kwargs.pop(name))
        elif name in defaults:
            default, factory = defaults[name]
            setter(self, name, factory() if factory is not _NOTHING else default)
        else:
            missing = [n for n in fields[len(args):] if n not in kwargs and n not in defaults]
            raise TypeError(f"{_record_class(self).__name__}.__init__() missing {len(missing)} required "
                            f"argument{'s' if len(missing) > 1 else ''}: "
                            + " and ".join(repr(n) for n in missing))
    if kwargs:
        raise TypeError(f"{_record_class(self).__name__}.__init__() got an unexpected keyword argument "
                        f"{next(iter(kwargs))!r}")
    post_init = getattr(cls, "__post_init__", None)
    if post_init is not None:
        post_init(self)


_repr_running: set[tuple[int, int]] = set()


def __repr__(self: Any) -> str:  # noqa: N807
    key = (id(self), get_ident())
    if key in _repr_running:
        return "..."
    _repr_running.add(key)
    try:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in _fields_of(self))
    finally:
        _repr_running.discard(key)
    return f"{type(self).__qualname__}({shown})"


def __eq__(self: Any, other: object) -> bool:  # noqa: N807
    if other.__class__ is self.__class__:
        fields = _fields_of(self)
        return tuple(getattr(self, n) for n in fields) == tuple(getattr(other, n) for n in fields)
    return NotImplemented


def __hash__(self: Any) -> int:  # noqa: N807
    return hash(tuple(getattr(self, n) for n in _fields_of(self)))


def __setattr__(self: Any, name: str, value: Any) -> None:  # noqa: N807
    if "__record_fields__" in type(self).__dict__ or name in _fields_of(self):
        raise _frozen_error()(f"cannot assign to field {name!r}")
    object.__setattr__(self, name, value)


def __delattr__(self: Any, name: str) -> None:  # noqa: N807
    if "__record_fields__" in type(self).__dict__ or name in _fields_of(self):
        raise _frozen_error()(f"cannot delete field {name!r}")
    object.__delattr__(self, name)


_RECORD_METHODS = {function.__name__: function
                   for function in (__init__, __repr__, __eq__, __hash__, __setattr__, __delattr__)}
