"""Importing famsock stays cheap: plugins, pluggy and ctypes load at first use, not before."""

from __future__ import annotations

from famsock.testing.imports import COLD, first_bind_imports, run_probe

HEAVY = ["pluggy", "ctypes", "importlib.metadata", "dataclasses", "typing", "threading",
         "famsock._registry", "famsock.contract", "famsock_inet"]

#: Every first-party plugin: a process that has them all installed pays for each at its first bind.
FIRST_PARTY = ("inet", "inet6", "unix", "netlink", "tipc")

PROBE = """
import sys
import socket
baseline = set(sys.modules)
{code}
print(" ".join(sorted(set(sys.modules) - baseline)))
"""


def modules_added_by(code: str) -> set[str]:
    """Modules ``code`` imports beyond what ``import socket`` (and this interpreter's start) does,
    with the first-party plugins, on the native path whatever path this run asks for."""
    return run_probe(PROBE.format(code=code), *FIRST_PARTY, path="auto")


def test_import_and_open_a_socket_loads_no_plugin() -> None:
    added = modules_added_by("import famsock\nfamsock.socket(famsock.AF_INET, famsock.SOCK_STREAM).close()")
    assert [name for name in HEAVY if name in added] == []


def test_the_first_address_call_loads_its_familys_plugin_alone_and_not_importlib_metadata() -> None:
    # issue 12: every first-party distribution declares its AF numbers (famsock.family_numbers),
    # so a process binding an INET socket imports famsock-inet's plugin and no other
    added = modules_added_by("import famsock\ns = famsock.socket()\ns.bind(('127.0.0.1', 0))\ns.close()")
    assert sorted(name for name in added if name.startswith("famsock_")) == [
        "famsock_inet", "famsock_inet._address"]
    assert "importlib.metadata" not in added
    assert "ctypes" not in added  # the native path needs no libc bridge


def test_another_familys_first_call_loads_its_plugin_then() -> None:
    added = modules_added_by("import famsock\ns = famsock.socket()\ns.bind(('127.0.0.1', 0))\n"
                             "u = famsock.socket(famsock.AF_UNIX, famsock.SOCK_DGRAM)\nu.bind(b'')\n"
                             "assert type(u.getsockname()).__module__.startswith('famsock_unix')\n"
                             "s.close()\nu.close()")
    assert {"famsock_inet", "famsock_unix"} <= added
    assert not {"famsock_inet6", "famsock_netlink", "famsock_tipc"} & added


def test_a_familys_inet_text_and_server_setup_load_only_its_plugin() -> None:
    added = modules_added_by("import famsock\nassert famsock.inet_pton(famsock.AF_INET, '127.0.0.1')\n"
                             "famsock.create_server(('127.0.0.1', 0)).close()")
    assert "famsock_inet" in added
    assert not {"famsock_inet6", "famsock_unix", "famsock_netlink", "famsock_tipc"} & added


def test_a_constant_the_platform_defines_loads_no_plugin() -> None:
    # it is the platform's value whichever plugin contributes it (the loader refuses another)
    added = modules_added_by("import famsock\nassert famsock.TCP_NODELAY is socket.TCP_NODELAY\n"
                             "assert famsock.IPPROTO_IPV6 == socket.IPPROTO_IPV6")
    assert not {"famsock._registry", *(f"famsock_{name}" for name in FIRST_PARTY)} & added


def test_a_question_only_every_plugin_answers_loads_every_plugin() -> None:
    added = modules_added_by("import famsock\ns = famsock.socket()\ns.bind(('127.0.0.1', 0))\n"
                             "assert famsock.address_from_text('unix:@x') == b'\\0x'\ns.close()")
    assert {f"famsock_{name}" for name in FIRST_PARTY} <= added


def test_a_first_bind_and_send_import_neither_pluggy_nor_typing_nor_dataclasses() -> None:
    # issue 12: the cold start was 2.7x the stdlib's with pluggy (inspect, typing), dataclasses...
    added = first_bind_imports(*FIRST_PARTY, every_plugin=True)
    assert {"famsock_inet", "famsock_unix", "famsock_netlink", "famsock_tipc"} <= added
    assert sorted(COLD & added) == []
    with_unix = modules_added_by("import famsock\nu = famsock.socket(famsock.AF_UNIX, famsock.SOCK_DGRAM)\n"
                                 "u.bind(b'')\nu.close()")
    assert sorted(COLD & with_unix) == []


def test_pluggy_comes_when_its_manager_is_asked_for_and_holds_every_loaded_plugin() -> None:
    added = modules_added_by("import famsock\nfrom famsock._registry import registry\n"
                             "famsock.socket().bind(('127.0.0.1', 0))\n"
                             "names = dict(registry.manager.list_name_plugin())\n"
                             "assert {'inet', 'inet6', 'unix'} <= set(names), names\n"
                             "assert registry.manager.hook.famsock_families.get_hookimpls()")
    assert "pluggy" in added


def test_the_raw_path_loads_ctypes() -> None:
    added = modules_added_by("import famsock\nfamsock.set_syscall_path('raw')\n"
                             "s = famsock.socket()\ns.bind(('127.0.0.1', 0))\ns.close()")
    assert "ctypes" in added
