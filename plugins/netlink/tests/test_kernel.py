"""The messaging layer against the real kernel, in a network namespace the test makes."""

from __future__ import annotations

import asyncio
import errno
import json
import time
from pathlib import Path
from typing import Any

import famsock_netlink
import pytest
from conftest import NamespaceLab
from famsock_netlink import (
    AsyncConnection,
    Connection,
    NetlinkError,
    OverrunError,
    UnexpectedReplyError,
    genetlink,
    rtnetlink,
)
from famsock_netlink.constants import (
    NETLINK_GENERIC,
    NETLINK_ROUTE,
    NLM_F_CREATE as CREATE,
    NLM_F_EXCL as EXCL,
)
from famsock_netlink.declarations import load_spec

import famsock

pytestmark = [pytest.mark.family("netlink"), pytest.mark.usefixtures("no_fd_leak")]
SECONDS = 20  # bounds every wait for an event
OTHER_FAMILIES = frozenset({"netdev", "ethtool", "tcp_metrics", "devlink", "mptcp_pm"})


def ip_links(lab: NamespaceLab) -> set[tuple[int, str, str | None]]:
    links = json.loads(lab.ip("-j", "link", "show"))
    return {(link["ifindex"], link["ifname"], link.get("address")) for link in links}


def ip_addresses(lab: NamespaceLab) -> set[tuple[int, str, int]]:
    return {(entry["ifindex"], info["local"], info["prefixlen"])
            for entry in json.loads(lab.ip("-j", "address", "show")) for info in entry["addr_info"]}


def our_addresses(objects: list[dict[str, Any]]) -> set[tuple[int, str, int]]:
    return {(item["ifa-index"], item.get("local", item["address"]), item["ifa-prefixlen"])
            for item in objects}


# -- dumps ----------------------------------------------------------------------------------------


def test_links_and_addresses_are_what_ip_shows(lab: NamespaceLab, syscall_path: str) -> None:
    nl = lab.run(Connection, timeout=SECONDS)
    with nl:
        assert nl.sock.syscall_path == syscall_path
        links = [rtnetlink.to_json(link) for link in rtnetlink.links(nl)]
        addresses = [rtnetlink.to_json(address) for address in rtnetlink.addresses(nl)]
    assert {(link["ifi-index"], link["ifname"], link.get("address")) for link in links} == ip_links(lab)
    assert our_addresses(addresses) == ip_addresses(lab)
    assert {"lab0", "lab1", "labbr", "lo"} <= {link["ifname"] for link in links}
    assert ("198.18.0.1", 24) in {(a.get("local"), a["ifa-prefixlen"]) for a in addresses}


def test_the_cli_json_is_what_ip_json_shows(lab: NamespaceLab) -> None:
    links = lab.famsock("netlink", "links", "--json")
    assert links.returncode == 0, links.stderr
    shown = json.loads(links.stdout)
    assert {(link["ifi-index"], link["ifname"], link.get("address")) for link in shown} == ip_links(lab)
    addrs = lab.famsock("netlink", "addrs", "--json")
    assert addrs.returncode == 0, addrs.stderr
    assert our_addresses(json.loads(addrs.stdout)) == ip_addresses(lab)
    table = lab.famsock("netlink", "addrs", "-4")
    assert "198.19.1.2/16" in table.stdout and "2001:db8::1" not in table.stdout


def test_a_dump_streams(lab: NamespaceLab, tmp_path: Path) -> None:
    """The first object is yielded before the dump's end has been read: replies are not collected."""
    batch = tmp_path / "addresses.batch"
    batch.write_text("".join(f"address add 198.18.{1 + number // 250}.{1 + number % 250}/32 dev lab1\n"
                             for number in range(300)))
    lab.ip("-batch", str(batch))
    with lab.run(Connection, timeout=SECONDS) as nl:
        pending = nl.submit("rt-addr", "getaddr", "dump")
        replies = nl.replies(pending)
        first = next(replies)
        assert first.operation == "getaddr" and not pending.finished
        assert len(pending.replies) < 300
        assert sum(1 for _ in replies) + 1 >= 303


def test_requests_in_flight_on_the_kernel(lab: NamespaceLab, syscall_path: str) -> None:
    with lab.run(Connection, timeout=SECONDS) as nl:
        links = nl.submit("rt-link", "getlink", "dump", fixed={"ifi-family": 0})
        addresses = nl.submit("rt-addr", "getaddr", "dump")
        lo = nl.submit("rt-link", "getlink", "do", attributes={"ifname": "lo"})
        assert [message["ifname"] for message in nl.replies(lo)] == ["lo"]
        assert our_addresses([rtnetlink.to_json(a) for a in nl.replies(addresses)]) == ip_addresses(lab)
        assert {link["ifname"] for link in nl.replies(links)} >= {"lab0", "lab1", "labbr"}
        assert not nl.conversation.pending


# -- refusals -------------------------------------------------------------------------------------


def test_deleting_a_link_that_does_not_exist(lab: NamespaceLab, syscall_path: str) -> None:
    with lab.run(Connection, timeout=SECONDS) as nl:
        with pytest.raises(OSError) as raised:
            nl.request("rt-link", "dellink", attributes={"ifname": "no-such-link"})
        assert raised.value.errno == errno.ENODEV and isinstance(raised.value, NetlinkError)
        assert "No such device" in str(raised.value) and "rt-link dellink do" in str(raised.value)
        # a name no link can have (IFNAMSIZ is 16, NUL included): the kernel's extended ack names it
        with pytest.raises(OSError) as raised:
            nl.request("rt-link", "dellink", attributes={"ifname": "x" * 16})
        assert raised.value.errno == errno.ERANGE
        assert raised.value.extack.message == "Attribute failed policy validation"  # type: ignore[attr-defined]
        assert raised.value.extack.attribute == "ifname"  # type: ignore[attr-defined]
        assert "Attribute failed policy validation; attribute ifname" in str(raised.value)
        # this kernel explains other refusals: its extended ack, and the attribute it points at
        with pytest.raises(OSError) as raised:
            nl.request("rt-link", "newlink",
                       attributes={"ifname": "x0", "linkinfo": {"kind": "no-such-kind"}}, flags=CREATE | EXCL)
        assert raised.value.errno == errno.EOPNOTSUPP
        assert raised.value.extack.message == "Unknown device type"  # type: ignore[attr-defined]
        assert "Unknown device type" in str(raised.value)
        with pytest.raises(OSError) as raised:  # an mtu of one byte where the kernel wants four
            nl.request("rt-link", "newlink",
                       attributes={"ifname": "x0", 4: b"\x01", "linkinfo": {"kind": "veth"}}, flags=CREATE)
        assert raised.value.extack.attribute == "mtu"  # type: ignore[attr-defined]
        assert raised.value.extack.message == "Attribute failed policy validation"  # type: ignore[attr-defined]
    assert "x0" not in {name for _, name, _ in ip_links(lab)}


# -- events ---------------------------------------------------------------------------------------


def wait_for(events: Any, operation: str, name: str) -> Any:
    deadline = time.monotonic() + SECONDS
    for event in events:
        if getattr(event, "operation", None) == operation and event.get("ifname") == name:
            return event
        assert time.monotonic() < deadline, f"no {operation} for {name} within {SECONDS} s"
    raise AssertionError("the events ended")


def test_monitor_sees_links_come_and_go(lab: NamespaceLab, syscall_path: str) -> None:
    with lab.run(rtnetlink.monitor, timeout=SECONDS) as monitor:
        lab.ip("link", "add", "mon0", "type", "veth", "peer", "name", "mon1")
        created = wait_for(monitor.events(), "newlink-ntf", "mon0")
        lab.ip("link", "add", "monbr", "type", "bridge")
        wait_for(monitor.events(), "newlink-ntf", "monbr")
        lab.ip("link", "del", "mon0")
        deleted = wait_for(monitor.events(), "dellink-ntf", "mon0")
        assert deleted.type == 17 and created.type == 16
        assert deleted.fixed["ifi-index"] == created.fixed["ifi-index"]
        lab.ip("address", "add", "198.18.9.9/32", "dev", "lab0")
        for event in monitor.events():
            if event.operation == "newaddr-ntf" and event.get("local") == "198.18.9.9":
                break


def test_monitor_sees_links_come_and_go_in_asyncio(lab: NamespaceLab, syscall_path: str) -> None:
    monitor = lab.run(rtnetlink.monitor_async)

    async def scenario() -> tuple[Any, Any]:
        async with monitor:
            events = monitor.events()
            await asyncio.get_running_loop().run_in_executor(
                None, lab.ip, "link", "add", "amon0", "type", "veth", "peer", "name", "amon1")
            created = await asyncio.wait_for(_next(events, "newlink-ntf", "amon0"), SECONDS)
            await asyncio.get_running_loop().run_in_executor(None, lab.ip, "link", "del", "amon0")
            deleted = await asyncio.wait_for(_next(events, "dellink-ntf", "amon0"), SECONDS)
            await events.aclose()
            return created, deleted

    created, deleted = asyncio.run(asyncio.wait_for(scenario(), 3 * SECONDS))
    assert created.fixed["ifi-index"] == deleted.fixed["ifi-index"] and deleted.type == 17


async def _next(events: Any, operation: str, name: str) -> Any:
    async for event in events:
        if getattr(event, "operation", None) == operation and event.get("ifname") == name:
            return event
    raise AssertionError("the events ended")


def test_async_requests_inside_a_running_loop(lab: NamespaceLab, syscall_path: str) -> None:
    conn = lab.run(AsyncConnection)

    async def scenario() -> tuple[set[str], int | None]:
        async with conn:
            names = {link["ifname"] async for link in rtnetlink.links_async(conn)}
            try:
                await conn.request("rt-link", "dellink", attributes={"ifname": "no-such-link"})
            except OSError as exc:
                return names, exc.errno
            return names, None

    names, code = asyncio.run(asyncio.wait_for(scenario(), SECONDS))
    assert {"lab0", "labbr"} <= names and code == errno.ENODEV


def test_an_unread_monitor_overruns_and_no_enobufs_silences_it(lab: NamespaceLab) -> None:
    batch = "\n".join(f"link add ov{n} type veth peer name ow{n}" for n in range(12)) + "\n"

    def flood() -> None:
        import subprocess

        subprocess.run(["ip", "-n", lab.name, "-batch", "-"], input=batch, text=True, check=True, timeout=60)
        subprocess.run(["ip", "-n", lab.name, "-batch", "-"], text=True, check=True, timeout=60,
                       input="\n".join(f"link del ov{n}" for n in range(12)) + "\n")

    with lab.run(Connection, NETLINK_ROUTE, groups=[1], receive_buffer=4096, timeout=SECONDS) as loud, \
            lab.run(Connection, NETLINK_ROUTE, groups=[1], receive_buffer=4096, no_enobufs=True,
                    timeout=0.5) as quiet:
        flood()
        with pytest.raises(OverrunError):
            for _ in loud.events():
                pass
        received = 0
        events = quiet.events()
        with pytest.raises(TimeoutError):  # noqa: PT012 - the listening ends when nothing more comes
            while next(events):
                received += 1
        assert 0 < received < 48  # events were lost, and nobody said so


def test_a_forged_event_from_another_process_is_refused(lab: NamespaceLab, syscall_path: str) -> None:
    """On NETLINK_ROUTE only CAP_NET_ADMIN may send to another port (these tests run as root): a
    message that did not come from the kernel is refused, whatever its nlmsg_pid says."""
    link = famsock_netlink._messages.codec(famsock_netlink._declarations.spec("rt-link"))
    forged = link.encode("newlink", attributes={"ifname": "evil0"}, pid=0)
    with lab.run(rtnetlink.monitor, timeout=SECONDS) as monitor, \
            lab.run(famsock.socket, famsock.AF_NETLINK, famsock.SOCK_RAW, NETLINK_ROUTE) as sender:
        sender.bind((0, 0))
        lab.ip("link", "set", "lab1", "up")  # a kernel event queued first (as linkwatch's may be)
        sender.sendto(forged, (monitor.pid, 0))
        intruder = sender.getsockname().pid
        events = monitor.events()
        with pytest.raises(UnexpectedReplyError, match=f"from port {intruder}, not from the kernel"):  # noqa: PT012
            for _ in range(100):  # the kernel's events come first, and are believed; each read is bounded
                assert next(events).get("ifname") != "evil0"
        assert famsock_netlink.security.from_kernel((0, 1)) and not famsock_netlink.security.from_kernel(
            sender.getsockname())


# -- generic netlink ------------------------------------------------------------------------------


def test_generic_families_resolve(syscall_path: str) -> None:
    with Connection(NETLINK_GENERIC, timeout=SECONDS) as nl:
        nlctrl = genetlink.resolve(nl, "nlctrl")
        assert nlctrl.id == 16 and nlctrl.version >= 1
        assert 3 in nlctrl.operations and "cmd-cap-dump" in nlctrl.operations[3]
        assert nlctrl.groups == {"notify": 16}
        everything = {family.name: family for family in genetlink.families(nl)}
        present = [name for name in ("netdev", "ethtool", "tcp_metrics") if name in everything]
        assert present, f"none of netdev, ethtool, tcp_metrics among {sorted(everything)}"
        other = genetlink.resolve(nl, present[0])
        assert other == everything[present[0]] and other.id >= 16 and other.operations
        with pytest.raises(FileNotFoundError) as raised:
            genetlink.resolve(nl, "no-such-family")
        assert raised.value.errno == errno.ENOENT


#: a user's declaration of the kernel's netdev family, in the shape of its YNL spec (part of it)
NETDEV = {
    "name": "netdev", "protocol": "genetlink",
    "attribute-sets": [{"name": "dev", "attributes": [
        {"name": "ifindex", "type": "u32"}, {"name": "pad", "type": "pad"},
        {"name": "xdp-features", "type": "u64"}, {"name": "xdp-zc-max-segs", "type": "u32"}]}],
    "operations": {"list": [{"name": "dev-get", "attribute-set": "dev",
                             "do": {"request": {"attributes": ["ifindex"]},
                                    "reply": {"attributes": ["ifindex", "xdp-features"]}},
                             "dump": {"reply": {"attributes": ["ifindex", "xdp-features"]}}}]},
}


def test_a_users_declaration_talks_to_its_family(lab: NamespaceLab, syscall_path: str) -> None:
    """A family declared as data (netdev, dump declared with a reply only, as the kernel's spec
    does): resolved by name, dumped, asked for one object, and refused with the kernel's errno."""
    with lab.run(Connection, NETLINK_GENERIC, timeout=SECONDS) as nl:
        if "netdev" not in {family.name for family in genetlink.families(nl)}:
            pytest.skip("this kernel has no netdev family")
        netdev = genetlink.resolve(nl, load_spec(NETDEV))
        indexes = {device["ifindex"] for device in nl.dump(netdev, "dev-get")}
        (lo,) = nl.request(netdev, "dev-get", attributes={"ifindex": 1})
        with pytest.raises(OSError) as raised:
            nl.request(netdev, "dev-get", attributes={"ifindex": 2**31 - 1})
    assert indexes == {index for index, _name, _address in ip_links(lab)}
    assert lo.operation == "dev-get" and lo["ifindex"] == 1 and "xdp-features" in lo
    assert raised.value.errno == errno.ENODEV


@pytest.mark.parametrize("name", ["nlctrl", "another"])
def test_the_cli_resolves_generic_families(name: str) -> None:
    from famsock.cli import main

    with Connection(NETLINK_GENERIC, timeout=SECONDS) as nl:
        if name == "another":  # the first of these this kernel has (none: the test fails)
            present = {family.name for family in genetlink.families(nl)}
            name = next(iter(sorted(OTHER_FAMILIES & present)), f"none of {sorted(OTHER_FAMILIES)}")
        expected = genetlink.resolve(nl, name)
    import contextlib
    import io

    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        assert main(["netlink", "family", name, "--json"]) == 0
    shown = json.loads(output.getvalue())
    assert shown["name"] == name and shown["id"] == expected.id
    assert {group["name"]: group["id"] for group in shown["mcast-groups"]} == dict(expected.groups)
    assert [operation["id"] for operation in shown["operations"]] == sorted(expected.operations)
