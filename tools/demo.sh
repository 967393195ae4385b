#!/usr/bin/env bash
# The demo: a database with the demo company and its clients, served by Odoo on localhost.
#
#     tools/demo.sh [--port 8069] [--clients 2000] [--db pl_demo] [--check]
#
# Creates the database pl_demo (replacing an older one) from the cached sale_stock template,
# installs partner_lifecycle and Russian, loads the demo company "Аква Вита — доставка воды" of
# Kazan (2,000 clients, two years of orders: bench/demo.py), recalculates, rebuilds the history
# from the orders, serves Odoo on http://localhost:8069 (admin/admin, in Russian) until Ctrl-C.
# With --check it logs in through the web API, prints the clients per status and the checked
# figures, queues a recalculation of all clients and waits until the background job is done,
# and stops. Odoo runs scheduled actions (one cron thread). Needs Odoo 18 (tools/lib.sh); without it, says so and exits with 2.
# shellcheck disable=SC2317 # cleanup runs through trap
set -uo pipefail
# shellcheck source=tools/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$PL_ROOT" || exit 1

PORT=8069
CLIENTS=2000
DB=pl_demo
CHECK=0
while [ $# -gt 0 ]; do
    case $1 in
        --port) PORT=${2:?--port needs a number} && shift ;;
        --clients) CLIENTS=${2:?--clients needs a number} && shift ;;
        --db) DB=${2:?--db needs a name} && shift ;;
        --check) CHECK=1 ;;
        -h | --help) sed -n '2,12p' "$0" | cut -c3- && exit 0 ;;
        *) echo "unknown argument: $1 (see tools/demo.sh --help)" >&2 && exit 2 ;;
    esac
    shift
done

if ! pl_find_odoo; then
    echo "The demo needs Odoo 18 Community: $PL_ODOO_SKIP; see docs/testing.md, \"Where Odoo 18 comes from\"." >&2
    exit 2
fi

ADDONS='' SERVER=''
cleanup() {
    if [ -n "$SERVER" ]; then
        # $SERVER is the subshell running Odoo; Odoo is its child
        pkill -TERM -P "$SERVER" 2>/dev/null
        wait "$SERVER" 2>/dev/null
    fi
    [ -n "$ADDONS" ] && rm -rf "$ADDONS"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() {
    "$PL_VENV/bin/python" -c 'import socket, sys
sys.exit(socket.socket().connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0)' "$1"
}

pl_odoo_env || exit 1
if ! port_free "$PORT"; then
    echo "Port $PORT is already in use: stop what listens there or choose another one with --port." >&2
    exit 1
fi
pl_start_postgres || exit 1
pl_require_wkhtmltopdf || pl_say "PDF reports (the route sheet, quotations) will not print: no wkhtmltopdf"
ADDONS=$(pl_addons_dir) || exit 1
CONFIG=$PL_CACHE/demo-$DB.cfg
# one cron thread: background jobs, the nightly run and the plans' autosave run as in production
pl_odoo_config "$CONFIG" "$ADDONS" 1
PYTHON=$PL_VENV/bin/python

pl_say "Creating the database $DB and installing partner_lifecycle"
pl_drop_db "$CONFIG" "$DB"
pl_new_db "$CONFIG" "$DB" || exit 1
pl_odoo "$PYTHON" "$CONFIG" -d "$DB" -i partner_lifecycle --stop-after-init --log-level=warn || exit 1

SUMMARY=$PL_CACHE/demo-$DB.json
pl_say "Loading the company, Russian and $CLIENTS clients (bench/demo.py; summary: $SUMMARY)"
"$PYTHON" bench/run_odoo.py --odoo-src "$PL_ODOO_SRC" -c "$CONFIG" -d "$DB" --log-level=warn -- \
    demo --clients "$CLIENTS" >"$SUMMARY" || exit 1

URL="http://localhost:$PORT"
pl_odoo "$PYTHON" "$CONFIG" -d "$DB" --db-filter="^$DB\$" --http-port="$PORT" --log-level=warn &
SERVER=$!

wait_for_server() { # up to a minute for Odoo to answer
    for _ in $(seq 60); do
        curl -sf -o /dev/null "$URL/web/login" && return 0
        kill -0 "$SERVER" 2>/dev/null || return 1
        sleep 1
    done
    return 1
}
wait_for_server || { echo "Odoo did not answer on $URL/web/login" >&2 && exit 1; }

if [ "$CHECK" = 1 ]; then
    "$PYTHON" - "$URL" "$DB" <<'EOF'
import sys
import time
from datetime import date, timedelta

import requests

url, db = sys.argv[1:]
session = requests.Session()

def call(path, params):
    reply = session.post(f"{url}{path}", json={"jsonrpc": "2.0", "method": "call", "params": params})
    reply.raise_for_status()
    if "error" in reply.json():
        sys.exit(f"{path}: {reply.json()['error']['data']['message']}")
    return reply.json()["result"]

def kw(model, method, *args):  # in the user's language, as the web client calls
    kwargs = {"context": user["user_context"]}
    return call("/web/dataset/call_kw", {"model": model, "method": method, "args": args, "kwargs": kwargs})

assert "login" in session.get(f"{url}/web/login").text
user = call("/web/session/authenticate", {"db": db, "login": "admin", "password": "admin"})
clients = [("lifecycle_status_id", "!=", False)]
groups = kw("res.partner", "read_group", clients, ["lifecycle_status_id"], ["lifecycle_status_id"])
print(f"logged in as {user['name']} ({user['user_context']['lang']}); clients by status:")
for group in groups:
    print(f"  {group['lifecycle_status_id'][1]:<20} {group['lifecycle_status_id_count']:>6}")
company = kw("res.company", "read", [user["user_companies"]["current_company"]], ["lifecycle_status_sleeping_id"])
week_ago = (date.today() - timedelta(days=7)).isoformat()
for label, domain in {
    "sleeping, status dated in the last 7 days": [("lifecycle_status_date", ">", week_ago),
        ("lifecycle_status_id", "=", company[0]["lifecycle_status_sleeping_id"][0])],
    "contact persons and delivery addresses with figures": [("parent_id", "!=", False), "|", "|",
        ("lifecycle_order_count", "!=", 0), ("lifecycle_last_order_date", "!=", False),
        ("lifecycle_reason_code", "!=", False)],
    "clients without orders, reason 'not delivered yet'": [*clients,
        ("lifecycle_order_count", "=", 0), ("lifecycle_reason_code", "=", "new_waiting")],
}.items():
    print(f"{label}: {kw('res.partner', 'search_count', domain)}")

def card(label, domain):  # one client's card as a person reads it, and its last history row
    ids = kw("res.partner", "search", domain, 0, 1, "id")
    if not ids:
        return print(f"{label}: none")
    fields = ["name", "lifecycle_status_id", "lifecycle_status_date", "lifecycle_reason",
              "lifecycle_explanation"]
    (row,) = kw("res.partner", "read", ids, fields)
    (last,) = kw("partner.lifecycle.history", "search_read", [("partner_id", "=", ids[0])],
                 ["date", "new_status_id", "reason", "origin"], 0, 1, "id desc")
    print(f"{label}: {row['name']}: {row['lifecycle_status_id'][1]} с {row['lifecycle_status_date']}")
    print(f"  причина: {row['lifecycle_reason']}\n  кратко: {row['lifecycle_explanation']}")
    print(f"  история: {last['date']} {last['new_status_id'][1]} — {last['reason']} ({last['origin']})")
    return ids[0]

def act(client_id, status_id, reason, until=False):  # the mass update wizard, as a person
    wizard = kw("partner.lifecycle.status.change", "create", {"partner_ids": [(6, 0, [client_id])],
                "status_id": status_id, "reason": reason, "hold_until": until})
    kw("partner.lifecycle.status.change", "action_apply", [wizard])

roles = kw("res.company", "read", [user["user_companies"]["current_company"]],
           ["lifecycle_status_on_first_order_id", "lifecycle_status_former_id",
            "lifecycle_status_permanent_id"])[0]
card("reactivated client", [("lifecycle_reason_code", "=", "reactivated")])
card("status set by hand (the company's own)", [*clients, ("lifecycle_reason_code", "=", "manual_kept")])
late = kw("res.partner", "search", [("lifecycle_status_id", "=", roles["lifecycle_status_permanent_id"][0]),
          ("lifecycle_next_order_date", "<", date.today().isoformat())], 0, 2, "id")
if len(late) == 2:
    until = (date.today() + timedelta(days=14)).isoformat()
    act(late[0], roles["lifecycle_status_on_first_order_id"][0], "договорились по телефону", until)
    card("held by hand (a late permanent client set to working)", [("id", "=", late[0])])
    act(late[1], roles["lifecycle_status_former_id"][0], "переехал")
    card("former by hand", [("id", "=", late[1])])

# "Recalculate order frequency" for all clients queues a background job: the cron runs it
wizard = kw("partner.lifecycle.recalculate", "create", {"scope": "company"})
kw("partner.lifecycle.recalculate", "action_recalculate", [wizard])
(job,) = kw("partner.lifecycle.job", "search_read", [("kind", "=", "recalculate")],
            ["state"], 0, 1, "id desc")
started = time.monotonic()
while job["state"] in ("queued", "running") and time.monotonic() - started < 600:
    time.sleep(2)
    (job,) = kw("partner.lifecycle.job", "read", [job["id"]], ["state", "done_count", "total_count"])
waited = round(time.monotonic() - started)
print(f"background recalculation of all clients: {job['state']} after {waited} s "
      f"({job.get('done_count')} of {job.get('total_count')} clients)")
if job["state"] != "done":
    sys.exit("the background job did not finish: are scheduled actions running?")
# the backtest of the demo set-up: the current settings and the best variant, in English
tests = kw("partner.lifecycle.backtest", "search_read", [("state", "=", "done")], ["line_ids"], 0, 1, "id desc")
if tests:
    user["user_context"]["lang"] = "en_US"
    names = ["name", "client_count", "lost_count", "sleeping_precision", "at_risk_precision",
             "lost_recall", "score", "next_order_mae_days", "next_order_hit_rate",
             "next_order_range_coverage"]
    lines = kw("partner.lifecycle.backtest.line", "read", tests[0]["line_ids"], names)
    best = max(lines, key=lambda line: line["score"])
    print("backtest, 90 days ago, horizon 90 days:")
    print(f"| {'Settings':<28} | Clients | Lost | Sleeping precision | At-risk precision | "
          "Lost caught | Next order error (days) | Within 3 days | In 80 % range |")
    print("|" + "|".join(["---"] * 9) + "|")
    for line in [lines[0]] + ([best] if best is not lines[0] else []):
        print(f"| {line['name']:<28} | {line['client_count']:>7,} | {line['lost_count']:>4,} | "
              f"{line['sleeping_precision']:.0%} | {line['at_risk_precision']:.0%} | "
              f"{line['lost_recall']:.0%} | {line['next_order_mae_days']:.1f} | "
              f"{line['next_order_hit_rate']:.0%} | {line['next_order_range_coverage']:.0%} |")
EOF
    exit $?
fi
cat <<EOF

The demo is running: $URL (login admin, password admin, in Russian: Preferences > Language
switches to English). Menus, in Russian (English):
- Контакты (Contacts): clients grouped by status (favourite "Клиенты по статусам"); a client
  card shows its status, since when, its order figures and its status history.
- Контакты > Планирование доставки (Contacts > Delivery Planning): tomorrow's plan, filled.
- Контакты > Отчеты (Contacts > Reporting): Клиенты по статусам, Изменения статусов, Воронка
  клиентов, Движение спящих клиентов, Когорты клиентов (Clients by Status, Status Changes,
  Client Funnel, Sleeping Clients Flow, Client Cohorts: two years rebuilt from the orders).
- Контакты > Конфигурация > Статусы клиентов (Contacts > Configuration > Client Statuses);
  Настройки, block "Жизненный цикл клиента" (Settings, block "Client Lifecycle").
- Склад > Операции > Доставка (Inventory > Operations > Deliveries), from "Склад Казань".
Ctrl-C stops it (the database $DB stays; the next run replaces it).
EOF
wait "$SERVER"
