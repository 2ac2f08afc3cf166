"""famsock's conformance kit, run on the inet6 family (see famsock.testing.conformance)."""

from famsock.testing.conformance import FamilyConformance


class TestConformance(FamilyConformance):
    family_name = "inet6"
