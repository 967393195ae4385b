"""People's acts decided by the engine: create, set a status (held), terminate, reinstate."""

from datetime import date, timedelta

import pytest

from partner_lifecycle.engine import (
    CREATE,
    FORMER,
    NEW,
    PERMANENT,
    SET_STATUS,
    SLEEPING,
    TERMINATE,
    WORKING,
    Act,
    ClientFacts,
    HistoryEntry,
    Hold,
    LifecycleSettings,
    Termination,
    decide,
    decide_act,
)
from partner_lifecycle.engine.acts import NO_STATUS, InvalidAct, check_act

TODAY = date(2026, 12, 6)
DEFAULT = LifecycleSettings()


def ago(days):
    return TODAY - timedelta(days=days)


def client(*ages, role=WORKING, status=None, **kwargs):
    """A delivered client with orders ``ages`` days old, in ``role`` (status id = role)."""
    return ClientFacts(
        order_dates=tuple(ago(age) for age in ages),
        first_delivery_date=ago(400),
        current_role=role,
        current_status=status or role,
        **kwargs,
    )


def test_creation_gives_new_from_today_with_a_history_row():
    """A new client without status is new from today, and its history says why."""
    decision = decide_act(ClientFacts(), Act(CREATE), DEFAULT, TODAY)
    assert (decision.role, decision.status_date) == (NEW, TODAY)
    assert decision.history == (HistoryEntry(NEW, "no_orders_new", {}),)
    assert decision.plannable is True


def test_creation_keeps_a_status_given_at_creation():
    """A client created with a status keeps it: no change, no history row."""
    facts = ClientFacts(current_status=7, status_is_automatic=False)
    decision = decide_act(facts, Act(CREATE), DEFAULT, TODAY)
    assert (decision.role, decision.history) == (None, ())


def test_setting_an_automatic_status_holds_it_until_the_next_order():
    """Permanent by hand for a 1-order client: held from today, the reason says so."""
    facts = client(40)
    act = Act(SET_STATUS, role=PERMANENT, status="P", note="big client", by=5)
    decision = decide_act(facts, act, DEFAULT, TODAY)
    assert decision.role == PERMANENT
    assert decision.held is True
    assert decision.hold == Hold(order_count=1, until=None, by=5, note="big client")
    assert (decision.reason_code, decision.reason_params) == ("held_next_order", {})
    assert decision.status_date == TODAY
    assert decision.history == (
        HistoryEntry(PERMANENT, "held_next_order", {}, "manual", "big client", "P"),
    )


def test_a_hold_with_a_last_day_says_until_when():
    """Held until a date: the reason carries that date."""
    act = Act(SET_STATUS, role=WORKING, status="W", hold_until=ago(-30))
    decision = decide_act(client(200, role=SLEEPING), act, DEFAULT, TODAY)
    assert (decision.reason_code, decision.reason_params) == (
        "held_until",
        {"until": ago(-30).isoformat()},
    )
    assert decision.hold.until == ago(-30)


def test_a_hold_cannot_end_before_today():
    """A hold whose last day is past is refused with a code the UI translates."""
    act = Act(SET_STATUS, role=WORKING, status="W", hold_until=ago(1))
    with pytest.raises(InvalidAct) as caught:
        decide_act(client(200, role=SLEEPING), act, DEFAULT, TODAY)
    assert caught.value.code == "hold_until"


def test_a_past_hold_is_refused_before_any_client_is_read():
    """The same rule checks an act before it is queued: today's hold passes, yesterday's not."""
    check_act(Act(SET_STATUS, role=WORKING, status="W", hold_until=TODAY), TODAY)
    with pytest.raises(InvalidAct):
        check_act(Act(SET_STATUS, role=WORKING, status="W", hold_until=ago(1)), TODAY)


def test_the_held_status_survives_the_next_run_and_ends_with_an_order():
    """What the act stored is what the next automatic decision keeps; a new order ends it."""
    act = Act(SET_STATUS, role=WORKING, status="W")
    decision = decide_act(client(200, role=SLEEPING), act, DEFAULT, TODAY)
    stored = client(
        200,
        role=WORKING,
        status="W",
        held_order_count=decision.hold.order_count,
        reason_code=decision.reason_code,
        reason_params=decision.reason_params,
    )
    later = decide(stored, DEFAULT, ago(-10))
    assert (later.role, later.held, later.reason_code) == (None, True, "held_next_order")
    ordered = ClientFacts(**{**stored.__dict__, "order_dates": (*stored.order_dates, ago(-5))})
    after_order = decide(ordered, DEFAULT, ago(-5))
    assert after_order.held is False
    assert after_order.history[0] == HistoryEntry(None, "hold_ended_order", {})


def test_a_status_of_the_company_own_needs_no_hold():
    """A custom status set by hand: no hold, reason 'set by hand', and the rules keep it."""
    decision = decide_act(client(10), Act(SET_STATUS, status=42), DEFAULT, TODAY)
    assert (decision.role, decision.status, decision.held, decision.hold) == (None, 42, False, None)
    assert decision.reason_code == "manual_kept"
    assert decision.history[0].status == 42


def test_setting_the_current_status_changes_nothing():
    """The same status again: no history row, no hold, the figures refreshed."""
    decision = decide_act(
        client(10, 5), Act(SET_STATUS, role=WORKING, status=WORKING), DEFAULT, TODAY
    )
    assert (decision.role, decision.history, decision.hold) == (None, (), None)
    assert decision.order_count == 2


@pytest.mark.parametrize(
    "act",
    [
        pytest.param(Act(TERMINATE, day=date(2026, 11, 30), note="moved"), id="terminate"),
        pytest.param(
            Act(SET_STATUS, role=FORMER, status=FORMER, note="moved"), id="former-by-hand"
        ),
    ],
)
def test_termination_makes_the_client_former_without_next_order(act):
    """Terminated: former from today, out of planning, no expected next order, hold gone."""
    facts = client(30, 20, 10, held_order_count=3)
    decision = decide_act(facts, act, DEFAULT, TODAY)
    assert decision.role == FORMER
    assert decision.termination == Termination(act.day or TODAY, "moved")
    assert (decision.plannable, decision.next_order_date, decision.held) == (False, None, False)
    assert decision.review_date is None
    assert decision.history == (HistoryEntry(FORMER, "terminated", {}, "termination", "moved"),)
    assert decision.status_date == TODAY


def test_terminating_a_former_client_records_the_contract_only():
    """A client already former: the termination is recorded, the status stays, no row."""
    decision = decide_act(client(30, role=FORMER), Act(TERMINATE, note="x"), DEFAULT, TODAY)
    assert (decision.role, decision.history) == (None, ())
    assert decision.termination == Termination(TODAY, "x")


def test_moving_a_terminated_client_out_of_former_reinstates_it():
    """Working by hand for a terminated former client: reinstated, plannable, expected again."""
    facts = client(30, 20, 10, role=FORMER, terminated=True)
    decision = decide_act(facts, Act(SET_STATUS, role=WORKING, status=WORKING), DEFAULT, TODAY)
    assert decision.reinstated is True
    assert decision.plannable is True
    assert decision.next_order_date == ago(0)


def test_an_unknown_act_is_refused():
    """Acts are a closed list."""
    with pytest.raises(InvalidAct):
        Act("merge")


def test_clearing_the_status_ends_the_hold():
    """No status at all: status cleared from today, hold gone, one history row."""
    facts = client(10, held_order_count=1)
    decision = decide_act(facts, Act(SET_STATUS), DEFAULT, TODAY)
    assert (decision.status, decision.held, decision.role) == (NO_STATUS, False, None)
    assert decision.history[0].status == NO_STATUS


def test_replay_resumes_only_when_time_alone_passed():
    """A scheduled run of an unmarked client resumes its replay at its stored status; an
    event, a hold or a status of the company's own replays from the start."""
    from partner_lifecycle.engine.timeline import resume_point

    facts = client(300, 200, role=SLEEPING, status_date=ago(20))
    assert resume_point(facts, TODAY, True) == (ago(20), SLEEPING)
    assert resume_point(facts, TODAY, False) is None
    assert resume_point(client(10, role=WORKING, status_date=ago(40)), TODAY, True) == (
        ago(10),
        WORKING,
    )
    held = client(300, role=SLEEPING, status_date=ago(20), held_order_count=1)
    assert resume_point(held, TODAY, True) is None
    own = ClientFacts(order_dates=(ago(5),), current_status=9, status_date=ago(3))
    assert resume_point(own, TODAY, True) is None
    assert resume_point(client(5, role=WORKING, status_date=ago(-3)), TODAY, True) is None
