"""Static checks of the add-on's non-Python files, run by tools/check.sh.

Usage: python check_files.py {xml,manifest,po,oca} [ROOT]

- xml:      every *.xml file parses (lxml);
- manifest: __manifest__.py is a literal dict with the required keys, an 18.0.x.y.z
            version, the LGPL-3 license, the needed dependencies, and every file it
            lists exists;
- po:       every *.po and *.pot file parses (polib, and msgfmt -c when installed)
            and passes OCA's PO checks;
- oca:      OCA's module checks (oca-odoo-pre-commit-hooks: XML, CSV and manifest
            conventions), the ones OCA runs as blocking.

Each command prints one line per problem and exits 1 when it found any.
"""

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

SKIPPED_DIRS = {".git", ".venv", "node_modules", "__pycache__", ".ruff_cache", ".pytest_cache"}
REQUIRED_KEYS = ("name", "version", "license", "depends", "data", "installable")
REQUIRED_DEPENDS = ("sale_stock", "mail")
LICENSE = "LGPL-3"
VERSION = re.compile(r"^18\.0\.\d+\.\d+\.\d+$")
MANIFEST_FILE_KEYS = ("data", "demo")
# OCA checks that do not apply to this repository: it is one add-on at the root of
# its own repository, documented by README.md, and not translated on Weblate.
OCA_DISABLED = {"prefer-readme-rst", "weblate-component-too-long"}
# As in OCA's pre-commit configuration: the PO layout is the one Odoo exports.
OCA_PO_ARGS = ["--disable=po-pretty-format"]


def project_files(root, pattern):
    """Return the files under root matching pattern, outside tool and VCS folders."""
    return sorted(
        path
        for path in root.rglob(pattern)
        if not SKIPPED_DIRS.intersection(path.relative_to(root).parts)
    )


def check_xml(root):
    """Parse every XML file; return the problems."""
    from lxml import etree

    found = []
    for path in project_files(root, "*.xml"):
        try:
            etree.parse(str(path))
        except etree.XMLSyntaxError as error:
            found.append(f"{path.relative_to(root)}: XML syntax error: {error}")
    return found


def load_manifest(root):
    """Return the manifest dict, or raise ValueError saying why it is not one."""
    path = root / "__manifest__.py"
    try:
        manifest = ast.literal_eval(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, SyntaxError) as error:
        raise ValueError(f"__manifest__.py is not a literal dict: {error}") from error
    if not isinstance(manifest, dict):
        raise ValueError("__manifest__.py is not a literal dict")
    return manifest


def check_manifest(root):
    """Check the manifest's keys, version, license, dependencies and files."""
    try:
        manifest = load_manifest(root)
    except ValueError as error:
        return [str(error)]
    found = [
        f"__manifest__.py: missing key {key!r}" for key in REQUIRED_KEYS if key not in manifest
    ]
    version = str(manifest.get("version", ""))
    if not VERSION.match(version):
        found.append(f"__manifest__.py: version {version!r} is not 18.0.x.y.z")
    if manifest.get("license") != LICENSE:
        found.append(f"__manifest__.py: license {manifest.get('license')!r} is not {LICENSE!r}")
    depends = manifest.get("depends", [])
    found += [
        f"__manifest__.py: depends lacks {name!r}"
        for name in REQUIRED_DEPENDS
        if name not in depends
    ]
    for key in MANIFEST_FILE_KEYS:
        for name in manifest.get(key, []):
            if not (root / name).is_file():
                found.append(f"__manifest__.py: {key} lists {name!r}, which does not exist")
    return found


def check_po(root):
    """Check every translation file: polib parses it (no duplicate entry), OCA's PO
    checks pass, and msgfmt -c (GNU gettext, when installed) accepts it."""
    import polib

    paths = project_files(root, "*.po") + project_files(root, "*.pot")
    found = []
    for path in paths:
        try:
            polib.pofile(str(path), check_for_duplicates=True)
        except (OSError, ValueError) as error:
            found.append(f"{path.relative_to(root)}: {error}")
    if not paths:
        return found
    # polib accepts some broken syntax (an unterminated string); msgfmt does not.
    msgfmt = shutil.which("msgfmt")
    if msgfmt:
        for path in paths:
            result = subprocess.run(
                [msgfmt, "-c", "-o", os.devnull, str(path)], capture_output=True, text=True
            )
            if result.returncode:
                found.append(f"{path.relative_to(root)}: msgfmt -c: {result.stderr.strip()}")
    else:
        print("msgfmt not found (Debian package gettext): PO syntax checked by polib only")
    oca_po = Path(sys.executable).parent / "oca-checks-po"
    result = subprocess.run(
        [str(oca_po), *OCA_PO_ARGS, *map(str, paths)],
        capture_output=True,
        text=True,
        cwd=root,
    )
    if result.returncode:
        output = (result.stdout + result.stderr).strip() or "oca-checks-po failed"
        found += [line for line in output.splitlines() if line.strip()]
    return found


def check_oca(root):
    """Run OCA's module checks on the add-on; return the problems."""
    # The command-line entry point looks for the manifest in parent folders only, which
    # misses an add-on at the root of its repository: call the checker directly.
    from oca_pre_commit_hooks import utils
    from oca_pre_commit_hooks.checks_odoo_module import ChecksOdooModule

    checker = ChecksOdooModule(
        str((root / "__manifest__.py").resolve()), set(), set(OCA_DISABLED), verbose=False
    )
    for check in utils.getattr_checks(checker):
        check()
    return [str(error).replace("\n", " ") for error in checker.checks_errors]


CHECKS = {"xml": check_xml, "manifest": check_manifest, "po": check_po, "oca": check_oca}


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in CHECKS:
        print(__doc__)
        return 2
    root = Path(argv[1] if len(argv) > 1 else ".").resolve()
    found = CHECKS[argv[0]](root)
    for problem in found:
        print(problem)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
