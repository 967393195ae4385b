#!/usr/bin/env bash
# The test command: pre-commit, engine tests with coverage, the wheel, the Odoo suite (checkout and wheel).
#
# 1. pre-commit run --all-files (.pre-commit-config.yaml: OCA's hooks, ruff, pylint-odoo ...);
# 2. the engine tests (tests_engine/, plain pytest), line coverage of engine/ >= 95 %;
# 3. python -m build --wheel: the wheel holds the add-on and nothing else;
# 4. with Odoo 18 (tools/lib.sh): in fresh databases copied from a cached sale_stock template,
#    the add-on installed from this checkout (addons path) with its tests, then upgraded (-u),
#    then the live concurrency scenarios on committed data (bench/concurrency.py);
#    and installed from the wheel (pip, no addons path) with its tests. Any error, failed
#    test or warning about the add-on fails the run (tools/odoo_log.py).
# Last line: "total: N passed, N failed, N skipped" (a failed step counts as one failure).
# shellcheck disable=SC2015 # "A && record ok || record FAILED": record always succeeds
# shellcheck disable=SC2317 # cleanup runs through trap
set -uo pipefail
# shellcheck source=tools/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$PL_ROOT" || exit 1
[ $# -eq 0 ] || { sed -n '2,12p' "$0" | cut -c3- && exit 2; }

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
        ! grep -E "^odoo/addons/$PL_MODULE/(\.|tools/|tests_engine/|bench/(benchmark|demo|run_odoo))" "$WORK/wheel.txt" &&
        record wheel ok || record wheel "FAILED (no manifest, or the files above)"
}

odoo_run() { # odoo_run LOG PYTHON CONFIG ODOO_ARGS...: run Odoo into LOG, show what matters
    local log=$1 python=$2 config=$3
    shift 3
    pl_odoo "$python" "$config" --log-level=info "$@" 2>&1 | tee "$log" |
        grep --line-buffered -E 'odoo\.addons\.partner_lifecycle|odoo\.tests\.result| (WARNING|ERROR|CRITICAL) |addons paths'
    return "${PIPESTATUS[0]}"
}

judge() { # judge STEP RC LOG ODOO_LOG_ARGS...: record STEP from Odoo's exit code and its log
    local step=$1 rc=$2 log=$3 failed=0
    shift 3
    [ "$rc" -eq 0 ] || echo "Odoo exited with code $rc"
    "$PL_VENV/bin/python" tools/odoo_log.py "$log" --module "$PL_MODULE" "$@" && [ "$rc" -eq 0 ] &&
        record "$step" ok && return
    [ -f "$log.counts" ] && read -r _ failed _ <"$log.counts"
    record "$step" "FAILED (log $log)" "$failed"
}

odoo_suite() {
    # odoo_suite STEP LABEL NAME PYTHON ADDON_FOLDER [ADDONS_PATH]: install + tests in a new DB
    local step=$1 label=$2 name=$3 python=$4 folder=$5 rc passed=0 failed=0 skipped=0
    DB="pl_test_${name}_$$"
    pl_odoo_config "$WORK/$name.cfg" "${6:-}"
    pl_new_db "$WORK/$name.cfg" "$DB" || { record "$step" "FAILED (database)" && return 1; }
    DBS+=("$name:$DB")
    echo "-- $step (database $DB)"
    odoo_run "$WORK/$name.log" "$python" "$WORK/$name.cfg" -d "$DB" -i "$PL_MODULE" \
        --test-tags "/$PL_MODULE" --stop-after-init
    rc=$?
    judge "$step" "$rc" "$WORK/$name.log" --path "$folder" --tests --counts "$WORK/$name.log.counts"
    [ -f "$WORK/$name.log.counts" ] && read -r passed failed skipped <"$WORK/$name.log.counts"
    count "$label" "$passed" "$failed" "$skipped"
}

live_tests() { # live_tests CONFIG DB: the concurrency scenarios on committed data in DB
    echo "-- live concurrency scenarios (bench/concurrency.py, database $2)"
    local rc p=0 f=0 k=0
    "$PL_VENV/bin/python" bench/run_odoo.py --odoo-src "$PL_ODOO_SRC" -c "$1" -d "$2" \
        --log-level=warn -- concurrency 2>&1 | tee "$WORK/live.log"
    rc=${PIPESTATUS[0]}
    read -r p f k < <(sed -n 's/^concurrency: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 \3/p' "$WORK/live.log")
    count concurrency "${p:-0}" "${f:-0}" "${k:-0}"
    [ "$rc" -eq 0 ] && record "live concurrency" ok || record "live concurrency" "FAILED (log $WORK/live.log)" "${f:-0}"
}

odoo_checks() {
    pl_find_odoo || { LINES+=("Odoo suite skipped: $PL_ODOO_SKIP") && return 0; }
    section "Odoo suite (Odoo 18 at $PL_ODOO_SRC)"
    pl_odoo_env || { record "odoo environment" FAILED && return 1; }
    echo "Odoo environment: $PL_VENV"
    pl_start_postgres || { record postgresql FAILED && return 1; }
    local addons DB rc
    addons=$(pl_addons_dir) || return 1
    odoo_suite "odoo install + tests" odoo checkout "$PL_VENV/bin/python" "$PL_ROOT" "$addons" &&
        echo "-- upgrade $PL_MODULE (-u)" &&
        odoo_run "$WORK/upgrade.log" "$PL_VENV/bin/python" "$WORK/checkout.cfg" -d "$DB" \
            -u "$PL_MODULE" --stop-after-init
    rc=$?
    judge "odoo upgrade" "$rc" "$WORK/upgrade.log" --path "$PL_ROOT" --path "$addons"
    [ "$rc" -eq 0 ] && live_tests "$WORK/checkout.cfg" "$DB"
    rm -rf "$addons"
    echo "-- from the wheel: pip install into a layer over the Odoo environment, no addons path"
    if [ -z "${WHEEL:-}" ] || ! pl_wheel_layer "$WORK/layer" "$WHEEL"; then
        record "odoo from the wheel" "FAILED (no wheel installed)" && return 1
    fi
    odoo_suite "odoo from the wheel" "odoo (wheel)" wheel "$WORK/layer/bin/python" "$WORK/layer/lib"
}

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
