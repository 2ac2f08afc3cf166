"""famsock's conformance kit on AF_XDP (see famsock.testing.conformance).

AF_XDP has no loopback (nothing answers an XDP socket without an XDP program), so the kit's
kernel checks skip, saying so; tests/test_kernel.py takes a socket through every step instead.
"""

from famsock.testing.conformance import FamilyConformance


class TestConformance(FamilyConformance):
    family_name = "xdp"
