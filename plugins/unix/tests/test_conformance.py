"""famsock's conformance kit, run on the unix family (see famsock.testing.conformance)."""

from famsock.testing.conformance import FamilyConformance


class TestConformance(FamilyConformance):
    family_name = "unix"
