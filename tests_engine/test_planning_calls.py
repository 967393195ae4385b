"""The calls of a delivery plan: which count, how a successful call settles a client, and
which lines "Create Quotations" takes."""

from datetime import date

import pytest

from partner_lifecycle.engine.planning import (
    PlanningFacts,
    Schedule,
    after_call,
    call_made,
    due,
    quotation_choice,
    successful_results,
)

MON = date(2026, 12, 7)


def test_successful_results():
    assert successful_results() == ("ordered",)
    assert successful_results(any_call=True) == ("ordered", "call_back", "refused")


@pytest.mark.parametrize(
    ("result", "made"),
    [("not_called", False), ("no_answer", True), ("ordered", True), ("refused", True)],
)
def test_call_made(result, made):
    assert call_made(result) is made


def test_called_client_waits_for_its_next_order():
    """Expected on Monday, called that day, a 14-day rhythm: not due on Tuesday, due again
    two weeks after the call."""
    facts = PlanningFacts(next_order_date=MON, called_on=MON, interval_days=14.4)
    assert due(facts, date(2026, 12, 8), date(2026, 12, 8), overdue_days=30) is None
    found = due(facts, date(2026, 12, 21), date(2026, 12, 21), overdue_days=30)
    assert found.expected_date == date(2026, 12, 21)
    assert found.postponed is False


def test_call_before_a_later_expected_order_changes_nothing():
    facts = PlanningFacts(next_order_date=date(2026, 12, 10), called_on=MON, interval_days=14)
    assert due(facts, date(2026, 12, 10), date(2026, 12, 10)).expected_date == date(2026, 12, 10)


def test_called_client_without_a_rhythm_is_not_due_again():
    facts = PlanningFacts(postponed_to=MON, called_on=MON)
    assert due(facts, date(2026, 12, 8), date(2027, 12, 8)) is None


def test_postponement_after_the_call_wins():
    facts = PlanningFacts(next_order_date=MON, postponed_to=date(2026, 12, 9), called_on=MON)
    found = due(facts, date(2026, 12, 9), date(2026, 12, 9))
    assert (found.expected_date, found.postponed) == (date(2026, 12, 9), True)


def test_called_client_on_a_schedule_comes_back_on_its_next_day():
    """A Monday schedule, called on Monday: the next Monday."""
    facts = PlanningFacts(
        last_order_date=date(2026, 11, 30),
        schedule=Schedule(kind="weekdays", weekdays=frozenset({0})),
        called_on=MON,
    )
    assert after_call(facts, date(2026, 12, 8), 30, use_schedule=True) == date(2026, 12, 14)
    assert due(facts, date(2026, 12, 8), date(2026, 12, 13), 30, use_schedule=True) is None


@pytest.mark.parametrize(
    ("result", "has_order", "expected", "ordered_only", "choice"),
    [
        ("ordered", True, MON, True, "has_order"),
        ("ordered", False, MON, True, None),
        ("call_back", False, MON, True, "not_ordered"),
        ("not_called", False, MON, False, None),
        ("refused", False, MON, False, "refused"),
        ("call_back", False, date(2026, 12, 9), False, "postponed"),
        ("no_answer", False, None, False, None),
    ],
)
def test_quotation_choice(result, has_order, expected, ordered_only, choice):
    assert quotation_choice(result, has_order, expected, MON, ordered_only) == choice
