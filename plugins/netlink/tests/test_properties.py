"""Properties over generated values and bytes (hypothesis, famsock's bounded profile).

- The family's codec: what every family has (famsock.testing.properties), and netlink's own:
  ``parse`` accepts exactly the stdlib's values in range, and the stdlib's wrapping is refused.
- The message codec: any bytes, and any valid message cut short or with a length that lies,
  decode or raise ``MalformedMessageError`` (a ``ValueError``), nothing else, in bounded time;
  values of the declared families survive encode -> decode; a conversation fed any bytes raises
  only its own errors.
"""

from __future__ import annotations

import socket as stdlib
import struct
from typing import Any

from famsock_netlink import MalformedMessageError, UnexpectedReplyError
from famsock_netlink._address import parse
from famsock_netlink._conversation import Conversation
from famsock_netlink._declarations import spec
from famsock_netlink._header import split
from famsock_netlink._messages import codec
from hypothesis import given, settings, strategies as st

from famsock.contract import SocketSpec
from famsock.testing import strategies as fst
from famsock.testing.compare import outcome
from famsock.testing.properties import FamilyProperties

SPEC = SocketSpec(16, stdlib.SOCK_RAW, 0)
U32 = st.integers(0, 2**32 - 1)


class TestProperties(FamilyProperties):
    family_name = "netlink"
    socket_type = stdlib.SOCK_RAW
    sockaddrs = fst.sockaddrs(16, st.just(12))
    values = st.tuples(st.one_of(U32, fst.index_likes(U32)), st.one_of(U32, st.booleans()))
    user_values = st.one_of(st.tuples(fst.integers(-2, 2**33), fst.integers(-2, 2**33)),
                            fst.user_values(st.one_of(U32, fst.scalars())))

    def stdlib_form(self, data: bytes) -> tuple[int, int]:
        pid, groups = struct.unpack_from("=II", data, 4)
        return pid, groups


@given(st.tuples(fst.integers(-2, 2**33), fst.integers(-2, 2**33)))
def test_parse_takes_what_the_stdlib_takes_in_range_and_refuses_its_wrapping(value: tuple[int, int]) -> None:
    ours = outcome(parse, value, SPEC)
    if all(0 <= field <= 0xFFFFFFFF for field in value):
        assert ours.value == value
    else:
        assert ours[:2] == ("raised", OverflowError)


# -- the message codec ------------------------------------------------------------------------------

LINK, ADDR = codec(spec("rt-link")), codec(spec("rt-addr"))
names = st.text(st.characters(codec="ascii", exclude_characters="\0"), max_size=15)
ipv4 = U32.map(lambda number: stdlib.inet_ntoa(number.to_bytes(4, "big")))
ipv6 = st.binary(min_size=16, max_size=16).map(lambda raw: stdlib.inet_ntop(stdlib.AF_INET6, raw))
link_values = st.fixed_dictionaries({}, optional={
    "ifname": names, "mtu": U32, "txqlen": U32, "operstate": st.integers(0, 6),
    "link-netnsid": st.integers(-(2**31), 2**31 - 1),
    "address": st.binary(min_size=6, max_size=6).map(lambda raw: raw.hex(":")),
    "linkinfo": st.fixed_dictionaries({}, optional={"kind": names, "data": st.binary(max_size=40)}),
    "prop-list": st.fixed_dictionaries({"alt-ifname": st.lists(names, min_size=1, max_size=3)}),
    "max-pacing-offload-horizon": st.integers(0, 2**64 - 1), "headroom": st.integers(0, 0xFFFF),
})
address_values = st.one_of(
    st.fixed_dictionaries({"local": ipv4, "address": ipv4}, optional={"label": names, "broadcast": ipv4}),
    st.fixed_dictionaries({"address": ipv6}, optional={"flags": U32, "rt-priority": U32}),
)
fixed_addr = st.fixed_dictionaries({"ifa-family": st.sampled_from([2, 10]),
                                    "ifa-prefixlen": st.integers(0, 128), "ifa-index": U32})


@settings(max_examples=fst.examples(200))
@given(link_values, st.integers(1, 2**32 - 1))
def test_link_values_survive_encode_and_decode(values: dict[str, Any], seq: int) -> None:
    data = LINK.encode("newlink", attributes=values, seq=seq)
    (message,) = LINK.messages(data, "newlink")
    assert message.attributes == values and message.seq == seq


@settings(max_examples=fst.examples(200))
@given(address_values, fixed_addr)
def test_address_values_survive_encode_and_decode(values: dict[str, Any], fixed: dict[str, int]) -> None:
    data = ADDR.encode("newaddr", fixed=fixed, attributes=values)
    (message,) = ADDR.messages(data)
    assert message.attributes == values
    assert {key: message.fixed[key] for key in fixed} == fixed


@settings(max_examples=fst.examples(300))
@given(st.binary(max_size=300))
def test_any_bytes_decode_or_raise_malformed_only(data: bytes) -> None:
    for compiled in (LINK, ADDR, codec(spec("nlctrl"))):
        result = outcome(lambda compiled=compiled: list(compiled.messages(data)))
        assert not result.raised or result.value is MalformedMessageError, result


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    """A valid message, then cut short, or a length field (nlmsg_len or an nla_len) overwritten."""
    values = draw(link_values)
    data = bytearray(LINK.encode("newlink", attributes=values))
    how = draw(st.sampled_from(["cut", "nlmsg_len", "nla_len"]))
    if how == "cut":
        return bytes(data[:draw(st.integers(0, len(data)))])
    if how == "nlmsg_len" or len(data) <= 32:
        struct.pack_into("=I", data, 0, draw(st.integers(0, 2**32 - 1)))
    else:
        offset = draw(st.integers(32, len(data) - 2))
        struct.pack_into("=H", data, offset, draw(st.integers(0, 0xFFFF)))
    return bytes(data)


@settings(max_examples=fst.examples(300))
@given(damaged())
def test_damaged_messages_raise_malformed_only(data: bytes) -> None:
    result = outcome(lambda: list(LINK.messages(data, "newlink")))
    assert not result.raised or result.value is MalformedMessageError, result


@settings(max_examples=fst.examples(200))
@given(st.lists(st.tuples(st.integers(0, 64), st.integers(0, 0xFFFF), st.binary(max_size=24)), max_size=6))
def test_split_is_bounded_by_the_datagram(parts: list[tuple[int, int, bytes]]) -> None:
    data = b"".join(struct.pack("=IHHII", length, kind, 0, 0, 0) + body for length, kind, body in parts)
    result = outcome(lambda: list(split(data)))
    if not result.raised:
        assert len(result.value) <= len(data) // 16
    else:
        assert result.value is MalformedMessageError


@settings(max_examples=fst.examples(200))
@given(st.binary(max_size=200), st.sampled_from([0, 1, 77]), st.integers(0, 3))
def test_a_conversation_fed_anything_raises_only_its_own_errors(data: bytes, sender: int,
                                                                 groups: int) -> None:
    conversation = Conversation(4242, first_seq=0)
    conversation.start(struct.pack("=IHHII", 16, 16, 0x301, 0, 0), "dump")  # seq 1
    result = outcome(conversation.feed, data, sender, groups)
    assert not result.raised or result.value in (MalformedMessageError, UnexpectedReplyError), result
