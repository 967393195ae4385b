# shellcheck shell=bash
# The Odoo part of tools/check.sh: suites from the checkout and the wheel, live tests, uninstall,
# the upgrade from the previous release on its data.
# Sourced by tools/check.sh after its helpers (record, count, section, WORK, WHEEL).
# shellcheck disable=SC2015 # "A && record ok || record FAILED": record always succeeds

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

bench_smoke() { # bench_smoke CONFIG DB: the demo data generator and every benchmark measure, once, small
    echo "-- benchmark smoke run: 60 generated clients, each measure once (database $2)"
    local run=("$PL_VENV/bin/python" bench/run_odoo.py --odoo-src "$PL_ODOO_SRC" -c "$1" -d "$2" --log-level=warn --)
    { "${run[@]}" generate --clients 60 && "${run[@]}" benchmark --runs 1 --sample 5 --repeat 2 \
        --output "$WORK/bench.json"; } >"$WORK/bench.log" 2>&1 && record "benchmark smoke" ok ||
        record "benchmark smoke" "FAILED (log $WORK/bench.log)"
}

manifest_version() { sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p'; } # the version of a manifest on stdin

previous_release() {
    # print "VERSION COMMIT" of the release before the manifest's version, or of
    # PARTNER_LIFECYCLE_UPGRADE_FROM (its commit from tools/releases.txt, else the parent of
    # the commit that raised the version past it); else why not, and return 1 (not in this
    # clone) or 2 (a listed commit whose manifest says another version)
    local current version commit c v last=''
    current=$(manifest_version <"$PL_ROOT/__manifest__.py")
    version=${PARTNER_LIFECYCLE_UPGRADE_FROM:-$(git -C "$PL_ROOT" log --format=%H -- __manifest__.py 2>/dev/null |
        while read -r c; do git -C "$PL_ROOT" show "$c:__manifest__.py" | manifest_version; done |
        { cat && echo "$current"; } | sort -uV | grep -B1 -xF "$current" | head -n 1)}
    if [ -z "$version" ] || [ "$version" = "$current" ]; then
        echo "no release before $current in the git history (a shallow clone? git fetch --unshallow)"
        return 1
    fi
    commit=$(awk -v v="$version" '$1 == v { print $2 }' "$PL_ROOT/tools/releases.txt")
    if [ -z "$commit" ]; then
        while read -r c; do
            v=$(git -C "$PL_ROOT" show "$c:__manifest__.py" | manifest_version)
            [ "$last" = "$version" ] && [ "$v" != "$version" ] && commit=$(git -C "$PL_ROOT" rev-parse "$c^") && break
            last=$v
        done < <(git -C "$PL_ROOT" log --format=%H --reverse -- __manifest__.py)
        commit=${commit:-$(git -C "$PL_ROOT" rev-parse HEAD)}
    fi
    if ! git -C "$PL_ROOT" cat-file -e "$commit^{commit}" 2>/dev/null; then
        echo "the commit $commit of release $version is not in this clone (git fetch --unshallow)"
        return 1
    fi
    v=$(git -C "$PL_ROOT" show "$commit:__manifest__.py" | manifest_version)
    [ "$v" = "$version" ] || { echo "the commit $commit of release $version says version $v" && return 2; }
    echo "$version $commit"
}

upgrade_from_release() { # upgrade_from_release ADDONS: the previous release with its data, upgraded
    local found rc version commit db dir=$WORK/release p=0 f=0 k=0
    local run=("$PL_VENV/bin/python" bench/run_odoo.py --odoo-src "$PL_ODOO_SRC" --log-level=warn)
    found=$(previous_release)
    rc=$?
    if [ "$rc" -ne 0 ]; then
        echo "-- upgrade from the previous release: $found"
        [ "$rc" -eq 1 ] && LINES+=("upgrade from the previous release skipped: $found") &&
            count upgrade 0 0 1 && return 0
        record "upgrade from a release" "FAILED ($found)" && return 1
    fi
    read -r version commit <<<"$found"
    db="pl_test_release_$$"
    echo "-- upgrade from $version (commit ${commit:0:12}, database $db): its data, then -u"
    mkdir -p "$dir/$PL_MODULE" && git -C "$PL_ROOT" archive "$commit" | tar -x -C "$dir/$PL_MODULE" &&
        pl_odoo_config "$WORK/release.cfg" "$dir" && pl_new_db "$WORK/release.cfg" "$db" ||
        { record "release $version" "FAILED (archive or database)" && return 1; }
    DBS+=("release:$db")
    # the release installed from its commit, its own generator, statuses set by hand
    { pl_odoo "$PL_VENV/bin/python" "$WORK/release.cfg" -d "$db" -i "$PL_MODULE" --stop-after-init &&
        "$PL_VENV/bin/python" "$dir/$PL_MODULE/bench/run_odoo.py" --odoo-src "$PL_ODOO_SRC" \
            -c "$WORK/release.cfg" -d "$db" --log-level=warn -- generate --clients 60 &&
        "${run[@]}" -c "$WORK/release.cfg" -d "$db" -- upgrade prepare --state "$WORK/release.json"
    } >"$WORK/release.log" 2>&1 && record "release $version" ok ||
        { record "release $version" "FAILED (log $WORK/release.log)" && return 1; }
    pl_odoo_config "$WORK/upgraded.cfg" "$1"
    odoo_run "$WORK/release-upgrade.log" "$PL_VENV/bin/python" "$WORK/upgraded.cfg" -d "$db" \
        -u "$PL_MODULE" --stop-after-init
    rc=$?
    judge "upgrade from $version" "$rc" "$WORK/release-upgrade.log" --path "$PL_ROOT" --path "$1"
    [ "$rc" -eq 0 ] || return 1
    "${run[@]}" -c "$WORK/upgraded.cfg" -d "$db" -- upgrade check --state "$WORK/release.json" 2>&1 |
        tee "$WORK/release-check.log"
    rc=${PIPESTATUS[0]}
    read -r p f k < <(sed -n 's/^upgrade: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 \3/p' "$WORK/release-check.log")
    count upgrade "${p:-0}" "${f:-0}" "${k:-0}"
    [ "$rc" -eq 0 ] && record "upgrade checks" ok ||
        record "upgrade checks" "FAILED (log $WORK/release-check.log)" "${f:-0}"
}

uninstall_reinstall() { # uninstall_reinstall CONFIG DB ADDONS: both clean, nothing left behind
    echo "-- uninstall $PL_MODULE, then install it again (database $2)"
    local rc left
    "$PL_VENV/bin/click-odoo-uninstall" -c "$1" -d "$2" -m "$PL_MODULE" --log-level=info \
        >"$WORK/uninstall.log" 2>&1
    rc=$?
    left=$(psql -X -d "$2" -Atc "SELECT count(*) FROM ir_config_parameter WHERE key LIKE 'partner_lifecycle.%'
        UNION ALL SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'partner_lifecycle%'
        UNION ALL SELECT count(*) FROM pg_indexes WHERE indexname LIKE '%lifecycle%'
        UNION ALL SELECT count(*) FROM pg_statistic_ext WHERE stxname LIKE '%lifecycle%'" |
        awk '{ n += $1 } END { print n + 0 }')
    [ "${left:-1}" -eq 0 ] || echo "left after the uninstall: $left parameters, tables, indexes or statistics"
    judge "odoo uninstall" "$(( rc || ${left:-1} ))" "$WORK/uninstall.log" --path "$PL_ROOT" --path "$3"
    odoo_run "$WORK/reinstall.log" "$PL_VENV/bin/python" "$1" -d "$2" -i "$PL_MODULE" --stop-after-init
    judge "odoo reinstall" "$?" "$WORK/reinstall.log" --path "$PL_ROOT" --path "$3"
}

odoo_checks() {
    pl_find_odoo || { LINES+=("Odoo suite skipped: $PL_ODOO_SKIP") && return 0; }
    section "Odoo suite (Odoo 18 at $PL_ODOO_SRC)"
    pl_odoo_env || { record "odoo environment" FAILED && return 1; }
    echo "Odoo environment: $PL_VENV"
    pl_start_postgres || { record postgresql FAILED && return 1; }
    # the browser tours (tests/test_tours.py); without Chromium, Odoo reports them as skipped
    pl_require_chromium || LINES+=("browser tours skipped: no Chromium (reason above)")
    local addons DB rc
    addons=$(pl_addons_dir) || return 1
    odoo_suite "odoo install + tests" odoo checkout "$PL_VENV/bin/python" "$PL_ROOT" "$addons" &&
        echo "-- upgrade $PL_MODULE (-u)" &&
        odoo_run "$WORK/upgrade.log" "$PL_VENV/bin/python" "$WORK/checkout.cfg" -d "$DB" \
            -u "$PL_MODULE" --stop-after-init
    rc=$?
    judge "odoo upgrade" "$rc" "$WORK/upgrade.log" --path "$PL_ROOT" --path "$addons"
    [ "$rc" -eq 0 ] && live_tests "$WORK/checkout.cfg" "$DB" && { bench_smoke "$WORK/checkout.cfg" "$DB"
        uninstall_reinstall "$WORK/checkout.cfg" "$DB" "$addons"; }
    upgrade_from_release "$addons"
    rm -rf "$addons"
    echo "-- from the wheel: pip install into a layer over the Odoo environment, no addons path"
    if [ -z "${WHEEL:-}" ] || ! pl_wheel_layer "$WORK/layer" "$WHEEL"; then
        record "odoo from the wheel" "FAILED (no wheel installed)" && return 1
    fi
    odoo_suite "odoo from the wheel" "odoo (wheel)" wheel "$WORK/layer/bin/python" "$WORK/layer/lib"
}
