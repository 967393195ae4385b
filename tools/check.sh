#!/usr/bin/env bash
# The one test command of partner_lifecycle (README, "Run the tests"):
#
#     tools/check.sh          run everything
#     tools/check.sh --fix    first let ruff fix and format the code, then run everything
#
# 1. a virtual environment with the pinned tools of requirements-dev.txt, cached in
#    ${XDG_CACHE_HOME:-$HOME/.cache}/partner_lifecycle/dev-<hash> (rebuilt when the
#    file or the Python version changes);
# 2. static checks: ruff (lint and format), pylint with pylint-odoo, OCA's module
#    checks, every XML file parsed, the manifest, the translation files;
# 3. the engine tests (plain pytest, no Odoo) with line coverage of engine/ >= 95 %;
# 4. the Odoo suite, when an Odoo 18 source tree is found (ODOO_SRC, else /opt/odoo18;
#    ODOO_SRC=none or PARTNER_LIFECYCLE_NO_ODOO=1 skips it): installs the add-on into
#    a fresh database copied from a cached sale_stock template, runs its tests,
#    upgrades it, and fails on any error, test failure or warning about the add-on.
#
# Exits 0 when everything passed, 1 otherwise. The last line sums up the whole run:
# "total: N passed, N failed, N skipped" (a failed check counts as one failure).

# shellcheck disable=SC2317 # cleanup and build_dev_venv run through trap and pl_with_lock
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
PL_ROOT=$ROOT
# shellcheck source=tools/odoo_env.sh
source "$ROOT/tools/odoo_env.sh"

COVERAGE_MIN=95
FIX=0
for arg in "$@"; do
    case $arg in
        --fix) FIX=1 ;;
        -h | --help)
            sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *)
            echo "unknown argument: $arg (see tools/check.sh --help)" >&2
            exit 2
            ;;
    esac
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/partner_lifecycle_check.XXXXXX") || exit 1
FAILED_CHECKS=()
CHECK_FAILURES=0
CHECK_LINES=()
ENGINE_LINE=
ODOO_LINE=
PASSED=0
FAILED=0
SKIPPED=0
TEST_DB=
PL_ADDONS_DIR=

section() {
    printf '\n== %s\n' "$*"
}

record() {
    # record NAME STATUS [FAILED_TESTS]: remember the outcome of one check for the summary.
    # A failed check counts as one failure in the total, unless failed tests already count it.
    CHECK_LINES+=("$(printf '%-22s %s' "$1" "$2")")
    if [ "$2" != ok ]; then
        FAILED_CHECKS+=("$1")
        [ "${3:-0}" -gt 0 ] || CHECK_FAILURES=$((CHECK_FAILURES + 1))
        echo "$1: $2"
    fi
}

run_check() {
    # run_check NAME COMMAND...: run one static check and record its outcome.
    local name=$1
    shift
    echo "-- $name"
    if "$@"; then record "$name" ok; else record "$name" FAILED; fi
}

cleanup() {
    [ -n "$TEST_DB" ] && pl_drop_db "$TEST_DB"
    [ -n "$PL_ADDONS_DIR" ] && rm -rf "$PL_ADDONS_DIR"
    if [ ${#FAILED_CHECKS[@]} -eq 0 ]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- 1. the development environment ------------------------------------------

build_dev_venv() {
    # Create the virtual environment $1 with requirements-dev.txt.
    local venv=$1
    [ -f "$venv/.complete" ] && return 0
    echo "Building the tools environment $venv (log: $venv.log)"
    rm -rf "$venv"
    if ! { "$PL_PYTHON" -m venv "$venv" &&
        "$venv/bin/pip" install --quiet -r "$ROOT/requirements-dev.txt"; } >"$venv.log" 2>&1; then
        tail -n 30 "$venv.log"
        return 1
    fi
    touch "$venv/.complete"
}

dev_env() {
    local venv
    venv="$PL_CACHE/dev-$(pl_hash "$ROOT/requirements-dev.txt" -- "$(pl_python_tag)")"
    pl_with_lock dev-venv build_dev_venv "$venv" || return 1
    DEV=$venv/bin
    export RUFF_CACHE_DIR="$PL_CACHE/ruff-cache"
}

# --- 2. static checks --------------------------------------------------------

pylint_targets() {
    # The Odoo side of the add-on, as far as it exists yet.
    local target
    for target in models wizards hooks.py __init__.py __manifest__.py tests; do
        [ -e "$target" ] && printf '%s\n' "$target"
    done
}

static_checks() {
    section "Static checks"
    if [ "$FIX" = 1 ]; then
        "$DEV/ruff" check --fix --quiet . || true
        "$DEV/ruff" format --quiet .
    fi
    run_check "ruff check" "$DEV/ruff" check --output-format=concise .
    run_check "ruff format" "$DEV/ruff" format --check --output-format=concise .
    local targets
    mapfile -t targets < <(pylint_targets)
    run_check "pylint-odoo" "$DEV/pylint" --rcfile="$ROOT/.pylintrc" "${targets[@]}"
    run_check "oca module checks" "$DEV/python" tools/check_files.py oca "$ROOT"
    run_check "xml parse" "$DEV/python" tools/check_files.py xml "$ROOT"
    run_check "manifest" "$DEV/python" tools/check_files.py manifest "$ROOT"
    run_check "translations" "$DEV/python" tools/check_files.py po "$ROOT"
}

# --- 3. engine tests ---------------------------------------------------------

junit_counts() {
    # Print "PASSED FAILED SKIPPED" from a pytest JUnit XML report (errors count as failed).
    "$DEV/python" - "$1" <<'EOF'
import sys
from xml.etree import ElementTree

root = ElementTree.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
total = {key: sum(int(s.get(key, 0)) for s in suites) for key in ("tests", "failures", "errors", "skipped")}
failed = total["failures"] + total["errors"]
print(total["tests"] - failed - total["skipped"], failed, total["skipped"])
EOF
}

engine_tests() {
    section "Engine tests (tests_engine, coverage of engine/)"
    local rc passed=0 failed=0 skipped=0 coverage=
    COVERAGE_FILE="$WORK/.coverage" HYPOTHESIS_STORAGE_DIRECTORY="$PL_CACHE/hypothesis" \
        "$DEV/python" -m pytest tests_engine --confcutdir=tests_engine -p no:cacheprovider \
        --cov=engine --cov-report=term-missing --junitxml="$WORK/engine.xml"
    rc=$?
    if [ -f "$WORK/engine.xml" ]; then
        read -r passed failed skipped < <(junit_counts "$WORK/engine.xml")
    fi
    if [ -f "$WORK/.coverage" ]; then
        coverage=$("$DEV/python" -m coverage report --data-file="$WORK/.coverage" \
            --format=total --precision=1 2>/dev/null)
    fi
    ENGINE_LINE="engine: $passed passed, $failed failed, $skipped skipped (coverage ${coverage:-n/a} %)"
    PASSED=$((PASSED + passed))
    FAILED=$((FAILED + failed))
    SKIPPED=$((SKIPPED + skipped))
    case $rc in
        0) record "engine tests" ok ;;
        1) record "engine tests" "FAILED ($failed failed)" "$failed" ;;
        5) record "engine tests" "FAILED (pytest collected no test in tests_engine)" ;;
        *) record "engine tests" "FAILED (pytest exit code $rc)" ;;
    esac
    if [ -z "$coverage" ]; then
        record "engine coverage" "FAILED (no coverage measured)"
    elif awk -v c="$coverage" -v m="$COVERAGE_MIN" 'BEGIN { exit !(c + 0 >= m) }'; then
        record "engine coverage" ok
    else
        record "engine coverage" "FAILED ($coverage % < $COVERAGE_MIN %)"
    fi
}

# --- 4. the Odoo suite -------------------------------------------------------

odoo_run() {
    # odoo_run LOG ARGS...: run Odoo into LOG, echoing the add-on's lines and all problems.
    local log=$1
    shift
    pl_odoo "$@" --log-level=info 2>&1 | tee "$log" |
        grep --line-buffered -E 'odoo\.addons\.partner_lifecycle|odoo\.tests\.result| (WARNING|ERROR|CRITICAL) '
    return "${PIPESTATUS[0]}"
}

odoo_log_check() {
    # odoo_log_check LOG [--tests --counts FILE]: judge an Odoo log (tools/odoo_log.py).
    local log=$1
    shift
    "$PL_ODOO_PYTHON" tools/odoo_log.py "$log" --module "$PL_MODULE" \
        --path "$ROOT" --path "$PL_ADDONS_DIR" "$@"
}

odoo_prepare() {
    # Build or reuse the Odoo environment and the template, create a fresh test database.
    pl_odoo_venv || { record "odoo environment" FAILED; return 1; }
    echo "Odoo environment: ${PL_ODOO_PYTHON%/bin/python}"
    pl_start_postgres || { record "postgresql" FAILED; return 1; }
    pl_template_db || { record "odoo template database" FAILED; return 1; }
    pl_make_addons_dir || { record "odoo addons path" FAILED; return 1; }
    TEST_DB="pl_test_$(date +%Y%m%d%H%M%S)_$$"
    pl_new_db "$TEST_DB" || { record "odoo test database" FAILED; TEST_DB=; return 1; }
}

odoo_suite() {
    if ! pl_find_odoo; then
        ODOO_LINE="Odoo suite skipped: $PL_ODOO_SKIP"
        return 0
    fi
    section "Odoo suite (Odoo 18 at $PL_ODOO_SRC)"
    local passed=0 failed=0 skipped=0 rc
    if odoo_prepare; then
        echo "-- install partner_lifecycle and run its tests (database $TEST_DB)"
        odoo_run "$WORK/odoo-install.log" -d "$TEST_DB" -i "$PL_MODULE" \
            --test-tags "/$PL_MODULE" --stop-after-init
        rc=$?
        echo "-- result"
        odoo_log_check "$WORK/odoo-install.log" --tests --counts "$WORK/odoo.counts"
        local clean=$?
        [ -f "$WORK/odoo.counts" ] && read -r passed failed skipped <"$WORK/odoo.counts"
        if [ "$clean" -eq 0 ] && [ "$rc" -eq 0 ]; then
            record "odoo install + tests" ok
        else
            [ "$rc" -ne 0 ] && echo "odoo-bin exited with code $rc"
            record "odoo install + tests" "FAILED (log: $WORK/odoo-install.log)" "$failed"
        fi

        echo "-- upgrade partner_lifecycle (-u)"
        odoo_run "$WORK/odoo-upgrade.log" -d "$TEST_DB" -u "$PL_MODULE" --stop-after-init
        rc=$?
        if odoo_log_check "$WORK/odoo-upgrade.log" && [ "$rc" -eq 0 ]; then
            record "odoo upgrade" ok
        else
            [ "$rc" -ne 0 ] && echo "odoo-bin exited with code $rc"
            record "odoo upgrade" "FAILED (log: $WORK/odoo-upgrade.log)"
        fi
        pl_drop_db "$TEST_DB"
        TEST_DB=
    fi
    ODOO_LINE="odoo: $passed passed, $failed failed, $skipped skipped"
    PASSED=$((PASSED + passed))
    FAILED=$((FAILED + failed))
    SKIPPED=$((SKIPPED + skipped))
}

# --- run ---------------------------------------------------------------------

section "Tools environment"
if ! dev_env; then
    echo "FAILED: could not build the tools environment from requirements-dev.txt"
    exit 1
fi
echo "$DEV"

static_checks
engine_tests
odoo_suite

section "Summary"
printf '%s\n' "${CHECK_LINES[@]}"
echo "$ENGINE_LINE"
echo "$ODOO_LINE"
status=0
if [ ${#FAILED_CHECKS[@]} -gt 0 ]; then
    status=1
    failed_list=$(printf '%s, ' "${FAILED_CHECKS[@]}")
    echo "failed checks: ${failed_list%, } (logs and reports kept in $WORK)"
fi
echo "total: $PASSED passed, $((FAILED + CHECK_FAILURES)) failed, $SKIPPED skipped"
exit $status
