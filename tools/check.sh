#!/usr/bin/env bash
# The test command: pre-commit, engine tests with coverage, the wheel, the Odoo suite (checkout and wheel).
#
# 1. pre-commit run --all-files (.pre-commit-config.yaml: OCA's hooks, ruff, pylint-odoo ...);
# 2. the engine tests (tests_engine/, plain pytest), line coverage of engine/ >= 95 %;
# 3. python -m build --wheel: the wheel holds the add-on and nothing else;
# 4. with Odoo 18 (tools/lib.sh): in fresh databases copied from a cached sale_stock template,
#    the add-on installed from this checkout (addons path) with its tests (browser tours in
#    Debian's chromium, apt-get as root when missing), then upgraded (-u), the live
#    concurrency scenarios on committed data (bench/concurrency.py), a benchmark smoke run, an uninstall
#    and a reinstall (tools/check_odoo.sh); the previous release (tools/releases.txt) installed
#    from its commit with its generated data and statuses set by hand, upgraded to this
#    checkout and checked (bench/upgrade_check.py); and installed from the wheel (pip, no
#    addons path) with its tests. Any error, failed test or warning about the add-on fails the run.
# Last line: "total: N passed, N failed, N skipped" (a failed step counts as one failure).
# shellcheck disable=SC2015 # "A && record ok || record FAILED": record always succeeds
# shellcheck disable=SC2317 # cleanup runs through trap
set -uo pipefail
# shellcheck source=tools/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$PL_ROOT" || exit 1
[ $# -eq 0 ] || { sed -n '2,15p' "$0" | cut -c3- && exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/partner_lifecycle_check.XXXXXX") || exit 1
STEPS=() FAILED_STEPS=() LINES=() PASSED=0 FAILED=0 SKIPPED=0 STEP_FAILURES=0 DBS=()
cleanup() { # drop the test databases; keep the logs of a failed run
    local db
    for db in "${DBS[@]}"; do pl_drop_db "$WORK/${db%%:*}.cfg" "${db#*:}"; done
    [ ${#FAILED_STEPS[@]} -gt 0 ] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

section() { printf '\n== %s\n' "$*"; }

record() { # record STEP STATUS [FAILED_TESTS]: a failed step without failed tests counts once
    STEPS+=("$(printf '%-26s %s' "$1" "$2")")
    [ "$2" = ok ] && return 0
    FAILED_STEPS+=("$1") && echo "$1: $2"
    [ "${3:-0}" -gt 0 ] || STEP_FAILURES=$((STEP_FAILURES + 1))
}

count() { # count LABEL PASSED FAILED SKIPPED [NOTE]: add to the totals, keep a summary line
    PASSED=$((PASSED + $2)) FAILED=$((FAILED + $3)) SKIPPED=$((SKIPPED + $4))
    LINES+=("$1: $2 passed, $3 failed, $4 skipped${5:+ $5}")
}

pre_commit() {
    section "pre-commit (.pre-commit-config.yaml)"
    pl_require_gettext || { record "pre-commit" "FAILED (gettext missing)" && return; }
    "$PL_DEV/pre-commit" run --all-files --show-diff-on-failure --color=never &&
        record "pre-commit" ok || record "pre-commit" "FAILED (see above; files fixed by a hook pass next time)"
}

engine_tests() {
    section "Engine tests (tests_engine/, coverage of engine/)"
    local rc p=0 f=0 k=0 cov
    COVERAGE_FILE=$WORK/.coverage "$PL_DEV/python" -m pytest -p no:cacheprovider \
        --cov=engine --cov-report=term-missing --junitxml="$WORK/engine.xml"
    rc=$?
    read -r p f k < <("$PL_DEV/python" -c 'import sys, xml.etree.ElementTree as T
s = T.parse(sys.argv[1]).getroot().find("testsuite"); f = int(s.get("failures")) + int(s.get("errors"))
print(int(s.get("tests")) - f - int(s.get("skipped")), f, s.get("skipped"))' "$WORK/engine.xml")
    cov=$(COVERAGE_FILE=$WORK/.coverage "$PL_DEV/python" -m coverage report --format=total --precision=1)
    count engine "${p:-0}" "${f:-0}" "${k:-0}" "(coverage ${cov:-n/a} %)"
    [ "$rc" -eq 0 ] && record "engine tests" ok || record "engine tests" "FAILED (pytest exit code $rc)" "${f:-0}"
    awk -v c="${cov:-0}" 'BEGIN { exit !(c >= 95) }' && record "engine coverage" ok ||
        record "engine coverage" "FAILED (${cov:-no} % < 95 %)"
}

build_wheel() {
    section "Wheel (python -m build --wheel)"
    "$PL_DEV/python" -m build --wheel --no-isolation --outdir "$WORK/dist" . >"$WORK/build.log" 2>&1 &&
        WHEEL=$(ls "$WORK"/dist/odoo_addon_partner_lifecycle-*.whl) ||
        { tail -n 20 "$WORK/build.log" && record wheel FAILED && return 1; }
    "$PL_DEV/python" -m zipfile -l "$WHEEL" | awk 'NR > 1 { print $1 }' >"$WORK/wheel.txt"
    echo "$(basename "$WHEEL"): $(wc -l <"$WORK/wheel.txt") files"
    grep -qx "odoo/addons/$PL_MODULE/__manifest__.py" "$WORK/wheel.txt" &&
        ! grep -E "^odoo/addons/$PL_MODULE/(\.|tools/|tests_engine/|docs/|bench/(benchmark|demo|run_odoo|upgrade_check))" "$WORK/wheel.txt" &&
        record wheel ok || record wheel "FAILED (no manifest, or the files above)"
}

# shellcheck source=tools/check_odoo.sh
source "$PL_ROOT/tools/check_odoo.sh" # odoo_checks: the Odoo suite, live tests, uninstall

section "Tools environment (requirements/dev.txt)"
pl_dev_env || { echo "FAILED: could not build the tools environment" && exit 1; }
echo "$PL_DEV"
pre_commit
engine_tests
build_wheel
odoo_checks

section "Summary"
printf '%s\n' "${STEPS[@]}" "${LINES[@]}"
[ ${#FAILED_STEPS[@]} -eq 0 ] || echo "failed: ${FAILED_STEPS[*]} (logs kept in $WORK)"
echo "total: $PASSED passed, $((FAILED + STEP_FAILURES)) failed, $SKIPPED skipped"
[ ${#FAILED_STEPS[@]} -eq 0 ]
