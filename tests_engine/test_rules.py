"""The lifecycle decision of one client: rules 1 to 8, their boundaries, facts and reasons."""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from partner_lifecycle.engine import (
    AT_RISK,
    FIRST_USABLE_DATE,
    FORMER,
    LAST_USABLE_DATE,
    NEW,
    PERMANENT,
    REASON_TEXTS,
    ROLES,
    SLEEPING,
    TRIGGER_ORDER,
    WORKING,
    ClientFacts,
    Decision,
    HistoryEntry,
    LifecycleSettings,
    UnusableDate,
    decide,
    is_plannable,
    is_usable_date,
)
from partner_lifecycle.engine.settings import MAX_DAYS

TODAY = date(2024, 6, 30)
DEFAULT = LifecycleSettings()
#: Delivery long ago, so that the trigger of the "first order" status has happened.
DELIVERED = date(2023, 1, 2)


def ago(days):
    """The date ``days`` days before TODAY (negative: after TODAY)."""
    return TODAY - timedelta(days=days)


def client(*ages, delivery=DELIVERED, terminated=False, role=WORKING, automatic=True):
    """A client with orders ``ages`` days old; delivered, working and automatic by default."""
    return ClientFacts(
        order_dates=tuple(ago(age) for age in ages),
        first_delivery_date=delivery,
        terminated=terminated,
        current_role=role,
        status_is_automatic=automatic,
    )


def target(decision, facts):
    """The role the client has after the decision (None from decide means its role is kept)."""
    return facts.current_role if decision.role is None else decision.role


# --- rule 6: N or more confirmed orders -> permanent --------------------------


@pytest.mark.parametrize(
    ("limit", "ages", "expected"),
    [
        pytest.param(3, (30, 20, 10), PERMANENT, id="N=3-count-3-permanent"),
        pytest.param(3, (20, 10), WORKING, id="N=3-count-2-not"),
        pytest.param(3, (40, 30, 20, 10), PERMANENT, id="N=3-count-4-permanent"),
        pytest.param(1, (10,), PERMANENT, id="N=1-count-1-permanent"),
        pytest.param(5, (50, 40, 30, 20, 10), PERMANENT, id="N=5-count-5-permanent"),
        pytest.param(5, (40, 30, 20, 10), WORKING, id="N=5-count-4-not"),
    ],
)
def test_permanent_from_n_orders(limit, ages, expected):
    """A client with N or more confirmed orders is permanent; with N - 1 it is not."""
    facts = client(*ages, role=None)
    decision = decide(facts, LifecycleSettings(permanent_order_count=limit), TODAY)
    assert decision.role == expected
    assert decision.order_count == len(ages)


@pytest.mark.parametrize(
    ("ages", "expected"),
    [
        pytest.param((5, 5, 5), PERMANENT, id="three-orders-one-day-permanent"),
        pytest.param((5, 5), WORKING, id="two-orders-one-day-not"),
        pytest.param((400, 300, 0), PERMANENT, id="old-orders-count-too"),
    ],
)
def test_every_order_counts_for_n(ages, expected):
    """Same-day orders each count for N, and so do orders outside the frequency window."""
    settings = LifecycleSettings(frequency_window_days=30)
    decision = decide(client(*ages, role=None), settings, TODAY)
    assert decision.role == expected
    assert decision.order_count == len(ages)


# --- rule 5: D or more days without an order -> sleeping ----------------------


@pytest.mark.parametrize(
    ("limit", "age", "expected"),
    [
        pytest.param(180, 180, SLEEPING, id="D=180-exactly-D-days-sleeping"),
        pytest.param(180, 179, WORKING, id="D=180-D-1-days-not"),
        pytest.param(180, 181, SLEEPING, id="D=180-D+1-days-sleeping"),
        pytest.param(1, 1, SLEEPING, id="D=1-yesterday-sleeping"),
        pytest.param(1, 0, WORKING, id="D=1-today-not"),
        pytest.param(0, 10000, WORKING, id="D=0-rule-off"),
        pytest.param(0, 0, WORKING, id="D=0-today"),
    ],
)
def test_sleeping_after_d_days(limit, age, expected):
    """A last order D or more days old makes the client sleeping; D - 1 does not; D = 0 is off."""
    decision = decide(client(age, role=None), LifecycleSettings(sleeping_days=limit), TODAY)
    assert decision.role == expected


@pytest.mark.parametrize(
    "age",
    [pytest.param(-1, id="tomorrow"), pytest.param(-400, id="next-year")],
)
def test_order_dated_in_the_future_is_not_sleeping(age):
    """An order dated after today counts as the last order and never makes the client sleeping."""
    facts = client(age, role=None)
    decision = decide(facts, LifecycleSettings(sleeping_days=1), TODAY)
    assert decision.role == WORKING
    assert decision.last_order_date == ago(age)


def test_sleeping_wins_over_permanent():
    """A client with many orders whose last one is D days old is sleeping, not permanent."""
    decision = decide(client(400, 300, 250, 200, 180, role=PERMANENT), DEFAULT, TODAY)
    assert decision.role == SLEEPING
    assert decision.reason_code == "sleeping"


@pytest.mark.parametrize(
    ("ages", "delivery", "expected"),
    [
        pytest.param((200, 0), DELIVERED, WORKING, id="count-below-N-delivered-working"),
        pytest.param((200, 0), None, WORKING, id="count-below-N-no-delivery-working"),
        pytest.param((300, 200, 0), DELIVERED, PERMANENT, id="count-N-permanent"),
        pytest.param((300, 200, 0), None, PERMANENT, id="count-N-no-delivery-permanent"),
    ],
)
def test_sleeping_client_ordering_again_wakes_up(ages, delivery, expected):
    """A sleeping client with a new order goes straight back to working or permanent, with
    the reason "ordered again after 200 days" (not its first delivery long ago)."""
    facts = client(*ages, delivery=delivery, role=SLEEPING)
    decision = decide(facts, DEFAULT, TODAY)
    assert decision.role == expected
    assert decision.reason_code == "reactivated"
    assert decision.reason_params == {"days": 200}
    assert decision.reason == "Ordered again after 200 days"


@pytest.mark.parametrize("role", [SLEEPING, AT_RISK])
def test_reactivation_counts_the_idle_days_before_the_order_without_pauses(role):
    """A dormant client back after 300 days, 30 of them paused, was idle 270 days."""
    facts = replace(client(330, 30, role=role), pauses=((ago(200), ago(171)),))
    decision = decide(facts, DEFAULT, TODAY)
    assert (decision.reason_code, decision.reason_params) == ("reactivated", {"days": 270})


def test_reactivation_needs_an_order_since_the_client_fell_asleep():
    """A client sleeping since after its last order that turns working (D raised) is not
    'ordered again': the reason is the rules' own."""
    facts = replace(client(200, 100, role=SLEEPING), status_date=ago(20))
    decision = decide(facts, LifecycleSettings(sleeping_days=365), TODAY)
    assert decision.role == WORKING
    assert decision.reason_code == "working_delivery"


def test_sleeping_silence_is_not_an_interval():
    """A client back after 400 silent days keeps its usual 30-day rhythm: a silence of D
    days or more never counts in the average, whatever G."""
    facts = client(490, 460, 430, 30, 0, role=SLEEPING)
    decision = decide(facts, DEFAULT, TODAY)
    assert decision.avg_interval_days == 30.0
    assert decision.next_order_date == TODAY + timedelta(days=30)


def test_sleeping_client_without_new_order_stays_sleeping():
    """A sleeping client still without a recent order keeps its status (role None)."""
    decision = decide(client(200, role=SLEEPING), DEFAULT, TODAY)
    assert decision.role is None
    assert decision.reason_code == "sleeping"


# --- rule 1: former is never moved by automation ------------------------------


@pytest.mark.parametrize(
    "facts",
    [
        pytest.param(client(role=FORMER), id="no-order"),
        pytest.param(client(0, role=FORMER), id="ordered-today"),
        pytest.param(client(30, 20, 10, 0, role=FORMER), id="enough-orders-for-permanent"),
        pytest.param(client(500, role=FORMER), id="long-without-order"),
        pytest.param(client(0, role=FORMER, terminated=True), id="terminated"),
        pytest.param(client(0, role=FORMER, automatic=False), id="flagged-manual"),
        pytest.param(client(0, role=FORMER, delivery=None), id="no-delivery"),
    ],
)
def test_former_client_is_never_moved(facts):
    """Whatever happened, a former client keeps its status: only a person moves it."""
    decision = decide(facts, DEFAULT, TODAY)
    assert decision.role is None
    assert decision.reason_code == "former_kept"
    assert decision.plannable is False


# --- rule 2: termination -> former ----------------------------------------------


@pytest.mark.parametrize(
    "role", [None, NEW, WORKING, PERMANENT, SLEEPING], ids=lambda role: f"from-{role}"
)
@pytest.mark.parametrize(
    "ages",
    [
        pytest.param((), id="no-order"),
        pytest.param((30, 20, 0), id="active-permanent"),
        pytest.param((400,), id="old"),
    ],
)
def test_termination_gives_former(role, ages):
    """A terminated contract makes the client former from any automatic status or none."""
    decision = decide(client(*ages, role=role, terminated=True), DEFAULT, TODAY)
    assert decision.role == FORMER
    assert decision.reason_code == "terminated"
    assert decision.plannable is False


def test_termination_applies_before_the_manual_status_rule():
    """Termination comes before rule 3: a client with a status set by hand becomes former too."""
    decision = decide(client(0, role=None, automatic=False, terminated=True), DEFAULT, TODAY)
    assert decision.role == FORMER
    assert decision.reason_code == "terminated"


# --- rule 3: a status set by hand is never replaced ---------------------------


@pytest.mark.parametrize(
    ("ages", "role"),
    [
        pytest.param((30, 20, 10), None, id="would-be-permanent"),
        pytest.param((400,), None, id="would-be-sleeping"),
        pytest.param((), None, id="no-order"),
        pytest.param((0,), NEW, id="new-role-flagged-manual"),
        pytest.param((30, 20, 10), WORKING, id="working-role-flagged-manual"),
    ],
)
def test_manual_status_is_kept(ages, role):
    """A status that is not one of the automatic ones is never changed by automation."""
    decision = decide(client(*ages, role=role, automatic=False), DEFAULT, TODAY)
    assert decision.role is None
    assert decision.reason_code == "manual_kept"


# --- rule 4: no confirmed order -------------------------------------------------


@pytest.mark.parametrize(
    "role", [NEW, WORKING, PERMANENT, SLEEPING], ids=lambda role: f"keeps-{role}"
)
def test_client_without_orders_keeps_its_status(role):
    """A client without any confirmed order keeps its status, even with a delivery recorded."""
    decision = decide(client(role=role), DEFAULT, TODAY)
    assert decision.role is None
    assert decision.reason_code == "no_orders_kept"


@pytest.mark.parametrize(
    "delivery", [pytest.param(None, id="no-delivery"), pytest.param(DELIVERED, id="with-delivery")]
)
def test_client_without_status_and_orders_gets_new(delivery):
    """A client with neither status nor order gets the new role."""
    decision = decide(client(role=None, delivery=delivery), DEFAULT, TODAY)
    assert decision.role == NEW
    assert decision.reason_code == "no_orders_new"


# --- rules 7 and 8: the first-order trigger and "new" -----------------------------


@pytest.mark.parametrize(
    ("trigger", "delivery", "role", "expected", "reason"),
    [
        pytest.param(
            "delivery",
            date(2024, 6, 1),
            None,
            WORKING,
            "working_delivery",
            id="delivery-done-working",
        ),
        pytest.param(
            "delivery",
            date(2024, 6, 1),
            NEW,
            WORKING,
            "working_delivery",
            id="delivery-done-from-new",
        ),
        pytest.param(
            "delivery", None, None, NEW, "new_waiting", id="delivery-trigger-order-only-new"
        ),
        pytest.param(
            "delivery", None, NEW, None, "new_waiting", id="delivery-trigger-new-stays-unchanged"
        ),
        pytest.param(
            "order", None, None, WORKING, "working_order", id="order-trigger-no-delivery-working"
        ),
        pytest.param("order", None, NEW, WORKING, "working_order", id="order-trigger-from-new"),
        pytest.param(
            "order",
            date(2024, 6, 1),
            NEW,
            WORKING,
            "working_order",
            id="order-trigger-ignores-delivery",
        ),
    ],
)
def test_first_order_trigger(trigger, delivery, role, expected, reason):
    """Working comes with the first validated delivery, or by setting with the first order."""
    settings = LifecycleSettings(first_order_trigger=trigger)
    decision = decide(client(20, 10, delivery=delivery, role=role), settings, TODAY)
    assert decision.role == expected
    assert decision.reason_code == reason


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        pytest.param(WORKING, None, id="working-stays-working"),
        pytest.param(PERMANENT, WORKING, id="permanent-below-N-working"),
        pytest.param(SLEEPING, WORKING, id="sleeping-ordering-again-working"),
    ],
)
def test_client_past_new_is_never_sent_back_to_new(role, expected):
    """A working, permanent or sleeping client without a delivery becomes working, never new."""
    facts = client(20, 10, delivery=None, role=role)
    decision = decide(facts, DEFAULT, TODAY)
    assert decision.role == expected
    assert target(decision, facts) == WORKING
    assert decision.reason_code == ("reactivated" if role == SLEEPING else "working_kept")


# --- the role equal to the current one comes back as None ---------------------------


@pytest.mark.parametrize(
    ("facts", "reason"),
    [
        pytest.param(client(30, 20, 10, role=PERMANENT), "permanent", id="permanent-stays"),
        pytest.param(client(200, role=SLEEPING), "sleeping", id="sleeping-stays"),
        pytest.param(client(10, role=WORKING), "working_delivery", id="working-stays"),
        pytest.param(client(10, role=NEW, delivery=None), "new_waiting", id="new-stays"),
    ],
)
def test_unchanged_role_gives_none(facts, reason):
    """When the rules give the current role, decide returns role None with the reason."""
    decision = decide(facts, DEFAULT, TODAY)
    assert decision.role is None
    assert decision.reason_code == reason


# --- the reasons --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "settings", "text"),
    [
        pytest.param(
            client(30, 20, 10, role=None),
            DEFAULT,
            "3 confirmed orders (permanent from 3)",
            id="permanent",
        ),
        pytest.param(
            client(190, role=None),
            DEFAULT,
            "No order for 190 days (limit 180)",
            id="sleeping",
        ),
        pytest.param(
            client(role=FORMER),
            DEFAULT,
            "Former client: only a person changes the status",
            id="former_kept",
        ),
        pytest.param(client(terminated=True), DEFAULT, "Contract terminated", id="terminated"),
        pytest.param(
            client(0, automatic=False),
            DEFAULT,
            "Status set by hand: automation keeps it",
            id="manual_kept",
        ),
        pytest.param(client(role=None), DEFAULT, "New client, no order yet", id="no_orders_new"),
        pytest.param(
            client(role=WORKING), DEFAULT, "No confirmed order: status kept", id="no_orders_kept"
        ),
        pytest.param(
            client(10, role=None, delivery=date(2024, 6, 25)),
            DEFAULT,
            "First delivery on 2024-06-25",
            id="working_delivery",
        ),
        pytest.param(
            client(10, 30, role=None, delivery=None),
            LifecycleSettings(first_order_trigger=TRIGGER_ORDER),
            "First order on 2024-05-31",
            id="working_order-earliest-date",
        ),
        pytest.param(
            client(10, role=SLEEPING, delivery=None),
            DEFAULT,
            "1 confirmed orders (permanent from 3)",
            id="working_kept",
        ),
        pytest.param(
            client(10, role=None, delivery=None),
            DEFAULT,
            "Ordered, not delivered yet",
            id="new_waiting",
        ),
    ],
)
def test_reason_text(facts, settings, text):
    """Every decision carries a short English reason built from its numbers."""
    assert decide(facts, settings, TODAY).reason == text


def test_every_reason_code_has_a_text():
    """The reason texts cover exactly the seventeen codes the rules produce."""
    assert set(REASON_TEXTS) == {
        "former_kept",
        "terminated",
        "manual_kept",
        "held_next_order",
        "held_until",
        "no_orders_new",
        "no_orders_kept",
        "sleeping",
        "at_risk",
        "permanent",
        "working_delivery",
        "working_order",
        "working_kept",
        "new_waiting",
        "reactivated",
        "hold_ended_order",
        "hold_ended_date",
    }


# --- the frequency facts of the decision --------------------------------------------


def test_decision_carries_the_frequency_facts():
    """Order count, last order, average interval and next order come with the decision."""
    facts = client(25, 20, 20, 10, 5, role=WORKING)
    decision = decide(facts, DEFAULT, TODAY)
    assert decision == Decision(
        role=PERMANENT,
        order_count=5,
        last_order_date=ago(5),
        avg_interval_days=20 / 3,
        next_order_date=ago(5) + timedelta(days=7),
        plannable=True,
        reason_code="permanent",
        reason_params={"count": 5, "limit": 3},
        review_date=ago(5) + timedelta(days=180),
        interval_spread=(((5 - 20 / 3) ** 2 + (10 - 20 / 3) ** 2 + (5 - 20 / 3) ** 2) / 3) ** 0.5,
        next_order_method="frequency",
        # intervals 5, 10, 5: s = 2.887, t(2) 1.886 x 2.887 x 1.155 = 6.3: +-6 days,
        # from the day after the last order
        next_order_from=ago(4),
        next_order_to=ago(5) + timedelta(days=7 + 6),
        history=(HistoryEntry(PERMANENT, "permanent", {"count": 5, "limit": 3}),),
    )


@pytest.mark.parametrize(
    "facts",
    [
        pytest.param(client(30, 20, 10, role=FORMER), id="former"),
        pytest.param(client(30, 20, 10, automatic=False), id="manual"),
        pytest.param(client(30, 20, 10, terminated=True), id="terminated"),
    ],
)
def test_frequency_facts_are_computed_whatever_the_role(facts):
    """Even when the status is kept or set to former, the frequency facts are computed; a
    former or terminated client has no expected next order."""
    decision = decide(facts, DEFAULT, TODAY)
    assert decision.order_count == 3
    assert decision.last_order_date == ago(10)
    assert decision.avg_interval_days == 10.0
    former = facts.terminated or facts.current_role == FORMER
    assert decision.next_order_date == (None if former else ago(0))
    assert decision.next_order_method == (None if former else "frequency")


@pytest.mark.parametrize(
    ("ages", "average", "next_order"),
    [
        pytest.param((5, 3, 0), 2.5, date(2024, 7, 3), id="2.5-days-rounds-up-to-3"),
        pytest.param((7, 3, 0), 3.5, date(2024, 7, 4), id="3.5-days-rounds-up-to-4"),
        pytest.param((10, 5, 0), 5.0, date(2024, 7, 5), id="whole-days"),
        pytest.param((0,), None, None, id="one-order-no-next"),
        pytest.param((0, 0), None, None, id="same-day-orders-no-next"),
    ],
)
def test_next_order_date_in_decision(ages, average, next_order):
    """The expected next order is the last order plus the average interval rounded half up."""
    decision = decide(client(*ages), DEFAULT, TODAY)
    assert decision.avg_interval_days == average
    assert decision.next_order_date == next_order


def test_leap_day_orders_in_decision():
    """Orders on 28 Feb, 29 Feb and 1 Mar 2024 average one day; the next order is 2 Mar."""
    facts = ClientFacts(
        order_dates=(date(2024, 3, 1), date(2024, 2, 28), date(2024, 2, 29)), current_role=NEW
    )
    decision = decide(facts, DEFAULT, date(2024, 3, 1))
    assert decision.avg_interval_days == 1.0
    assert decision.next_order_date == date(2024, 3, 2)
    assert decision.role == PERMANENT


def test_future_orders_in_decision():
    """An order dated in the future is the last order, stays in the window and feeds the average."""
    settings = LifecycleSettings(
        frequency_window_days=30, sleeping_days=30, planning_inactive_days=1
    )
    decision = decide(client(10, -10), settings, TODAY)
    assert decision.last_order_date == ago(-10)
    assert decision.avg_interval_days == 20.0
    assert decision.next_order_date == ago(-30)
    assert decision.role is None
    assert decision.plannable is True


# --- planning: X days without an order -----------------------------------------------


@pytest.mark.parametrize(
    ("limit", "facts", "expected"),
    [
        pytest.param(30, client(30), False, id="X=30-exactly-X-days-not-plannable"),
        pytest.param(30, client(29), True, id="X=30-X-1-days-plannable"),
        pytest.param(30, client(400, 29), True, id="X=30-last-order-counts"),
        pytest.param(0, client(10000), True, id="X=0-rule-off"),
        pytest.param(30, client(-5), True, id="future-order-plannable"),
        pytest.param(30, client(), True, id="no-order-plannable"),
        pytest.param(0, client(), True, id="X=0-no-order-plannable"),
        pytest.param(30, client(0, role=FORMER), False, id="former-not-plannable"),
        pytest.param(0, client(role=FORMER), False, id="former-no-order-not-plannable"),
        pytest.param(30, client(0, terminated=True), False, id="terminated-not-plannable"),
        pytest.param(0, client(terminated=True), False, id="terminated-no-order-not-plannable"),
        pytest.param(30, client(0, automatic=False), True, id="manual-status-recent-plannable"),
        pytest.param(30, client(200, role=SLEEPING), False, id="sleeping-old-not-plannable"),
    ],
)
def test_plannable(limit, facts, expected):
    """Former, terminated, or last order X or more days old: the client is not plannable."""
    settings = LifecycleSettings(planning_inactive_days=limit)
    assert decide(facts, settings, TODAY).plannable is expected
    last = max(facts.order_dates) if facts.order_dates else None
    assert is_plannable(facts, settings, TODAY, last) is expected


def test_every_role_is_known():
    """The lifecycle has exactly the six roles, in order."""
    assert ROLES == (NEW, WORKING, PERMANENT, AT_RISK, SLEEPING, FORMER)


# --- the review date: when the decision can next change without an event -----------


@pytest.mark.parametrize(
    ("facts", "settings", "expected"),
    [
        pytest.param(client(10), DEFAULT, ago(10 - 180), id="sleeping-at-last-plus-D"),
        pytest.param(client(179), DEFAULT, ago(-1), id="D-1-days-idle-review-tomorrow"),
        pytest.param(client(180, role=SLEEPING), DEFAULT, None, id="already-sleeping-no-review"),
        pytest.param(client(10), LifecycleSettings(sleeping_days=0), None, id="D=0-no-review"),
        pytest.param(client(), DEFAULT, None, id="no-order-no-review"),
        pytest.param(client(10, role=FORMER), DEFAULT, None, id="former-no-review"),
        pytest.param(client(10, terminated=True), DEFAULT, None, id="terminated-no-review"),
        pytest.param(client(10, automatic=False), DEFAULT, None, id="manual-no-sleeping-review"),
        pytest.param(
            client(10, automatic=False),
            LifecycleSettings(planning_inactive_days=30),
            ago(10 - 30),
            id="manual-planning-review-at-last-plus-X",
        ),
        pytest.param(
            client(10),
            LifecycleSettings(planning_inactive_days=30),
            ago(10 - 30),
            id="X-before-D",
        ),
        pytest.param(
            client(29, automatic=False),
            LifecycleSettings(planning_inactive_days=30),
            ago(-1),
            id="X-1-days-idle-review-tomorrow",
        ),
        pytest.param(
            client(40, role=SLEEPING),
            LifecycleSettings(sleeping_days=30, planning_inactive_days=60),
            ago(40 - 60),
            id="sleeping-then-planning",
        ),
        pytest.param(
            client(10, role=FORMER),
            LifecycleSettings(planning_inactive_days=30),
            None,
            id="former-no-planning-review",
        ),
        pytest.param(
            client(50, 40, 10),
            LifecycleSettings(frequency_window_days=60),
            ago(50 - 61),
            id="oldest-window-day-leaves-at-d-plus-P-plus-1",
        ),
        pytest.param(
            client(60, 10),
            LifecycleSettings(frequency_window_days=60),
            ago(-1),
            id="window-edge-leaves-tomorrow",
        ),
        pytest.param(
            client(61, 10),
            LifecycleSettings(frequency_window_days=60, sleeping_days=0),
            ago(10 - 61),
            id="outside-window-ignored",
        ),
        pytest.param(
            client(-5),
            DEFAULT,
            ago(-5 - 180),
            id="future-order-review-after-it",
        ),
    ],
)
def test_review_date(facts, settings, expected):
    """The review date is the earliest of last + D, last + X and the window's oldest day leaving."""
    assert decide(facts, settings, TODAY).review_date == expected


def test_decision_changes_on_the_review_date():
    """On the review date of a working client, the sleeping rule applies."""
    facts = client(10)
    decision = decide(facts, DEFAULT, TODAY)
    assert decide(facts, DEFAULT, decision.review_date).role == SLEEPING
    assert decide(facts, DEFAULT, decision.review_date - timedelta(days=1)).role is None


# --- dates the rules cannot use --------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(date(9999, 12, 30), id="year-9999"),
        pytest.param(date(9000, 1, 1), id="year-9000"),
        pytest.param(date(1899, 12, 31), id="before-1900"),
        pytest.param(date(1, 1, 1), id="year-1"),
    ],
)
def test_unusable_order_date_is_reported(bad):
    """An order date outside 1900-01-01 .. 8999-12-31 raises UnusableDate naming it."""
    facts = ClientFacts(order_dates=(ago(10), bad), current_role=WORKING)
    with pytest.raises(UnusableDate) as error:
        decide(facts, DEFAULT, TODAY)
    assert error.value.value == bad
    assert bad.isoformat() in str(error.value)


def test_unusable_delivery_date_is_reported():
    """A first delivery date outside the usable range raises UnusableDate too."""
    facts = ClientFacts(order_dates=(ago(10),), first_delivery_date=date(9999, 1, 1))
    with pytest.raises(UnusableDate):
        decide(facts, DEFAULT, TODAY)


@pytest.mark.parametrize(
    "good",
    [
        pytest.param(FIRST_USABLE_DATE, id="first-usable"),
        pytest.param(LAST_USABLE_DATE, id="last-usable"),
    ],
)
def test_usable_range_edges_are_accepted(good):
    """The first and the last usable dates are decided normally, with the largest settings."""
    settings = LifecycleSettings(
        sleeping_days=MAX_DAYS, frequency_window_days=MAX_DAYS, planning_inactive_days=MAX_DAYS
    )
    facts = ClientFacts(order_dates=(good, good), current_role=WORKING)
    decision = decide(facts, settings, TODAY)
    assert decision.last_order_date == good
    assert is_usable_date(good)


def test_next_order_beyond_the_calendar_is_none():
    """Orders thousands of years apart give no expected next order rather than an error."""
    facts = ClientFacts(order_dates=(FIRST_USABLE_DATE, LAST_USABLE_DATE), current_role=WORKING)
    decision = decide(facts, LifecycleSettings(sleeping_days=0), TODAY)
    assert decision.next_order_date is None
    assert decision.avg_interval_days > 0


# --- rule 3a: a status held by hand -------------------------------------------------


def held(*ages, count=None, until=None, role=WORKING, **kwargs):
    """A client whose status a person set when it had ``count`` orders (default: all)."""
    facts = client(*ages, role=role, **kwargs)
    count = len(facts.order_dates) if count is None else count
    return ClientFacts(**{**facts.__dict__, "held_order_count": count, "hold_until": until})


@pytest.mark.parametrize(
    ("facts", "role", "code", "ended"),
    [
        pytest.param(held(300), None, "held_next_order", None, id="idle-but-held-stays"),
        pytest.param(
            held(300, until=ago(0)), None, "held_until", None, id="held-through-its-last-day"
        ),
        pytest.param(
            held(300, until=ago(1)), SLEEPING, "sleeping", "date", id="day-after-last-day-ends"
        ),
        pytest.param(held(300, 5, count=1), None, "working_delivery", "order", id="new-order-ends"),
        pytest.param(
            held(300, 20, 5, count=2), PERMANENT, "permanent", "order", id="order-ends-then-rules"
        ),
        pytest.param(held(300, role=FORMER), None, "former_kept", None, id="former-not-held"),
        pytest.param(held(300, terminated=True), FORMER, "terminated", None, id="termination-wins"),
        pytest.param(
            held(300, automatic=False), None, "manual_kept", None, id="custom-status-not-held"
        ),
        pytest.param(
            held(300, 200, 100, count=3, role=NEW),
            None,
            "held_next_order",
            None,
            id="held-new-not-permanent",
        ),
    ],
)
def test_hold_by_hand(facts, role, code, ended):
    """A hold keeps the status until a new order or its last day; then the rules apply."""
    decision = decide(facts, DEFAULT, TODAY)
    assert (decision.role, decision.reason_code, decision.hold_ended) == (role, code, ended)


def test_held_reason_carries_the_last_day():
    """The reason of a hold with a last day names that day."""
    decision = decide(held(300, until=ago(-5)), DEFAULT, TODAY)
    assert decision.reason == f"Held by hand until {ago(-5).isoformat()}"
    assert decision.review_date == ago(-6)


def test_held_client_keeps_its_figures():
    """While held, the figures and the planning flag are computed as usual."""
    decision = decide(held(30, 20, 10), LifecycleSettings(planning_inactive_days=5), TODAY)
    assert (decision.order_count, decision.avg_interval_days) == (3, 10.0)
    assert decision.plannable is False
