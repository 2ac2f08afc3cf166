"""famsock's conformance kit on AF_VSOCK (see famsock.testing.conformance).

Its kernel checks run over the plugin's loopbacks, which exist only where the kernel has a
loopback transport (``vsock_loopback``); elsewhere they skip with that reason, and
tests/test_kernel.py shows what this machine's kernel does with AF_VSOCK addresses.
"""

from famsock.testing.conformance import FamilyConformance


class TestConformance(FamilyConformance):
    family_name = "vsock"
