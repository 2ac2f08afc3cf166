"""famsock's conformance kit, run on the netlink family over NETLINK_USERSOCK loopbacks."""

from famsock.testing.conformance import FamilyConformance


class TestConformance(FamilyConformance):
    family_name = "netlink"
