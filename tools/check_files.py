"""The checks no maintained pre-commit hook does for this add-on (run by .pre-commit-config.yaml).

Usage: python tools/check_files.py COMMAND [ARGS]

- oca-module [OPTIONS]: OCA's module checks (``oca-checks-odoo-module``, XML, CSV and
  manifest conventions) on this add-on. The command looks for a manifest in the
  folders above each file, up to the top of the git repository but not in it, so it
  never sees an add-on that is the repository itself: it runs here on a copy of the
  add-on's files placed one folder below a repository top, as in an OCA repository;
  OPTIONS go to it unchanged.
- msgfmt FILE...: GNU gettext's ``msgfmt -c`` accepts each translation file (it
  refuses broken syntax that polib and OCA's PO checks let through).
- depends: the manifest depends on the add-ons the code needs (``sale_stock``, ``mail``).

Each command prints one line per problem and exits 1 when it found any.
"""

import ast
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULE = "partner_lifecycle"
REQUIRED_DEPENDS = ("sale_stock", "mail")


def oca_module(options):
    """Run oca-checks-odoo-module on a copy of the add-on; return its exit code."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, text=True
    ).stdout
    command = Path(sys.executable).with_name("oca-checks-odoo-module")
    with tempfile.TemporaryDirectory() as top:
        (Path(top) / ".git").mkdir()
        addon = Path(top) / MODULE
        for name in filter(None, listed.split("\0")):
            if (ROOT / name).is_file():
                (addon / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / name, addon / name)
        result = subprocess.run(
            [str(command), *options, str(addon)], cwd=top, capture_output=True, text=True
        )
    output = (result.stdout + result.stderr).replace(f"{MODULE}/", "")
    if output.strip():
        print(output.strip())
    return result.returncode


def msgfmt(paths):
    """Check each translation file with msgfmt -c; return the problems."""
    if not shutil.which("msgfmt"):
        return ["msgfmt not found: install GNU gettext (apt-get install gettext)"]
    found = []
    for path in paths:
        result = subprocess.run(
            ["msgfmt", "-c", "-o", os.devnull, path], capture_output=True, text=True
        )
        if result.returncode:
            found.append(f"{path}: msgfmt -c: {result.stderr.strip()}")
    return found


def depends():
    """Check that the manifest depends on the add-ons the code needs; return the problems."""
    manifest = ast.literal_eval((ROOT / "__manifest__.py").read_text(encoding="utf-8"))
    listed = manifest.get("depends", [])
    return [
        f"__manifest__.py: depends lacks {name!r}"
        for name in REQUIRED_DEPENDS
        if name not in listed
    ]


def main(argv):
    if not argv or argv[0] not in ("oca-module", "msgfmt", "depends"):
        print(__doc__)
        return 2
    if argv[0] == "oca-module":
        return oca_module(argv[1:])
    found = msgfmt(argv[1:]) if argv[0] == "msgfmt" else depends()
    for problem in found:
        print(problem)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
