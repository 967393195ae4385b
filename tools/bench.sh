#!/usr/bin/env bash
# The benchmark of partner_lifecycle (README, "Benchmark"):
#
#     tools/bench.sh [--clients N] [--no-lines] [--keep] [-- BENCHMARK OPTIONS]
#
# Makes a fresh database pl_bench_<N> (a copy of the cached sale_stock template,
# see tools/odoo_env.sh), installs the add-on, loads N generated clients with two
# years of orders (bench/generate.py; default 100000, about 20 orders each; with
# --no-lines the orders have no order line, which loads faster), then measures
# in one run on it (bench/benchmark.py): the SQL floor, the full recalculation,
# a recalculation with nothing to change, the naive per-client ORM loop, the
# time the hooks add to confirming an order and validating its delivery, and
# the peak memory. Prints one table and writes it as JSON in bench/results/.
#
# BENCHMARK OPTIONS: --sample N (clients of the naive loop, 1000), --repeat N
# (runs of each hook measure, 200), --skip-naive, --skip-hooks.
# The database is dropped at the end, unless --keep.
# Needs Odoo 18 (ODOO_SRC, else /opt/odoo18), like tools/check.sh.

# shellcheck disable=SC2317 # cleanup runs through trap
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
PL_ROOT=$ROOT
# shellcheck source=tools/odoo_env.sh
source "$ROOT/tools/odoo_env.sh"

CLIENTS=100000
KEEP=0
GENERATE_ARGS=()
while [ $# -gt 0 ]; do
    case $1 in
        --clients)
            CLIENTS=${2:?--clients needs a number}
            shift
            ;;
        --no-lines) GENERATE_ARGS+=(--no-lines) ;;
        --keep) KEEP=1 ;;
        --)
            shift
            break
            ;;
        -h | --help)
            sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'
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
PL_ADDONS_DIR=
cleanup() {
    [ "$KEEP" = 1 ] || pl_drop_db "$DB"
    [ -n "$PL_ADDONS_DIR" ] && rm -rf "$PL_ADDONS_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bench_python() {
    # Run bench/run_odoo.py with the Odoo environment; the arguments follow its "--".
    "$PL_ODOO_PYTHON" "$ROOT/bench/run_odoo.py" --odoo-src "$PL_ODOO_SRC" -d "$DB" \
        --addons-path="$PL_ADDONS_DIR,$PL_ODOO_SRC/addons,$PL_ODOO_SRC/odoo/addons" \
        --data-dir="$(pl_data_dir)" --log-level=warn \
        --log-handler=odoo.addons.partner_lifecycle:INFO -- "$@"
}

pl_odoo_venv || exit 1
pl_start_postgres || exit 1
pl_template_db || exit 1
pl_make_addons_dir || exit 1

pl_say "Creating the database $DB and installing partner_lifecycle"
pl_drop_db "$DB"
pl_new_db "$DB" || exit 1
pl_odoo -d "$DB" -i partner_lifecycle --stop-after-init --log-level=warn || exit 1

pl_say "Loading $CLIENTS clients (bench/generate.py)"
bench_python generate --clients "$CLIENTS" "${GENERATE_ARGS[@]}" >&2 || exit 1

pl_say "Measuring (bench/benchmark.py)"
bench_python benchmark "$@"
