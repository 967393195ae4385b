"""Delivery planning: schedule days, when a client is due, postponement, overdue days."""

import dataclasses
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partner_lifecycle.engine.planning import (
    INTERVAL,
    WEEKDAYS,
    Due,
    PlanningFacts,
    Schedule,
    base_date,
    days_overdue,
    delivery_date,
    due,
    postpone,
    schedule_date,
    schedule_floor,
    weekdays_from_flags,
)
from partner_lifecycle.engine.settings import SCHEDULE_INTERVAL_LIMITS

PROPERTY = settings(max_examples=200, deadline=None, database=None)

#: A Monday.
MONDAY = date(2024, 6, 3)
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def day(offset):
    """The day ``offset`` days after MONDAY (negative: before)."""
    return MONDAY + timedelta(days=offset)


def weekly(*weekdays, start=None):
    return Schedule(WEEKDAYS, weekdays=frozenset(weekdays), start=start)


def every(days, start):
    return Schedule(INTERVAL, interval_days=days, start=start)


# --- the schedule -------------------------------------------------------------


@pytest.mark.parametrize(
    ("schedule", "floor", "expected"),
    [
        pytest.param(weekly(MON, THU), day(0), day(0), id="weekdays-floor-is-a-day"),
        pytest.param(weekly(MON, THU), day(1), day(3), id="weekdays-next-in-week"),
        pytest.param(weekly(MON, THU), day(4), day(7), id="weekdays-next-week"),
        pytest.param(weekly(SUN), day(0), day(6), id="weekdays-sunday-six-days-on"),
        pytest.param(weekly(MON, start=day(7)), day(0), day(7), id="weekdays-not-before-start"),
        pytest.param(weekly(WED, start=day(-30)), day(0), day(2), id="weekdays-start-passed"),
        pytest.param(every(14, day(0)), day(0), day(0), id="interval-start-day"),
        pytest.param(every(14, day(0)), day(1), day(14), id="interval-next-step"),
        pytest.param(every(14, day(0)), day(14), day(14), id="interval-exactly-a-step"),
        pytest.param(every(14, day(0)), day(15), day(28), id="interval-after-a-step"),
        pytest.param(every(14, day(10)), day(0), day(10), id="interval-before-start"),
        pytest.param(every(1, day(-5)), day(3), day(3), id="interval-daily"),
    ],
)
def test_schedule_date(schedule, floor, expected):
    """The first schedule day on or after the floor, never before the schedule's start."""
    assert schedule_date(schedule, floor) == expected


def test_schedule_date_beyond_the_calendar():
    """No schedule day after the last day of the calendar."""
    assert schedule_date(weekly(MON), date.max) is None
    assert schedule_date(every(40, date(9999, 12, 1)), date(9999, 12, 20)) is None


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"kind": "monthly"}, id="unknown-kind"),
        pytest.param({"kind": WEEKDAYS}, id="weekdays-none"),
        pytest.param({"kind": WEEKDAYS, "weekdays": frozenset({7})}, id="weekday-7"),
        pytest.param({"kind": INTERVAL, "interval_days": 7}, id="interval-no-start"),
        pytest.param({"kind": INTERVAL, "interval_days": 0, "start": MONDAY}, id="interval-0"),
        pytest.param(
            {"kind": INTERVAL, "interval_days": SCHEDULE_INTERVAL_LIMITS[1] + 1, "start": MONDAY},
            id="interval-too-long",
        ),
    ],
)
def test_invalid_schedule_refused(kwargs):
    """A schedule without days, with an unknown kind or a bad interval raises ValueError."""
    with pytest.raises(ValueError, match=r"kind|weekdays|interval"):
        Schedule(**kwargs)


def test_weekdays_from_flags():
    """Seven flags, Monday first, give the weekday numbers that are set."""
    assert weekdays_from_flags([True, False, False, True, False, False, True]) == {0, 3, 6}
    assert weekdays_from_flags([False] * 7) == frozenset()


# --- the floor of a schedule --------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "overdue", "expected"),
    [
        pytest.param(PlanningFacts(), 0, day(0), id="nothing-known-plan-day"),
        pytest.param(PlanningFacts(last_order_date=day(-3)), 0, day(-2), id="after-last-order"),
        pytest.param(PlanningFacts(last_order_date=day(-60)), 30, day(-30), id="limit-wins"),
        pytest.param(PlanningFacts(last_order_date=day(-10)), 30, day(-9), id="last-order-wins"),
        pytest.param(
            PlanningFacts(last_order_date=day(-10), schedule=every(7, day(-2))),
            30,
            day(-2),
            id="start-wins",
        ),
        pytest.param(PlanningFacts(), 30, day(-30), id="never-ordered-with-limit"),
    ],
)
def test_schedule_floor(facts, overdue, expected):
    """The latest of the day after the last order, the start and the overdue limit."""
    assert schedule_floor(facts, day(0), overdue) == expected


# --- when a client is due -----------------------------------------------------

#: A plan for the Monday, overdue limit 30 days.
PLAN = {"date_from": day(0), "date_to": day(0), "overdue_days": 30}


@pytest.mark.parametrize(
    ("facts", "plan", "expected"),
    [
        pytest.param(PlanningFacts(next_order_date=day(0)), PLAN, Due(day(0)), id="due-today"),
        pytest.param(PlanningFacts(next_order_date=day(1)), PLAN, None, id="expected-later"),
        pytest.param(PlanningFacts(next_order_date=day(-30)), PLAN, Due(day(-30)), id="limit"),
        pytest.param(PlanningFacts(next_order_date=day(-31)), PLAN, None, id="beyond-limit"),
        pytest.param(
            PlanningFacts(next_order_date=day(-400)),
            {**PLAN, "overdue_days": 0},
            Due(day(-400)),
            id="no-limit",
        ),
        pytest.param(PlanningFacts(), PLAN, None, id="no-frequency"),
        pytest.param(
            PlanningFacts(next_order_date=day(2)),
            {**PLAN, "date_to": day(2)},
            Due(day(2)),
            id="inside-a-longer-plan",
        ),
        pytest.param(
            PlanningFacts(next_order_date=day(-5), postponed_to=day(1)),
            PLAN,
            None,
            id="postponed-past-the-plan",
        ),
        pytest.param(
            PlanningFacts(next_order_date=day(-5), postponed_to=day(0)),
            PLAN,
            Due(day(0), postponed=True),
            id="postponed-to-the-plan",
        ),
        pytest.param(
            PlanningFacts(next_order_date=day(0), postponed_to=day(-7)),
            PLAN,
            Due(day(0)),
            id="old-postponement-ignored",
        ),
        pytest.param(
            PlanningFacts(postponed_to=day(0)),
            PLAN,
            Due(day(0), postponed=True),
            id="postponed-without-frequency",
        ),
        pytest.param(
            PlanningFacts(postponed_to=day(-31)),
            PLAN,
            None,
            id="postponed-long-ago",
        ),
    ],
)
def test_due_by_frequency(facts, plan, expected):
    """By the frequency: due on or before the plan's last day, within the overdue limit."""
    assert due(facts, **plan) == expected


@pytest.mark.parametrize(
    ("facts", "plan", "expected"),
    [
        pytest.param(
            PlanningFacts(last_order_date=day(-4), schedule=weekly(MON, THU)),
            PLAN,
            Due(day(0)),
            id="schedule-day-is-the-plan-day",
        ),
        pytest.param(
            PlanningFacts(last_order_date=day(-2), schedule=weekly(TUE)),
            PLAN,
            None,
            id="next-schedule-day-later",
        ),
        pytest.param(
            PlanningFacts(last_order_date=day(-10), schedule=weekly(THU)),
            PLAN,
            Due(day(-4)),
            id="missed-schedule-day-overdue",
        ),
        pytest.param(
            PlanningFacts(last_order_date=day(-2), schedule=weekly(SAT)),
            PLAN,
            None,
            id="ordered-on-its-schedule-day",
        ),
        pytest.param(
            PlanningFacts(last_order_date=day(-200), schedule=weekly(MON)),
            PLAN,
            Due(day(-28)),
            id="long-idle-comes-back-within-limit",
        ),
        pytest.param(
            PlanningFacts(schedule=every(14, day(-14))),
            PLAN,
            Due(day(-14)),
            id="never-ordered-interval",
        ),
        pytest.param(
            PlanningFacts(next_order_date=day(9), last_order_date=day(0), schedule=weekly(MON)),
            {**PLAN, "date_to": day(7)},
            Due(day(7)),
            id="schedule-instead-of-frequency",
        ),
        pytest.param(
            PlanningFacts(next_order_date=day(0), last_order_date=day(-7)),
            PLAN,
            Due(day(0)),
            id="no-schedule-frequency",
        ),
        pytest.param(
            PlanningFacts(last_order_date=day(-4), schedule=weekly(MON), postponed_to=day(1)),
            PLAN,
            None,
            id="schedule-postponed",
        ),
    ],
)
def test_due_by_schedule(facts, plan, expected):
    """With the schedule used, a client with a schedule is due on its first day after its
    last order (within the limit); a client without one by its frequency."""
    assert due(facts, **plan, use_schedule=True) == expected


def test_schedule_ignored_when_not_used():
    """Without the setting, the schedule changes nothing: the frequency decides."""
    facts = PlanningFacts(next_order_date=day(5), last_order_date=day(-4), schedule=weekly(MON))
    assert due(facts, **PLAN) is None
    assert due(dataclasses.replace(facts, next_order_date=day(0)), **PLAN) == Due(day(0))


# --- postponement, overdue days, delivery day -----------------------------------


@pytest.mark.parametrize(
    ("expected", "days", "moved"),
    [
        pytest.param(day(0), 1, day(1), id="plan-day-by-one"),
        pytest.param(day(0), 0, day(0), id="zero-days"),
        pytest.param(day(-10), 1, day(1), id="overdue-moves-from-the-plan-day"),
        pytest.param(day(3), 2, day(5), id="later-date-moves-from-itself"),
        pytest.param(None, 1, day(1), id="no-date"),
    ],
)
def test_postpone(expected, days, moved):
    """Postpone moves the later of the expected date and the plan's first day."""
    assert postpone(expected, day(0), days) == moved


def test_postpone_at_the_end_of_the_calendar():
    """A postponement that would leave the calendar keeps the date."""
    assert postpone(date.max, date.max, 1) == date.max


@pytest.mark.parametrize(
    ("expected", "overdue"),
    [(day(0), 0), (day(3), 0), (day(-1), 1), (day(-30), 30)],
)
def test_days_overdue(expected, overdue):
    """Days before the plan's first day; 0 for a date on or after it."""
    assert days_overdue(expected, day(0)) == overdue


def test_delivery_date():
    """Overdue clients are delivered on the plan's first day, others on their date."""
    assert delivery_date(day(-3), day(0)) == day(0)
    assert delivery_date(day(2), day(0)) == day(2)
    assert delivery_date(None, day(0)) == day(0)


# --- properties -----------------------------------------------------------------

DATES = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))
WEEKDAY_SETS = st.frozensets(st.integers(min_value=0, max_value=6), min_size=1)
SCHEDULES = st.one_of(
    st.builds(Schedule, kind=st.just(WEEKDAYS), weekdays=WEEKDAY_SETS, start=st.none() | DATES),
    st.builds(
        Schedule,
        kind=st.just(INTERVAL),
        interval_days=st.integers(min_value=1, max_value=60),
        start=DATES,
    ),
)
FACTS = st.builds(
    PlanningFacts,
    next_order_date=st.none() | DATES,
    last_order_date=st.none() | DATES,
    schedule=st.none() | SCHEDULES,
    postponed_to=st.none() | DATES,
)


def is_schedule_day(schedule, value):
    """Whether ``value`` is one of the schedule's days (a direct reading of the definition)."""
    if schedule.start is not None and value < schedule.start:
        return False
    if schedule.kind == WEEKDAYS:
        return value.weekday() in schedule.weekdays
    return (value - schedule.start).days % schedule.interval_days == 0


@PROPERTY
@given(schedule=SCHEDULES, floor=DATES)
def test_schedule_date_is_the_first_schedule_day(schedule, floor):
    """The schedule date is a schedule day on or after the floor, and no day between the
    floor and it is one."""
    found = schedule_date(schedule, floor)
    assert found >= floor
    assert is_schedule_day(schedule, found)
    between = (floor + timedelta(days=offset) for offset in range((found - floor).days))
    assert not any(is_schedule_day(schedule, value) for value in between)


@PROPERTY
@given(
    facts=FACTS,
    date_from=DATES,
    length=st.integers(min_value=0, max_value=6),
    overdue=st.integers(min_value=0, max_value=90),
    use_schedule=st.booleans(),
)
def test_due_date_lies_in_the_window(facts, date_from, length, overdue, use_schedule):
    """A due client's date is on or before the plan's last day, within the overdue limit,
    never before its postponement; with a schedule, a schedule day after its last order."""
    date_to = date_from + timedelta(days=length)
    found = due(facts, date_from, date_to, overdue, use_schedule)
    if found is None:
        return
    assert found.expected_date <= date_to
    if overdue:
        assert days_overdue(found.expected_date, date_from) <= overdue
    if facts.postponed_to is not None:
        assert found.expected_date >= facts.postponed_to
    if use_schedule and facts.schedule is not None:
        assert is_schedule_day(facts.schedule, found.expected_date) or found.postponed
        if facts.last_order_date is not None and not found.postponed:
            assert found.expected_date > facts.last_order_date


@PROPERTY
@given(
    facts=FACTS,
    date_from=DATES,
    overdue=st.integers(min_value=0, max_value=90),
    use_schedule=st.booleans(),
    extra=st.integers(min_value=1, max_value=30),
)
def test_a_longer_plan_keeps_its_clients(facts, date_from, overdue, use_schedule, extra):
    """A client due in a plan stays due, on the same date, when the plan ends later."""
    short = due(facts, date_from, date_from, overdue, use_schedule)
    longer = due(facts, date_from, date_from + timedelta(days=extra), overdue, use_schedule)
    if short is not None:
        assert longer == short


@PROPERTY
@given(
    facts=FACTS,
    date_from=DATES,
    days=st.integers(min_value=1, max_value=30),
    use_schedule=st.booleans(),
)
def test_postponed_client_leaves_the_plan_and_comes_back(facts, date_from, days, use_schedule):
    """Postponing a due client by k >= 1 days takes it out of the plan's day, and the plan
    of the day it was moved to has it on that day, unless its own date is later by then."""
    found = due(facts, date_from, date_from, 30, use_schedule)
    if found is None:
        return
    moved = postpone(found.expected_date, date_from, days)
    postponed = dataclasses.replace(facts, postponed_to=moved)
    assert due(postponed, date_from, date_from, 30, use_schedule) is None
    again = due(postponed, moved, moved, 30, use_schedule)
    if again is None:
        assert base_date(postponed, moved, 30, use_schedule) > moved
    else:
        assert again.expected_date == moved
