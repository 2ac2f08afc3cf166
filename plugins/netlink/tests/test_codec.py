"""The sans-I/O codec: headers, attributes, values, declared families; bounded against lying bytes."""

from __future__ import annotations

import json
import struct
import sys
from pathlib import Path
from typing import Any

import pytest
from famsock_netlink import MalformedMessageError
from famsock_netlink._attributes import NLA_F_NESTED, pack_attribute, walk
from famsock_netlink._declarations import Direction, load_spec, read_spec, spec
from famsock_netlink._header import pack_header, split
from famsock_netlink._messages import MAX_DEPTH, codec
from famsock_netlink._values import codec_for


def header(length: int, kind: int = 16, flags: int = 0, seq: int = 1, pid: int = 0) -> bytes:
    return struct.pack("=IHHII", length, kind, flags, seq, pid)


# -- nlmsghdr -------------------------------------------------------------------------------------


def test_split_reads_every_message_at_its_alignment() -> None:
    data = header(17) + b"x" + b"\0\0\0" + header(16, 3) + header(20, 2) + b"abcd"
    assert [(length, kind, offset) for length, kind, _f, _s, _p, offset in split(data)] == [
        (17, 16, 0), (16, 3, 20), (20, 2, 36)]


@pytest.mark.parametrize(("data", "match"), [
    (header(0), "less than its own 16-byte header"),             # C's NLMSG_NEXT would loop forever
    (header(15), "less than its own 16-byte header"),
    (header(17), "only 16 bytes are left"),                       # claims more than there is
    (header(2**32 - 1), "only 16 bytes are left"),
    (header(16)[:10], "truncated: 10 bytes left"),
    (header(16) + header(16)[:4], "message 1 at byte 16 is truncated"),
])
def test_split_refuses_lengths_that_lie(data: bytes, match: str) -> None:
    with pytest.raises(MalformedMessageError, match=match):
        list(split(data))


def test_pack_header_checks_its_fields() -> None:
    assert pack_header(16, 2, 3, 4, 5) == header(16, 2, 3, 4, 5)
    with pytest.raises(OverflowError, match="nlmsg_type"):
        pack_header(16, 2**16, 0, 0, 0)
    with pytest.raises(OverflowError, match="nlmsg_seq"):
        pack_header(16, 0, 0, -1, 0)


# -- nlattr ---------------------------------------------------------------------------------------


def test_attributes_are_padded_and_walked_back() -> None:
    data = pack_attribute(1, b"abc") + pack_attribute(2 | NLA_F_NESTED, pack_attribute(3, b"")) + \
        pack_attribute(4, b"12345678")
    assert len(data) == 8 + 8 + 12
    assert [(kind, data[start:end]) for kind, start, end in walk(data, 0, len(data))] == [
        (1, b"abc"), (2 | NLA_F_NESTED, struct.pack("=HH", 4, 3)), (4, b"12345678")]


@pytest.mark.parametrize(("data", "match"), [
    (struct.pack("=HH", 0, 1), "claims nla_len 0"),          # a zero length would never move on
    (struct.pack("=HH", 3, 1), "claims nla_len 3"),
    (struct.pack("=HH", 9, 1) + b"abcd", "claims nla_len 9"),
    (b"\x04\x00", "truncated"),
])
def test_walk_refuses_lengths_that_lie(data: bytes, match: str) -> None:
    with pytest.raises(MalformedMessageError, match=match):
        list(walk(data, 0, len(data)))


def test_pack_attribute_refuses_what_nla_len_cannot_say() -> None:
    with pytest.raises(ValueError, match="at most 65531"):
        pack_attribute(1, bytes(65532))
    with pytest.raises(OverflowError):
        pack_attribute(2**16, b"")


# -- values ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "order", "hint", "value", "payload"), [
    ("u8", None, None, 255, b"\xff"), ("u16", None, None, 0x1234, struct.pack("=H", 0x1234)),
    ("u32", None, None, 2**32 - 1, b"\xff" * 4), ("u64", None, None, 2**64 - 1, b"\xff" * 8),
    ("s8", None, None, -128, b"\x80"), ("s32", None, None, -2, struct.pack("=i", -2)),
    ("s64", None, None, -(2**63), struct.pack("=q", -(2**63))),
    ("u16", "big-endian", None, 0x1234, b"\x12\x34"), ("u32", "big-endian", None, 1, b"\0\0\0\1"),
    ("uint", None, None, 5, struct.pack("=I", 5)), ("uint", None, None, 2**40, struct.pack("=Q", 2**40)),
    ("sint", None, None, -1, struct.pack("=i", -1)),
    ("flag", None, None, True, b""), ("string", None, None, "eth0", b"eth0\0"),
    ("string", None, None, "caf\udcc3", b"caf\xc3\0"),     # not UTF-8: kept, losslessly
    ("binary", None, None, b"\0\1", b"\0\1"),
    ("binary", None, "mac", "02:00:00:00:00:01", bytes([2, 0, 0, 0, 0, 1])),
    ("binary", None, "ipv4", "198.18.0.1", bytes([198, 18, 0, 1])),
    ("binary", None, "ipv6", "2001:db8::1", bytes.fromhex("20010db8" + "0" * 22 + "01")),
    ("binary", None, "ipv4-or-v6", "198.19.255.255", bytes([198, 19, 255, 255])),
    ("binary", None, "hex", "00ff", b"\0\xff"),
    ("bitfield32", None, None, (1, 3), struct.pack("=II", 1, 3)),
])
def test_values_round_trip(kind: str, order: str | None, hint: str | None, value: Any,
                           payload: bytes) -> None:
    decode, encode = codec_for(kind, order, hint)
    assert encode(value) == payload
    assert decode(b"xx" + payload + b"yy", 2, 2 + len(payload)) == value


@pytest.mark.parametrize(("kind", "value", "error"), [
    ("u8", 256, OverflowError), ("u8", -1, OverflowError), ("s8", 128, OverflowError),
    ("u32", 1.5, TypeError), ("u32", "1", TypeError), ("uint", 2**64, OverflowError),
    ("string", "a\0b", ValueError), ("string", 5, TypeError), ("flag", False, TypeError),
    ("binary", "text", TypeError), ("bitfield32", 5, TypeError),
])
def test_values_refuse_with_the_stdlibs_types(kind: str, value: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        codec_for(kind)[1](value)


@pytest.mark.parametrize(("kind", "hint", "payload"), [
    ("u32", None, b"abc"), ("u16", None, b"abcd"), ("uint", None, b"abc"), ("flag", None, b"x"),
    ("binary", "ipv4", b"abc"), ("binary", "ipv4-or-v6", b"12345"), ("bitfield32", None, b"1234"),
])
def test_values_of_the_wrong_size_are_malformed(kind: str, hint: str | None, payload: bytes) -> None:
    with pytest.raises(MalformedMessageError):
        codec_for(kind, None, hint)[0](payload, 0, len(payload))


# -- declared families ------------------------------------------------------------------------------


def test_an_undeclared_attribute_is_kept_by_number() -> None:
    link = codec(spec("rt-link"))
    data = link.encode("newlink", attributes={"ifname": "a", 999: b"\1\2"})
    (message,) = link.messages(data, "newlink")
    assert message.attributes == {"ifname": "a", 999: b"\1\2"}


def test_a_message_shorter_than_its_fixed_header_is_malformed() -> None:
    data = header(16 + 8, 16) + bytes(8)  # ifinfomsg is 16 bytes
    with pytest.raises(MalformedMessageError, match="rt-link newlink-ntf message at byte 0 is 24 bytes"):
        list(codec(spec("rt-link")).messages(data))


def test_a_lying_attribute_deep_in_a_nest_is_named_by_its_path() -> None:
    link = codec(spec("rt-link"))
    nest = pack_attribute(18 | NLA_F_NESTED, struct.pack("=HH", 200, 1) + b"veth")  # linkinfo.kind lies
    data = link.encode("newlink", attributes={"ifname": "a"})[:-0 or None] + nest
    data = struct.pack("=I", len(data)) + data[4:]
    pattern = r"newlink message at byte 0: linkinfo: attribute type 1 .*claims nla_len 200"
    with pytest.raises(MalformedMessageError, match=pattern):
        list(link.messages(data, "newlink"))


def test_encoding_errors_name_the_family_and_attribute() -> None:
    link = codec(spec("rt-link"))
    with pytest.raises(OverflowError, match="rt-link attribute mtu \\(u32\\)"):
        link.encode("newlink", attributes={"mtu": -1})
    with pytest.raises(ValueError, match=r"^rt-link attribute set 'linkinfo-attrs' has no attribute "
                                         r"'linkinfo\.nosuch'$"):
        link.encode("newlink", attributes={"linkinfo": {"nosuch": 1}})
    with pytest.raises(TypeError, match="rt-link attribute linkinfo \\(nest\\)"):
        link.encode("newlink", attributes={"linkinfo": "veth"})
    with pytest.raises(ValueError, match="has no dump request"):
        link.encode("dellink", "dump")
    generic = codec(load_spec({"name": "x", "operations": {"list": [{"name": "a", "do": {"request": {}}}]}}))
    with pytest.raises(ValueError, match="resolve its id first"):
        generic.encode("a")


RECURSIVE = {
    "name": "deep", "protocol": "netlink-raw", "protonum": 2,
    "attribute-sets": [{"name": "node", "attributes": [
        {"name": "value", "type": "u32"}, {"name": "child", "type": "nest", "nested-attributes": "node"}]}],
    "operations": {"list": [{"name": "tree", "value": 16, "attribute-set": "node", "do": {"request": {}}}]},
}


def test_a_recursive_family_decodes_to_a_depth_limit() -> None:
    deep = codec(load_spec(RECURSIVE))
    tree: dict[str, Any] = {"value": 0}
    for level in range(1, MAX_DEPTH + 1):
        tree = {"value": level, "child": tree}
    (message,) = deep.messages(deep.encode("tree", attributes=tree), "tree")
    assert message.attributes == tree
    too_deep = deep.encode("tree", attributes={"value": 0, "child": tree})
    with pytest.raises(MalformedMessageError, match=f"nested more than {MAX_DEPTH} deep"):
        list(deep.messages(too_deep, "tree"))


# -- YNL-shaped declarations ----------------------------------------------------------------------

USER_FAMILY = {
    "name": "demo", "protocol": "genetlink",
    "definitions": [{"name": "colour", "type": "enum", "entries": ["red", {"name": "blue", "value": 7}]},
                    {"name": "perms", "type": "flags", "value-start": 1, "entries": ["read", "write"]}],
    "attribute-sets": [
        {"name": "main", "attributes": [
            {"name": "id", "type": "u32"}, {"name": "name", "type": "string"},
            {"name": "tags", "type": "string", "multi-attr": True},
            {"name": "items", "type": "indexed-array", "sub-type": "nest", "nested-attributes": "item"},
            {"name": "port", "type": "u16", "byte-order": "big-endian", "value": 10},
            {"name": "colour", "type": "u8", "enum": "colour"}]},
        {"name": "item", "attributes": [{"name": "weight", "type": "s32"}]},
        {"name": "only-id", "subset-of": "main", "attributes": [{"name": "id"}]}],
    "operations": {"list": [
        {"name": "get", "attribute-set": "main", "do": {"request": {"attributes": ["id"]},
                                                        "reply": {"attributes": ["id", "name"]}}},
        {"name": "changed", "attribute-set": "main", "event": {"attributes": ["id"]}}]},
    "mcast-groups": {"list": [{"name": "changes"}]},
}


def test_a_users_family_declared_as_data_round_trips() -> None:
    demo = load_spec(USER_FAMILY)
    assert demo.generic and demo.version == 1
    assert demo.attribute_set("main").by_name["port"].value == 10
    assert demo.attribute_set("main").by_name["colour"].value == 11  # numbering goes on from 10
    assert demo.attribute_set("only-id").by_name["id"].value == 1
    assert demo.operation("get").do_request.value == 1 and demo.operation("changed").event.value == 2  # type: ignore[union-attr]
    assert demo.enums["colour"].entries == {"red": 0, "blue": 7}
    assert demo.enums["perms"].entries == {"read": 2, "write": 4}
    assert demo.enums["perms"].names(6) == ["read", "write"] and demo.enums["colour"].names(7) == "blue"
    values = {"id": 3, "name": "x", "tags": ["a", "b"], "items": [{"weight": -1}, {"weight": 2}], "port": 80,
              "colour": 7}
    compiled = codec(demo)
    data = compiled.encode("get", attributes=values, family_id=0x1234)
    (message,) = compiled.messages(data, "get")
    assert message.attributes == values and message.type == 0x1234 and message.command == 1
    port = compiled.encode("get", attributes={"port": 80}, family_id=1)[-8:]
    assert port == struct.pack("=HH", 6, 10) + b"\0\x50\0\0"  # big-endian, padded
    (event,) = compiled.messages(compiled.encode("get", family_id=0x20)[:16] + struct.pack("=BBH", 2, 1, 0))
    assert event.operation == "changed"


def test_a_dump_declared_with_only_a_reply_has_an_empty_request() -> None:
    """The kernel's specs declare most dumps as ``dump: {reply: ...}`` (netdev's dev-get, for one):
    the request is the operation's command with no attribute, as the kernel's own ynl sends it."""
    family = load_spec({"name": "d", "protocol": "genetlink", "attribute-sets": [
        {"name": "dev", "attributes": [{"name": "ifindex", "type": "u32"}]}],
        "operations": {"list": [{"name": "dev-get", "attribute-set": "dev", "value": 1,
                                 "do": {"request": {"attributes": ["ifindex"]}},
                                 "dump": {"reply": {"attributes": ["ifindex"]}}}]}})
    assert family.operation("dev-get").dump_request == Direction(1, ())
    data = codec(family).encode("dev-get", "dump", family_id=0x21)
    assert data == header(20, 0x21, 0x301, 0) + struct.pack("=BBH", 1, 1, 0)
    directional = load_spec({"name": "r", "protocol": "netlink-raw", "protonum": 0, "operations": {
        "enum-model": "directional", "list": [{"name": "get", "dump": {"reply": {"value": 5}}}]}})
    assert directional.operation("get").dump_request is None  # no value to send it with


def test_specs_read_from_json_files(tmp_path: Path) -> None:
    path = tmp_path / "demo.json"
    path.write_text(json.dumps(USER_FAMILY))
    assert read_spec(path).attribute_set("main").by_name["tags"].multi_attr


def test_yaml_specs_without_pyyaml_say_what_to_install(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "yaml", None)  # as if PyYAML were not installed
    path = tmp_path / "demo.yaml"
    path.write_text("name: demo\n")
    with pytest.raises(ImportError, match=r"needs PyYAML \(pip install 'famsock-netlink\[yaml\]'\)"):
        read_spec(path)


def test_specs_read_from_yaml_files_when_pyyaml_is_there(tmp_path: Path) -> None:
    yaml = pytest.importorskip("yaml", reason="PyYAML is optional: YAML specs need it, JSON ones do not")
    path = tmp_path / "demo.yaml"
    path.write_text(yaml.safe_dump(USER_FAMILY))
    assert read_spec(path).operation("get").do_reply.attributes == ("id", "name")  # type: ignore[union-attr]


@pytest.mark.parametrize(("change", "match"), [
    ({"protocol": "netlink-fancy"}, "protocol must be one of"),
    ({"protocol": "netlink-raw"}, "needs protonum"),
    ({"attribute-sets": [{"name": "s", "attributes": [{"name": "n", "type": "nest",
                                                      "nested-attributes": "missing"}]}]}, "nests 'missing'"),
    ({"attribute-sets": [{"name": "s", "subset-of": "nothing", "attributes": []}]}, "subset of 'nothing'"),
    ({"operations": {"list": [{"name": "a", "attribute-set": "nope"}]}}, "attribute set 'nope'"),
    ({"operations": {"list": [{"name": "a", "notify": "b"}]}}, "notifies as 'b'"),
    ({"definitions": [{"name": "d", "type": "union"}]}, "definition 'd' has type 'union'"),
    ({"name": 5}, "'name' must be given as text"),
])
def test_bad_declarations_are_refused_saying_where(change: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        load_spec({"name": "bad", **change})
