"""The conversation state machine, fed bytes by hand: no socket, no kernel."""

from __future__ import annotations

import errno
import struct

import pytest
from famsock_netlink import (
    DumpInterruptedError,
    MalformedMessageError,
    NetlinkError,
    OverrunError,
    RawMessage,
    UnexpectedReplyError,
)
from famsock_netlink._conversation import Conversation, Pending
from famsock_netlink._targets import prepare
from famsock_netlink.testing import FakeKernel, Request

LOCAL = 4242
M = FakeKernel.message


def request_of(pending: Pending) -> Request:
    length, kind, flags, seq, pid = struct.unpack_from("=IHHII", pending.request)
    return Request(kind, flags, seq, pid, pending.request[16:length], pending.request, LOCAL)


def started(conversation: Conversation, kind: str = "dump") -> tuple[Pending, Request]:
    pending = conversation.start(struct.pack("=IHHII", 16, 0x10, 0x301, 0, 0), kind)  # type: ignore[arg-type]
    return pending, request_of(pending)


def drain(pending: Pending) -> list[bytes]:
    return [pending.take().payload for _ in range(len(pending.replies))]


def test_requests_get_distinct_nonzero_seqs_and_this_port() -> None:
    conversation = Conversation(LOCAL, first_seq=0xFFFFFFFE)
    first, second = started(conversation), started(conversation)
    assert (first[1].seq, second[1].seq) == (0xFFFFFFFF, 1)  # wraps past 0: notifications carry 0
    assert first[1].pid == LOCAL


def test_a_multipart_dump_ends_at_done() -> None:
    conversation = Conversation(LOCAL)
    pending, request = started(conversation)
    conversation.feed(M(request, 0x10, b"a", multi=True) + M(request, 0x10, b"b", multi=True), 0)
    assert not pending.finished
    conversation.feed(M(request, 0x10, b"c", multi=True) + FakeKernel.done(request), 0)
    assert drain(pending) == [b"a", b"b", b"c"]
    assert pending.outcome() is None and conversation.pending[request.seq].finished


def test_done_with_an_errno_fails_the_dump_after_what_arrived() -> None:
    conversation = Conversation(LOCAL)
    pending, request = started(conversation)
    conversation.feed(M(request, 0x10, b"a", multi=True) + FakeKernel.done(request, errno.EBUSY,
                                                                           extack={"message": "busy"}), 0)
    assert drain(pending) == [b"a"]
    problem = pending.outcome()
    assert isinstance(problem, NetlinkError) and problem.errno == errno.EBUSY
    assert problem.extack.message == "busy"


def test_dump_intr_yields_everything_then_raises() -> None:
    conversation = Conversation(LOCAL)
    pending, request = started(conversation)
    conversation.feed(M(request, 0x10, b"a", multi=True) + M(request, 0x10, b"b", multi=True, flags=0x10)
                      + FakeKernel.done(request), 0)
    assert drain(pending) == [b"a", b"b"]
    problem = pending.outcome()
    assert isinstance(problem, DumpInterruptedError) and problem.errno == errno.EINTR and problem.count == 2


def test_error_with_extended_ack_names_the_offending_attribute() -> None:
    conversation = Conversation(LOCAL)
    prepared = prepare("rt-link", "newlink", "do", None, {"ifname": "x", "linkinfo": {"kind": "veth"}}, 0)
    pending = conversation.start(prepared.request, "do", prepared.reader, prepared.what, prepared.locate)
    request = request_of(pending)
    kind_offset = 16 + 16 + 8 + 4  # nlmsghdr, ifinfomsg, ifname ("x\0" padded), linkinfo's header
    conversation.feed(FakeKernel.error(request, errno.EOPNOTSUPP, extack={"message": "Unknown device type",
                                                                          "offset": kind_offset}), 0)
    problem = pending.outcome()
    assert isinstance(problem, NetlinkError) and isinstance(problem, OSError)
    assert problem.errno == errno.EOPNOTSUPP and problem.extack.attribute == "linkinfo.kind"
    assert "Unknown device type; attribute linkinfo.kind" in str(problem)


def test_errors_are_the_stdlibs_class_for_their_errno() -> None:
    conversation = Conversation(LOCAL)
    pending, request = started(conversation, "do")
    conversation.feed(FakeKernel.error(request, errno.ENOENT, capped=False), 0)
    problem = pending.outcome()
    assert isinstance(problem, FileNotFoundError) and isinstance(problem, NetlinkError)


def test_an_ack_ends_a_do_request_after_its_reply() -> None:
    conversation = Conversation(LOCAL)
    pending, request = started(conversation, "do")
    conversation.feed(M(request, 0x10, b"reply") + FakeKernel.ack(request), 0)
    assert pending.finished and drain(pending) == [b"reply"] and pending.outcome() is None


def test_several_requests_in_flight_get_their_own_replies_in_any_order() -> None:
    conversation = Conversation(LOCAL)
    (first, one), (second, two) = started(conversation), started(conversation)
    conversation.feed(M(two, 0x10, b"2a", multi=True) + M(one, 0x10, b"1a", multi=True), 0)
    conversation.feed(FakeKernel.done(two) + M(one, 0x10, b"1b", multi=True) + FakeKernel.done(one), 0)
    assert drain(first) == [b"1a", b"1b"] and drain(second) == [b"2a"]
    assert first.finished and second.finished


def test_a_reply_with_a_wrong_seq_is_refused_and_the_rest_is_routed() -> None:
    conversation = Conversation(LOCAL)
    pending, request = started(conversation)
    with pytest.raises(UnexpectedReplyError, match=f"sequence number {request.seq + 1}, which no request"):
        conversation.feed(M(request, 0x10, b"stray", seq=request.seq + 1, multi=True)
                          + M(request, 0x10, b"good", multi=True), 0)
    assert drain(pending) == [b"good"] and not pending.finished


def test_a_reply_addressed_to_another_port_is_refused() -> None:
    conversation = Conversation(LOCAL)
    _pending, request = started(conversation)
    with pytest.raises(UnexpectedReplyError, match="addressed to port 99, not to this socket's port 4242"):
        conversation.feed(M(request, 0x10, b"x", pid=99, multi=True), 0)


def test_a_datagram_not_from_the_peer_is_refused_or_discarded() -> None:
    conversation = Conversation(LOCAL)
    pending, request = started(conversation)
    forged = M(request, 0x10, b"forged", multi=True) + FakeKernel.done(request)
    with pytest.raises(UnexpectedReplyError, match="from port 1234, not from the kernel"):
        conversation.feed(forged, 1234)
    assert not pending.replies and not pending.finished  # nothing of it was believed
    quiet = Conversation(LOCAL, foreign="discard")
    pending, request = started(quiet)
    quiet.feed(M(request, 0x10, b"forged", multi=True) + FakeKernel.done(request), 1234)
    assert quiet.discarded == 1 and not pending.replies and not pending.finished


def test_replies_to_an_abandoned_request_are_dropped_until_its_end() -> None:
    conversation = Conversation(LOCAL)
    pending, request = started(conversation)
    conversation.abandon(pending)
    conversation.feed(M(request, 0x10, b"late", multi=True), 0)
    conversation.feed(FakeKernel.done(request), 0)
    assert request.seq not in conversation.abandoned  # its end came: a later reply would be refused
    with pytest.raises(UnexpectedReplyError):
        conversation.feed(M(request, 0x10, b"later", multi=True), 0)


def test_a_malformed_datagram_fails_every_request_in_flight() -> None:
    conversation = Conversation(LOCAL)
    (first, one), (second, _two) = started(conversation), started(conversation)
    with pytest.raises(MalformedMessageError, match="claims nlmsg_len 999"):
        conversation.feed(M(one, 0x10, b"x", multi=True, length=999), 0)
    assert first.finished and second.finished
    assert isinstance(first.outcome(), MalformedMessageError)


def test_an_overrun_fails_every_request_in_flight() -> None:
    conversation = Conversation(LOCAL)
    pending, _request = started(conversation)
    error = conversation.overrun()
    assert isinstance(error, OverrunError) and error.errno == errno.ENOBUFS and pending.outcome() is error


def test_multicast_datagrams_are_events() -> None:
    conversation = Conversation(LOCAL)
    pending, request = started(conversation)
    conversation.feed(M(request, 0x10, b"notification", multi=False), 0, groups=1)
    assert not pending.replies and list(conversation.events) == [
        RawMessage(0x10, 0, request.seq, request.pid, b"notification" + b"\0" * 0)]
