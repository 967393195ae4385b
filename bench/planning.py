"""Delivery planning on generated data: the demo plan and the fill's timing.

- ``create_demo_plan(env, company)``: zones and a few contact schedules for the
  company's clients, then tomorrow's delivery plan, filled (bench/demo.py calls it).
- ``measure_fill(env, company, day, repeat=3)``: the seconds of filling a plan for
  ``day`` (every zone), each run rolled back.
- ``measure_day(env, company, day, repeat=3)``: (k) of bench/benchmark.py, a
  dispatcher's day: the fill of a plan for ``day`` and the quotations of all its
  lines (the background job's batches, without their commits), with the seconds
  per 1,000 lines; each run rolled back.
- As a command, on a database holding generated clients::

      python bench/run_odoo.py -d DB [ODOO OPTIONS] -- planning [--recalculate]
          [--repeat 3] [--day YYYY-MM-DD]

  gives the clients zones and schedules and turns the schedule setting on
  (committed: run it on a benchmark database), measures the floor of
  bench/benchmark.py (one SQL scan of the sorted client/order-day pairs)
  and the fill, and prints both with their ratio.
"""

import argparse
import json
import statistics
import time
from contextlib import contextmanager
from datetime import date, timedelta

from odoo.tools import SQL

#: Delivery zones of the demo company, in route order (in English, and in Russian).
ZONES = ("North", "Center", "South", "Suburbs")
ZONES_RU = ("Север", "Центр", "Юг", "Пригород")
#: One client in SCHEDULED_EVERY gets a contact schedule (a weekday, Monday to Friday).
SCHEDULED_EVERY = 20


def prepare_zones(env, company, zones=ZONES):
    """Create the zones when missing; spread the company's clients over them (by a hash of
    their id) and give one client in ``SCHEDULED_EVERY`` a weekly contact schedule on one
    weekday, Monday to Friday."""
    zone_model = env["partner.lifecycle.zone"]
    records = [
        zone_model.search([("name", "=", name)], limit=1)
        or zone_model.create({"name": name, "sequence": index})
        for index, name in enumerate(zones, start=1)
    ]
    recalculation = env["partner.lifecycle.recalculation"]
    env.flush_all()
    weekday = SQL("mod(p.id / %s, 5)", SCHEDULED_EVERY)
    spread = SQL("mod(hashint4(p.id) + 2147483648, %s)", len(records))
    env.cr.execute(
        SQL(
            """UPDATE res_partner p
                  SET lifecycle_zone_id = (%(zones)s::int[])[%(spread)s + 1],
                      lifecycle_schedule_kind = CASE WHEN mod(p.id, %(every)s) = 0
                                                     THEN 'weekdays' END,
                      lifecycle_schedule_mon = mod(p.id, %(every)s) = 0 AND %(weekday)s = 0,
                      lifecycle_schedule_tue = mod(p.id, %(every)s) = 0 AND %(weekday)s = 1,
                      lifecycle_schedule_wed = mod(p.id, %(every)s) = 0 AND %(weekday)s = 2,
                      lifecycle_schedule_thu = mod(p.id, %(every)s) = 0 AND %(weekday)s = 3,
                      lifecycle_schedule_fri = mod(p.id, %(every)s) = 0 AND %(weekday)s = 4
                WHERE %(client)s AND %(company)s""",
            zones=[zone.id for zone in records],
            spread=spread,
            every=SCHEDULED_EVERY,
            weekday=weekday,
            client=env["res.partner"]._lifecycle_client_clause("p"),
            company=recalculation._company_clause(company),
        )
    )
    env["res.partner"].invalidate_model()
    return records


def create_demo_plan(env, company, zones=ZONES):
    """Tomorrow's delivery plan of the demo company, filled and ready to open: the clients
    get ``zones`` and a few of them a contact schedule, which the company uses."""
    prepare_zones(env, company, zones)
    company.lifecycle_planning_use_schedule = True
    day = company._lifecycle_today() + timedelta(days=1)
    plan = (
        env["partner.lifecycle.planning"]
        .with_company(company)
        .create({"company_id": company.id, "date_from": day, "date_to": day})
    )
    plan.action_fill()
    return plan


class _Discard(Exception):
    """Raised to roll a savepoint back."""


@contextmanager
def rolled_back(env):
    """A block whose writes are rolled back (a savepoint) and its cache forgotten after."""
    try:
        with env.cr.savepoint():
            yield
            raise _Discard
    except _Discard:
        pass
    env.invalidate_all()


def timed_fill(env, company, day):
    """A new plan of ``company`` for ``day`` (every zone), filled: the plan and the seconds
    of its fill."""
    plans = env["partner.lifecycle.planning"].with_company(company)
    plan = plans.create({"company_id": company.id, "date_from": day, "date_to": day})
    env.flush_all()
    started = time.perf_counter()
    plan.action_fill()
    env.flush_all()
    return plan, time.perf_counter() - started


def measure_fill(env, company, day, repeat=3):
    """Fill a new plan of ``company`` for ``day`` (every zone) ``repeat`` times, each run
    rolled back; return the seconds of each run, their median and minimum, and the lines."""
    runs, lines = [], 0
    for _run in range(repeat):
        with rolled_back(env):
            plan, seconds = timed_fill(env, company, day)
            runs.append(seconds)
            lines = len(plan.line_ids)
    return {
        "runs_seconds": [round(seconds, 3) for seconds in runs],
        "median_seconds": round(statistics.median(runs), 3),
        "min_seconds": round(min(runs), 3),
        "lines": lines,
    }


def per_thousand(seconds, lines):
    """Seconds per 1,000 lines (None without lines)."""
    return round(seconds * 1000 / lines, 3) if lines else None


def measure_day(env, company, day, repeat=3):
    """A dispatcher's day on a new plan of ``company`` for ``day`` (every zone), ``repeat``
    times, each run rolled back: the fill, then "Create Quotations" for every line, as the
    background job makes them (its batches in savepoints instead of commits). Returns the
    seconds of each step, their medians and the seconds per 1,000 lines."""
    fills, quotes, lines, made = [], [], 0, 0
    for _run in range(repeat):
        with rolled_back(env):
            plan, seconds = timed_fill(env, company, day)
            fills.append(seconds)
            lines = len(plan.line_ids)
            started = time.perf_counter()
            job = plan._lifecycle_queue_quotations(ordered_only=False)
            job._run()
            env.flush_all()
            quotes.append(time.perf_counter() - started)
            made = (job.counts or {}).get("made", 0)
    fill, quote = statistics.median(fills), statistics.median(quotes)
    return {
        "lines": lines,
        "quotations": made,
        "fill_runs_seconds": [round(seconds, 3) for seconds in fills],
        "quotation_runs_seconds": [round(seconds, 3) for seconds in quotes],
        "fill_seconds": round(fill, 3),
        "quotation_seconds": round(quote, 3),
        "fill_per_1000_lines": per_thousand(fill, lines),
        "quotations_per_1000_lines": per_thousand(quote, lines),
    }


def day_lines(day):
    """(k) in the benchmark's table."""
    per = day["fill_per_1000_lines"], day["quotations_per_1000_lines"]
    text = "n/a" if per[0] is None else f"{per[0]:.2f} s and {per[1]:.2f} s per 1,000 lines"
    return [
        f"(k) planning, a day's plan: {day['lines']:,} lines, {day['quotations']:,} quotations: "
        f"fill {day['fill_seconds']:.2f} s, quotations {day['quotation_seconds']:.2f} s ({text})"
    ]


def main(env, argv):
    parser = argparse.ArgumentParser(prog="planning", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--day", type=date.fromisoformat, default=None)
    parser.add_argument(
        "--recalculate",
        action="store_true",
        help="run the full recalculation first (freshly generated clients have no figures)",
    )
    args = parser.parse_args(argv)
    from . import benchmark  # the floor of the benchmark; not shipped in the wheel

    company = env.company
    if args.recalculate:
        env["partner.lifecycle.recalculation"]._recalculate_company(company, commit=True)
    day = args.day or company._lifecycle_today() + timedelta(days=1)
    clients = len(env["partner.lifecycle.recalculation"]._client_ids(company))
    prepare_zones(env, company)
    company.lifecycle_planning_use_schedule = True
    env.cr.commit()
    benchmark.vacuum_analyze(env, ("res_partner", "sale_order", "partner_lifecycle_planning_line"))
    floors = [benchmark.floor_scan(env, company)[0] for _run in range(2)]
    fill = measure_fill(env, company, day, args.repeat)
    floors.append(benchmark.floor_scan(env, company)[0])
    floor = min(floors)
    result = {
        "clients": clients,
        "day": day.isoformat(),
        "floor_seconds": round(floor, 3),
        "floor_runs_seconds": [round(seconds, 3) for seconds in floors],
        "fill": fill,
        "fill_to_floor": round(fill["median_seconds"] / floor, 3),
    }
    print(
        f"{clients:,} clients, plan for {day}: {fill['lines']:,} lines\n"
        f"floor (sorted client/order-day pairs): {floor:.2f} s\n"
        f"fill: median {fill['median_seconds']:.2f} s, min {fill['min_seconds']:.2f} s "
        f"(runs {fill['runs_seconds']}), {result['fill_to_floor']:.2f} x floor"
    )
    print(json.dumps(result, indent=1))
    return result
