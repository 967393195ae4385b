"""The cohort report on generated data: the pivot's calls, the old query, the upkeep.

- ``measure(env, company, repeat=1)``: (l) of bench/benchmark.py. The seconds of the
  calls the web client's pivot makes when the report opens (by first order month and
  months after: the four grouped reads of the default pivot, with the count and the
  share still active), of the same figures by the 18.0.1.3.0 query (recomputed from
  the orders and the history at each read), of the drill-down of one cell, and of
  the upkeep: a month closing (the scheduled run of the 1st), every closed month
  written again (install, migration, another time zone), one client and 1,000
  clients written again (a rewritten past). The upkeep runs are rolled back.
- As a command, on a database holding generated clients::

      python bench/run_odoo.py -d DB [ODOO OPTIONS] -- cohort [--repeat 3] [--explain]
          [--write]

  ``--write`` first writes every closed month and commits (a database installed
  before the closed months were kept); ``--explain`` prints EXPLAIN ANALYZE of the
  pivot's main read, old and new.
"""

import argparse
import json
import statistics
import time

from dateutil.relativedelta import relativedelta

from odoo.tools import SQL

from ..models.lifecycle_context import internal
from ..models.partner_lifecycle_report_cohort import CELLS_KEY
from ..models.partner_lifecycle_report_mixin import INACTIVE_ROLES

#: The grouped reads of the default pivot when it opens: the total, the rows, the
#: columns and the cells.
PIVOT_GROUPBYS = (
    (),
    ("cohort_month:month",),
    ("month_index",),
    ("cohort_month:month", "month_index"),
)
MEASURES = ["__count", "active_count:sum", "active_rate:avg"]


def old_query(env):
    """The 18.0.1.3.0 report: one row per client and month, from the orders and the history."""
    companies = env["res.company"]
    recalculation = env["partner.lifecycle.recalculation"]
    return SQL(
        """WITH events AS (%(events)s),
           spans AS (
               SELECT partner_id, day, new_status_id, new_role,
                      lead(day) OVER (PARTITION BY partner_id ORDER BY date, id) AS next_day
                 FROM events),
           cohorts AS (
               SELECT p.id AS partner_id,
                      date_trunc('month', min(%(order_day)s))::date AS cohort_month,
                      date_trunc('month', %(today)s)::date AS current_month
                 FROM res_partner p
                 JOIN res_company rc ON rc.id = %(company)s
                 JOIN res_partner c ON c.commercial_partner_id = p.id
                 JOIN sale_order so ON so.partner_id = c.id
                WHERE %(counted)s
             GROUP BY p.id, rc.id),
           months AS (
               SELECT co.partner_id, co.cohort_month, k AS month_index,
                      (co.cohort_month + (k + 1) * interval '1 month')::date - 1 AS month_end
                 FROM cohorts co,
                      generate_series(0, ((extract(year FROM co.current_month)
                                           - extract(year FROM co.cohort_month)) * 12
                                          + extract(month FROM co.current_month)
                                          - extract(month FROM co.cohort_month))::int) AS k)
        SELECT m.cohort_month, m.month_index,
               (s.new_role IS NULL OR s.new_role NOT IN %(inactive)s)::int AS active_count
          FROM months m
     LEFT JOIN spans s ON s.partner_id = m.partner_id AND s.day <= m.month_end
                      AND (s.next_day IS NULL OR s.next_day > m.month_end)""",
        events=env["partner.lifecycle.history"]._report_events_query(),
        order_day=recalculation._order_day(companies, "rc"),
        today=companies._lifecycle_today_sql("rc"),
        company=companies._lifecycle_ruling_company_sql("p"),
        counted=recalculation._counted_order_clause(),
        inactive=INACTIVE_ROLES,
    )


def old_pivot(env, groupby):
    """The figures of one grouped read, by the old query."""
    columns = {
        "cohort_month:month": SQL("date_trunc('month', cohort_month)"),
        "month_index": SQL("month_index"),
    }
    keys = [columns[spec] for spec in groupby]
    select = SQL(", ").join(
        [*keys, SQL("count(*)"), SQL("sum(active_count)"), SQL("avg(active_count)")]
    )
    group = SQL(" GROUP BY %s", SQL(", ").join(keys)) if keys else SQL()
    return env.execute_query(SQL("SELECT %s FROM (%s) r%s", select, old_query(env), group))


def _seconds(function, repeat):
    runs = []
    for _run in range(repeat):
        start = time.perf_counter()
        function()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def _rolled_back(env, function):
    def run():
        with env.cr.savepoint(flush=False) as savepoint:
            function()
            savepoint.rollback()

    return run


def pivot_open(env):
    """The grouped reads of the default pivot, as the web client makes them."""
    report = env["partner.lifecycle.report.cohort"]
    return [
        report.read_group([], MEASURES, list(groupby), lazy=False) for groupby in PIVOT_GROUPBYS
    ]


def measure(env, company, repeat=1):
    """(l): the report's reads and upkeep, in seconds (medians of ``repeat`` runs)."""
    store = env["partner.lifecycle.cohort.store"]
    report = env["partner.lifecycle.report.cohort"]
    env.flush_all()
    if company.id not in store._closed_months():
        store._rebuild(company)
    result = {"repeat": repeat}
    result["rows"] = env.execute_query(
        SQL(
            """SELECT (SELECT count(*) FROM partner_lifecycle_cohort_client_month),
                      (SELECT count(*) FROM partner_lifecycle_cohort_cell)"""
        )
    )[0]
    new, old = pivot_open(env), [old_pivot(env, groupby) for groupby in PIVOT_GROUPBYS]
    result["same_total"] = (new[0][0]["__count"], round(new[0][0]["active_rate"] or 0, 6)) == (
        old[0][0][0],
        round(float(old[0][0][2] or 0), 6),
    )
    result["pivot_open"] = _seconds(lambda: pivot_open(env), repeat)
    result["pivot_cells"] = _seconds(
        lambda: report.read_group([], MEASURES, ["cohort_month:month", "month_index"], lazy=False),
        repeat,
    )
    result["old_pivot_cells"] = _seconds(lambda: old_pivot(env, PIVOT_GROUPBYS[-1]), repeat)
    result["old_pivot_open"] = _seconds(
        lambda: [old_pivot(env, groupby) for groupby in PIVOT_GROUPBYS], repeat
    )
    cell = new[-1][0] if new[-1] else None
    if cell:
        domain = cell["__domain"]
        result["drill_down"] = _seconds(
            lambda: (report.search(domain, limit=80), report.search_count(domain)), repeat
        )
    last = store._closed_months()[company.id]
    before = last - relativedelta(months=1)

    def reopen():
        env.cr.execute(
            SQL(
                "UPDATE partner_lifecycle_cohort_closed SET month = %s WHERE company_id = %s",
                before,
                company.id,
            )
        )
        store._close_months(company)

    result["month_close"] = _seconds(_rolled_back(env, reopen), repeat)
    result["rebuild"] = _seconds(_rolled_back(env, lambda: store._rebuild(company)), repeat)
    ids = [
        row[0]
        for row in env.execute_query(
            SQL(
                """SELECT DISTINCT partner_id FROM partner_lifecycle_cohort_client_month
                    ORDER BY partner_id LIMIT 1000"""
            )
        )
    ]
    result["refresh_one"] = _seconds(_rolled_back(env, lambda: store._refresh(ids[:1])), repeat)
    result["refresh_1000"] = _seconds(_rolled_back(env, lambda: store._refresh(ids)), repeat)
    return result


def lines(result):
    """The lines of (l) in the benchmark's table."""
    rows, cells = result["rows"]
    text = [
        f"(l) cohort report: {rows:,} client months stored, {cells:,} cells; "
        f"same total as 18.0.1.3.0: {result['same_total']}",
        f"    pivot open (4 reads) {result['pivot_open']:.3f} s, by the 18.0.1.3.0 query "
        f"{result['old_pivot_open']:.3f} s; one read by month and months after "
        f"{result['pivot_cells']:.3f} s (was {result['old_pivot_cells']:.3f} s)",
    ]
    if "drill_down" in result:
        text.append(
            f"    drill-down of a cell (80 clients and the count) {result['drill_down']:.3f} s"
        )
    text.append(
        f"    upkeep: a month closing {result['month_close']:.3f} s, every closed month "
        f"{result['rebuild']:.3f} s, one client {result['refresh_one']:.4f} s, "
        f"1,000 clients {result['refresh_1000']:.3f} s"
    )
    return text


def explain(env):
    """EXPLAIN ANALYZE of the pivot's read by month and months after, new and old."""
    report = env["partner.lifecycle.report.cohort"].with_context(**internal(CELLS_KEY))
    new = SQL(
        """SELECT date_trunc('month', cohort_month), month_index, sum(client_count),
                  sum(active_count)::float / nullif(sum(client_count), 0)
             FROM (%s) r GROUP BY 1, 2""",
        report._table_query,
    )
    old = SQL(
        """SELECT date_trunc('month', cohort_month), month_index, count(*), avg(active_count)
             FROM (%s) r GROUP BY 1, 2""",
        old_query(env),
    )
    out = []
    for name, query in (("new", new), ("old", old)):
        rows = env.execute_query(SQL("EXPLAIN (ANALYZE, BUFFERS) %s", query))
        out.append(f"-- {name}\n" + "\n".join(row[0] for row in rows))
    return "\n".join(out)


def main(env, argv):
    parser = argparse.ArgumentParser(prog="cohort")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--write", action="store_true", help="write every closed month first")
    args = parser.parse_args(argv)
    company = env.company
    if args.write:
        start = time.perf_counter()
        env["partner.lifecycle.cohort.store"]._fill_first_order_dates()
        env["partner.lifecycle.cohort.store"]._rebuild(env["res.company"].search([]))
        env.cr.commit()
        print(f"closed months written in {time.perf_counter() - start:.1f} s", flush=True)
    env.cr.execute(SQL("ANALYZE partner_lifecycle_cohort_client_month"))
    env.cr.execute(SQL("ANALYZE partner_lifecycle_cohort_cell"))
    result = measure(env, company, args.repeat)
    print("\n".join(lines(result)), flush=True)
    if args.explain:
        print(explain(env), flush=True)
    print(json.dumps(result, default=str))
    env.cr.rollback()
    return result
