"""Read an Odoo server log and say whether the add-on installed, upgraded and tested cleanly.

Usage: python3 odoo_log.py LOG --module NAME [--path DIR] [--tests] [--counts FILE]

A log fails when it holds:
- any ERROR or CRITICAL record, or any record starting with "FAIL:" or "ERROR:"
  (failed tests);
- a WARNING record emitted by the add-on's own loggers or naming the add-on,
  its models (``partner.lifecycle...``), its fields (``lifecycle_...``) or its
  folder, or a docutils warning about a module description (the add-on's, in a
  run that installs or upgrades only it); warnings about the rest of Odoo are
  left alone;
- with ``--tests``: no test summary line, or a summary with no test run.

With ``--tests`` and ``--counts FILE``, writes ``PASSED FAILED SKIPPED`` to FILE
(errors count as failed). Exits 0 when the log is clean, 1 otherwise.
Only the standard library is used: it runs with any Python 3.
"""

import argparse
import re
import sys
from pathlib import Path

RECORD = re.compile(
    r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} \d+ "
    r"(?P<level>[A-Z]+) (?P<db>\S+) (?P<logger>[\w.]+): (?P<message>.*)$"
)
SUMMARY = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database")
MAX_SHOWN_LINES = 40


def read_records(path):
    """Split the log into records: a header line and its continuation lines."""
    records = []
    for line in Path(path).read_text(encoding="utf-8", errors="replace").splitlines():
        match = RECORD.match(line)
        if match:
            records.append({**match.groupdict(), "lines": [line]})
        elif records:
            records[-1]["lines"].append(line)
    return records


def is_about_module(record, module, paths):
    """Tell whether a record comes from the add-on or names it."""
    if record["logger"].startswith(f"odoo.addons.{module}"):
        return True
    # Odoo renders an add-on's README as reStructuredText when it has no
    # static/description/index.html; the warnings do not name the add-on, and in
    # a run that installs or upgrades only this add-on they can only be about it.
    if record["logger"] == "odoo.addons.base.models.ir_module" and record["message"].startswith(
        "docutils' system message"
    ):
        return True
    text = "\n".join(record["lines"])
    words = [module, module.replace("_", "."), "lifecycle_", *paths]
    return any(word in text for word in words)


def problems(records, module, paths):
    """Return the records that make the log fail (except test counts)."""
    found = []
    for record in records:
        fatal = record["level"] in ("ERROR", "CRITICAL") or record["message"].startswith(
            ("FAIL:", "ERROR:")
        )
        warning = record["level"] == "WARNING" and record["logger"] != "odoo.tests.result"
        if fatal or (warning and is_about_module(record, module, paths)):
            found.append(record)
    return found


def test_counts(records, module):
    """Return (run, failed, errors, skipped), or None without a summary line."""
    summary = None
    skipped = 0
    skip_line = re.compile(r"^skipped ")
    for record in records:
        match = SUMMARY.search(record["message"])
        if record["logger"] == "odoo.tests.result" and match:
            summary = match
        if record["logger"].startswith(f"odoo.addons.{module}.") and skip_line.match(
            record["message"]
        ):
            skipped += 1
    if summary is None:
        return None
    failed, errors, run = (int(value) for value in summary.groups())
    return run, failed, errors, skipped


def show(records):
    """Print the records, cut to a readable length."""
    shown = 0
    for record in records:
        for line in record["lines"]:
            if shown >= MAX_SHOWN_LINES:
                print("  ... (more in the log)")
                return
            print(f"  {line}")
            shown += 1


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("log")
    parser.add_argument("--module", required=True)
    parser.add_argument("--path", action="append", default=[], help="folder of the add-on")
    parser.add_argument("--tests", action="store_true", help="the run executed tests")
    parser.add_argument("--counts", help="file to write 'PASSED FAILED SKIPPED' to")
    args = parser.parse_args(argv)

    records = read_records(args.log)
    bad = problems(records, args.module, args.path)
    ok = not bad
    if bad:
        print(f"{len(bad)} error or warning record(s) about the run:")
        show(bad)
    if args.tests:
        counts = test_counts(records, args.module)
        if counts is None:
            print("no test summary in the log: the tests did not run to the end")
            ok = False
            passed, failed, skipped = 0, 0, 0
        else:
            run, failures, errors, skipped = counts
            failed = failures + errors
            passed = max(run - failed - skipped, 0)
            print(f"Odoo tests: {run} run, {failures} failed, {errors} error(s), {skipped} skipped")
            if run == 0:
                print("no Odoo test ran (are the test modules imported in tests/__init__.py?)")
                ok = False
            if failed:
                ok = False
        if args.counts:
            Path(args.counts).write_text(f"{passed} {failed} {skipped}\n", encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
