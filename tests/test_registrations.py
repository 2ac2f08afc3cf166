"""Contract 2's registrations, one hook per capability: registered, looked up, in conflict, refused.

Families have their own tests (tests/test_registry.py); here are the others: loopbacks, control
messages, socket options, CLI commands, inet texts and server setups. Each kind is found by its
key, two plugins claiming one key fail on use naming both (and only there: their other
registrations work), and a plugin whose hook returns anything but its kind is broken, with the
reason. Then the three that act on real sockets: ``set_option``/``get_option`` through a
SocketOption, ``decode_ancillary``/``encode_ancillary`` through a ControlMessage, and a command
in ``famsock --help``.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import socket as stdlib
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from typing import Any

import pytest

import famsock
from famsock import cli
from famsock._registry import Registry
from famsock.codec import family as family_of
from famsock.contract import (
    REGISTRATIONS,
    Command,
    ControlMessage,
    Family,
    InetText,
    Loopback,
    ServerSetup,
    SocketOption,
    hookimpl,
)
from tests.helpers import STRUCTS, FakePlugin, make_family, struct_fields, struct_image, use_plugins

pytestmark = pytest.mark.usefixtures("no_fd_leak")

SOL_SOCKET: int = STRUCTS["constants"]["SOL_SOCKET"]
SO_LINGER: int = STRUCTS["constants"]["SO_LINGER"]
SO_PASSCRED: int = STRUCTS["constants"]["SO_PASSCRED"]
SCM_CREDENTIALS: int = STRUCTS["constants"]["SCM_CREDENTIALS"]
DEMO = 250
INET, UNIX, DGRAM, STREAM = stdlib.AF_INET, stdlib.AF_UNIX, stdlib.SOCK_DGRAM, stdlib.SOCK_STREAM


def private(*plugins: tuple[str, object]) -> Registry:
    registry = Registry(find=list, environ={})
    for name, plugin in plugins:
        registry.register(plugin, name)
    return registry


def _run(arguments: argparse.Namespace) -> int:
    print(f"demo ran with count={arguments.count}")
    return 7


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--count", type=int, default=1)


def command(name: str = "demo", configure: Callable[[argparse.ArgumentParser], None] = _configure) -> Command:
    return Command(name, f"the {name} command", configure, _run)


def control_message(kind: int = 99, family: int | None = DEMO) -> ControlMessage[bytes]:
    return ControlMessage(SOL_SOCKET, kind, "DEMO_ITEM", bytes, bytes, family)


def socket_option(option: int = 98) -> SocketOption[int]:
    return SocketOption(SOL_SOCKET, option, "DEMO_OPTION", lambda value: bytes([value]),
                        lambda data: data[0], 1)


def inet_text(family: int = DEMO) -> InetText:
    return InetText(family, lambda text: text.encode(), lambda packed: bytes(packed).decode())


def server_setup(family: int = DEMO) -> ServerSetup:
    return ServerSetup(family, lambda sock, dualstack: None)


def loopback(family: int = DEMO) -> Loopback:
    return Loopback(family, DGRAM, lambda: 0)


# -- each kind, found by its key -------------------------------------------------------------------

def test_each_kind_is_registered_and_found_by_its_key() -> None:
    family, first, second = make_family(), loopback(), Loopback(DEMO, STREAM, lambda: 1, 6)
    item, option, cmd = control_message(), socket_option(), command()
    text, setup = inet_text(), server_setup()
    plugin = FakePlugin(family, loopbacks=[first, second], control_messages=[item], socket_options=[option],
                        commands=[cmd], inet_texts=[text], server_setups=[setup])
    registry = private(("demo", plugin))
    assert registry.lookup(DEMO) is family
    assert registry.loopbacks(DEMO) == (first, second)
    assert registry.loopbacks(DEMO + 1) == ()
    assert registry.control_message(SOL_SOCKET, 99, DEMO) is item
    assert registry.control_message(SOL_SOCKET, 99, DEMO + 1) is None  # another family's sockets
    assert registry.control_message(SOL_SOCKET, 99) is None
    assert registry.socket_option(SOL_SOCKET, 98) is option
    assert registry.socket_option(SOL_SOCKET, 97) is None
    assert registry.command("demo") is cmd and registry.command("other") is None
    assert [claim.registration for claim in registry.commands()] == [cmd]
    assert registry.inet_text(DEMO) is text and registry.inet_text(DEMO + 1) is None
    assert registry.server_setup(DEMO) is setup and registry.server_setup(DEMO + 1) is None
    [record] = registry.plugins()
    assert (record.status, record.reason) == ("loaded", "")
    assert record.registrations == (family, first, second, item, option, cmd, text, setup)  # hook order
    assert record.families == (family,)
    for registration in record.registrations:
        assert registry.source_of(registration) == "plugin 'demo' (registered in code)"


def test_a_plugin_may_offer_any_one_kind_alone() -> None:
    registry = private(("options", FakePlugin(socket_options=[socket_option()])))
    assert registry.plugins()[0].status == "loaded"
    assert registry.socket_option(SOL_SOCKET, 98) is not None
    assert registry.lookup(DEMO) is None


def test_a_control_message_for_one_family_comes_before_one_for_any() -> None:
    anywhere, inet_only = control_message(family=None), control_message(family=INET)
    registry = private(("any", FakePlugin(control_messages=[anywhere])),
                       ("inet", FakePlugin(control_messages=[inet_only])))
    assert registry.control_message(SOL_SOCKET, 99, stdlib.AF_INET) is inet_only
    assert registry.control_message(SOL_SOCKET, 99, stdlib.AF_UNIX) is anywhere
    assert registry.control_message(SOL_SOCKET, 99) is anywhere


def test_loopbacks_of_one_family_from_two_plugins_are_all_kept() -> None:
    first, second = loopback(), Loopback(DEMO, STREAM, lambda: 0)
    registry = private(("one", FakePlugin(loopbacks=[first])), ("two", FakePlugin(loopbacks=[second])))
    assert registry.loopbacks(DEMO) == (first, second)


# -- conflicts: on use only, naming both -----------------------------------------------------------

CONFLICTS: dict[str, tuple[Callable[[], object], str, Callable[[Registry], object]]] = {
    "control-message": (control_message, "control_messages",
                        lambda registry: registry.control_message(SOL_SOCKET, 99, DEMO)),
    "socket-option": (socket_option, "socket_options",
                      lambda registry: registry.socket_option(SOL_SOCKET, 98)),
    "command": (command, "commands", lambda registry: registry.command("demo")),
    "inet-text": (inet_text, "inet_texts", lambda registry: registry.inet_text(DEMO)),
    "server-setup": (server_setup, "server_setups", lambda registry: registry.server_setup(DEMO)),
}
KEYS = {"control-message": "control message 1, 99, 250", "socket-option": "socket option 1, 98",
        "command": "command 'demo'", "inet-text": "InetText 250", "server-setup": "ServerSetup 250"}


@pytest.mark.parametrize("kind", CONFLICTS)
def test_two_plugins_claiming_one_key_fail_on_use_naming_both(kind: str) -> None:
    build, hook, use = CONFLICTS[kind]
    with pytest.warns(famsock.PluginWarning, match=f"{KEYS[kind]} is claimed by"):
        registry = private(("first", FakePlugin(make_family("first", 251), **{hook: [build()]})),
                           ("second", FakePlugin(make_family("second", 252), **{hook: [build()]})))
    with pytest.raises(famsock.FamilyConflictError) as caught:
        use(registry)
    message = str(caught.value)
    assert KEYS[kind] in message
    assert "plugin 'first'" in message and "plugin 'second'" in message
    assert "FAMSOCK_BLOCK_PLUGINS" in message
    # only that key: both plugins are loaded, and their other registrations work
    assert [p.status for p in registry.plugins()] == ["loaded", "loaded"]
    assert registry.lookup(251) is not None and registry.lookup(252) is not None


def test_one_plugin_registering_a_key_twice_is_broken() -> None:
    with pytest.warns(famsock.PluginWarning, match="skipped family plugin 'twice'"):
        registry = private(("twice", FakePlugin(socket_options=[socket_option(), socket_option()])))
    [record] = registry.plugins()
    assert (record.status, record.reason) == (
        "broken", "invalid registration: socket option 1, 98 is registered twice by this plugin")
    assert registry.socket_option(SOL_SOCKET, 98) is None


# -- hooks returning the wrong kind, plugins with no hook --------------------------------------------

def one_hook(hook: str, result: object) -> object:
    """A plugin implementing only ``hook``, which returns ``result``."""

    def implementation(self: object) -> object:
        return result

    implementation.__name__ = hook
    return type("OneHook", (), {"famsock_contract": 2, hook: hookimpl(implementation)})()


WRONG: dict[str, object] = {  # for each hook, a registration of another kind
    "famsock_families": loopback(),
    "famsock_loopbacks": make_family(),
    "famsock_control_messages": socket_option(),
    "famsock_socket_options": control_message(),
    "famsock_commands": inet_text(),
    "famsock_inet_texts": server_setup(),
    "famsock_server_setups": command(),
}


def test_every_hook_is_covered() -> None:
    assert set(WRONG) == set(REGISTRATIONS)


@pytest.mark.parametrize("hook", WRONG)
def test_a_hook_returning_another_kind_breaks_its_plugin(hook: str) -> None:
    wrong = WRONG[hook]
    with pytest.warns(famsock.PluginWarning, match="skipped family plugin 'wrong'"):
        registry = private(("wrong", one_hook(hook, [wrong])), ("good", FakePlugin(make_family("good", 251))))
    broken, good = registry.plugins()
    assert broken.status == "broken"
    assert broken.reason == (f"{hook}() returned {wrong!r}, not a famsock.contract."
                             f"{REGISTRATIONS[hook].__name__}")
    assert broken.registrations == ()
    assert good.status == "loaded"
    assert "wrong" not in dict(registry.manager.list_name_plugin())


@pytest.mark.parametrize("hook", WRONG)
def test_a_hook_returning_one_registration_instead_of_a_list_breaks_its_plugin(hook: str) -> None:
    kind = REGISTRATIONS[hook]
    right = next(r for r in [*WRONG.values(), make_family()] if isinstance(r, kind))
    with pytest.warns(famsock.PluginWarning, match=rf"{hook}\(\) must return a list of {kind.__name__}"):
        private(("single", one_hook(hook, right)))


@pytest.mark.parametrize("hook", WRONG)
def test_a_hook_returning_its_kind_alone_loads(hook: str) -> None:
    kind = REGISTRATIONS[hook]
    right = next(r for r in [*WRONG.values(), make_family()] if isinstance(r, kind))
    [record] = private(("right", one_hook(hook, [right]))).plugins()
    assert (record.status, record.registrations) == ("loaded", (right,))


def test_a_plugin_with_no_hook_is_broken() -> None:
    class NoHooks:
        famsock_contract = 2

        def famsock_families(self) -> Sequence[Family[Any]]:  # not marked with hookimpl
            return [make_family()]

    with pytest.warns(famsock.PluginWarning, match="implements no famsock hook"):
        registry = private(("nothing", NoHooks()))
    [record] = registry.plugins()
    hooks = ", ".join(REGISTRATIONS)
    assert (record.status, record.reason) == ("broken", f"implements no famsock hook ({hooks})")
    assert registry.lookup(DEMO) is None


def test_registrations_take_the_stdlibs_int_enums_as_plain_ints() -> None:
    loop = Loopback(stdlib.AF_INET, stdlib.SOCK_DGRAM, lambda: ("127.0.0.1", 0))
    assert (loop.family, loop.type) == (2, 2) and type(loop.type) is int
    family = make_family("enums", stdlib.AF_INET, constant="AF_INET",
                         socket_types=frozenset({stdlib.SOCK_STREAM}))
    assert family.number == 2 and type(family.number) is int
    assert family.socket_types == {1} and all(type(kind) is int for kind in family.socket_types)
    assert ControlMessage(stdlib.SOL_SOCKET, stdlib.SCM_RIGHTS, "SCM_RIGHTS", bytes).level == 1


def _zero() -> int:
    return 0


# The fields as a plugin that is not type-checked might give them: read as Any.
BAD_FIELDS: list[tuple[type, tuple[Any, ...], str]] = [
    (Loopback, ("2", 2, _zero), "invalid famsock Loopback '': family must be an int, got '2'"),
    (Loopback, (2, 2, ("127.0.0.1", 0)), "address must be callable"),
    (ControlMessage, (1, 2, "scm_rights", bytes), "name must be the constant's upper-case name"),
    (ControlMessage, (1, 2, "SCM_X", b""), "decode must be callable"),
    (ControlMessage, (1, 2, "SCM_X", bytes, "no"), "encode must be callable or None"),
    (SocketOption, (1, 2, "SO_X", bytes, None, "4"), "size must be an int, got '4'"),
    (SocketOption, (1, None, "SO_X", bytes), "option must be an int, got None"),
    (Command, ("echo", "h", _configure, _run), "name must match [a-z][a-z0-9_]* and not be one of"),
    (Command, ("Net-Link", "h", _configure, _run), "got 'Net-Link'"),
    (Command, ("demo", "h", None, _run), "configure must be callable"),
    (InetText, (2.0, str.encode, bytes.decode), "family must be an int, got 2.0"),
    (ServerSetup, (2, None), "prepare must be callable"),
]


@pytest.mark.parametrize(("kind", "fields", "message"), BAD_FIELDS)
def test_registrations_refuse_bad_fields(kind: type, fields: tuple[Any, ...], message: str) -> None:
    with pytest.raises(ValueError, match="invalid famsock") as caught:
        kind(*fields)
    assert message in str(caught.value)


def test_a_registration_refused_in_a_hook_breaks_only_its_plugin() -> None:
    class Faulty:
        famsock_contract = 2

        @hookimpl
        def famsock_commands(self) -> Sequence[Command]:
            return [Command("echo", "shadows famsock echo", _configure, _run)]

    with pytest.warns(famsock.PluginWarning, match="skipped family plugin 'faulty'"):
        registry = private(("faulty", Faulty()), ("good", FakePlugin(commands=[command()])))
    faulty, good = registry.plugins()
    assert faulty.status == "broken"
    assert faulty.reason.startswith("famsock_commands() raised ValueError: invalid famsock Command 'echo'")
    assert good.status == "loaded" and registry.command("demo") is not None


# -- socket options with struct values, on a real socket -----------------------------------------------

def _linger_encode(value: tuple[int, int]) -> bytes:
    return struct_image("linger", l_onoff=value[0], l_linger=value[1])


def _linger_decode(data: bytes) -> tuple[int, int]:
    fields = struct_fields("linger", data)
    return fields["l_onoff"], fields["l_linger"]


LINGER = SocketOption(SOL_SOCKET, SO_LINGER, "SO_LINGER", _linger_encode, _linger_decode,
                      STRUCTS["linger"]["size"])


def test_the_linger_codec_writes_what_c_does() -> None:
    example = STRUCTS["linger"]["example"]
    assert _linger_encode((example["l_onoff"], example["l_linger"])).hex() == example["hex"]
    assert _linger_decode(bytes.fromhex(example["hex"])) == (1, 7)


@pytest.mark.family("inet")
def test_set_option_and_get_option_go_through_the_plugins_codec(monkeypatch: pytest.MonkeyPatch) -> None:
    use_plugins(monkeypatch, ("inet", FakePlugin(family_of("inet"))),
                ("linger", FakePlugin(socket_options=[LINGER])))
    with famsock.socket() as sock:
        assert sock.get_option(SOL_SOCKET, SO_LINGER) == (0, 0)
        sock.set_option(SOL_SOCKET, SO_LINGER, (1, 7))
        assert sock.get_option(SOL_SOCKET, SO_LINGER) == (1, 7)
        # what the kernel holds, read as the stdlib reads it
        assert stdlib.socket.getsockopt(sock, SOL_SOCKET, SO_LINGER, 8) == _linger_encode((1, 7))
        sock.set_option(SOL_SOCKET, SO_LINGER, _linger_encode((1, 3)))  # bytes go as they are
        assert sock.get_option(SOL_SOCKET, SO_LINGER) == (1, 3)
        # options no plugin declares: as setsockopt()/getsockopt() take and give them
        sock.set_option(SOL_SOCKET, stdlib.SO_REUSEADDR, 1)
        assert sock.get_option(SOL_SOCKET, stdlib.SO_REUSEADDR) == 1 == sock.getsockopt(
            SOL_SOCKET, stdlib.SO_REUSEADDR)


def test_an_option_with_no_decoder_reads_as_getsockopt_does(monkeypatch: pytest.MonkeyPatch) -> None:
    set_only = SocketOption(SOL_SOCKET, SO_LINGER, "SO_LINGER", _linger_encode)
    use_plugins(monkeypatch, ("linger", FakePlugin(socket_options=[set_only])))
    with famsock.socket() as sock:
        sock.set_option(SOL_SOCKET, SO_LINGER, (1, 5))
        assert sock.get_option(SOL_SOCKET, SO_LINGER) == sock.getsockopt(SOL_SOCKET, SO_LINGER)


def test_a_value_the_codec_refuses_raises_its_error_and_sets_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    use_plugins(monkeypatch, ("linger", FakePlugin(socket_options=[LINGER])))
    with famsock.socket() as sock:
        with pytest.raises(OverflowError):
            sock.set_option(SOL_SOCKET, SO_LINGER, (1, 2**40))
        assert sock.get_option(SOL_SOCKET, SO_LINGER) == (0, 0)


# -- control messages, on a real socketpair ----------------------------------------------------------

def _ucred_encode(value: tuple[int, int, int]) -> bytes:
    return struct_image("ucred", pid=value[0], uid=value[1], gid=value[2])


def _ucred_decode(data: bytes) -> tuple[int, int, int]:
    if len(data) != STRUCTS["ucred"]["size"]:
        raise ValueError(f"a struct ucred is {STRUCTS['ucred']['size']} bytes, got {len(data)}")
    fields = struct_fields("ucred", data)
    return fields["pid"], fields["uid"], fields["gid"]


CREDENTIALS = ControlMessage(SOL_SOCKET, SCM_CREDENTIALS, "SCM_CREDENTIALS", _ucred_decode, _ucred_encode,
                             UNIX)


def test_the_ucred_codec_writes_what_c_does() -> None:
    example = STRUCTS["ucred"]["example"]
    triple = (example["pid"], example["uid"], example["gid"])
    assert _ucred_encode(triple).hex() == example["hex"]
    assert _ucred_decode(bytes.fromhex(example["hex"])) == triple


@pytest.mark.family("unix")
def test_credentials_sent_and_received_through_the_plugins_codec(
        monkeypatch: pytest.MonkeyPatch, syscall_path: str) -> None:
    use_plugins(monkeypatch, ("unix", FakePlugin(family_of("unix"))),
                ("credentials", FakePlugin(control_messages=[CREDENTIALS])))
    mine = (os.getpid(), os.getuid(), os.getgid())
    with ExitStack() as stack:
        sender, receiver = (stack.enter_context(s) for s in famsock.socketpair(UNIX, DGRAM))
        assert receiver.syscall_path == syscall_path
        receiver.setsockopt(SOL_SOCKET, SO_PASSCRED, 1)
        items = famsock.encode_ancillary([(SOL_SOCKET, SCM_CREDENTIALS, mine)], sender.family)
        assert items == [(SOL_SOCKET, SCM_CREDENTIALS, _ucred_encode(mine))]
        assert sender.sendmsg([b"who"], items) == 3
        data, ancdata, flags, _ = receiver.recvmsg(10, stdlib.CMSG_SPACE(STRUCTS["ucred"]["size"]))
        assert (data, flags) == (b"who", 0)
        assert famsock.decode_ancillary(ancdata, receiver.family) == [(SOL_SOCKET, SCM_CREDENTIALS, mine)]
        # the codec is AF_UNIX's: on other sockets' items, and items nobody knows, the bytes stay
        assert famsock.decode_ancillary(ancdata, stdlib.AF_INET) == ancdata
        assert famsock.decode_ancillary(ancdata) == ancdata
        unknown = [(SOL_SOCKET, 250, b"\x01")]
        assert famsock.decode_ancillary(unknown, UNIX) == unknown


def test_ancillary_items_nobody_can_read_or_write(monkeypatch: pytest.MonkeyPatch) -> None:
    receive_only = ControlMessage(SOL_SOCKET, 251, "DEMO_IN", _ucred_decode)
    use_plugins(monkeypatch, ("credentials", FakePlugin(control_messages=[CREDENTIALS, receive_only])))
    # an item its codec refuses (cut short by MSG_CTRUNC...) keeps its bytes, and hides no other
    good = _ucred_encode((1, 2, 3))
    items = [(SOL_SOCKET, SCM_CREDENTIALS, b"abc"), (SOL_SOCKET, SCM_CREDENTIALS, good)]
    assert famsock.decode_ancillary(items, stdlib.AF_UNIX) == [(SOL_SOCKET, SCM_CREDENTIALS, b"abc"),
                                                               (SOL_SOCKET, SCM_CREDENTIALS, (1, 2, 3))]
    with pytest.raises(TypeError, match=r"no famsock plugin encodes ancillary items \(1, 2\): give their "
                                        r"bytes, not tuple"):
        famsock.encode_ancillary([(SOL_SOCKET, SCM_CREDENTIALS, (1, 2, 3))], stdlib.AF_INET)
    with pytest.raises(TypeError, match=r"\(1, 251\)"):
        famsock.encode_ancillary([(SOL_SOCKET, 251, (1, 2, 3))])
    raw = [(SOL_SOCKET, SCM_CREDENTIALS, bytearray(b"abc")), (SOL_SOCKET, 251, memoryview(b"de"))]
    assert famsock.encode_ancillary(raw, stdlib.AF_UNIX) == [(SOL_SOCKET, SCM_CREDENTIALS, b"abc"),
                                                             (SOL_SOCKET, 251, b"de")]


# -- CLI commands ---------------------------------------------------------------------------------

def famsock_cli(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    try:
        status = cli.main(list(arguments))
    except SystemExit as exc:
        status = int(exc.code or 0)
    out, err = capsys.readouterr()
    return status, out, err


def test_a_plugin_command_shows_in_help_and_runs(monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    use_plugins(monkeypatch, ("demo", FakePlugin(commands=[command()])))
    status, out, err = famsock_cli(capsys, "--help")
    assert status == 0 and err == ""
    assert "the demo command (plugin 'demo' (registered in code))" in out
    status, out, _ = famsock_cli(capsys, "demo", "--count", "3")
    assert (status, out) == (7, "demo ran with count=3\n")
    status, _, err = famsock_cli(capsys, "demo", "--count", "three")
    assert status == 2 and "invalid int value: 'three'" in err


def _raising(parser: argparse.ArgumentParser) -> None:
    raise RuntimeError("no netlink here")


@pytest.mark.parametrize("case", ["conflict", "raising"])
def test_a_conflicting_or_raising_command_is_left_out_with_a_message(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], case: str) -> None:
    plugins: list[tuple[str, object]] = [("fine", FakePlugin(commands=[command("fine")]))]
    if case == "conflict":
        plugins += [("first", FakePlugin(commands=[command()])), ("second", FakePlugin(commands=[command()]))]
        expected = ("famsock: command 'demo' left out: claimed by plugin 'first' (registered in code) and "
                    "plugin 'second' (registered in code)\n")
        with pytest.warns(famsock.PluginWarning, match="claimed by"):
            use_plugins(monkeypatch, *plugins)
    else:
        plugins.append(("faulty", FakePlugin(commands=[command(configure=_raising)])))
        expected = ("famsock: command 'demo' from plugin 'faulty' (registered in code) left out: its "
                    "configure() raised RuntimeError: no netlink here\n")
        use_plugins(monkeypatch, *plugins)
    status, out, err = famsock_cli(capsys, "--help")
    assert status == 0
    assert err == expected  # once
    assert "the fine command" in out
    assert "demo" not in out  # neither listed nor offered
    status, out, err = famsock_cli(capsys, "demo")
    assert status == 2 and "invalid choice: 'demo'" in err
    assert famsock_cli(capsys, "fine")[:2] == (7, "demo ran with count=1\n")


def test_without_plugin_commands_the_cli_is_as_before(monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    use_plugins(monkeypatch)
    status, out, err = famsock_cli(capsys, "--help")
    assert (status, err) == (0, "")
    assert "{families,echo,relay,serve,connect}" in out


def test_a_family_refuses_a_bound_file_that_is_not_callable() -> None:
    with pytest.raises(ValueError, match="bound_file must be callable or None"):
        dataclasses.replace(make_family(), bound_file="/run/x.sock")  # type: ignore[arg-type]
