"""famsock's conformance kit on AF_PACKET (see famsock.testing.conformance): datagram sockets
bound to ``lo``, on both syscall paths, against the stdlib's view of the same sockets."""

from famsock.testing.conformance import FamilyConformance


class TestConformance(FamilyConformance):
    family_name = "packet"
