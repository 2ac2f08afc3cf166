"""RawSockaddr: the address of a family nobody typed, taken by every address method to libc.

Its value is the stdlib's fallback form ``(family, data)``. On a real kernel: AF_PACKET and
AF_XDP sockets, which no plugin claims, bind to a RawSockaddr and get the kernel's answer (the
same as a direct libc call), where the interpreter alone answers "bad family" for AF_XDP
(CPython issue 92658); and a claimed family (AF_INET) takes one in every address method, on both
syscall paths: ``connect(RawSockaddr(AF_UNSPEC, b""))`` dissolves a UDP association, which no
stdlib value can ask for.
"""

from __future__ import annotations

import copy
import ctypes
import dataclasses
import errno
import pickle
import socket as stdlib
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from enum import IntEnum
from functools import partial
from typing import Any

import pytest

import famsock
from famsock import _backends, _passthrough_backend as passthrough
from famsock._raw_sockaddr import RawSockaddr
from famsock.codec import family as family_of
from famsock.testing import kernel_sockname, raised_by, syscall_path as use_path
from tests.helpers import STRUCTS, FakePlugin, make_family, struct_image, use_plugins

AF_PACKET: int = STRUCTS["constants"]["AF_PACKET"]
AF_XDP: int = STRUCTS["constants"]["AF_XDP"]
ETH_P_ALL: int = STRUCTS["constants"]["ETH_P_ALL"]
_libc = ctypes.CDLL(None, use_errno=True)
pytestmark = pytest.mark.usefixtures("no_fd_leak")


def raw_of(sockaddr: bytes) -> RawSockaddr:
    return RawSockaddr(int.from_bytes(sockaddr[:2], sys.byteorder), sockaddr[2:])


def libc_errno(name: str, sock: stdlib.socket, sockaddr: bytes) -> int:
    """What libc's ``bind``/``connect`` says for these bytes: 0 or the errno (the reference)."""
    call = getattr(_libc, name)
    result = call(sock.fileno(), ctypes.c_char_p(sockaddr), ctypes.c_uint32(len(sockaddr)))
    return ctypes.get_errno() if result else 0


def outcome(call: Callable[[], Any]) -> int:
    """0, or the errno of the OSError ``call`` raised."""
    try:
        call()
    except OSError as exc:
        if exc.errno is None:
            raise AssertionError(f"not the kernel's answer: {exc!r}") from exc
        return exc.errno
    return 0


def test_the_vectors_are_what_this_machines_headers_give() -> None:
    from pathlib import Path

    from famsock.testing import c_vectors

    if c_vectors.compiler() is None:
        pytest.skip("no C compiler to regenerate the vectors with")
    assert c_vectors.regenerate(Path(__file__).parent / "vectors" / "kernel_structs.c") == STRUCTS


def test_the_struct_builder_fills_fields_as_c_does() -> None:
    ll, xdp = STRUCTS["sockaddr_ll"]["example"], STRUCTS["sockaddr_xdp"]["example"]
    assert struct_image("sockaddr_ll", sll_family=AF_PACKET, sll_protocol=ETH_P_ALL.to_bytes(2, "big"),
                        sll_ifindex=ll["sll_ifindex"]).hex() == ll["hex"]
    assert struct_image("sockaddr_xdp", sxdp_family=AF_XDP, sxdp_ifindex=xdp["sxdp_ifindex"],
                        sxdp_queue_id=xdp["sxdp_queue_id"]).hex() == xdp["hex"]


# -- the value ------------------------------------------------------------------------------------

def test_it_is_famsocks_public_raw_sockaddr() -> None:
    assert famsock.RawSockaddr is RawSockaddr and "RawSockaddr" in famsock.__all__


def test_it_is_the_stdlibs_family_data_tuple() -> None:
    stdlib_form = (AF_XDP, bytes(range(14)))  # makesockaddr()'s fallback: (sa_family, sa_data)
    address = RawSockaddr(*stdlib_form)
    assert isinstance(address, tuple)
    assert address == stdlib_form and stdlib_form == address
    assert hash(address) == hash(stdlib_form)
    assert repr(address) == repr(stdlib_form) and str(address) == str(stdlib_form)
    assert f"{address}" == f"{stdlib_form}"
    family, data = address
    assert (family, data) == (address.family, address.data) == stdlib_form
    assert address.sockaddr == AF_XDP.to_bytes(2, sys.byteorder) + bytes(range(14))


def test_the_reason_is_not_part_of_the_value() -> None:
    sockaddr = AF_XDP.to_bytes(2, sys.byteorder) + b"\x01\x02"
    explained = RawSockaddr.from_sockaddr(sockaddr, "nobody reads it")
    plain = RawSockaddr(AF_XDP, b"\x01\x02")
    assert explained.reason == "nobody reads it" and plain.reason == ""
    assert explained == plain and hash(explained) == hash(plain)
    assert repr(explained) == repr(plain)


class Number(IntEnum):
    XDP = 44


@pytest.mark.parametrize(("family", "data", "error", "message"), [
    ("44", b"", TypeError, "RawSockaddr family must be an int, not str"),
    (44.0, b"", TypeError, "RawSockaddr family must be an int, not float"),
    (True, b"", TypeError, "RawSockaddr family must be an int, not bool"),
    (-1, b"", OverflowError, "RawSockaddr family must be 0-65535 (sa_family_t), got -1"),
    (65536, b"", OverflowError, "RawSockaddr family must be 0-65535 (sa_family_t), got 65536"),
    (44, "ab", TypeError, "RawSockaddr data must be bytes-like, not str"),
    (44, None, TypeError, "RawSockaddr data must be bytes-like, not NoneType"),
    (44, bytes(127), ValueError, "RawSockaddr data must be at most 126 bytes (a sockaddr_storage), got 127"),
])
def test_values_are_checked_with_the_stdlibs_exception_types(family: Any, data: Any, error: type[Exception],
                                                             message: str) -> None:
    with pytest.raises(error) as caught:
        RawSockaddr(family, data)
    assert str(caught.value) == message


def test_int_likes_and_buffers_become_int_and_bytes() -> None:
    address = RawSockaddr(Number.XDP, bytearray(b"ab"))
    assert type(address.family) is int and type(address.data) is bytes
    assert RawSockaddr(AF_XDP, memoryview(bytes(126))).data == bytes(126)
    assert RawSockaddr(0) == (0, b"")


def test_it_is_immutable() -> None:
    address = RawSockaddr(AF_XDP, b"ab")
    with pytest.raises(AttributeError):
        address.family = 1  # type: ignore[misc]  # read-only, as mypy knows
    with pytest.raises(AttributeError):
        address.anything = 1


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_pickles_and_copies_are_raw_sockaddrs(protocol: int) -> None:
    address = RawSockaddr.from_sockaddr(AF_XDP.to_bytes(2, sys.byteorder) + b"\x00\xff", "why")
    for clone in (pickle.loads(pickle.dumps(address, protocol)), copy.copy(address), copy.deepcopy(address)):
        assert type(clone) is RawSockaddr
        assert clone == address == (AF_XDP, b"\x00\xff")


class _Forged:
    """Pickles as a RawSockaddr of an impossible family."""

    def __reduce__(self) -> tuple[Any, tuple[int, bytes]]:
        return RawSockaddr, (70000, b"")


def test_unpickling_rebuilds_through_the_checks() -> None:
    with pytest.raises(OverflowError, match="0-65535"):
        pickle.loads(pickle.dumps(_Forged()))


# -- text form, codec -----------------------------------------------------------------------------

@pytest.mark.parametrize(("address", "text"), [
    (RawSockaddr(AF_XDP, b"\x01\xab"), "raw:44:01ab"),
    (RawSockaddr(0), "raw:0:"),
    (RawSockaddr(65535, bytes(126)), "raw:65535:" + "00" * 126),
])
def test_text_form_round_trips(address: RawSockaddr, text: str) -> None:
    assert famsock.address_to_text(address) == text
    back = famsock.address_from_text(text)
    assert type(back) is RawSockaddr and back == address
    assert famsock.address_from_text(text.upper().replace("RAW", "raw")) == address  # hex in either case


@pytest.mark.parametrize("text", ["raw:", "raw:44", "raw:x:00", "raw:44:0", "raw:44:zz", "raw:-1:",
                                  "raw:70000:", "raw:44:" + "00" * 127, "raw:44:00 ", "raw: 44:00"])
def test_text_that_is_not_a_raw_address_is_a_value_error(text: str) -> None:
    with pytest.raises(ValueError, match="raw address"):
        famsock.address_from_text(text)


def test_decode_of_an_unclaimed_family_keeps_the_bytes_and_says_why() -> None:
    sockaddr = AF_XDP.to_bytes(2, sys.byteorder) + bytes(range(14))
    address = famsock.decode(sockaddr)
    assert type(address) is RawSockaddr
    assert address.reason == "no famsock plugin handles address family 44"
    assert address == (AF_XDP, bytes(range(14)))
    assert famsock.encode(address) == sockaddr
    assert famsock.decode(AF_XDP.to_bytes(2, sys.byteorder)) == (AF_XDP, b"")


def test_decode_of_bytes_a_plugin_refuses_keeps_them_and_the_plugins_reason(
        monkeypatch: pytest.MonkeyPatch) -> None:
    use_plugins(monkeypatch, ("demo", FakePlugin(make_family())))  # its decode reads 4 bytes only
    sockaddr = (250).to_bytes(2, sys.byteorder) + b"\x01"
    address = famsock.decode(sockaddr)
    assert type(address) is RawSockaddr
    assert address.reason == "the 'demo' plugin cannot decode it: a demo sockaddr is 4 bytes, got 3"
    assert address == (250, b"\x01")


# -- families no plugin claims, on the kernel --------------------------------------------------------

def packet_address(ifindex: int) -> RawSockaddr:
    return raw_of(struct_image("sockaddr_ll", sll_family=AF_PACKET, sll_protocol=ETH_P_ALL.to_bytes(2, "big"),
                               sll_ifindex=ifindex))


def xdp_address(ifindex: int) -> RawSockaddr:
    return raw_of(struct_image("sockaddr_xdp", sxdp_family=AF_XDP, sxdp_ifindex=ifindex))


def opened(stack: ExitStack, module: Any, family: int, kind: int, proto: int = 0) -> Any:
    try:
        return stack.enter_context(module.socket(family, kind, proto))
    except OSError as exc:
        pytest.skip(f"this kernel opens no socket({family}, {kind}): {exc}")


UNUSED_IFINDEX = 0x7FFFFFF0
BINDS: dict[str, tuple[int, Callable[[], RawSockaddr]]] = {
    "packet-lo": (AF_PACKET, lambda: packet_address(stdlib.if_nametoindex("lo"))),
    "packet-no-device": (AF_PACKET, lambda: packet_address(UNUSED_IFINDEX)),
    "packet-short": (AF_PACKET, lambda: RawSockaddr(AF_PACKET, b"")),
    "xdp-lo": (AF_XDP, lambda: xdp_address(stdlib.if_nametoindex("lo"))),
    "xdp-no-device": (AF_XDP, lambda: xdp_address(UNUSED_IFINDEX)),
    "xdp-short": (AF_XDP, lambda: RawSockaddr(AF_XDP, bytes(6))),
}


@pytest.mark.usefixtures("isolated_network")
@pytest.mark.parametrize("case", BINDS)
def test_bind_without_a_plugin_gets_the_kernels_answer(syscall_path: str, case: str) -> None:
    family, build = BINDS[case]
    address = build()
    with ExitStack() as stack:
        ours = opened(stack, famsock, family, stdlib.SOCK_RAW)
        reference = opened(stack, stdlib, family, stdlib.SOCK_RAW)
        assert ours.syscall_path == "stdlib"  # no plugin, whichever path is asked for
        expected = libc_errno("bind", reference, address.sockaddr)
        assert outcome(lambda: ours.bind(address)) == expected
        if expected == 0:
            # the interpreter reads AF_PACKET: its value, as the stdlib gives it
            assert ours.getsockname() == stdlib.socket.getsockname(reference)
            assert type(ours.getsockname()) is tuple


LOCAL_EXPERIMENTAL = 0x88B5  # IEEE 802 local experimental ethertype: nothing else listens for it


@pytest.mark.usefixtures("isolated_network")
def test_sendto_and_sendmsg_without_a_plugin_deliver_what_the_stdlibs_form_does(syscall_path: str) -> None:
    """Frames sent on lo through AF_PACKET: to a RawSockaddr (libc), and to the stdlib's
    ``(ifname, proto, pkttype, hatype, addr)`` (the interpreter), arrive alike."""
    lo = stdlib.if_nametoindex("lo")
    raw = raw_of(struct_image("sockaddr_ll", sll_family=AF_PACKET, sll_halen=6, sll_ifindex=lo,
                              sll_protocol=LOCAL_EXPERIMENTAL.to_bytes(2, "big")))
    with ExitStack() as stack:
        receiver = opened(stack, stdlib, AF_PACKET, stdlib.SOCK_DGRAM, stdlib.htons(LOCAL_EXPERIMENTAL))
        receiver.bind(("lo", LOCAL_EXPERIMENTAL))
        receiver.settimeout(5)
        ours = opened(stack, famsock, AF_PACKET, stdlib.SOCK_DGRAM)
        assert ours.syscall_path == "stdlib"
        assert ours.sendto(b"to raw" * 10, raw) == 60
        assert ours.sendto(b"to raw, flags" * 5, 0, raw) == 65
        assert ours.sendmsg([b"sendmsg to raw" * 5], [], 0, raw) == 70
        assert ours.sendto(b"to a tuple" * 6, ("lo", LOCAL_EXPERIMENTAL, 0, 0, bytes(6))) == 60
        received = [receiver.recvfrom(100) for _ in range(4)]
    assert [data for data, _ in received] == [b"to raw" * 10, b"to raw, flags" * 5, b"sendmsg to raw" * 5,
                                              b"to a tuple" * 6]
    assert len({sender for _, sender in received}) == 1  # the same sender address each time
    assert received[0][1][:2] == ("lo", LOCAL_EXPERIMENTAL)


def test_the_expected_answers_of_this_kernel() -> None:
    """What the kernel answered above, spelt out (Linux: lo binds; a missing device is ENODEV;
    an AF_XDP socket without a UMEM is EINVAL)."""
    with ExitStack() as stack:
        packet = opened(stack, famsock, AF_PACKET, stdlib.SOCK_RAW)
        with pytest.raises(OSError) as caught:
            packet.bind(packet_address(UNUSED_IFINDEX))
        assert caught.value.errno == errno.ENODEV
        xdp = opened(stack, famsock, AF_XDP, stdlib.SOCK_RAW)
        with pytest.raises(OSError) as caught:
            xdp.bind(xdp_address(stdlib.if_nametoindex("lo")))
        assert caught.value.errno == errno.EINVAL


def test_the_stdlib_alone_cannot_ask() -> None:
    """The reference's failures that RawSockaddr removes: AF_XDP is a "bad family" before any
    syscall, and a (family, bytes) tuple is no AF_PACKET address."""
    with ExitStack() as stack:
        xdp = opened(stack, stdlib, AF_XDP, stdlib.SOCK_RAW)
        with pytest.raises(OSError, match="bad family") as caught:
            xdp.bind(xdp_address(1))
        assert caught.value.errno is None
        with pytest.raises(OSError, match="getsockaddrlen: bad family"):
            xdp.getsockname()
        packet = opened(stack, stdlib, AF_PACKET, stdlib.SOCK_RAW)
        with pytest.raises(TypeError):
            packet.bind(packet_address(1))


def test_getsockname_of_an_xdp_socket_is_the_kernels_answer(syscall_path: str) -> None:
    """Linux has no getsockname() for AF_XDP sockets (sock_no_getname: EOPNOTSUPP): famsock asks
    the kernel and says what it says; the interpreter never asks ("bad family")."""
    with ExitStack() as stack:
        ours = opened(stack, famsock, AF_XDP, stdlib.SOCK_RAW)
        reference = opened(stack, stdlib, AF_XDP, stdlib.SOCK_RAW)
        refused = raised_by(kernel_sockname, reference)
        if refused is None:
            address = ours.getsockname()
            assert type(address) is RawSockaddr and address == raw_of(kernel_sockname(reference))
            assert address.reason == "no famsock plugin handles address family 44"
        else:
            assert isinstance(refused, OSError)
            with pytest.raises(OSError) as caught:
                ours.getsockname()
            assert caught.value.errno == refused.errno == errno.EOPNOTSUPP
            assert "bad family" not in str(caught.value)


@pytest.fixture
def interpreter_without_af_packet(monkeypatch: pytest.MonkeyPatch) -> None:
    """The interpreter's getsockname() refuses AF_PACKET, as a CPython built without
    <netpacket/packet.h> does ("getsockaddrlen: bad family"): an interpreter's fault, injected."""
    real = passthrough.c_getsockname

    def refusing(sock: stdlib.socket) -> Any:
        if sock.family == AF_PACKET:
            raise OSError("getsockaddrlen: bad family")
        return real(sock)

    monkeypatch.setattr(passthrough, "c_getsockname", refusing)
    monkeypatch.setattr(_backends, "_backends", {})  # new passthrough backends: none has given up yet


@pytest.mark.usefixtures("interpreter_without_af_packet", "isolated_network")
def test_getsockname_where_the_interpreter_says_bad_family_is_a_raw_sockaddr_from_libc() -> None:
    with ExitStack() as stack:
        ours = opened(stack, famsock, AF_PACKET, stdlib.SOCK_RAW)
        ours.bind(packet_address(stdlib.if_nametoindex("lo")))
        sockaddr = kernel_sockname(ours)
        for _ in range(2):  # the second time without asking the interpreter
            address = ours.getsockname()
            assert type(address) is RawSockaddr
            assert address == raw_of(sockaddr)
            assert address.reason == "no famsock plugin handles address family 17"


# -- a family a plugin claims: RawSockaddr in every address method, both paths -------------------------

def inet_raw(host: str, port: int) -> RawSockaddr:
    return raw_of(famsock.encode(famsock.parse_address("inet", (host, port))))


@pytest.fixture
def receiver() -> Iterator[stdlib.socket]:
    with stdlib.socket(stdlib.AF_INET, stdlib.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.settimeout(5)
        yield sock


@pytest.mark.family("inet")
def test_every_address_method_of_a_claimed_family_takes_one(syscall_path: str,
                                                            receiver: stdlib.socket) -> None:
    target = inet_raw(*receiver.getsockname())
    with famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM) as sock:
        assert sock.syscall_path == syscall_path
        sock.bind(inet_raw("127.0.0.1", 0))
        name = sock.getsockname()
        assert name == stdlib.socket.getsockname(sock) and name[0] == "127.0.0.1"
        assert sock.sendto(b"one", target) == 3
        assert sock.sendto(b"two", 0, target) == 3
        assert sock.sendmsg([b"three"], [], 0, target) == 5
        assert [receiver.recvfrom(10) for _ in range(3)] == [(b"one", name), (b"two", name), (b"three", name)]
        sock.connect(target)
        assert sock.getpeername() == receiver.getsockname()
        assert sock.connect_ex(target) == 0
        sock.send(b"four")
        assert receiver.recv(10) == b"four"


@pytest.mark.family("inet")
def test_connect_to_af_unspec_dissolves_a_udp_association(syscall_path: str, receiver: stdlib.socket) -> None:
    """The kernel's way to disconnect a datagram socket, which no stdlib value can ask for:
    famsock's answer is libc's, on a stdlib socket connected alike."""
    unspec = RawSockaddr(stdlib.AF_UNSPEC, b"")
    outcomes = []
    for disconnect in ("famsock", "libc"):
        with famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM) as sock:
            sock.connect(receiver.getsockname())
            if disconnect == "famsock":
                sock.connect(unspec)
            else:
                assert libc_errno("connect", sock, unspec.sockaddr) == 0
            outcomes.append((outcome(sock.getpeername), outcome(partial(sock.send, b"x"))))
    assert outcomes == [(errno.ENOTCONN, errno.EDESTADDRREQ)] * 2
    with famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM) as sock:
        sock.connect(receiver.getsockname())
        assert sock.connect_ex(unspec) == 0
        assert outcome(sock.getpeername) == errno.ENOTCONN


@pytest.mark.family("inet")
def test_connect_ex_returns_the_kernels_error_code(syscall_path: str) -> None:
    with stdlib.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # bound, never listening: refused
        with stdlib.socket() as reference, famsock.socket() as sock:
            expected = reference.connect_ex(("127.0.0.1", port))
            assert expected == errno.ECONNREFUSED
            assert sock.connect_ex(inet_raw("127.0.0.1", port)) == expected


@pytest.mark.family("inet")
def test_a_plugins_from_native_refusing_a_value_gives_the_stdlibs_value(
        monkeypatch: pytest.MonkeyPatch, receiver: stdlib.socket) -> None:
    """On the native path, the counterpart of a RawSockaddr: the value as the stdlib gave it."""
    inet = family_of("inet")

    def refuse(value: Any, spec: Any) -> Any:
        raise ValueError("not today")

    assert inet.native is not None
    picky = dataclasses.replace(inet, native=dataclasses.replace(inet.native, from_native=refuse))
    use_plugins(monkeypatch, ("picky", FakePlugin(picky)))
    with use_path("auto"), famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        assert sock.syscall_path == "native"
        name = sock.getsockname()
        assert (type(name), name) == (tuple, stdlib.socket.getsockname(sock))
        receiver.sendto(b"x", name)
        sock.settimeout(5)
        data, sender = sock.recvfrom(10)
        assert (data, type(sender), sender) == (b"x", tuple, receiver.getsockname())


@pytest.mark.family("inet")
def test_a_plugins_decode_refusing_the_kernels_bytes_gives_a_raw_sockaddr(
        monkeypatch: pytest.MonkeyPatch, receiver: stdlib.socket) -> None:
    """On the raw path: the bytes, and the plugin's reason, instead of an error."""
    inet = family_of("inet")

    def refuse(data: bytes, spec: Any) -> Any:
        raise ValueError("not today")

    use_plugins(monkeypatch, ("picky", FakePlugin(dataclasses.replace(inet, decode=refuse))))
    with use_path("raw"), famsock.socket(famsock.AF_INET, famsock.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        name = sock.getsockname()
        assert type(name) is RawSockaddr
        assert name.reason == "the 'inet' plugin cannot decode it: not today"
        host, port = stdlib.socket.getsockname(sock)
        assert name == inet_raw(host, port)
        receiver.sendto(b"x", (host, port))
        sock.settimeout(5)
        data, sender = sock.recvfrom(10)
        assert (data, sender) == (b"x", inet_raw(*receiver.getsockname()))
        assert type(sender) is RawSockaddr
