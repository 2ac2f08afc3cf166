"""AF_NETLINK addresses on real sockets, side by side with the stdlib, on both syscall paths."""

from __future__ import annotations

import copy
import pickle
import socket as stdlib
import struct

import famsock_netlink
import pytest
from famsock_netlink import NetlinkAddress, join_group, joined_groups
from famsock_netlink.constants import (
    FAMSOCK_CONSTANTS,
    NETLINK_PKTINFO,
    NETLINK_USERSOCK,
    RTNLGRP_BRVLAN,
    RTNLGRP_LINK,
    SOL_NETLINK,
)
from famsock_netlink.testing import send_to_group

import famsock
from famsock.testing.compare import outcome, plain, stdlib_view

pytestmark = [pytest.mark.family("netlink"), pytest.mark.usefixtures("no_fd_leak")]


def netlink_socket(protocol: int = 0) -> famsock.socket:
    """A netlink socket whose reads give up after 10 s (a test never waits forever)."""
    sock = famsock.socket(famsock.AF_NETLINK, famsock.SOCK_RAW, protocol)
    sock.settimeout(10)
    return sock


# -- the typed address ----------------------------------------------------------------------------


def test_bound_address_is_the_stdlibs_tuple_typed(syscall_path: str) -> None:
    with netlink_socket() as sock, stdlib_view(sock) as view:
        sock.bind((0, 0))
        ours, theirs = sock.getsockname(), view.getsockname()
        assert type(ours) is NetlinkAddress
        assert ours == theirs and type(plain(ours)) is tuple
        assert (str(ours), repr(ours)) == (str(theirs), repr(theirs))
        assert ours.pid == theirs[0] != 0 and ours.groups == 0
        assert famsock.address_to_text(ours) == f"netlink:pid={ours.pid}"


@pytest.mark.parametrize(("value", "wrapped"), [((-1, 0), (0xFFFFFFFF, 0)), ((2**32, 0), (0, 0)),
                                                ((0, 2**32 + 1), (0, 1)), ((2**64 + 5, 0), (5, 0))])
def test_out_of_range_is_refused_where_the_stdlib_wraps(syscall_path: str, value: tuple[int, int],
                                                        wrapped: tuple[int, int]) -> None:
    """The stdlib masks each field to 32 bits ("II"): famsock raises OverflowError, before any syscall."""
    with stdlib.socket(stdlib.AF_NETLINK, stdlib.SOCK_RAW, NETLINK_USERSOCK) as plain_sock:
        # what the stdlib does with it: a bind of the wrapped value (groups on USERSOCK need root)
        assert outcome(plain_sock.bind, value) == outcome(lambda: None)
        assert plain_sock.getsockname()[1] == wrapped[1]
    with netlink_socket(NETLINK_USERSOCK) as sock:
        with pytest.raises(OverflowError, match=r"AF_NETLINK (pid|groups) must be 0-4294967295"):
            sock.bind(value)
        with pytest.raises(OverflowError):
            sock.sendto(b"x", value)
        with pytest.raises(OverflowError):
            sock.connect(value)


@pytest.mark.parametrize("value", [[0, 0], (0,), (0, 0, 0), ("0", 0), (0.0, 0), 5, None])
def test_wrong_shapes_raise_the_stdlibs_exception_type(syscall_path: str, value: object) -> None:
    with netlink_socket() as sock, stdlib.socket(stdlib.AF_NETLINK, stdlib.SOCK_RAW) as theirs:
        ours_raised, theirs_raised = outcome(sock.bind, value), outcome(theirs.bind, value)
        assert ours_raised.raised and theirs_raised.raised
        assert ours_raised.value is theirs_raised.value is TypeError


def test_the_kernel_sends_from_port_zero_as_a_typed_address(syscall_path: str) -> None:
    """An RTM_GETLINK request to the kernel, and its reply's source address read by recvfrom."""
    request = struct.pack("=IHHII", 32, 18, 0x301, 1, 0) + bytes(16)  # dump of links, ifinfomsg
    with netlink_socket() as sock:
        sock.bind((0, 0))
        sock.sendto(request, (0, 0))
        data, sender = sock.recvfrom(1 << 16)
        assert len(data) >= 16
        assert type(sender) is NetlinkAddress and sender == (0, 0) and sender.from_kernel
        assert famsock.address_to_text(sender) == "netlink:pid=0"


def test_user_sockets_echo_over_usersock(syscall_path: str) -> None:
    with netlink_socket(NETLINK_USERSOCK) as server, netlink_socket(NETLINK_USERSOCK) as client:
        server.bind((0, 0))
        client.bind((0, 0))
        client.sendto(b"\x00\xffping", server.getsockname())
        data, peer = server.recvfrom(100)
        assert (data, peer) == (b"\x00\xffping", client.getsockname())
        assert type(peer) is NetlinkAddress and not peer.from_kernel


def test_the_constructor_checks_and_pickles_rebuild() -> None:
    address = NetlinkAddress(12, 5)
    assert address == (12, 5) and address.group_numbers == frozenset({1, 3})
    assert NetlinkAddress(12) == (12, 0) and NetlinkAddress((1, 2)) == (1, 2)
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        again = pickle.loads(pickle.dumps(address, protocol))
        assert type(again) is NetlinkAddress and again == address
    assert copy.copy(address) == address and type(copy.deepcopy(address)) is NetlinkAddress
    assert address._replace(groups=0) == (12, 0)
    with pytest.raises(OverflowError):
        address._replace(pid=-1)
    with pytest.raises(OverflowError):
        NetlinkAddress(2**32)
    with pytest.raises(TypeError):
        NetlinkAddress((1, 2, 3))
    with pytest.raises(ValueError, match="unexpected field"):
        address._replace(port=1)


@pytest.mark.parametrize(("text", "expected"), [
    ("netlink:pid=0", (0, 0)), ("netlink:groups=0x11,pid=7", (7, 17)), ("netlink:pid=0x10", (16, 0)),
    ("netlink:groups=3", (0, 3)), ("netlink: pid = 5 , groups = 0X1", (5, 1)),
    ("netlink:pid=4294967295,groups=0xffffffff", (0xFFFFFFFF, 0xFFFFFFFF)),
])
def test_text_forms_read_any_order_and_base(text: str, expected: tuple[int, int]) -> None:
    address = famsock.address_from_text(text)
    assert type(address) is NetlinkAddress and address == expected
    assert famsock.address_from_text(famsock.address_to_text(address)) == address


# -- constants, groups, options -------------------------------------------------------------------


def test_constants_are_famsocks_and_agree_with_the_stdlib() -> None:
    for name, value in FAMSOCK_CONSTANTS.items():
        assert getattr(famsock, name) == value, name
        if hasattr(stdlib, name):
            assert getattr(stdlib, name) == value, name
    assert famsock.SOL_NETLINK == 270 and famsock.NETLINK_GENERIC == 16 and famsock.NETLINK_EXT_ACK == 11
    stdlib_names = {name for name in dir(stdlib) if name.startswith("NETLINK_")}
    assert stdlib_names <= set(FAMSOCK_CONSTANTS), "every stdlib NETLINK_ constant is declared"
    assert len(FAMSOCK_CONSTANTS) > 3 * len(stdlib_names)


def test_groups_past_32_through_setsockopt_and_list_memberships(syscall_path: str) -> None:
    """bind()'s mask reaches groups 1-32; RTNLGRP_BRVLAN (33) only through NETLINK_ADD_MEMBERSHIP,
    and NETLINK_LIST_MEMBERSHIPS (decoded by the plugin's SocketOption) shows both."""
    assert RTNLGRP_BRVLAN > 32
    with netlink_socket() as sock:
        sock.bind((0, 1 << (RTNLGRP_LINK - 1)))
        join_group(sock, RTNLGRP_BRVLAN)
        assert sock.getsockname().groups == 1 << (RTNLGRP_LINK - 1)  # the mask shows groups 1-32 only
        assert joined_groups(sock) == {RTNLGRP_LINK, RTNLGRP_BRVLAN}
        assert sock.get_option(famsock.SOL_NETLINK, famsock.NETLINK_LIST_MEMBERSHIPS) == {
            RTNLGRP_LINK, RTNLGRP_BRVLAN}
        famsock_netlink.leave_group(sock, RTNLGRP_BRVLAN)
        assert joined_groups(sock) == {RTNLGRP_LINK}
        with pytest.raises(OverflowError):
            join_group(sock, 0)


def test_pktinfo_names_the_group_a_message_came_on(syscall_path: str) -> None:
    """NETLINK_PKTINFO's control message, decoded by the plugin's ControlMessage codec."""
    with netlink_socket(NETLINK_USERSOCK) as listener, netlink_socket(NETLINK_USERSOCK) as sender:
        listener.bind((0, 0))
        join_group(listener, 3)
        listener.setsockopt(SOL_NETLINK, NETLINK_PKTINFO, 1)
        send_to_group(sender, 3, b"event")
        data, ancillary, _flags, source = listener.recvmsg(100, 64)
        assert data == b"event" and source == (sender.getsockname().pid, 1 << 2)
        assert famsock.decode_ancillary(ancillary, famsock.AF_NETLINK) == [
            (SOL_NETLINK, NETLINK_PKTINFO, 3)]
