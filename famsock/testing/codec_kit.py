"""The codec kit: a family's codec checked against a table of its addresses, with no kernel.

A plugin writes its addresses as rows, each in every form it has (the stdlib's value, the user
values that parse to it, its ``struct sockaddr`` bytes from a C program, its text form), and
rows of what each step must refuse; then subclasses :class:`CodecConformance`::

    from famsock.testing.codec_kit import Address, CodecConformance, DecodeError, ParseError

    class TestCodecKit(CodecConformance):
        family_name = "inet"
        rows = [
            Address("loopback", ("127.0.0.1", 80), sockaddr=bytes.fromhex("020000507f000001" + 16 * "0"),
                    text="inet:127.0.0.1:80"),
            ParseError("port-too-big", ("127.0.0.1", 65536), OverflowError),
            DecodeError("too-short", bytes.fromhex("0200"), ValueError),
        ]

pytest collects one test per check and row, named by the row (``test_encode_gives_the_sockaddr
[loopback]``). What is checked is the contract (:mod:`famsock.contract`): a typed address **is**
the stdlib's value (an instance of a subclass of its type that changes nothing: ``==``,
``hash()``, ``str()``, ``repr()``, ``format()``, JSON), every way to it (``parse``, ``decode``,
``from_native``, ``address_from_text``) gives the same one, it survives pickling, copying and its
text form, ``parse(address) is address``, and refusals raise exactly the row's exception type.
Rows run through the family's functions and through famsock's public codec (which checks what
plugins return). No socket is opened: the kit runs anywhere the plugin imports.
"""

from __future__ import annotations

import copy
import inspect
import json
import pickle
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import KW_ONLY, dataclass
from typing import Any, ClassVar, TypeVar

import pytest

from .. import codec
from .._raw_sockaddr import RawSockaddr
from .._registry import registry
from ..contract import Family, SocketSpec
from .compare import outcome, plain, raised_by

__all__ = ["Address", "CodecConformance", "DecodeError", "ParseError", "Row", "TextError"]

T = TypeVar("T", bound=Callable[..., Any])
_STDLIB_TYPES = (tuple, str, bytes)
# what a typed address must take from the stdlib's type as it is
_UNCHANGED = ("__str__", "__repr__", "__format__", "__eq__", "__ne__", "__hash__", "__lt__", "__le__",
              "__gt__", "__ge__", "__len__", "__iter__", "__getitem__", "__contains__", "__bool__")
_ROWS = "_famsock_codec_rows"  # the attribute that says which rows a check runs over


# -- rows ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """A row of the table; ``id`` names its tests. ``type``/``proto`` (keywords) make the
    :class:`~famsock.contract.SocketSpec` the row's calls get (``None``: unknown)."""

    id: str


@dataclass(frozen=True)
class Address(Row):
    """An address in all its forms.

    stdlib
        What the stdlib's C methods return for it (``("127.0.0.1", 80)``, ``"/run/x"``, ``b"\\0n"``).
    values
        User values that ``parse`` must turn into it; default ``[stdlib]``; ``[]`` for an address
        only the kernel reports (``parse`` refuses it).
    sockaddr
        Its ``struct sockaddr`` bytes (from C): what ``encode`` writes and ``decode`` reads.
    also_decodes
        Other bytes that ``decode`` reads as this address (other lengths the kernel reports,
        padding).
    text
        Its text form, as ``famsock.address_to_text`` writes it (``"inet:127.0.0.1:80"``).
    encode_error
        The exception ``encode`` raises for it, for an address that is never sent.
    """

    stdlib: Any
    _: KW_ONLY
    values: Sequence[Any] | None = None
    sockaddr: bytes | None = None
    also_decodes: Sequence[bytes] = ()
    text: str | None = None
    encode_error: type[BaseException] | None = None
    type: int | None = None
    proto: int | None = None

    def __post_init__(self) -> None:
        if self.values is not None and not isinstance(self.values, (list, tuple)):
            raise TypeError(f"{self.id}: values must be a list of user values, got {self.values!r}")
        for data in (self.sockaddr, *self.also_decodes):
            if data is not None and type(data) is not bytes:
                raise TypeError(f"{self.id}: sockaddr bytes must be bytes, got {data!r}")

    @property
    def user_values(self) -> list[Any]:
        return [self.stdlib] if self.values is None else list(self.values)


@dataclass(frozen=True)
class ParseError(Row):
    """A user value ``parse`` refuses with exactly ``error``, its message matching ``match``."""

    value: Any
    error: type[BaseException]
    _: KW_ONLY
    match: str | None = None
    type: int | None = None
    proto: int | None = None


@dataclass(frozen=True)
class DecodeError(Row):
    """Bytes ``decode`` refuses with exactly ``error`` (the contract says ``ValueError``)."""

    sockaddr: bytes
    error: type[BaseException] = ValueError
    _: KW_ONLY
    match: str | None = None
    type: int | None = None
    proto: int | None = None


@dataclass(frozen=True)
class TextError(Row):
    """A text form (the whole of it: ``"inet:..."``) ``address_from_text`` refuses with exactly
    ``error``."""

    text: str
    error: type[BaseException] = ValueError
    _: KW_ONLY
    match: str | None = None


def _over(kind: type[Row], when: Callable[[Any], bool] = lambda row: True, *, needs: str = "",
          per_value: bool = False) -> Callable[[T], T]:
    """Run the decorated check once per row of ``kind`` for which ``when(row)`` holds (with
    ``per_value``: once per user value of each such row); ``needs`` says what ``when`` wants,
    for the skip's reason when no row has it."""

    def mark(check: T) -> T:
        setattr(check, _ROWS, (kind, when, needs, per_value))
        return check

    return mark


# -- the kit ------------------------------------------------------------------------------------


class CodecConformance:
    """Subclass with ``family_name`` and ``rows``; pytest collects the checks from the subclass.

    ``errors_name_the_family``: whether ``parse``'s messages must name the family's ``AF_*``
    constant (famsock's first-party families do).
    """

    family_name: ClassVar[str]
    rows: ClassVar[Sequence[Row]] = ()
    errors_name_the_family: ClassVar[bool] = True

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        wanted = getattr(metafunc.function, _ROWS, None)
        if wanted is None:
            return
        kind, when, needs, per_value = wanted
        rows = [row for row in self.rows if isinstance(row, kind) and when(row)]
        if per_value:
            params = [pytest.param(row, value, id=f"{row.id}-{index}" if len(row.user_values) > 1 else row.id)
                      for row in rows for index, value in enumerate(row.user_values)]
            names = ["row", "value"]
        else:
            params = [pytest.param(row, id=row.id) for row in rows]
            names = ["row"]
        if not params:
            reason = f"{type(self).__name__}.rows has no {kind.__name__} row{needs}: nothing to check"
            params = [pytest.param(*[None] * len(names), id="no-rows", marks=pytest.mark.skip(reason=reason))]
        metafunc.parametrize(names, params)

    @pytest.fixture
    def family(self) -> Family[Any]:
        return registry.family_named(self.family_name)

    # -- the table and the registration -------------------------------------------------------

    def test_the_table_is_well_formed(self) -> None:
        ids = [(type(row).__name__, row.id) for row in self.rows]
        duplicates = sorted({f"{kind} {name!r}" for kind, name in ids if ids.count((kind, name)) > 1})
        assert not duplicates, f"row ids must be unique per kind: {duplicates}"
        addresses = [row for row in self.rows if isinstance(row, Address)]
        assert any(row.sockaddr is not None for row in addresses), "no Address row with sockaddr bytes"
        assert any(row.text is not None for row in addresses), "no Address row with a text form"
        assert any(isinstance(row, ParseError) for row in self.rows), "no ParseError row"
        assert any(isinstance(row, DecodeError) for row in self.rows), "no DecodeError row"
        for row in self.rows:
            for name in ("error", "encode_error"):
                error = getattr(row, name, None)
                assert error is None or (isinstance(error, type) and issubclass(error, BaseException)), (
                    f"{row.id}: {name} must be an exception class, got {error!r}")

    def test_the_family_is_registered_under_its_name(self, family: Family[Any]) -> None:
        import famsock  # noqa: PLC0415 - the module's constants load plugins

        assert family.name == self.family_name
        assert registry.lookup(family.number) is family
        assert getattr(famsock, family.constant) == family.number

    def test_the_functions_take_the_contracts_arguments(self, family: Family[Any]) -> None:
        """Each function can be called as the core calls it (v1's ``encode(address)`` cannot)."""
        spec = SocketSpec(family.number)
        calls: list[tuple[str, Any, tuple[Any, ...]]] = [
            ("parse", family.parse, (None, spec)), ("encode", family.encode, (None, spec)),
            ("decode", family.decode, (b"", spec)), ("to_text", family.to_text, (None,)),
            ("from_text", family.from_text, ("",)),
        ]
        if family.native is not None:
            calls.append(("native.from_native", family.native.from_native, (None, spec)))
            for name in ("to_native", "applies"):
                function = getattr(family.native, name)
                if function is not None:
                    calls.append((f"native.{name}", function, (spec,) if name == "applies" else (None, spec)))
        if family.check_use is not None:
            calls.append(("check_use", family.check_use, (None, spec, "bind")))
        if family.probe is not None:
            calls.append(("probe", family.probe, ()))
        for name, function, arguments in calls:
            try:
                inspect.signature(function).bind(*arguments)
            except ValueError:  # no signature to read (a builtin): nothing to check
                continue
            except TypeError as exc:
                pytest.fail(f"{family.name}: {name} cannot take {len(arguments)} arguments: {exc}")

    def test_address_type_is_a_stdlib_type_underneath(self, family: Family[Any]) -> None:
        """``address_type`` subclasses ``tuple``, ``str`` or ``bytes``, or is a mixin base of
        classes that do (UNIX: a path is a ``str``, an abstract name ``bytes``)."""
        assert _address_classes(family.address_type), (
            f"{family.address_type.__qualname__} is no subclass of tuple, str or bytes, and none of its "
            "subclasses is")

    def test_address_classes_change_nothing_of_the_stdlib_type(self, family: Family[Any]) -> None:
        for cls in _address_classes(family.address_type):
            base = next(form for form in _STDLIB_TYPES if issubclass(cls, form))
            changed = [name for name in _UNCHANGED
                       if getattr(cls, name, None) is not getattr(base, name, None)]
            assert not changed, f"{cls.__qualname__} overrides {base.__name__}'s {', '.join(changed)}"

    # -- addresses ----------------------------------------------------------------------------

    @_over(Address, per_value=True)
    def test_parse_gives_the_stdlib_form(self, family: Family[Any], row: Address, value: Any) -> None:
        address = family.parse(value, _spec(family, row))
        _assert_is_the_stdlib_form(family, address, row.stdlib, f"parse({value!r})")
        public = codec.parse_address(family.name, value, row.type, row.proto)
        _assert_is_the_stdlib_form(family, public, row.stdlib, f"famsock.parse_address({value!r})")

    @_over(Address, lambda row: row.sockaddr is not None, needs=" with sockaddr bytes")
    def test_decode_gives_the_address(self, family: Family[Any], row: Address) -> None:
        assert row.sockaddr is not None
        for data in (row.sockaddr, *row.also_decodes):
            address = family.decode(data, _spec(family, row))
            _assert_is_the_stdlib_form(family, address, row.stdlib, f"decode({data.hex()})")
            public = codec.decode(data, row.type, row.proto)
            assert not isinstance(public, RawSockaddr), f"famsock.decode({data.hex()}): {public.reason}"
            _assert_is_the_stdlib_form(family, public, row.stdlib, f"famsock.decode({data.hex()})")

    @_over(Address, lambda row: row.sockaddr is not None and row.encode_error is None,
           needs=" with sockaddr bytes and no encode_error")
    def test_encode_gives_the_sockaddr(self, family: Family[Any], row: Address) -> None:
        spec = _spec(family, row)
        assert row.sockaddr is not None
        for how, address in _ways(family, row):
            data = family.encode(address, spec)
            assert type(data) is bytes, f"encode({how}) gave a {type(data).__name__}"
            assert data.hex() == row.sockaddr.hex(), f"encode({how})"
            assert codec.encode(address, type=row.type, proto=row.proto) == data, f"famsock.encode({how})"
        for value in row.user_values:
            assert codec.encode(value, family.name, row.type, row.proto) == row.sockaddr, (
                f"famsock.encode({value!r}, {family.name!r})")

    @_over(Address, lambda row: row.encode_error is not None, needs=" with an encode_error")
    def test_encode_refuses_an_address_never_sent(self, family: Family[Any], row: Address) -> None:
        spec = _spec(family, row)
        to_native = family.native.to_native if family.native is not None else None
        for how, address in _ways(family, row):
            _assert_raises(row.encode_error, family.encode, address, spec, shown=f"encode({how})")
            _assert_raises(row.encode_error, codec.encode, address, type=row.type, proto=row.proto,
                           shown=f"famsock.encode({how})")
            if to_native is not None:  # the native path refuses it as the raw path does
                _assert_raises(row.encode_error, to_native, address, spec, shown=f"to_native({how})")

    @_over(Address)
    def test_every_way_gives_the_same_address(self, family: Family[Any], row: Address) -> None:
        ways = _ways(family, row)
        first_how, first = ways[0]
        for how, address in ways:
            _assert_is_the_stdlib_form(family, address, row.stdlib, how)
            assert type(address) is type(first), f"{how}: {type(address)}, {first_how}: {type(first)}"
            assert _attributes(address) == _attributes(first), f"{how} and {first_how} differ"

    @_over(Address)
    def test_str_repr_and_format_are_the_stdlib_forms(self, family: Family[Any], row: Address) -> None:
        stdlib = row.stdlib
        for how, address in _ways(family, row):
            assert str(address) == str(stdlib), how
            assert repr(address) == repr(stdlib), how
            assert format(address) == format(stdlib), how
            assert f"{address!s:>60}" == f"{stdlib!s:>60}", how
            assert "%s %r" % (address, address) == "%s %r" % (stdlib, stdlib), how  # noqa: UP031

    @_over(Address)
    def test_json_is_the_stdlib_forms(self, family: Family[Any], row: Address) -> None:
        theirs = outcome(json.dumps, [row.stdlib, {"address": row.stdlib}])
        for how, address in _ways(family, row):
            assert outcome(json.dumps, [address, {"address": address}]) == theirs, how

    @_over(Address)
    def test_hash_and_equality_are_the_stdlib_forms(self, family: Family[Any], row: Address) -> None:
        stdlib = row.stdlib
        for how, address in _ways(family, row):
            assert hash(address) == hash(stdlib), how
            assert address == stdlib and stdlib == address, how
            assert (address != stdlib, stdlib != address) == (False, False), how
            assert {stdlib: how}[address] == how
            assert len(address) == len(stdlib) and list(address) == list(stdlib), how
            assert bool(address) is bool(stdlib), how

    @_over(Address)
    def test_pickle_and_copy_rebuild_the_address(self, family: Family[Any], row: Address) -> None:
        for how, address in _ways(family, row):
            clones = {f"pickle protocol {protocol}": pickle.loads(pickle.dumps(address, protocol))
                      for protocol in range(pickle.HIGHEST_PROTOCOL + 1)}
            clones.update({"copy.copy": copy.copy(address), "copy.deepcopy": copy.deepcopy(address)})
            for clone_how, clone in clones.items():
                assert clone == address, f"{clone_how} of {how}"
                assert type(clone) is type(address), f"{clone_how} of {how}: {type(clone)}"
                assert _attributes(clone) == _attributes(address), f"{clone_how} of {how}"

    @_over(Address)
    def test_the_text_form_round_trips(self, family: Family[Any], row: Address) -> None:
        prefix = f"{family.name}:"
        for how, address in _ways(family, row):
            text = codec.address_to_text(address)
            if row.text is not None:
                assert text == row.text, f"address_to_text({how})"
            assert text.startswith(prefix), text
            assert family.to_text(address) == text[len(prefix):], f"to_text({how})"
            again = codec.address_from_text(text)
            assert again == address and type(again) is type(address), f"address_from_text({text!r})"
            assert _attributes(again) == _attributes(address), f"address_from_text({text!r})"
            assert family.from_text(text[len(prefix):]) == address, f"from_text({text[len(prefix):]!r})"

    @_over(Address)
    def test_parse_of_a_typed_address_is_the_address(self, family: Family[Any], row: Address) -> None:
        spec = _spec(family, row)
        for how, address in _ways(family, row):
            assert family.parse(address, spec) is address, f"parse({how})"
            assert codec.parse_address(family.name, address, row.type, row.proto) is address, how

    @_over(Address)
    def test_addresses_are_immutable(self, family: Family[Any], row: Address) -> None:
        for how, address in _ways(family, row):
            for name in ["famsock_codec_kit", *_attributes(address)]:
                raised = raised_by(setattr, address, name, None)
                assert isinstance(raised, (AttributeError, TypeError)), f"{how}: setting {name}: {raised!r}"

    # -- refusals -----------------------------------------------------------------------------

    @_over(ParseError)
    def test_parse_refuses(self, family: Family[Any], row: ParseError) -> None:
        raised = _assert_raises(row.error, family.parse, row.value, _spec(family, row), match=row.match,
                                shown=f"parse({row.value!r})")
        if self.errors_name_the_family:
            assert family.constant in str(raised), f"the message does not name {family.constant}: {raised}"
        _assert_raises(row.error, codec.parse_address, family.name, row.value, row.type, row.proto,
                       match=row.match, shown=f"famsock.parse_address({row.value!r})")

    @_over(DecodeError)
    def test_decode_refuses(self, family: Family[Any], row: DecodeError) -> None:
        data = row.sockaddr
        _assert_raises(row.error, family.decode, data, _spec(family, row), match=row.match,
                       shown=f"decode({data.hex()})")
        if len(data) >= 2 and int.from_bytes(data[:2], sys.byteorder) != family.number:
            return  # another family's bytes: famsock.decode asks that family's plugin
        public = outcome(codec.decode, data, row.type, row.proto)
        if not 2 <= len(data) <= 128:  # not a sockaddr at all
            assert public[:2] == ("raised", ValueError), f"famsock.decode({data.hex()}): {public}"
            return
        raw = public.value
        assert isinstance(raw, RawSockaddr), f"famsock.decode({data.hex()}) gave {public}, not a RawSockaddr"
        assert raw.sockaddr == data
        assert family.name in raw.reason, raw.reason

    @_over(TextError)
    def test_address_from_text_refuses(self, family: Family[Any], row: TextError) -> None:
        _assert_raises(row.error, codec.address_from_text, row.text, match=row.match,
                       shown=f"address_from_text({row.text!r})")
        prefix = f"{family.name}:"
        if row.text.startswith(prefix):
            rest = row.text[len(prefix):]
            _assert_raises(row.error, family.from_text, rest, match=row.match, shown=f"from_text({rest!r})")


# -- helpers ------------------------------------------------------------------------------------


def _spec(family: Family[Any], row: Any) -> SocketSpec:
    return SocketSpec(family.number, row.type, row.proto)


def _ways(family: Family[Any], row: Address) -> list[tuple[str, Any]]:
    """Every way the row's address is made: parse of each user value, decode of its bytes,
    from_native of the stdlib's value (where native applies), address_from_text of its text."""
    spec = _spec(family, row)
    ways = [(f"parse({value!r})", family.parse(value, spec)) for value in row.user_values]
    if row.sockaddr is not None:
        ways.append((f"decode({row.sockaddr.hex()})", family.decode(row.sockaddr, spec)))
    native = family.native
    if native is not None and (native.applies is None or native.applies(spec)):
        ways.append((f"from_native({row.stdlib!r})", native.from_native(row.stdlib, spec)))
    if row.text is not None:
        ways.append((f"address_from_text({row.text!r})", codec.address_from_text(row.text)))
    assert ways, f"{row.id}: give a user value, sockaddr bytes or a text form"
    return ways


def _assert_is_the_stdlib_form(family: Family[Any], address: Any, stdlib: Any, how: str) -> None:
    """``address`` equals the stdlib's value and is of a proper subclass of its type that is the
    family's ``address_type``."""
    base = type(stdlib)
    assert isinstance(address, family.address_type), (
        f"{how} gave a {type(address).__qualname__}, not a {family.address_type.__qualname__}")
    assert isinstance(address, base) and type(address) is not base, (
        f"{how} gave a {type(address).__qualname__}, not a subclass of the stdlib's {base.__name__}")
    assert address == stdlib, f"{how} gave {plain(address)!r}, the stdlib's form is {stdlib!r}"
    assert type(plain(address)) is base and plain(address) == stdlib, how


def _assert_raises(error: Any, call: Callable[..., Any], *args: Any, match: str | None = None,
                   shown: str, **kwargs: Any) -> BaseException:
    """Assert ``call`` raises exactly ``error`` (not a subclass), its message matching ``match``."""
    raised = raised_by(call, *args, **kwargs)
    assert raised is not None, f"{shown} raised nothing; expected {error.__name__}"
    assert type(raised) is error, (
        f"{shown} raised {type(raised).__name__}: {raised}; expected {error.__name__}")
    if match is not None:
        assert re.search(match, str(raised)), f"{shown}: {str(raised)!r} does not match {match!r}"
    return raised


def _address_classes(address_type: type) -> list[type]:
    """The classes of typed addresses under ``address_type`` (itself, or its subclasses, for a
    family whose base is a mixin): those that subclass ``tuple``, ``str`` or ``bytes``."""
    package = address_type.__module__.partition(".")[0]  # not subclasses tests made of them
    found: list[type] = []
    pending = [address_type]
    while pending:
        cls = pending.pop()
        if cls in found or cls.__module__.partition(".")[0] != package:
            continue
        if issubclass(cls, _STDLIB_TYPES):
            found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


def _attributes(address: Any) -> dict[str, Any]:
    """The values of the properties the address's class adds (``host``, ``port``, ``kind``...)."""
    cls = type(address)
    names = [name for name in dir(cls) if not name.startswith("_")
             and isinstance(inspect.getattr_static(cls, name), property)]
    return {name: getattr(address, name) for name in names}
