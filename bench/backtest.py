"""(j) of the benchmark: one backtest with all its variants, in one transaction.

The cutoff day is 90 days before the data's today, with the default horizon
(90 days) and tolerance; every client of the company is measured for the
current settings and every variant of the advisor (engine/backtest.py), as
the background job does, batch by batch, without the job's commits. The
backtest is rolled back afterwards.
"""

import time
from datetime import timedelta

#: Days between the cutoff day and the data's today (the default horizon).
CUTOFF_DAYS = 90


def backtest_run(env, company, today):
    """(j) Time one backtest of every client with all its variants; returns its figures."""
    env.cr.rollback()
    started = time.perf_counter()
    backtest = env["partner.lifecycle.backtest"].create(
        {"company_id": company.id, "date": today - timedelta(days=CUTOFF_DAYS)}
    )
    ids = backtest._client_ids()
    backtest._start()
    backtest._measure_all(ids)
    env.flush_all()
    elapsed = time.perf_counter() - started
    current = backtest.line_ids.filtered("is_current")
    figures = {
        "seconds": elapsed,
        "clients": backtest.client_count,
        "variants": len(backtest.line_ids),
        "lost": backtest.lost_count,
        "lost_recall": round(current.lost_recall, 3),
        "sleeping_precision": round(current.sleeping_precision, 3),
        "next_order_mae_days": round(current.next_order_mae_days, 2),
        "next_order_range_coverage": round(current.next_order_range_coverage, 3),
    }
    env.cr.rollback()
    return figures


def backtest_row(result):
    """The table's label of (j)."""
    run = sorted(result["backtest_runs"], key=lambda run: run["seconds"])[
        len(result["backtest_runs"]) // 2
    ]
    return f"(j) backtest: {run['clients']:,} clients, {run['variants']} variants"


def demo_backtest(env, company, today):
    """The demo's backtest: cutoff day 90 days before ``today``, all variants, kept and
    committed; returns the current settings' and the best variant's figures."""
    backtest = env["partner.lifecycle.backtest"].create(
        {"company_id": company.id, "date": today - timedelta(days=CUTOFF_DAYS)}
    )
    backtest._start()
    backtest._measure_all(backtest._client_ids())
    env.cr.commit()
    lines = backtest.line_ids.sorted("sequence")
    best = max(lines, key=lambda line: line.score)
    chosen = lines[:1] | best
    return {"date": backtest.date.isoformat(), "lines": [_line_figures(line) for line in chosen]}


def _line_figures(line):
    """One line's figures, in English (the JSON of the demo's summary)."""
    line = line.with_context(lang="en_US")
    return {
        "settings": line.name,
        "sleeping_days": line.sleeping_days,
        "at_risk_factor": line.at_risk_factor,
        "clients": line.client_count,
        "lost": line.lost_count,
        "sleeping_precision": round(line.sleeping_precision, 3),
        "at_risk_precision": round(line.at_risk_precision, 3),
        "lost_recall": round(line.lost_recall, 3),
        "next_order_mae_days": round(line.next_order_mae_days, 1),
        "next_order_hit_rate": round(line.next_order_hit_rate, 3),
        "next_order_range_coverage": round(line.next_order_range_coverage, 3),
    }
