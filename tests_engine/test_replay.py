"""The one-pass replay (engine/replay.py) gives exactly the transitions of the replay
that decided the client over all its orders so far on each event and review day,
kept here as the oracle."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partner_lifecycle.engine import (
    AT_RISK,
    FORMER,
    PERMANENT,
    SLEEPING,
    TRIGGERS,
    WORKING,
    ClientFacts,
    LifecycleSettings,
    UnusableDate,
    decide,
    transitions,
)
from partner_lifecycle.engine.replay import Rhythm
from partner_lifecycle.engine.timeline import Transition

PROPERTY = settings(max_examples=400, deadline=None, database=None)
TODAY = date(2025, 6, 30)


def oracle(facts, config, today, termination_date=None, start=None):
    """The replay of 18.0.1.2.0: every event and review day decided by ``rules.decide``
    over the orders so far."""
    orders = sorted(facts.order_dates)
    delivery = facts.first_delivery_date
    events = sorted({*orders, *(day for day in (delivery, termination_date) if day)})
    base = ClientFacts(pauses=facts.pauses)
    result, role, since, count = [], None, None, 0
    day = events[0] if events else None
    if start is not None:
        day, role = start
        since = day
    while day is not None and day <= today:
        while count < len(orders) and orders[count] <= day:
            count += 1
        seen = replace(
            base,
            order_dates=tuple(orders[:count]),
            first_delivery_date=delivery if delivery and delivery <= day else None,
            terminated=bool(termination_date and termination_date <= day),
            current_role=role,
            status_date=since,
        )
        decision = decide(seen, config, today=day)
        if decision.role is not None:
            role, since = decision.role, day
            result.append(Transition(day, role, decision.reason_code, decision.reason_params))
        if role == FORMER:
            break
        following = [event for event in events if event > day][:1]
        upcoming = [d for d in (*following, decision.review_date) if d is not None]
        day = min(upcoming) if upcoming else None
    return result


DATES = st.dates(min_value=date(2023, 1, 1), max_value=date(2025, 6, 30))
#: Order histories: scattered days, bursts of close days and same-day orders.
ORDERS = st.lists(
    st.tuples(DATES, st.integers(min_value=0, max_value=3), st.integers(min_value=1, max_value=20)),
    max_size=8,
).map(
    lambda bursts: tuple(
        start + timedelta(days=step * index)
        for start, repeat, step in bursts
        for index in range(repeat + 1)
        if start + timedelta(days=step * index) <= date(2025, 9, 30)
    )
)
PAUSES = st.lists(st.tuples(DATES, DATES), max_size=3).map(
    lambda pairs: tuple((min(pair), max(pair)) for pair in pairs)
)
FACTS = st.builds(
    ClientFacts,
    order_dates=ORDERS,
    first_delivery_date=st.none() | DATES,
    pauses=st.just(()) | PAUSES,
)
SETTINGS = st.builds(
    LifecycleSettings,
    permanent_order_count=st.integers(min_value=1, max_value=12),
    sleeping_days=st.sampled_from([0, 1, 30, 90, 180]) | st.integers(min_value=0, max_value=400),
    frequency_window_days=st.sampled_from([0, 1, 60, 365]) | st.integers(0, 800),
    frequency_max_gap_days=st.sampled_from([0, 1, 30]) | st.integers(0, 200),
    frequency_trim_extremes=st.booleans(),
    planning_inactive_days=st.integers(min_value=0, max_value=400),
    first_order_trigger=st.sampled_from(TRIGGERS),
    at_risk_factor=st.just(0.0) | st.sampled_from([0.5, 1.0, 1.5, 2.0, 3.0, 2.7]),
    at_risk_min_days=st.integers(min_value=0, max_value=40),
    at_risk_max_days=st.just(0) | st.integers(min_value=40, max_value=200),
)
TERMINATION = st.none() | DATES


@PROPERTY
@given(facts=FACTS, config=SETTINGS, termination=TERMINATION)
def test_replay_equals_the_oracle(facts, config, termination):
    """Random histories and settings: the one-pass replay gives the oracle's transitions."""
    expected = oracle(facts, config, TODAY, termination)
    assert transitions(facts, config, TODAY, termination) == expected


@PROPERTY
@given(
    facts=FACTS,
    config=SETTINGS,
    termination=TERMINATION,
    start=st.tuples(DATES, st.sampled_from([None, "new", WORKING, PERMANENT, AT_RISK, SLEEPING])),
)
def test_resumed_replay_equals_the_oracle(facts, config, termination, start):
    """Resumed on any day in any role, the one-pass replay gives the oracle's transitions."""
    expected = oracle(facts, config, TODAY, termination, start)
    assert transitions(facts, config, TODAY, termination, start) == expected


@PROPERTY
@given(facts=FACTS, config=SETTINGS, today=DATES)
def test_replay_up_to_any_day_equals_the_oracle(facts, config, today):
    """Cut at any today, even before some orders, the replay gives the oracle's transitions."""
    assert transitions(facts, config, today) == oracle(facts, config, today)


def test_regular_client_with_at_risk_and_window():
    """A client ordering every 10 days, then silent: at risk at 2x its rhythm, permanent
    again once its orders left the 60-day window (no rhythm left), sleeping at 90 days."""
    config = LifecycleSettings(
        sleeping_days=90, frequency_window_days=60, at_risk_factor=2.0, first_order_trigger="order"
    )
    orders = tuple(date(2024, 1, 1) + timedelta(days=10 * k) for k in range(6))
    steps = [
        (t.day, t.role, t.reason_code) for t in transitions(ClientFacts(orders), config, TODAY)
    ]
    assert steps == [
        (date(2024, 1, 1), WORKING, "working_order"),
        (date(2024, 1, 21), PERMANENT, "permanent"),
        (date(2024, 3, 11), AT_RISK, "at_risk"),
        (date(2024, 4, 11), PERMANENT, "permanent"),
        (date(2024, 5, 20), SLEEPING, "sleeping"),
    ]
    assert steps == [
        (t.day, t.role, t.reason_code) for t in oracle(ClientFacts(orders), config, TODAY)
    ]


def test_unusable_order_date_is_refused():
    """An order dated before 1900 is reported as the rules report it."""
    facts = ClientFacts(order_dates=(date(1899, 12, 31), date(2024, 1, 1)))
    with pytest.raises(UnusableDate) as raised:
        transitions(facts, LifecycleSettings(), TODAY)
    assert raised.value.value == date(1899, 12, 31)


def test_rhythm_trims_and_slides():
    """The rhythm's average: intervals 3, 9, 5, 7 trimmed to 5 and 7; five days later the
    25-day window keeps 5 and 7 only (too few to trim), and loses its oldest day on 138."""
    rhythm = Rhythm(LifecycleSettings(frequency_window_days=25, frequency_trim_extremes=True), ())
    for day in (100, 103, 112, 117, 124):
        rhythm.add(day)
    rhythm.move_to(124)
    assert rhythm.average() == 6.0
    rhythm.move_to(130)
    assert (rhythm.average(), rhythm.leaves()) == (6.0, 138)
