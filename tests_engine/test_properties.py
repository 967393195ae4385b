"""Properties of the lifecycle rules that hold for any client, settings and day."""

import dataclasses
from datetime import date, timedelta

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from partner_lifecycle.engine import (
    FORMER,
    ROLES,
    SLEEPING,
    TRIGGERS,
    ClientFacts,
    LifecycleSettings,
    decide,
    order_frequency,
)
from partner_lifecycle.engine.frequency import trim_extremes

#: No example database in the work tree, no timing limit (CI machines vary in speed).
PROPERTY = settings(max_examples=100, deadline=None, database=None)

#: Order and delivery dates over three years, around the leap day of 2024.
DATES = st.dates(min_value=date(2023, 1, 1), max_value=date(2025, 12, 31))
#: "Today" inside that range, so that some orders are dated in the future.
TODAYS = st.dates(min_value=date(2023, 6, 1), max_value=date(2025, 6, 30))
ORDER_DATES = st.lists(DATES, max_size=12)

SETTINGS = st.builds(
    LifecycleSettings,
    permanent_order_count=st.integers(min_value=1, max_value=12),
    sleeping_days=st.integers(min_value=0, max_value=400),
    frequency_window_days=st.integers(min_value=0, max_value=800),
    frequency_max_gap_days=st.integers(min_value=0, max_value=200),
    frequency_trim_extremes=st.booleans(),
    planning_inactive_days=st.integers(min_value=0, max_value=400),
    first_order_trigger=st.sampled_from(TRIGGERS),
    at_risk_factor=st.sampled_from([0.0, 1.5, 2.0, 3.0]),
    at_risk_min_days=st.integers(min_value=0, max_value=40),
    # 0 (no cap) or at least the largest floor drawn: a cap below the floor is refused
    at_risk_max_days=st.just(0) | st.integers(min_value=40, max_value=200),
)
PAUSES = st.lists(st.tuples(DATES, DATES), max_size=2).map(
    lambda pairs: tuple((min(pair), max(pair)) for pair in pairs)
)

FACTS = st.builds(
    ClientFacts,
    order_dates=ORDER_DATES.map(tuple),
    first_delivery_date=st.none() | DATES,
    terminated=st.booleans(),
    current_role=st.none() | st.sampled_from(ROLES),
    status_is_automatic=st.booleans(),
    held_order_count=st.none() | st.integers(min_value=0, max_value=12),
    hold_until=st.none() | DATES,
    pauses=PAUSES,
)

#: Clients reaching the sleeping and permanent rules: ordered, automatic, not former nor terminated.
ACTIVE_FACTS = st.builds(
    ClientFacts,
    order_dates=st.lists(DATES, min_size=1, max_size=8).map(tuple),
    first_delivery_date=st.none() | DATES,
    current_role=st.none() | st.sampled_from([role for role in ROLES if role != FORMER]),
)


@PROPERTY
@given(facts=FACTS, config=SETTINGS, today=TODAYS, data=st.data())
def test_decision_does_not_depend_on_the_order_of_dates(facts, config, today, data):
    """Shuffling the order dates changes nothing in the decision."""
    shuffled = data.draw(st.permutations(facts.order_dates))
    other = dataclasses.replace(facts, order_dates=tuple(shuffled))
    assert decide(other, config, today) == decide(facts, config, today)


@PROPERTY
@given(facts=FACTS, config=SETTINGS, today=TODAYS, data=st.data())
def test_repeating_an_order_day_changes_only_the_count(facts, config, today, data):
    """Another order on an already ordered day adds one to the count, not to the frequency."""
    assume(facts.order_dates)
    repeated = data.draw(st.sampled_from(facts.order_dates))
    more = dataclasses.replace(facts, order_dates=(*facts.order_dates, repeated))
    before, after = decide(facts, config, today), decide(more, config, today)
    assert after.order_count == before.order_count + 1
    assert after.avg_interval_days == before.avg_interval_days
    assert after.next_order_date == before.next_order_date
    assert after.last_order_date == before.last_order_date


@PROPERTY
@given(intervals=st.lists(st.integers(min_value=1, max_value=1000), max_size=20))
def test_trimming_never_widens_the_range(intervals):
    """Trimming keeps a sub-list whose smallest and largest values lie within the original range."""
    kept = trim_extremes(intervals)
    assert len(kept) == (len(intervals) - 2 if len(intervals) >= 3 else len(intervals))
    for value in set(kept):
        assert kept.count(value) <= intervals.count(value)
    if kept:
        assert min(kept) >= min(intervals)
        assert max(kept) <= max(intervals)


@PROPERTY
@given(order_dates=ORDER_DATES, config=SETTINGS, today=TODAYS)
def test_trim_setting_never_widens_the_intervals_used(order_dates, config, today):
    """With trimming on, the intervals used lie within the range of those used with trimming off."""
    plain = order_frequency(
        order_dates, dataclasses.replace(config, frequency_trim_extremes=False), today
    )
    trimmed = order_frequency(
        order_dates, dataclasses.replace(config, frequency_trim_extremes=True), today
    )
    assert len(trimmed.intervals) <= len(plain.intervals)
    if trimmed.intervals:
        assert min(trimmed.intervals) >= min(plain.intervals)
        assert max(trimmed.intervals) <= max(plain.intervals)


@PROPERTY
@given(facts=ACTIVE_FACTS, config=SETTINGS, today=TODAYS, data=st.data())
def test_permanent_is_monotone_in_n(facts, config, today, data):
    """A client permanent with N orders required is permanent with any smaller N."""
    decision = decide(facts, config, today)
    assume(decision.reason_code == "permanent")
    smaller = data.draw(st.integers(min_value=1, max_value=config.permanent_order_count))
    relaxed = decide(facts, dataclasses.replace(config, permanent_order_count=smaller), today)
    assert relaxed.reason_code == "permanent"
    assert relaxed.role == decision.role


@PROPERTY
@given(facts=ACTIVE_FACTS, config=SETTINGS, today=TODAYS, data=st.data())
def test_not_permanent_is_monotone_in_n(facts, config, today, data):
    """A client below N orders stays below any larger N (sleeping and the earlier rules aside)."""
    decision = decide(facts, config, today)
    assume(
        decision.reason_code in {"working_delivery", "working_order", "working_kept", "new_waiting"}
    )
    larger = data.draw(st.integers(min_value=config.permanent_order_count, max_value=50))
    stricter = decide(facts, dataclasses.replace(config, permanent_order_count=larger), today)
    assert stricter.reason_code != "permanent"


@PROPERTY
@given(facts=ACTIVE_FACTS, config=SETTINGS, data=st.data())
def test_sleeping_is_monotone_in_d(facts, config, data):
    """A client sleeping after D days is sleeping for any smaller D that is not 0."""
    limit = data.draw(st.integers(min_value=1, max_value=400))
    idle = data.draw(st.integers(min_value=limit, max_value=limit + 400))
    today = max(facts.order_dates) + timedelta(days=idle)
    decision = decide(facts, dataclasses.replace(config, sleeping_days=limit), today)
    assert decision.reason_code == "sleeping"
    smaller = data.draw(st.integers(min_value=1, max_value=limit))
    relaxed = decide(facts, dataclasses.replace(config, sleeping_days=smaller), today)
    assert relaxed.reason_code == "sleeping"
    assert relaxed.role == decision.role


@PROPERTY
@given(facts=ACTIVE_FACTS, config=SETTINGS, today=TODAYS, data=st.data())
def test_not_sleeping_is_monotone_in_d(facts, config, today, data):
    """A client not sleeping after D days is not sleeping for any larger D."""
    decision = decide(facts, config, today)
    assume(decision.reason_code != "sleeping" and config.sleeping_days >= 1)
    larger = data.draw(st.integers(min_value=config.sleeping_days, max_value=2000))
    stricter = decide(facts, dataclasses.replace(config, sleeping_days=larger), today)
    assert stricter.reason_code != "sleeping"


@PROPERTY
@given(facts=FACTS, config=SETTINGS, today=TODAYS)
def test_sleeping_rule_off_never_gives_sleeping(facts, config, today):
    """With D = 0 no client is made sleeping."""
    decision = decide(facts, dataclasses.replace(config, sleeping_days=0), today)
    assert decision.reason_code != "sleeping"
    assert decision.role != SLEEPING


@PROPERTY
@given(order_dates=ORDER_DATES, config=SETTINGS, today=TODAYS)
def test_average_lies_between_the_smallest_and_largest_interval_kept(order_dates, config, today):
    """The average is never below the smallest nor above the largest interval it is made of."""
    frequency = order_frequency(order_dates, config, today)
    if not frequency.intervals:
        assert frequency.average is None
        return
    assert min(frequency.intervals) <= frequency.average <= max(frequency.intervals)
    assert min(frequency.intervals) >= 1


@PROPERTY
@given(facts=FACTS, config=SETTINGS, today=TODAYS)
def test_next_order_is_not_before_the_last_order(facts, config, today):
    """The expected next order is after the last order, and exists exactly when an average
    does, except for a former or terminated client, which has none."""
    decision = decide(facts, config, today)
    if facts.terminated or facts.current_role == FORMER or decision.role == FORMER:
        assert decision.next_order_date is None
        return
    assert (decision.next_order_date is None) == (decision.avg_interval_days is None)
    if decision.next_order_date is not None:
        assert decision.next_order_date > decision.last_order_date


@PROPERTY
@given(facts=FACTS, config=SETTINGS, today=TODAYS)
def test_decide_never_returns_the_current_role(facts, config, today):
    """decide returns None instead of the role the client already has."""
    decision = decide(facts, config, today)
    assert decision.role is None or decision.role != facts.current_role
    assert decision.role is None or decision.role in ROLES
    assert decision.order_count == len(facts.order_dates)
    assert decision.reason


@PROPERTY
@given(facts=FACTS, config=SETTINGS, today=TODAYS)
def test_former_and_terminated_clients_are_never_plannable(facts, config, today):
    """A former or terminated client is out of planning whatever its orders and settings."""
    decision = decide(facts, config, today)
    if facts.terminated or facts.current_role == FORMER:
        assert decision.plannable is False


def _outcome(decision):
    """What a decision writes: role, figures, planning flag and the reason's rule."""
    return (
        decision.role,
        decision.order_count,
        decision.last_order_date,
        decision.avg_interval_days,
        decision.next_order_date,
        decision.plannable,
        decision.reason_code,
    )


@PROPERTY
@given(facts=FACTS, config=SETTINGS, today=TODAYS)
def test_no_decision_changes_before_the_review_date(facts, config, today):
    """Every day from today until the day before the review date gives the same decision."""
    first = decide(facts, config, today)
    horizon = 900 if first.review_date is None else (first.review_date - today).days
    assert horizon >= 1
    for offset in range(1, min(horizon, 900)):
        later = decide(facts, config, today + timedelta(days=offset))
        assert _outcome(later) == _outcome(first), offset


@PROPERTY
@given(facts=FACTS, config=SETTINGS, today=TODAYS)
def test_review_date_is_after_today(facts, config, today):
    """A review date, when there is one, is a day after the decision's day."""
    review = decide(facts, config, today).review_date
    assert review is None or review > today
