"""famsock_tipc costs a process little (issue 12): a program binding another family never imports it
(its distribution declares AF_TIPC in ``famsock.family_numbers``), and when famsock does load it
(a TIPC socket's first address call, or any question every plugin answers) it imports the family's
modules only; the rest of its public names load at their first use."""

from __future__ import annotations

import argparse
import subprocess
import sys

import famsock_tipc
import pytest
from famsock_tipc import _structs, _topology

from famsock.testing.imports import COLD, first_bind_imports

#: What the family needs, and all famsock_tipc may add to a first bind().
FAMILY_MODULES = ["famsock_tipc", "famsock_tipc._address", "famsock_tipc._codec", "famsock_tipc._constants"]
#: The plugin's own modules a first bind() and send must not import (beyond famsock.testing's COLD).
HEAVY = ["famsock_tipc._structs", "famsock_tipc._topology", "famsock_tipc._cli"]


def test_a_program_binding_an_inet_socket_does_not_import_the_plugin() -> None:
    assert first_bind_imports("inet", "tipc") == first_bind_imports("inet")


def test_loading_the_plugin_loads_the_tipc_family_and_nothing_heavy() -> None:
    with_tipc = first_bind_imports("inet", "tipc", every_plugin=True)
    without = first_bind_imports("inet", every_plugin=True)
    assert "famsock_inet" in without and "famsock_tipc" not in without
    # and struct, which its codec uses (a first bind on the native path does not import it)
    assert sorted(with_tipc - without - {"struct", "_struct"}) == FAMILY_MODULES
    assert [name for name in HEAVY if name in with_tipc] == []
    assert COLD.isdisjoint(with_tipc)


def test_every_public_name_resolves_in_a_fresh_process() -> None:
    code = ("import famsock_tipc\n"
            "lazy = [n for n in famsock_tipc.__all__ if n not in vars(famsock_tipc)]\n"
            "namespace = {}\n"
            "exec('from famsock_tipc import *', namespace)\n"
            "print(' '.join(lazy))\n"
            "print(' '.join(n for n in famsock_tipc.__all__ if n not in namespace))\n"
            "print(' '.join(n for n in famsock_tipc.__all__ if n not in vars(famsock_tipc)))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            check=False)
    assert result.returncode == 0, result.stderr
    lazy, missing, still_lazy = (line.split() for line in result.stdout.split("\n")[:3])
    assert "TipcTopologyWatcher" in lazy and "TipcEvent" in lazy  # else this would test nothing
    assert (missing, still_lazy) == ([], [])  # served, then kept in the module


@pytest.mark.parametrize("name", famsock_tipc.__all__)
def test_each_public_name_is_its_modules_own(name: str) -> None:
    value = getattr(famsock_tipc, name)
    home = next((m for m in (_structs, _topology) if name in vars(m)), None)
    assert home is None or value is getattr(home, name)
    assert value is not None


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="module 'famsock_tipc' has no attribute 'TipcNothing'"):
        famsock_tipc.TipcNothing  # type: ignore[attr-defined]  # noqa: B018


def test_the_registrations_load_what_they_stand_for() -> None:
    messages = {m.name: m for m in famsock_tipc.famsock_control_messages()}
    errinfo, destname = _structs.TipcErrorInfo(2, 5), _structs.TipcDestination(1000, 7, 9)
    assert messages["TIPC_ERRINFO"].decode(bytes(_structs._ERRINFO.pack(*errinfo))) == errinfo
    assert messages["TIPC_DESTNAME"].decode(bytes(_structs._DESTNAME.pack(*destname))) == destname
    assert messages["TIPC_RETDATA"].decode(b"lost") == _structs.decode_retdata(b"lost") == b"lost"
    with pytest.raises(ValueError, match="TIPC_ERRINFO item is 8 bytes, got 3"):
        messages["TIPC_ERRINFO"].decode(b"abc")
    (option,) = famsock_tipc.famsock_socket_options()
    assert option.encode is not None
    assert option.encode((1000, 3, 3, 1)) == _structs.encode_group_request((1000, 3, 3, 1))
    with pytest.raises(OverflowError, match="tipc_group_req type"):
        option.encode((-1, 3))
    (command,) = famsock_tipc.famsock_commands()
    parser = argparse.ArgumentParser(prog="famsock tipc")
    command.configure(parser)
    arguments = parser.parse_args(["watch", "0x3e8", "--count", "1"])
    assert (arguments.tipc_command, arguments.type, arguments.lower) == ("watch", 1000, None)
    assert arguments.count == 1
