#!/usr/bin/env bash
# The benchmark: N generated clients in a fresh database, the recalculation measured (docs/benchmark.md).
#
#     tools/bench.sh [--clients N] [--today YYYY-MM-DD] [--no-lines] [--keep] [--reuse] [-- BENCHMARK OPTIONS]
#
# Makes a fresh database pl_bench_<N> (a copy of the cached sale_stock template, see
# tools/lib.sh), installs the add-on, loads N generated clients with two years of orders
# (bench/generate.py; default 100000, about 20 orders each; with --no-lines the orders have
# no order line, which loads faster), then measures in one run on it (bench/benchmark.py),
# each measure 3 times: the SQL floors (scan, decision kernel, plain UPDATE), the full
# recalculation, a full pass with nothing to change, the naive per-client ORM loop, the
# nightly incremental run after a simulated day, the time the hooks add on the first-delivery
# and the repeat path, and the peak memory. Prints one table, writes it as JSON in bench/results/.
# Both steps take the same "today" (--today YYYY-MM-DD, default today in UTC).
#
# BENCHMARK OPTIONS: --runs N (3), --sample N (clients of the naive loop, 1000), --repeat N
# (pairs of each hook path, 60), --day-lines (orders of the simulated days get a line),
# --skip-naive, --skip-nightly, --skip-hooks, --skip-planning, --skip-screens, --skip-cohort,
# --skip-slow (no (h), at-risk pair, (j)), --only-nightly (the floors
# once, the clients computed once, then (f) alone: for 1,000,000 clients), --only-screens (the floors
# once, then the screens (i) alone).
# The database is dropped at the end, unless --keep. With --reuse, the kept database pl_bench_<N> is
# measured again after upgrading the add-on on it (no creation, no generation; it is kept).
# Needs Odoo 18, like tools/check.sh.
# shellcheck disable=SC2317 # cleanup runs through trap
set -uo pipefail
# shellcheck source=tools/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$PL_ROOT" || exit 1

CLIENTS=100000
TODAY=$(date -u +%F)
KEEP=0
REUSE=0
GENERATE_ARGS=()
while [ $# -gt 0 ]; do
    case $1 in
        --clients)
            CLIENTS=${2:?--clients needs a number}
            shift
            ;;
        --today)
            TODAY=${2:?--today needs a date}
            shift
            ;;
        --no-lines) GENERATE_ARGS+=(--no-lines) ;;
        --keep) KEEP=1 ;;
        --reuse) REUSE=1 KEEP=1 ;;
        --)
            shift
            break
            ;;
        -h | --help)
            sed -n '2,23p' "$0" | cut -c3-
            exit 0
            ;;
        *)
            echo "unknown argument: $1 (see tools/bench.sh --help)" >&2
            exit 2
            ;;
    esac
    shift
done

if ! pl_find_odoo; then
    echo "tools/bench.sh needs Odoo 18: $PL_ODOO_SKIP" >&2
    exit 2
fi

DB=pl_bench_$CLIENTS
pl_odoo_env && pl_start_postgres || exit 1
ADDONS=$(pl_addons_dir) || exit 1
CONFIG=$PL_CACHE/bench-$DB.cfg
pl_odoo_config "$CONFIG" "$ADDONS"
cleanup() {
    [ "$KEEP" = 1 ] || pl_drop_db "$CONFIG" "$DB"
    rm -rf "$ADDONS"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bench_python() {
    # Run bench/run_odoo.py with the Odoo environment; the arguments follow its "--".
    "$PL_VENV/bin/python" bench/run_odoo.py --odoo-src "$PL_ODOO_SRC" -c "$CONFIG" -d "$DB" \
        --log-level=warn --log-handler=odoo.addons.partner_lifecycle:INFO -- "$@"
}

if [ "$REUSE" = 1 ]; then
    pl_say "Upgrading partner_lifecycle on the kept database $DB"
    pl_odoo "$PL_VENV/bin/python" "$CONFIG" -d "$DB" -u partner_lifecycle --stop-after-init \
        --log-level=warn || exit 1
else
    pl_say "Creating the database $DB and installing partner_lifecycle"
    pl_drop_db "$CONFIG" "$DB"
    pl_new_db "$CONFIG" "$DB" || exit 1
    pl_odoo "$PL_VENV/bin/python" "$CONFIG" -d "$DB" -i partner_lifecycle --stop-after-init \
        --log-level=warn || exit 1

    pl_say "Loading $CLIENTS clients (bench/generate.py)"
    bench_python generate --clients "$CLIENTS" --today "$TODAY" "${GENERATE_ARGS[@]}" >&2 || exit 1
fi

pl_say "Measuring (bench/benchmark.py)"
bench_python benchmark --today "$TODAY" "$@"
