"""The plugin's cold start (issue 12): a program that binds an INET socket never imports
famsock_netlink (its distribution declares AF_NETLINK in ``famsock.family_numbers``); when famsock
does load it (a NETLINK socket's first address call, or any question every plugin answers) it
pays for the family's address codec, its constants and its registrations, and nothing more. The
rest of the public API loads at first use, and every name of ``__all__`` still resolves.

Deterministic: modules are counted, never timed.
"""

from __future__ import annotations

import json
import subprocess
import sys

import famsock_netlink
import pytest
from famsock_netlink import _groups

import famsock
from famsock.testing.imports import COLD, first_bind_imports

#: All that loading the plugin may import: the family, its constants and its registrations.
ALLOWED = ["famsock_netlink", "famsock_netlink._address", "famsock_netlink._sockaddr",
           "famsock_netlink.constants"]

#: The plugin's modules a process that binds and sends must not import (beyond famsock.testing's COLD).
FORBIDDEN = ["famsock_netlink._messages", "famsock_netlink._conversation",
             "famsock_netlink._declarations", "famsock_netlink._errors", "famsock_netlink._groups",
             "famsock_netlink._connection", "famsock_netlink._async", "famsock_netlink._cli"]


def test_a_program_binding_an_inet_socket_does_not_import_the_plugin() -> None:
    assert first_bind_imports("inet", "netlink") == first_bind_imports("inet")


def test_loading_the_plugin_imports_none_of_the_forbidden_modules() -> None:
    added = first_bind_imports("inet", "netlink", every_plugin=True)  # the native path
    assert "famsock_netlink" in added
    assert [name for name in FORBIDDEN if name in added] == []
    assert COLD.isdisjoint(added)
    assert famsock.SOL_NETLINK == 270  # its registrations are famsock's


@pytest.mark.parametrize("path", ["auto", "raw"])
def test_what_the_plugin_adds_to_a_first_bind_and_send_is_its_family_alone(path: str) -> None:
    with_netlink = first_bind_imports("inet", "netlink", path=path, every_plugin=True)
    without = first_bind_imports("inet", path=path, every_plugin=True)
    # and struct, which its sockaddr codec uses (a first bind on the native path does not import it)
    assert sorted(with_netlink - without - {"struct", "_struct"}) == ALLOWED


LOADED_AFTER = """
import sys
baseline = set(sys.modules)
{statements}
added = set(sys.modules) - baseline
print(" ".join(sorted(m for m in added if m.startswith("famsock_netlink") or m in {forbidden!r})))
"""


def loaded_after(statements: str) -> list[str]:
    """The plugin's modules, and the FORBIDDEN ones, that ``statements`` import in a fresh interpreter
    (beyond its start's: an editable install's finder imports ``re`` there)."""
    probe = LOADED_AFTER.format(statements=statements, forbidden=set(FORBIDDEN))
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                          timeout=60)
    return done.stdout.split()


def test_importing_the_plugin_and_calling_every_hook_loads_only_its_family() -> None:
    hooks = ("import famsock_netlink as p\n"
             "for hook in (p.famsock_families, p.famsock_loopbacks, p.famsock_commands,\n"
             "             p.famsock_socket_options, p.famsock_control_messages):\n"
             "    assert hook()\n")
    assert loaded_after(hooks) == ALLOWED


def test_the_registered_codecs_load_their_module_at_first_use() -> None:
    use = ("import famsock_netlink as p\n"
           "(option,) = p.famsock_socket_options()\n"
           "(message,) = p.famsock_control_messages()\n"
           "assert option.decode(b'\\x05\\0\\0\\0' + bytes(124)) == {1, 3}\n"
           "assert message.decode(message.encode(7)) == 7\n")
    assert "famsock_netlink._groups" in loaded_after(use)


def test_the_registered_codecs_are_the_groups_modules() -> None:
    (option,) = famsock_netlink.famsock_socket_options()
    (message,) = famsock_netlink.famsock_control_messages()
    assert option.size == _groups.LIST_MEMBERSHIPS_SIZE
    data = bytes([0b101, 0, 0, 0, 0, 0, 0, 0x80])
    assert option.decode is not None
    assert option.decode(data) == _groups.decode_memberships(data) == {1, 3, 64}
    assert message.encode is not None
    assert message.encode(33) == _groups.encode_pktinfo(33)
    assert message.decode(message.encode(33)) == 33
    with pytest.raises(ValueError, match="4 bytes"):
        message.decode(b"\0")  # the errors are _groups', unchanged
    with pytest.raises(OverflowError, match="multicast group"):
        message.encode(0)


def test_the_cli_command_loads_its_implementation_when_configured() -> None:
    configure = ("import argparse, famsock_netlink as p\n"
                 "(command,) = p.famsock_commands()\n"
                 "before = 'famsock_netlink._cli' in sys.modules\n"
                 "command.configure(argparse.ArgumentParser())\n"
                 "assert not before\n")
    assert "famsock_netlink._cli" in loaded_after(configure)


EVERY_NAME = """
import importlib, json
import famsock_netlink
from famsock_netlink import *
names = famsock_netlink.__all__
print(json.dumps({name: [type(globals()[name]).__name__, getattr(globals()[name], "__module__", None)]
                  for name in names}))
"""


def test_every_public_name_resolves_in_a_fresh_process() -> None:
    done = subprocess.run([sys.executable, "-c", EVERY_NAME], capture_output=True, text=True, check=True,
                          timeout=60)
    resolved: dict[str, list[str | None]] = json.loads(done.stdout)
    assert sorted(resolved) == sorted(famsock_netlink.__all__)
    assert resolved["Connection"] == ["type", "famsock_netlink._connection"]
    assert resolved["NetlinkError"] == ["type", "famsock_netlink._errors"]
    assert resolved["join_group"] == ["function", "famsock_netlink._groups"]
    assert resolved["FAMILY"][0] == "Family"


@pytest.mark.parametrize("name", famsock_netlink.__all__)
def test_each_public_name_is_its_defining_modules_object(name: str) -> None:
    value = getattr(famsock_netlink, name)
    module = getattr(value, "__module__", None)
    if isinstance(module, str) and module.startswith("famsock_netlink."):  # served from a submodule
        assert getattr(sys.modules[module], name) is value
    namespace: dict[str, object] = {}
    exec(f"from famsock_netlink import {name} as imported", namespace)  # the statement itself, for each name
    assert namespace["imported"] is value


SUBMODULES = ["declarations", "genetlink", "messages", "rtnetlink", "security", "testing"]


@pytest.mark.parametrize("name", SUBMODULES)
def test_the_public_submodules_are_attributes(name: str) -> None:
    assert getattr(famsock_netlink, name) is sys.modules[f"famsock_netlink.{name}"]


def test_an_unknown_name_is_an_attribute_error_naming_it() -> None:
    with pytest.raises(AttributeError, match="'famsock_netlink' has no attribute 'Nope'"):
        famsock_netlink.Nope  # noqa: B018
    assert not hasattr(famsock_netlink, "_messages_") and "Nope" not in vars(famsock_netlink)
