"""The pytest plugin behind :mod:`famsock.testing` (registered as ``pytest11: famsock``)."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator

import pytest

from . import syscall_path as _use_path
from .netns import enter_private_network

_ISOLATION = pytest.StashKey[str]()  # "" when isolated, else why not
_HYPOTHESIS = pytest.StashKey[str]()  # the hypothesis profile loaded, "" when none


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("famsock_netns", type="bool", default=False,
                  help="famsock: run tests in a private network namespace (loopback only)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "family(name): needs this famsock family, installed and "
                                       "available on this kernel (skipped otherwise, with the reason)")
    if config.getini("famsock_netns"):
        config.stash[_ISOLATION] = enter_private_network()
    else:
        config.stash[_ISOLATION] = "famsock_netns is not set"
    config.stash[_HYPOTHESIS] = _load_hypothesis_profile(config)


def _load_hypothesis_profile(config: pytest.Config) -> str:
    """famsock's hypothesis profile (deterministic, bounded; ``$FAMSOCK_HYPOTHESIS_PROFILE``
    picks another), loaded before test modules import and build their ``@settings``.

    Nothing happens without hypothesis, when its pytest plugin is off (``-p no:hypothesispytest``:
    a run with no property test, where importing it would only cost time), nor when
    ``--hypothesis-profile`` chose one already.
    """
    if (importlib.util.find_spec("hypothesis") is None
            or not config.pluginmanager.has_plugin("hypothesispytest")
            or config.getoption("hypothesis_profile", None)):
        return ""
    from .strategies import load_profile  # noqa: PLC0415 - imports hypothesis

    try:
        return load_profile()
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from None


def pytest_report_header(config: pytest.Config) -> list[str]:
    why = config.stash.get(_ISOLATION, "")
    lines = ["famsock: private network namespace (loopback only)" if not why
             else f"famsock: host network namespace ({why})"]
    profile = config.stash.get(_HYPOTHESIS, "")
    if profile:
        lines.append(f"famsock: hypothesis profile {profile!r}")
    return lines


def pytest_runtest_setup(item: pytest.Item) -> None:
    for marker in item.iter_markers("family"):
        for name in marker.args:
            reason = _family_unusable(name)
            if reason:
                pytest.skip(reason)


def _family_unusable(name: str) -> str:
    from .._availability import availability  # noqa: PLC0415
    from .._errors import FamilyError  # noqa: PLC0415
    from .._registry import registry  # noqa: PLC0415

    try:
        family = registry.family_named(name)
    except FamilyError as exc:
        return f"famsock family {name!r} is not usable: {exc.strerror}"
    state = availability(family)
    return "" if state.available else f"{family.constant} unavailable on this kernel: {state.reason}"


@pytest.fixture
def isolated_network(request: pytest.FixtureRequest) -> None:
    """Skip unless the session runs in a private network namespace (so DNS cannot leave it)."""
    why = request.config.stash.get(_ISOLATION, "unknown")
    if why:
        pytest.skip(f"needs a private network namespace: {why}")


@pytest.fixture(params=["native", "raw"])
def syscall_path(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run the test on each syscall path; yields ``"native"`` or ``"raw"``."""
    with _use_path("auto" if request.param == "native" else "raw"):
        yield request.param


@pytest.fixture
def no_fd_leak() -> Iterator[None]:
    """Fail the test (in its teardown) if it leaves a file descriptor open or closes one it did
    not open; the failure names each fd and what it refers to. For a whole module:
    ``pytestmark = pytest.mark.usefixtures("no_fd_leak")``."""
    from .compare import fds_unchanged  # noqa: PLC0415 - not every run needs it

    with fds_unchanged():
        yield
