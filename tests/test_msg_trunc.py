"""recvfrom() with MSG_TRUNC returns only bytes the kernel wrote, on both paths.

The stdlib's C method returns the datagram's whole length, all past ``bufsize`` uninitialised
memory (on a stream socket, all of it): famsock returns at most ``bufsize`` bytes, the datagram's.
"""

from __future__ import annotations

import socket as stdlib
import time

import pytest

import famsock
from tests.helpers import IPS, Ip


@pytest.mark.parametrize("ip", IPS)
def test_a_truncated_datagram_gives_at_most_bufsize_bytes_of_it(syscall_path: str, ip: Ip) -> None:
    with famsock.socket(ip.family, stdlib.SOCK_DGRAM) as receiver, \
            stdlib.socket(ip.family, stdlib.SOCK_DGRAM) as sender:
        receiver.bind(ip.local)
        sender.bind(ip.local)
        sender.sendto(b"x" * 100, receiver.getsockname())
        sender.sendto(b"y" * 100, receiver.getsockname())
        data, address = receiver.recvfrom(4, stdlib.MSG_TRUNC | stdlib.MSG_PEEK)
        assert (data, address) == (b"xxxx", sender.getsockname())
        assert receiver.recvfrom(4, stdlib.MSG_TRUNC)[0] == b"xxxx"
        buffer = bytearray(4)
        assert receiver.recvfrom_into(buffer, 4, stdlib.MSG_TRUNC)[0] == 100  # the whole length
        assert buffer == b"yyyy"


def test_a_truncated_stream_read_gives_no_uninitialised_bytes(syscall_path: str) -> None:
    with famsock.create_server(("127.0.0.1", 0)) as server, \
            stdlib.create_connection(server.getsockname()) as client:
        conn, _ = server.accept()
        with conn:
            client.sendall(b"z" * 50)
            time.sleep(0.05)
            data, address = conn.recvfrom(10, stdlib.MSG_TRUNC)  # the kernel discards, writing none
            assert (data, address) == (bytes(10), None)
            assert conn.recv(100) == b"z" * 40


def test_flags_without_msg_trunc_are_the_c_methods(syscall_path: str) -> None:
    with famsock.socket(stdlib.AF_INET, stdlib.SOCK_DGRAM) as receiver, \
            stdlib.socket(stdlib.AF_INET, stdlib.SOCK_DGRAM) as sender:
        receiver.bind(("127.0.0.1", 0))
        sender.sendto(b"abc", receiver.getsockname())
        assert receiver.recvfrom(2, stdlib.MSG_PEEK)[0] == b"ab"
        with pytest.raises(OverflowError):
            receiver.recvfrom(2, 2**40)
        with pytest.raises(ValueError, match="negative buffersize"):
            receiver.recvfrom(-1, stdlib.MSG_TRUNC)
