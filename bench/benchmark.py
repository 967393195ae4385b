"""Benchmark of the client lifecycle recalculation on generated data.

Run by ``tools/bench.sh [--clients N]`` (which makes a fresh database and
loads N clients with bench/generate.py in a process of its own), or on a
database that already holds generated data::

    python bench/run_odoo.py -d DB [ODOO OPTIONS] -- benchmark [--sample 1000] [--repeat 200]

Measured in one run on the same database, after resetting every client to
"no facts yet" (status back to the company's "at creation" one, unless it is
a status set by hand):

(a) the floor: one SQL scan of the (commercial client, order date) pairs of
    the confirmed orders, sorted, fetched into Python: the plain query (which
    may use parallel workers, and holds its whole result in memory) and the
    same through a server-side cursor (streamed, without parallel workers),
    each run before, between and after the recalculations; the best run is
    the floor;
(b) the full recalculation of the company from scratch (``_recalculate_company``
    with a commit per batch, as the scheduled action runs it);
(c) the same recalculation again, with nothing to change;
(d) the naive per-client ORM loop (bench/naive.py: one ``search`` per client,
    the engine, one ORM ``write``) on a random sample of clients, rolled back,
    extrapolated to all clients;
(e) the time added by the add-on's hooks to ``sale.order.action_confirm`` of a
    one-line order and to the validation of its delivery: the same operations
    with the hooks replaced by plain ``super()`` calls, on pairs of orders of
    the same clients, median of ``--repeat`` pairs (rolled back);

and the peak memory (resident set) of this process during (b) and over the run.
It prints one table and writes it as JSON in bench/results/.
"""

import argparse
import json
import os
import platform
import random
import resource
import statistics
import time
from collections import Counter
from contextlib import ExitStack, contextmanager
from datetime import datetime
from pathlib import Path
from unittest import mock

import psycopg2

from odoo import Command, fields, release
from odoo.sql_db import connection_info_for
from odoo.tools import SQL

from ..models.partner_lifecycle_recalculation import FACT_COLUMNS
from ..models.sale_order import SaleOrder
from ..models.stock_picking import StockPicking
from . import generate, naive

RESULTS = Path(__file__).resolve().parent / "results"
#: Runs of the hook measure done first and not counted.
WARM_UP = 10
FETCH_SIZE = 20000


# ---------------------------------------------------------------------- memory
def reset_peak_memory():
    """Reset the kernel's peak resident set of this process (Linux); False when not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        return False
    return True


def peak_memory_mb():
    """Peak resident set since the last reset (VmHWM), else since the start, in MiB."""
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---------------------------------------------------------------------- database helpers
def vacuum_analyze(env, tables=("res_partner", "sale_order")):
    """VACUUM ANALYZE outside the transaction (on a connection of its own)."""
    _name, info = connection_info_for(env.cr.dbname)
    connection = psycopg2.connect(**info)
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(SQL("VACUUM ANALYZE %s", SQL.identifier(table)).code)
    finally:
        connection.close()


def reset_clients(env, company, ids):
    """Forget the clients' facts and give back the "at creation" status to automatic ones."""
    statuses, role_of = naive.company_roles(company)
    automatic = list(role_of)
    env.cr.execute(
        SQL(
            """UPDATE res_partner
                  SET lifecycle_status_id = CASE WHEN lifecycle_status_id = ANY(%(automatic)s)
                                                 THEN %(new)s ELSE lifecycle_status_id END,
                      %(nulls)s
                WHERE id = ANY(%(ids)s)""",
            automatic=automatic,
            new=statuses.get("new"),
            nulls=SQL(", ").join(SQL("%s = NULL", SQL.identifier(name)) for name in FACT_COLUMNS),
            ids=ids,
        )
    )
    env.cr.execute(SQL("DELETE FROM partner_lifecycle_history"))
    env.invalidate_all()
    env.cr.commit()


def count_confirmed_orders(env):
    env.cr.execute(SQL("SELECT count(*) FROM sale_order WHERE state = 'sale'"))
    return env.cr.fetchone()[0]


# ---------------------------------------------------------------------- measures
def floor_scan(env, tz, server_side):
    """(a) Fetch all (commercial client, order date) pairs of confirmed orders, sorted.

    ``server_side``: stream them through a server-side cursor (bounded memory,
    but PostgreSQL plans cursors without parallel workers); otherwise run the
    plain query (parallel workers allowed) and fetch its result in chunks.
    """
    query = SQL(
        """SELECT c.commercial_partner_id,
                  (so.date_order AT TIME ZONE 'UTC' AT TIME ZONE %s)::date
             FROM sale_order so
             JOIN res_partner c ON c.id = so.partner_id
            WHERE so.state = 'sale'
         ORDER BY 1, 2""",
        tz,
    )
    rows = 0
    started = time.perf_counter()
    if server_side:
        env.cr.execute(SQL("SET LOCAL cursor_tuple_fraction = 1.0"))
        cursor = env.cr._cnx.cursor("pl_floor")
        cursor.itersize = FETCH_SIZE
    else:
        cursor = env.cr._cnx.cursor()
    with cursor:
        cursor.execute(query.code, query.params)
        while batch := cursor.fetchmany(FETCH_SIZE):
            rows += len(batch)
    elapsed = time.perf_counter() - started
    env.cr.rollback()
    return elapsed, rows


#: Steps of the recalculation timed separately: (model, method, label).
STEPS = (
    ("partner.lifecycle.recalculation", "_client_ids", "select clients"),
    ("partner.lifecycle.recalculation", "_snapshot_order_dates", "aggregate order dates"),
    ("partner.lifecycle.recalculation", "_read_facts", "read batches"),
    ("partner.lifecycle.recalculation", "_write", "write (UPDATE + history)"),
    ("partner.lifecycle.history", "_log_automatic_changes", "  of which history INSERT"),
)


@contextmanager
def timed_steps(env, seconds, written):
    """Add the time spent in each of STEPS to ``seconds`` (label -> seconds), and the
    number of clients written to ``written["clients"]``."""

    def timer(original, label):
        def timed(self, *args, **kwargs):
            if original.__name__ == "_write":
                written["clients"] += len(args[0])
            started = time.perf_counter()
            try:
                return original(self, *args, **kwargs)
            finally:
                seconds[label] = seconds.get(label, 0.0) + time.perf_counter() - started

        return timed

    with ExitStack() as stack:
        for model, method, label in STEPS:
            cls = type(env[model])
            if hasattr(cls, method):
                patch = mock.patch.object(cls, method, timer(getattr(cls, method), label))
                stack.enter_context(patch)
        yield


def full_recalculation(env, company):
    """(b) and (c): the company's recalculation as the scheduled action runs it."""
    steps, written = {}, Counter()
    started = time.perf_counter()
    with timed_steps(env, steps, written):
        stats = env["partner.lifecycle.recalculation"]._recalculate_company(company, commit=True)
    env.cr.commit()
    elapsed = time.perf_counter() - started
    writing = steps.get("write (UPDATE + history)", 0.0)
    rest = elapsed - sum(value for label, value in steps.items() if not label.startswith(" "))
    steps = {label: round(steps.get(label, 0.0), 3) for _model, _method, label in STEPS}
    steps["decide in Python (the rest)"] = round(rest, 3)
    return elapsed, {
        **dict(stats),
        "written": written["clients"],
        "steps": steps,
        "write_seconds": round(writing, 3),
    }


def naive_loop(env, ids, sample, seed):
    """(d) The per-client ORM loop on a random sample, rolled back; seconds for the sample."""
    chosen = sorted(random.Random(seed).sample(ids, min(sample, len(ids))))
    partners = env["res.partner"].browse(chosen)
    today = fields.Date.context_today(env.user)
    env.invalidate_all()
    started = time.perf_counter()
    naive.recalculate(partners, today)
    env.flush_all()
    elapsed = time.perf_counter() - started
    env.cr.rollback()
    env.invalidate_all()
    return elapsed, len(chosen)


def _plain_confirm(self):
    return super(SaleOrder, self)._action_confirm()


def _plain_done(self):
    return super(StockPicking, self)._action_done()


@contextmanager
def hooks_disabled(disabled):
    """Replace the add-on's confirmation and delivery hooks by plain super() calls."""
    with ExitStack() as stack:
        if disabled:
            stack.enter_context(mock.patch.object(SaleOrder, "_action_confirm", _plain_confirm))
            stack.enter_context(mock.patch.object(StockPicking, "_action_done", _plain_done))
        yield


class _Discard(Exception):
    """Raised to roll a savepoint back."""


@contextmanager
def discarded(env):
    """Run the block in a savepoint that is rolled back."""
    try:
        with env.cr.savepoint():
            yield
            raise _Discard
    except _Discard:
        pass
    env.invalidate_all()


def confirm_and_deliver(uenv, client_id, product, hooked):
    """Milliseconds to confirm a new one-line order of the client, then to validate its delivery."""
    order = uenv["sale.order"].create(
        {
            "partner_id": client_id,
            "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 2})],
        }
    )
    uenv.flush_all()
    uenv.invalidate_all()  # each operation starts like a new request, with an empty cache
    with hooks_disabled(not hooked):
        started = time.perf_counter()
        order.action_confirm()
        uenv.flush_all()
        confirmed = time.perf_counter()
        picking = order.picking_ids
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        uenv.flush_all()
        uenv.invalidate_all()
        before_validation = time.perf_counter()
        picking.with_context(skip_sms=True).button_validate()
        uenv.flush_all()
        validated = time.perf_counter()
    if picking.state != "done":
        raise RuntimeError(f"delivery {picking.name} was not validated ({picking.state})")
    return (confirmed - started) * 1000, (validated - before_validation) * 1000


def hook_overhead(env, company, ids, repeat, seed):
    """(e) Milliseconds of confirm and delivery validation with and without the hooks.

    Each sampled client (one already delivered, the usual case) gets two orders,
    one handled with the hooks and one without, in alternating order, each
    rolled back after; the added time is the median of the paired differences.
    """
    uenv = env(user=env.ref("base.user_admin"), context=dict(env.context, tz="UTC"))
    product = env["product.product"].search([("default_code", "=", generate.PRODUCT_CODE)])
    warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
    env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 10**7)
    env.cr.execute(
        SQL(
            "SELECT id FROM res_partner WHERE id = ANY(%s) "
            "AND lifecycle_first_delivery_date IS NOT NULL ORDER BY id",
            ids,
        )
    )
    delivered = [row[0] for row in env.cr.fetchall()]
    clients = random.Random(seed).sample(delivered, min(len(delivered), repeat + WARM_UP))
    times = {operation: {True: [], False: []} for operation in ("confirm", "delivery")}
    for run, client_id in enumerate(clients):
        for hooked in (True, False) if run % 2 else (False, True):
            with discarded(env):  # every operation starts from the same database
                confirm, delivery = confirm_and_deliver(uenv, client_id, product, hooked)
            if run >= WARM_UP:
                times["confirm"][hooked].append(confirm)
                times["delivery"][hooked].append(delivery)
    env.cr.rollback()
    env.invalidate_all()
    result = {}
    for operation, by_mode in times.items():
        without = statistics.median(by_mode[False])
        added = statistics.median(a - b for a, b in zip(by_mode[True], by_mode[False], strict=True))
        result[operation] = {
            "with_hooks_ms": round(statistics.median(by_mode[True]), 2),
            "without_hooks_ms": round(without, 2),
            "added_ms": round(added, 2),
            "added_percent": round(100 * added / without, 1),
            "runs_each": len(by_mode[True]),
        }
    return result


# ---------------------------------------------------------------------- report
def machine():
    """A short description of the machine and the software measured."""
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as handle:
            cpu = next(
                line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")
            )
    except (OSError, StopIteration):
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(memory, 1),
        "python": platform.python_version(),
        "odoo": release.version,
    }


def table(result):
    """The result as a text table: seconds and ratios to the floor."""
    floor = result["floor_seconds"]
    machine_ = result["machine"]
    lines = [
        f"{result['clients']:,} clients, {result['confirmed_orders']:,} confirmed orders; "
        f"{machine_['cores']} cores ({machine_['cpu']}), {machine_['memory_gib']} GiB, "
        f"PostgreSQL {result['postgresql']}, Odoo {machine_['odoo']}, Python {machine_['python']}",
        f"{'measure':<64}{'seconds':>10}{'x floor':>9}",
    ]

    def row(label, seconds):
        lines.append(f"{label:<64}{seconds:>10.2f}{seconds / floor:>9.2f}")

    floors = result["floor_runs_seconds"]
    row("(a) floor: sorted (client, order date) pairs, plain query", min(floors["plain"]))
    row("    the same through a server-side cursor", min(floors["cursor"]))
    for label, key in (
        ("(b) full recalculation from scratch", "full"),
        ("(c) recalculation with nothing to change", "nochange"),
    ):
        stats = result[f"{key}_stats"]
        row(f"{label} ({stats['written']:,} written)", result[f"{key}_seconds"])
        for step, seconds in stats["steps"].items():
            row(f"      {step.strip()}" if step.startswith(" ") else f"    {step}", seconds)
    if result["naive_sample"]:
        row(
            f"(d) naive ORM loop: {result['naive_sample']:,} clients in "
            f"{result['naive_seconds']:.2f} s, extrapolated",
            result["naive_extrapolated_seconds"],
        )
        lines.append(
            f"    naive loop / full recalculation: {result['ratios']['naive_to_full']:.0f}x"
        )
    for operation, label in (
        ("confirm", "action_confirm, one-line order"),
        ("delivery", "delivery validation"),
    ):
        hook = result["hooks"].get(operation)
        if hook:
            lines.append(
                f"(e) {label}: {hook['without_hooks_ms']:.1f} ms without the hooks, "
                f"{hook['with_hooks_ms']:.1f} ms with; added {hook['added_ms']:.1f} ms "
                f"({hook['added_percent']:+.1f} %), median of {hook['runs_each']} pairs"
            )
    lines.append(
        f"peak memory (resident): {result['peak_mb_full']:.0f} MiB during (b), "
        f"{result['peak_mb_process']:.0f} MiB for the whole run"
    )
    return "\n".join(lines)


def has_facts(env, ids):
    """Whether any client already has frequency facts or a status history."""
    env.cr.execute(
        SQL(
            """SELECT EXISTS (SELECT 1 FROM res_partner
                               WHERE id = ANY(%s) AND lifecycle_order_count IS NOT NULL)
                   OR EXISTS (SELECT 1 FROM partner_lifecycle_history)""",
            ids,
        )
    )
    return env.cr.fetchone()[0]


def floors(env, tz, result):
    """Run the floor once plainly and once through a cursor, adding to ``result``."""
    runs = result.setdefault("floor_runs_seconds", {"plain": [], "cursor": []})
    for mode, seconds_list in runs.items():
        seconds, result["floor_rows"] = floor_scan(env, tz, mode == "cursor")
        seconds_list.append(round(seconds, 3))
    print(f"(a) floor so far: {runs} s", flush=True)


def main(env, argv):
    parser = argparse.ArgumentParser(prog="benchmark", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, default=1000, help="clients of the naive loop")
    parser.add_argument("--repeat", type=int, default=200, help="pairs of each hook measure")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-naive", action="store_true")
    parser.add_argument("--skip-hooks", action="store_true")
    parser.add_argument("--output", type=Path, help="JSON file (default: in bench/results/)")
    args = parser.parse_args(argv)

    company = env.company
    tz = env.user.tz or "UTC"
    ids = env["partner.lifecycle.recalculation"]._client_ids(company)
    if has_facts(env, ids):
        reset_clients(env, company, ids)
    vacuum_analyze(env)
    version = env.cr._cnx.server_version
    result = {
        "date": datetime.now().isoformat(timespec="seconds"),
        "machine": machine(),
        "postgresql": f"{version // 10000}.{version % 10000}",
        "clients": len(ids),
        "confirmed_orders": count_confirmed_orders(env),
        "batch_size": env["partner.lifecycle.recalculation"]._batch_size,
        "naive_sample": 0,
        "naive_seconds": 0.0,
        "hooks": {},
    }
    env.cr.rollback()
    print(f"{len(ids):,} clients, {result['confirmed_orders']:,} confirmed orders", flush=True)

    # The floor runs before, between and after the recalculations, so that a passing
    # load on the machine does not decide the ratios; the best run counts.
    floors(env, tz, result)
    if not args.skip_naive:
        result["naive_seconds"], result["naive_sample"] = naive_loop(
            env, ids, args.sample, args.seed
        )
        print(
            f"(d) naive: {result['naive_seconds']:.2f} s for {result['naive_sample']}", flush=True
        )
    result["naive_extrapolated_seconds"] = (
        result["naive_seconds"] * len(ids) / (result["naive_sample"] or 1)
    )

    result["peak_reset"] = reset_peak_memory()
    result["full_seconds"], result["full_stats"] = full_recalculation(env, company)
    result["peak_mb_full"] = peak_memory_mb()
    print(f"(b) full: {result['full_seconds']:.2f} s {result['full_stats']}", flush=True)
    floors(env, tz, result)
    result["nochange_seconds"], result["nochange_stats"] = full_recalculation(env, company)
    print(f"(c) no change: {result['nochange_seconds']:.2f} s", flush=True)
    floors(env, tz, result)
    result["floor_seconds"] = min(min(runs) for runs in result["floor_runs_seconds"].values())

    if not args.skip_hooks:
        vacuum_analyze(env, ("res_partner",))  # (b) and (c) rewrote it; autovacuum would have
        result["hooks"] = hook_overhead(env, company, ids, args.repeat, args.seed)
    result["peak_mb_process"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    floor = result["floor_seconds"]
    result["ratios"] = {
        "full_to_floor": round(result["full_seconds"] / floor, 2),
        "nochange_to_floor": round(result["nochange_seconds"] / floor, 2),
        "naive_to_full": round(result["naive_extrapolated_seconds"] / result["full_seconds"], 1),
    }
    text = table(result)
    print(text)
    output = args.output or RESULTS / f"benchmark-{len(ids)}-{datetime.now():%Y%m%d-%H%M%S}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps({**result, "table": text}, indent=1, default=str))
    print(f"written: {output}")
    return result
