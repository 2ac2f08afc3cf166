"""famsock's conformance kit, run on the inet family (see famsock.testing.conformance)."""

from famsock.testing.conformance import FamilyConformance


class TestConformance(FamilyConformance):
    family_name = "inet"
