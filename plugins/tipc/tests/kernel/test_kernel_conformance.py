"""famsock's conformance kit over AF_TIPC, on the real kernel: every loopback (SOCK_RDM and
SOCK_DGRAM, each bound to a fresh service name) on both paths. Connection sockets are
tested in test_kernel_sockets.py (famsock's echo closes without shutdown(), which TIPC reads as a
reset)."""

from __future__ import annotations

from famsock.testing.conformance import FamilyConformance


class TestConformance(FamilyConformance):
    family_name = "tipc"
