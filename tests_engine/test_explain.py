"""What the card says comes from the stored decision: reason, rhythm, overdue, next order."""

from datetime import date

from partner_lifecycle.engine import FORMER, PERMANENT, WORKING, Card, explain

TODAY = date(2026, 12, 6)


def card(**values):
    base = {
        "role": PERMANENT,
        "reason_code": "permanent",
        "reason_params": {"count": 4, "limit": 3},
        "last_order_date": date(2026, 11, 4),
        "avg_interval_days": 10.0,
        "interval_spread": 2.4,
        "next_order_date": date(2026, 11, 14),
        "next_order_method": "frequency",
    }
    return Card(**{**base, **values})


def test_a_late_client_reads_its_idle_days_rhythm_and_overdue_ratio():
    """32 idle days against a usual 10: 3.2x overdue, next expected 14 Nov (no year)."""
    result = explain(card(), TODAY)
    assert result.reason_code == "permanent"
    assert result.lines == (
        ("idle", {"days": 32}),
        ("usual", {"days": 10, "spread": 2}),
        ("overdue", {"ratio": 3.2}),
        ("next_expected", {"date": "2026-11-14", "year": False}),
    )
    assert result.overdue_ratio == 3.2


def test_paused_days_are_not_idle_and_not_overdue():
    """A 25-day pause inside the silence: 7 idle days, not overdue, as the rules count."""
    result = explain(card(pauses=((date(2026, 11, 10), date(2026, 12, 4)),)), TODAY)
    assert result.lines[0] == ("idle_paused", {"days": 7, "paused": 25})
    assert result.overdue_ratio is None


def test_a_held_client_reads_held_until_its_date():
    """Held by hand: the reason is the hold's, whatever reason is stored."""
    result = explain(card(held=True, hold_until=date(2027, 1, 31)), TODAY)
    assert (result.reason_code, result.reason_params) == ("held_until", {"until": "2027-01-31"})
    held = explain(card(held=True), TODAY)
    assert held.reason_code == "held_next_order"


def test_a_former_client_is_never_due_nor_overdue():
    """Former (or terminated): no expected next order, no ratio, 'former' said."""
    for values in ({"role": FORMER}, {"terminated": True, "role": WORKING}):
        result = explain(card(**values, plannable=False), TODAY)
        assert result.next_order_date is None
        assert result.overdue_ratio is None
        assert [code for code, _params in result.lines] == ["idle", "usual", "former"]


def test_a_date_of_another_year_carries_its_year():
    """A next order in 2028 is shown with its year."""
    result = explain(card(next_order_date=date(2028, 5, 1)), TODAY)
    assert result.lines[-1] == ("next_expected", {"date": "2028-05-01", "year": True})


def test_a_client_without_order_and_one_out_of_planning():
    """No order yet: one line. Out of planning: said before the next order."""
    assert explain(Card(reason_code="no_orders_new"), TODAY).lines == (("no_order_yet", {}),)
    result = explain(card(plannable=False, next_order_method="consumption"), TODAY)
    assert [code for code, _params in result.lines][-2:] == [
        "not_planned",
        "next_expected_consumption",
    ]
