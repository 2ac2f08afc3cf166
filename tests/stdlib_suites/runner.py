"""Run stdlib test modules with the stdlib's ``socket`` or with famsock as the process's ``socket``.

    python runner.py {stdlib|famsock} OUTPUT.json test.test_socketserver [test.test_x ...]

With ``famsock``, ``sys.modules["socket"]`` is famsock before any test module is imported, so
every library those tests use (socketserver, asyncio, http, ssl, logging...) gets famsock
sockets. Each test's outcome is written to OUTPUT.json: {test id: "pass"|"fail"|"error"|"skip"}.
"""

from __future__ import annotations

import importlib
import json
import sys
import unittest
from typing import Any


def _use_famsock() -> None:
    import famsock

    sys.modules["socket"] = famsock


class _Outcomes(unittest.TextTestResult):
    outcomes: dict[str, str]

    def startTestRun(self) -> None:  # noqa: N802 - unittest's names
        self.outcomes = {}
        super().startTestRun()

    def addSuccess(self, test: unittest.TestCase) -> None:  # noqa: N802
        self.outcomes[test.id()] = "pass"
        super().addSuccess(test)

    def addFailure(self, test: unittest.TestCase, err: Any) -> None:  # noqa: N802
        self.outcomes[test.id()] = "fail"
        super().addFailure(test, err)

    def addError(self, test: unittest.TestCase, err: Any) -> None:  # noqa: N802
        self.outcomes[test.id()] = "error"
        super().addError(test, err)

    def addSkip(self, test: unittest.TestCase, reason: str) -> None:  # noqa: N802
        self.outcomes[test.id()] = "skip"
        super().addSkip(test, reason)

    def addExpectedFailure(self, test: unittest.TestCase, err: Any) -> None:  # noqa: N802
        self.outcomes[test.id()] = "pass"
        super().addExpectedFailure(test, err)

    def addUnexpectedSuccess(self, test: unittest.TestCase) -> None:  # noqa: N802
        self.outcomes[test.id()] = "fail"
        super().addUnexpectedSuccess(test)

    def addSubTest(self, test: unittest.TestCase, subtest: unittest.TestCase, err: Any) -> None:  # noqa: N802
        if err is not None:  # a failed subtest fails its test, which then reports no success
            self.outcomes[test.id()] = "fail"
        super().addSubTest(test, subtest, err)


#: Tests that cannot run on these machines with the stdlib either, and why: left out in both modes.
EXCLUDED = {
    "test.test_socket.ThreadedVSOCKSocketStreamTest":
        "hangs with the stdlib: AF_VSOCK opens here, but the kernel has no vsock loopback",
}


def _without_excluded(suite: unittest.TestSuite) -> unittest.TestSuite:
    kept = unittest.TestSuite()
    for test in suite:
        if isinstance(test, unittest.TestSuite):
            kept.addTest(_without_excluded(test))
        elif not any(test.id().startswith(prefix + ".") for prefix in EXCLUDED):
            kept.addTest(test)
    return kept


def _check_famsock_is_used(modules: list[str]) -> None:
    """Stop unless every test module that imported ``socket`` got famsock: the comparison would
    otherwise pit the stdlib against itself."""
    famsock = sys.modules["socket"]
    for name in modules:
        found = getattr(sys.modules.get(name), "socket", famsock)
        if found is not famsock:
            raise SystemExit(f"{name} imported {found!r}, not famsock")


def main(argv: list[str]) -> int:
    mode, output, *modules = argv
    if mode == "famsock":
        _use_famsock()
    elif mode != "stdlib":
        raise SystemExit(f"mode must be stdlib or famsock, got {mode!r}")
    support = importlib.import_module("test.support")  # the stdlib's tests: no type stubs
    support.use_resources = ["network"]  # type: ignore[attr-defined]  # loopback only: a private netns
    support.verbose = False  # type: ignore[attr-defined]  # as regrtest without -v: no chatter
    suite = _without_excluded(unittest.defaultTestLoader.loadTestsFromNames(modules))
    if mode == "famsock":
        _check_famsock_is_used(modules)
    runner = unittest.TextTestRunner(stream=sys.stderr, verbosity=0,
                                     resultclass=_Outcomes)  # type: ignore[arg-type]  # typeshed's too narrow
    result = runner.run(suite)
    assert isinstance(result, _Outcomes)
    with open(output, "w") as file:
        json.dump(result.outcomes, file, indent=0, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
