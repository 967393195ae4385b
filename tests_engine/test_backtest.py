"""Backtest: forecasts on a past day measured against hand-made futures, figures by hand."""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from partner_lifecycle.engine import LifecycleSettings, decide
from partner_lifecycle.engine.backtest import (
    ClientHistory,
    Tally,
    backtest,
    best,
    best_next_order,
    changes_next_order,
    facts_at,
    first_order_after,
    forecast,
    share,
    variants,
)
from partner_lifecycle.engine.frequency import next_order_range

T = date(2024, 6, 30)


def day(offset):
    """The day ``offset`` days after T (negative: before)."""
    return T + timedelta(days=offset)


def client(*offsets, delivered=True, pauses=()):
    """A client ordering on these days around T, delivered at its first order."""
    days = tuple(day(offset) for offset in offsets)
    return ClientHistory(days, min(days) if delivered else None, pauses)


#: A: intervals 28, 30, 32 (mean 30, s = 2), expected T (due T + 1), orders at T + 3.
REGULAR = client(-120, -92, -62, -30, 3)
#: B: 200 idle days: sleeping, never orders again (lost).
SLEEPER = client(-400, -200, delivered=False)
#: C: 190 idle days: sleeping, but orders at T + 10.
RETURNING = client(-190, 10)
#: D: every 30 days, expected T + 10, never orders again (lost, not flagged).
QUIET = client(-50, -20)
#: E: every 10 days until T - 80: at risk with factor 2, never orders again (lost).
FADING = client(-100, -90, -80)
#: F: every 20 days, expected T (due T + 1), orders at T + 10 (9 days off).
LATE = client(-40, -20, 10)
#: G: first order after T: not counted.
NEWCOMER = client(5)

CLIENTS = (REGULAR, SLEEPER, RETURNING, QUIET, FADING, LATE, NEWCOMER)
DEFAULT = LifecycleSettings()
AT_RISK = replace(DEFAULT, at_risk_factor=2.0)


def test_default_settings_figures():
    """Six clients counted, three lost; two sleeping of which one lost; next order of A and F."""
    [tally] = backtest(CLIENTS, [DEFAULT], T, horizon=90, tolerance=3)
    assert (tally.clients, tally.lost) == (6, 3)
    assert (tally.sleeping, tally.sleeping_lost, tally.sleeping_precision) == (2, 1, 0.5)
    assert (tally.at_risk, tally.at_risk_precision) == (0, 0.0)
    assert tally.lost_recall == pytest.approx(1 / 3)
    # A: due T+1, first order T+3 (2 days, a hit); F: due T+1, first order T+10 (9 days)
    assert (tally.measured, tally.error_days, tally.hits) == (2, 11, 1)
    assert tally.next_order_mae_days == 5.5
    assert tally.next_order_hit_rate == 0.5
    # only A has a range: T-4..T+4 counted from T+1 to T+4, T+3 inside
    assert (tally.ranged, tally.covered, tally.next_order_range_coverage) == (1, 1, 1.0)


def test_at_risk_factor_catches_the_fading_client():
    """With factor 2, E (10-day rhythm, 80 idle days) is at risk and lost: 2 of 3 caught."""
    [tally] = backtest(CLIENTS, [AT_RISK], T)
    assert (tally.at_risk, tally.at_risk_lost, tally.at_risk_precision) == (1, 1, 1.0)
    assert tally.caught == 2
    assert tally.lost_recall == pytest.approx(2 / 3)
    assert tally.flagged_precision == pytest.approx(2 / 3)


def test_longer_sleeping_limit_flags_nobody():
    """With D = 365 nobody sleeps: precision and recall are 0 (a share over no client)."""
    [tally] = backtest(CLIENTS, [replace(DEFAULT, sleeping_days=365)], T)
    assert (tally.sleeping, tally.sleeping_precision, tally.lost_recall) == (0, 0.0, 0.0)
    assert tally.score == 0.0


def test_horizon_makes_late_orders_lost():
    """With H = 5, C (T+10) and F (T+10) are lost too; A (T+3) still orders."""
    [tally] = backtest(CLIENTS, [DEFAULT], T, horizon=5)
    assert tally.lost == 5
    assert tally.measured == 1


def test_tolerance_counts_hits():
    """With a tolerance of 9 days, F's 9 days off is a hit."""
    [tally] = backtest(CLIENTS, [DEFAULT], T, tolerance=9)
    assert tally.hits == 2


def test_facts_at_cutoff_leave_out_the_future():
    """Orders, a delivery and pauses after T are unknown on T."""
    history = ClientHistory(
        (day(-10), day(5)), day(5), ((day(-3), day(-1)), (day(2), day(4))), ((day(5), 2.0),)
    )
    facts = facts_at(history, T)
    assert facts.order_dates == (day(-10),)
    assert facts.first_delivery_date is None
    assert facts.pauses == ((day(-3), day(-1)),)
    assert facts.order_quantities == ()
    assert first_order_after(history, T, 90) == day(5)
    assert first_order_after(history, T, 4) is None


def test_forecast_agrees_with_decide():
    """The backtest's forecast gives the rules' roles and next order for every client."""
    for settings in (DEFAULT, AT_RISK, replace(DEFAULT, planning_inactive_days=45)):
        for history in CLIENTS[:-1]:
            facts = facts_at(history, T)
            decision = decide(facts, settings, T)
            result = forecast(facts, settings, T)
            assert result.sleeping == (decision.role == "sleeping")
            assert result.at_risk == (decision.role == "at_risk")
            assert result.next_order == decision.next_order_date
            assert result.span == (
                (decision.next_order_from, decision.next_order_to)
                if decision.next_order_from
                else None
            )


def test_planning_limit_leaves_clients_out_of_the_measure():
    """With X = 25 idle days, A (30 idle days) is no longer planned: only F is measured."""
    [tally] = backtest(CLIENTS, [replace(DEFAULT, planning_inactive_days=25)], T)
    assert (tally.measured, tally.error_days) == (1, 9)


def test_tallies_add_up():
    """Two batches measured apart add up to the whole."""
    whole = backtest(CLIENTS, [AT_RISK], T)[0]
    parts = backtest(CLIENTS[:3], [AT_RISK], T)[0] + backtest(CLIENTS[3:], [AT_RISK], T)[0]
    assert parts == whole


def test_share_over_no_client_is_zero():
    """Every share of an empty tally is 0."""
    tally = Tally()
    assert (share(0, 0), tally.sleeping_precision, tally.lost_recall) == (0.0, 0.0, 0.0)
    assert (tally.next_order_mae_days, tally.next_order_range_coverage) == (0.0, 0.0)


def test_variants_current_first_no_duplicate():
    """Current first; D 90..365 and factors 0, 1.5, 3 besides the current; P, trim, method."""
    found = variants(AT_RISK)
    assert found[0] == AT_RISK
    assert [v.sleeping_days for v in found[1:6]] == [90, 120, 150, 240, 365]
    assert [v.at_risk_factor for v in found[6:9]] == [0.0, 1.5, 3.0]
    assert [v.frequency_window_days for v in found[9:10]] == [365]
    assert found[10].frequency_trim_extremes is True
    assert found[11].next_order_method == "consumption"
    assert len(found) == 12
    assert [changes_next_order(AT_RISK, v) for v in found[8:]] == [False, True, True, True]
    assert len(variants(DEFAULT, at_risk=False)) == 9


def test_best_variant_by_score():
    """The best is the highest F1; the current one wins a tie."""
    tallies = backtest(CLIENTS, [DEFAULT, AT_RISK, replace(DEFAULT, sleeping_days=365)], T)
    # F1: default 2 * 0.5 * 1/3 / (0.5 + 1/3) = 0.4; factor 2: 2/3
    assert tallies[0].score == pytest.approx(0.4)
    assert tallies[1].score == pytest.approx(2 / 3)
    assert best(tallies) == 1
    assert best([tallies[0], tallies[0]]) == 0
    assert best_next_order(tallies, [1, 2]) == 0


# --- the 80 % range of the next order -----------------------------------------------


def test_range_needs_three_intervals():
    """Two intervals give no range; three do."""
    assert next_order_range(day(0), day(-30), (30, 30)) is None
    assert next_order_range(day(0), day(-30), (30, 30, 30)) == (day(0), day(0))


def test_range_narrow_for_clockwork_wide_for_erratic():
    """Intervals 28, 30, 32: +-4 days; intervals 10, 30, 50: t(2) 1.886 x 20 x 1.155 = +-44,
    never before the day after the last order."""
    assert next_order_range(day(0), day(-30), (28, 30, 32)) == (day(-4), day(4))
    assert next_order_range(day(0), day(-30), (10, 30, 50)) == (day(-29), day(44))


def test_range_with_many_intervals_uses_the_normal_quantile():
    """40 intervals of 9 and 11 (s = 1.013): 1.282 x 1.013 x 1.012 = 1.31, +-1 day."""
    assert next_order_range(day(0), day(-10), (9, 11) * 20) == (day(-1), day(1))
