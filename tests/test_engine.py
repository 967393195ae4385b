"""The engine tests (``tests_engine/``, plain pytest) under Odoo's test runner.

``odoo-bin --test-tags /partner_lifecycle`` runs unittest classes only, and the
engine tests are pytest functions (``parametrize``, ``hypothesis``). As OCA's
``mis_builder`` does for its doctests, each of them is wrapped in an Odoo test
case: pytest collects the engine tests when this module is imported, runs them
all once in this process before the first one is reported (``setUpClass``), and
each pytest test becomes one Odoo test that passes, fails (with pytest's report)
or is skipped exactly as it did under pytest.

The wheel ships the add-on without ``tests_engine/``: installed that way, the
class holds one test, skipped with the reason.
"""

import contextlib
import io
import re
from pathlib import Path

from odoo.tests import BaseCase, tagged

ROOT = Path(__file__).resolve().parent.parent
ENGINE_TESTS = ROOT / "tests_engine"


class _Recorder:
    """pytest plugin: the collected test ids, collection errors and one report per test."""

    def __init__(self):
        self.nodeids = []
        self.errors = []
        self.reports = {}

    def pytest_collection_modifyitems(self, items):
        self.nodeids = [item.nodeid for item in items]

    def pytest_collectreport(self, report):
        if report.failed:
            self.errors.append(f"{report.nodeid}:\n{report.longreprtext}")

    def pytest_runtest_logreport(self, report):
        # One test has setup, call and teardown reports: keep the one that decides.
        known = self.reports.get(report.nodeid)
        if known is None or report.failed or (known.passed and report.skipped):
            self.reports[report.nodeid] = report


def _pytest(*args):
    """Run pytest on the engine tests in this process; return (exit code, recorder, output)."""
    import pytest

    recorder = _Recorder()
    output = io.StringIO()
    argv = [
        str(ENGINE_TESTS),
        f"--rootdir={ROOT}",
        f"--confcutdir={ENGINE_TESTS}",
        "--import-mode=importlib",
        "-o",
        "addopts=",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:odoo",  # pytest-odoo, when installed, would start a second Odoo
        "-q",
        *args,
    ]
    with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
        code = pytest.main(argv, plugins=[recorder])
    return int(code), recorder, output.getvalue()


def _missing_reason():
    """Why the engine tests cannot run here, or None when they can."""
    if not ENGINE_TESTS.is_dir():
        return (
            "tests_engine/ is not installed (the wheel ships the add-on only): "
            "run the engine tests from a checkout"
        )
    try:
        import hypothesis  # noqa: F401
        import pytest  # noqa: F401
    except ImportError as error:
        return f"the engine tests need pytest and hypothesis in Odoo's environment ({error})"
    return None


def _method_name(nodeid, taken):
    """A test method name for a pytest node id, unique within ``taken``."""
    path, _, test = nodeid.removeprefix("tests_engine/").partition(".py::")
    words = f"{path.removeprefix('test_')}__{test.removeprefix('test_')}"
    name = "test_" + re.sub(r"[^0-9A-Za-z_]+", "_", words).strip("_")
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        candidate = f"{name}_{number}"
    taken.add(candidate)
    return candidate


def _engine_test(nodeid):
    def test(self):
        report = self.reports.get(nodeid)
        if report is None:
            self.fail(f"pytest did not run {nodeid}:\n{self.output}")
        if report.skipped:
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
            self.skipTest(str(reason))
        if report.failed:
            self.fail(f"{nodeid} failed under pytest:\n{report.longreprtext}")

    test.__doc__ = nodeid
    return test


def _collection_failed(self):
    self.fail("pytest could not collect the engine tests:\n" + "\n".join(self.collect_errors))


def _not_available(self):
    self.skipTest(self.missing)


@tagged("post_install", "-at_install")
class TestEngine(BaseCase):
    """Each engine test (tests_engine/) as an Odoo test; pytest runs them once in setUpClass."""

    missing = _missing_reason()
    collect_errors = ()
    reports = {}
    output = ""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if cls.missing is None:
            _code, recorder, cls.output = _pytest()
            cls.reports = recorder.reports


if TestEngine.missing is not None:
    TestEngine.test_engine_tests = _not_available
else:
    _code, _recorder, _output = _pytest("--collect-only")
    if _recorder.errors or not _recorder.nodeids:
        TestEngine.collect_errors = _recorder.errors or [_output]
        TestEngine.test_engine_collection = _collection_failed
    _taken = set()
    for _nodeid in _recorder.nodeids:
        setattr(TestEngine, _method_name(_nodeid, _taken), _engine_test(_nodeid))
