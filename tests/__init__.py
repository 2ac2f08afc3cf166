"""The core's tests and cross-family tests: a package, so that they import their helpers as
``tests.helpers`` (pytest puts the project's root on ``sys.path`` for a package's tests)."""
