"""At risk by each client's own rhythm, declared pauses, consumption, and the replayed past."""

from datetime import date, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from partner_lifecycle.engine import (
    AT_RISK,
    FORMER,
    NEW,
    PERMANENT,
    SLEEPING,
    TRIGGERS,
    WORKING,
    ClientFacts,
    LifecycleSettings,
    decide,
    status_since,
    transitions,
)
from partner_lifecycle.engine.frequency import consumption_next_order, interval_spread
from partner_lifecycle.engine.pauses import (
    day_idle_reaches,
    idle_days,
    in_pause,
    merged,
    next_boundary,
    paused_days,
)

PROPERTY = settings(max_examples=100, deadline=None, database=None)
SETTINGS = st.builds(
    LifecycleSettings,
    permanent_order_count=st.integers(min_value=1, max_value=6),
    sleeping_days=st.integers(min_value=0, max_value=120),
    frequency_window_days=st.integers(min_value=0, max_value=400),
    frequency_max_gap_days=st.integers(min_value=0, max_value=100),
    frequency_trim_extremes=st.booleans(),
    planning_inactive_days=st.integers(min_value=0, max_value=200),
    first_order_trigger=st.sampled_from(TRIGGERS),
    at_risk_factor=st.sampled_from([0.0, 1.5, 2.0]),
    at_risk_min_days=st.integers(min_value=0, max_value=30),
    # 0 (no cap) or at least the largest floor drawn: a cap below the floor is refused
    at_risk_max_days=st.just(0) | st.integers(min_value=30, max_value=90),
)

TODAY = date(2024, 6, 30)
DELIVERED = date(2023, 1, 2)
AT_RISK_ON = LifecycleSettings(at_risk_factor=2.0)


def ago(days):
    return TODAY - timedelta(days=days)


def rhythm(period, idle, count=6, role=PERMANENT, **kwargs):
    """A client ordering every ``period`` days, the last order ``idle`` days ago."""
    days = tuple(ago(idle + period * index) for index in range(count))
    values = {"first_delivery_date": DELIVERED, **kwargs}
    return ClientFacts(order_dates=days, current_role=role, **values)


# --- at risk ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "settings", "role"),
    [
        pytest.param(rhythm(7, 25), AT_RISK_ON, AT_RISK, id="weekly-idle-25-at-risk"),
        pytest.param(rhythm(30, 25), AT_RISK_ON, None, id="monthly-idle-25-not"),
        pytest.param(rhythm(7, 14), AT_RISK_ON, AT_RISK, id="exactly-2x-at-risk"),
        pytest.param(rhythm(7, 13), AT_RISK_ON, None, id="just-under-2x-not"),
        pytest.param(rhythm(7, 25), LifecycleSettings(), None, id="factor-0-off"),
        pytest.param(rhythm(7, 200), AT_RISK_ON, SLEEPING, id="sleeping-wins-at-D"),
        pytest.param(
            rhythm(7, 25),
            LifecycleSettings(at_risk_factor=2.0, at_risk_min_days=30),
            None,
            id="floor-30-days",
        ),
        pytest.param(
            rhythm(60, 100),
            LifecycleSettings(at_risk_factor=2.0, at_risk_max_days=90),
            AT_RISK,
            id="cap-90-days",
        ),
        pytest.param(
            rhythm(7, 25, count=2, role=WORKING), AT_RISK_ON, AT_RISK, id="working-at-risk"
        ),
        pytest.param(
            rhythm(7, 25, role=NEW, first_delivery_date=None),
            AT_RISK_ON,
            AT_RISK,
            id="new-with-6-orders-at-risk",
        ),
        pytest.param(
            rhythm(7, 25, count=1, role=WORKING), AT_RISK_ON, None, id="no-average-no-at-risk"
        ),
    ],
)
def test_at_risk_by_the_clients_own_rhythm(facts, settings, role):
    """Idle days reaching factor x the client's own average interval make it at risk."""
    assert decide(facts, settings, TODAY).role == role


def test_at_risk_reason_and_review_date():
    """The reason gives the idle days, the ratio and the usual interval; review at 2x."""
    decision = decide(rhythm(7, 25), AT_RISK_ON, TODAY)
    assert decision.reason == "No order for 25 days, 3.6x the usual interval of 7.0 days"
    assert decide(rhythm(7, 3), AT_RISK_ON, TODAY).review_date == ago(3 - 14)


def test_at_risk_client_ordering_again_is_permanent():
    """A new order brings an at-risk client back at once."""
    facts = rhythm(7, 25, role=AT_RISK)
    again = ClientFacts(**{**facts.__dict__, "order_dates": (*facts.order_dates, TODAY)})
    assert decide(again, AT_RISK_ON, TODAY).role == PERMANENT


# --- pauses ----------------------------------------------------------------------------


def test_pause_helpers_edges():
    """No pause, a pause before the last order, a date beyond the calendar."""
    assert idle_days(date(2024, 6, 1), date(2024, 6, 30)) == 29
    assert day_idle_reaches(date(2024, 6, 1), 5, ((date(2024, 1, 1), date(2024, 5, 1)),)) == (
        date(2024, 6, 6)
    )
    assert day_idle_reaches(date(9999, 12, 1), 60) is None
    assert (
        day_idle_reaches(date(9999, 12, 1), 5, ((date(9999, 12, 2), date(9999, 12, 30)),)) is None
    )
    assert next_boundary((), date(2024, 6, 1)) is None


def test_pause_helpers():
    """Merging, membership, paused and idle days, and the day idle days reach a number."""
    pauses = ((date(2024, 6, 10), date(2024, 6, 19)), (date(2024, 6, 15), date(2024, 6, 25)))
    assert merged(pauses) == ((date(2024, 6, 10), date(2024, 6, 25)),)
    assert in_pause(pauses, date(2024, 6, 25)) is True
    assert in_pause(pauses, date(2024, 6, 26)) is False
    assert paused_days(pauses, date(2024, 6, 1), date(2024, 6, 30)) == 16
    assert idle_days(date(2024, 6, 1), date(2024, 6, 30), pauses) == 13
    assert day_idle_reaches(date(2024, 6, 1), 13, pauses) == date(2024, 6, 30)
    assert day_idle_reaches(date(2024, 6, 1), 5, pauses) == date(2024, 6, 6)
    assert day_idle_reaches(date(2024, 6, 1), 9, pauses) == date(2024, 6, 26)
    assert next_boundary(pauses, date(2024, 6, 12)) == date(2024, 6, 15)
    assert next_boundary(merged(pauses), date(2024, 6, 12)) == date(2024, 6, 26)


SUMMER = ((ago(120), ago(-10)),)


@pytest.mark.parametrize(
    ("facts", "today", "role", "plannable"),
    [
        pytest.param(rhythm(7, 130, pauses=SUMMER), TODAY, None, False, id="in-pause-not-sleeping"),
        pytest.param(
            rhythm(7, 130, pauses=SUMMER),
            TODAY + timedelta(days=11),
            None,
            True,
            id="after-pause-idle-10-days",
        ),
        pytest.param(
            rhythm(7, 300, pauses=SUMMER),
            TODAY + timedelta(days=11),
            SLEEPING,
            False,
            id="idle-180-outside-the-pause-sleeping",
        ),
    ],
)
def test_pause_days_are_not_idle(facts, today, role, plannable):
    """Paused days count as no idle day; a paused client is neither sleeping nor plannable."""
    settings = LifecycleSettings(at_risk_factor=2.0, planning_inactive_days=90)
    decision = decide(facts, settings, today)
    assert (decision.role, decision.plannable) == (role, plannable)


def test_pause_is_left_out_of_the_frequency():
    """A month away between two weekly orders does not lengthen the average."""
    days = (ago(50), ago(43), ago(3))
    facts = ClientFacts(order_dates=days, pauses=((ago(36), ago(10)),))
    assert decide(facts, LifecycleSettings(), TODAY).avg_interval_days == 10.0


def test_review_date_at_pause_boundaries():
    """The review date comes at a pause's start and the day after its end."""
    facts = rhythm(7, 3, pauses=((ago(-5), ago(-9)),))
    assert decide(facts, LifecycleSettings(), TODAY).review_date == ago(-5)
    assert decide(facts, LifecycleSettings(), ago(-6)).review_date == ago(-10)


# --- consumption and spread --------------------------------------------------------------


@pytest.mark.parametrize(
    ("quantities", "expected"),
    [
        pytest.param(((ago(20), 4), (ago(10), 4), (ago(0), 8)), ago(-20), id="4-per-10-days"),
        pytest.param(((ago(20), 2), (ago(10), 6), (ago(0), 2)), ago(-5), id="weighted"),
        pytest.param(((ago(0), 8),), None, id="one-order-none"),
        pytest.param(((ago(10), 0), (ago(0), 3)), None, id="nothing-used-none"),
    ],
)
def test_consumption_next_order(quantities, expected):
    """Next order = last day + last quantity / daily use over the window."""
    assert consumption_next_order(quantities, LifecycleSettings(), TODAY) == expected


def test_consumption_method_in_decision():
    """By setting, the decision takes the consumption date and says so; else the frequency."""
    facts = ClientFacts(
        order_dates=(ago(20), ago(10), ago(0)),
        order_quantities=((ago(20), 4), (ago(10), 4), (ago(0), 8)),
    )
    by_use = decide(facts, LifecycleSettings(next_order_method="consumption"), TODAY)
    assert (by_use.next_order_date, by_use.next_order_method) == (ago(-20), "consumption")
    plain = decide(facts, LifecycleSettings(), TODAY)
    assert (plain.next_order_date, plain.next_order_method) == (ago(-10), "frequency")


def test_interval_spread():
    """The spread is the standard deviation of the kept intervals."""
    assert interval_spread((7, 7, 7)) == 0.0
    assert interval_spread((4, 10)) == 3.0
    assert interval_spread((7,)) is None


# --- the replayed past ------------------------------------------------------------------


def test_transitions_of_a_regular_client():
    """New at the first order, working at delivery, permanent at the 3rd order, sleeping at D."""
    facts = ClientFacts(
        order_dates=(date(2023, 1, 10), date(2023, 2, 10), date(2023, 3, 10)),
        first_delivery_date=date(2023, 1, 12),
    )
    steps = [(t.day, t.role) for t in transitions(facts, LifecycleSettings(), TODAY)]
    assert steps == [
        (date(2023, 1, 10), NEW),
        (date(2023, 1, 12), WORKING),
        (date(2023, 3, 10), PERMANENT),
        (date(2023, 9, 6), SLEEPING),
    ]
    assert status_since(facts, LifecycleSettings(), TODAY, SLEEPING) == date(2023, 9, 6)


def test_transitions_end_at_termination():
    """A termination makes the client former on its day; nothing follows."""
    facts = ClientFacts(order_dates=(date(2024, 1, 10), date(2024, 3, 10)))
    steps = transitions(facts, LifecycleSettings(), TODAY, termination_date=date(2024, 2, 1))
    assert [(t.day, t.role) for t in steps][-1] == (date(2024, 2, 1), FORMER)


def _day_by_day(facts, settings, today, termination_date=None):
    """The slow reference: the rules applied on every single day."""
    events = [d for d in (*facts.order_dates, facts.first_delivery_date, termination_date) if d]
    if not events:
        return []
    role, steps, day = None, [], min(events)
    while day <= today:
        seen = ClientFacts(
            order_dates=tuple(d for d in facts.order_dates if d <= day),
            first_delivery_date=facts.first_delivery_date
            if facts.first_delivery_date and facts.first_delivery_date <= day
            else None,
            terminated=bool(termination_date and termination_date <= day),
            current_role=role,
            pauses=facts.pauses,
        )
        decision = decide(seen, settings, day)
        if decision.role is not None:
            role = decision.role
            steps.append((day, role))
        if role == FORMER:
            break
        day += timedelta(days=1)
    return steps


REPLAY_DATES = st.dates(min_value=date(2024, 1, 1), max_value=date(2024, 12, 31))
REPLAY_FACTS = st.builds(
    ClientFacts,
    order_dates=st.lists(REPLAY_DATES, max_size=6).map(tuple),
    first_delivery_date=st.none() | REPLAY_DATES,
    pauses=st.lists(st.tuples(REPLAY_DATES, REPLAY_DATES), max_size=2).map(
        lambda pairs: tuple((min(pair), max(pair)) for pair in pairs)
    ),
)
REPLAY_SETTINGS = SETTINGS


@PROPERTY
@given(facts=REPLAY_FACTS, config=REPLAY_SETTINGS, termination=st.none() | REPLAY_DATES)
def test_replay_equals_the_rules_applied_every_day(facts, config, termination):
    """Jumping from event to review date gives the transitions of a day-by-day replay."""
    today = date(2025, 3, 31)
    fast = [(t.day, t.role) for t in transitions(facts, config, today, termination)]
    assert fast == _day_by_day(facts, config, today, termination)


@PROPERTY
@given(facts=REPLAY_FACTS, config=REPLAY_SETTINGS)
def test_replay_ends_in_a_state_the_rules_keep(facts, config):
    """Today's decision from the replayed role changes nothing."""
    today = date(2025, 3, 31)
    steps = transitions(facts, config, today)
    assume(steps)
    final = ClientFacts(**{**facts.__dict__, "current_role": steps[-1].role})
    assert decide(final, config, today).role is None


@PROPERTY
@given(facts=REPLAY_FACTS, config=REPLAY_SETTINGS, termination=st.none() | REPLAY_DATES)
def test_replay_resumed_on_a_decision_day_gives_the_rest(facts, config, termination):
    """Resumed on the day of any transition, or of any later order before the next one,
    in the role the full replay had then, the replay gives the full replay's rest."""
    today = date(2025, 3, 31)
    full = transitions(facts, config, today, termination)
    for index, step in enumerate(full):
        following = full[index + 1].day if index + 1 < len(full) else today + timedelta(days=1)
        days = {step.day, *(d for d in facts.order_dates if step.day < d < following)}
        for day in days:
            resumed = transitions(facts, config, today, termination, start=(day, step.role))
            assert resumed == [later for later in full if later.day > day]


def test_status_since_resumed_from_the_stored_status():
    """A permanent client turning sleeping: resumed on its last order day, same date."""
    facts = ClientFacts(order_dates=(date(2023, 1, 10), date(2023, 2, 10), date(2023, 3, 10)))
    full = status_since(facts, LifecycleSettings(), TODAY, SLEEPING)
    start = (date(2023, 3, 10), PERMANENT)
    assert status_since(facts, LifecycleSettings(), TODAY, SLEEPING, start=start) == full
    assert full == date(2023, 3, 10) + timedelta(days=180)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        pytest.param("at_risk_factor", -1.0, "between 0 and", id="negative-factor"),
        pytest.param("at_risk_factor", 101.0, "between 0 and", id="huge-factor"),
        pytest.param("at_risk_factor", True, "must be a number", id="bool-factor"),
        pytest.param("at_risk_factor", "2", "must be a number", id="text-factor"),
        pytest.param("next_order_method", "guess", "must be one of", id="unknown-method"),
    ],
)
def test_insight_settings_refused(name, value, message):
    """Bad at-risk or next-order settings raise a ValueError naming the setting."""
    with pytest.raises(ValueError, match=message) as error:
        LifecycleSettings(**{name: value})
    assert name in str(error.value)


def test_status_since_of_a_role_never_entered():
    """A role the replay never reached has no date."""
    facts = ClientFacts(order_dates=(date(2024, 1, 10),))
    assert status_since(facts, LifecycleSettings(), TODAY, FORMER) is None
