"""Validation of the company settings of the lifecycle rules."""

import dataclasses
from datetime import date

import pytest

from partner_lifecycle.engine import TRIGGER_DELIVERY, TRIGGER_ORDER, LifecycleSettings
from partner_lifecycle.engine.settings import (
    FACTOR_LIMITS,
    LIMITS,
    MAX_DAYS,
    MAX_FACTOR,
    MAX_ORDER_COUNT,
    MAX_ORDER_DAYS_AHEAD,
    MAX_POSTPONE_DAYS,
    PLANNING_LIMITS,
    SCHEDULE_INTERVAL_LIMITS,
    is_valid_at_risk_cap,
    is_valid_factor,
    latest_order_date,
)

DAY_SETTINGS = (
    "sleeping_days",
    "frequency_window_days",
    "frequency_max_gap_days",
    "planning_inactive_days",
    "at_risk_min_days",
)
WHOLE_NUMBER_SETTINGS = ("permanent_order_count", *DAY_SETTINGS)


def test_defaults_are_the_documented_ones():
    """By default N = 3, D = 180, P = G = X = 0, no trimming, and the delivery trigger."""
    settings = LifecycleSettings()
    assert settings.permanent_order_count == 3
    assert settings.sleeping_days == 180
    assert settings.frequency_window_days == 0
    assert settings.frequency_max_gap_days == 0
    assert settings.frequency_trim_extremes is False
    assert settings.planning_inactive_days == 0
    assert settings.first_order_trigger == TRIGGER_DELIVERY


@pytest.mark.parametrize(
    ("name", "value"),
    [
        pytest.param("permanent_order_count", 1, id="N=1-lowest"),
        pytest.param("permanent_order_count", 1000, id="N=1000"),
        pytest.param("sleeping_days", 0, id="D=0-off"),
        pytest.param("sleeping_days", 1, id="D=1"),
        pytest.param("frequency_window_days", 0, id="P=0-all-history"),
        pytest.param("frequency_window_days", 3650, id="P=3650"),
        pytest.param("frequency_max_gap_days", 0, id="G=0-none-left-out"),
        pytest.param("frequency_max_gap_days", 1, id="G=1"),
        pytest.param("planning_inactive_days", 0, id="X=0-off"),
        pytest.param("planning_inactive_days", 1, id="X=1"),
        pytest.param("frequency_trim_extremes", True, id="trim-true"),
        pytest.param("first_order_trigger", TRIGGER_ORDER, id="trigger-order"),
        pytest.param("first_order_trigger", TRIGGER_DELIVERY, id="trigger-delivery"),
    ],
)
def test_valid_value_is_accepted(name, value):
    """A value at or above the lowest allowed one is kept as given."""
    settings = LifecycleSettings(**{name: value})
    assert getattr(settings, name) == value


@pytest.mark.parametrize("name", WHOLE_NUMBER_SETTINGS)
@pytest.mark.parametrize("value", [-1, -180], ids=["minus-1", "minus-180"])
def test_negative_value_is_refused_naming_the_setting(name, value):
    """A negative N, D, P, G or X raises a ValueError whose message names the setting."""
    with pytest.raises(ValueError, match=name) as error:
        LifecycleSettings(**{name: value})
    assert name in str(error.value)
    assert str(value) in str(error.value)


def test_zero_orders_for_permanent_is_refused():
    """N = 0 would make every client permanent: it raises a ValueError naming the setting."""
    with pytest.raises(ValueError, match="permanent_order_count") as error:
        LifecycleSettings(permanent_order_count=0)
    assert "permanent_order_count" in str(error.value)
    assert "at least 1" in str(error.value)


@pytest.mark.parametrize("name", WHOLE_NUMBER_SETTINGS)
@pytest.mark.parametrize(
    "value",
    [3.0, 2.5, "3", None, True, False],
    ids=["float-whole", "float-half", "text", "none", "bool-true", "bool-false"],
)
def test_non_whole_number_is_refused_naming_the_setting(name, value):
    """A float, text, None or bool as a count raises a ValueError naming the setting."""
    with pytest.raises(ValueError, match=name) as error:
        LifecycleSettings(**{name: value})
    assert name in str(error.value)
    assert "whole number" in str(error.value)


@pytest.mark.parametrize(
    "value",
    ["delivered", "", "ORDER", None, 1],
    ids=["unknown-word", "empty", "wrong-case", "none", "number"],
)
def test_bad_trigger_is_refused_naming_the_setting(value):
    """A trigger other than 'delivery' or 'order' raises a ValueError naming the setting."""
    with pytest.raises(ValueError, match="first_order_trigger") as error:
        LifecycleSettings(first_order_trigger=value)
    assert "first_order_trigger" in str(error.value)


@pytest.mark.parametrize(
    "value",
    [1, 0, "yes", None],
    ids=["int-1", "int-0", "text", "none"],
)
def test_trim_switch_must_be_a_bool(value):
    """The trimming switch takes only True or False; anything else raises a ValueError naming it."""
    with pytest.raises(ValueError, match="frequency_trim_extremes") as error:
        LifecycleSettings(frequency_trim_extremes=value)
    assert "frequency_trim_extremes" in str(error.value)


def test_settings_are_frozen():
    """A settings object cannot be changed after validation, so no bad value slips in later."""
    settings = LifecycleSettings()
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.sleeping_days = -1
    assert settings.sleeping_days == 180


def test_the_limits_are_the_documented_ones():
    """N up to 1,000; every period up to 3,650 days; a postpone up to 365; factor 0 to 10."""
    assert (MAX_ORDER_COUNT, MAX_DAYS, MAX_POSTPONE_DAYS, MAX_FACTOR) == (1000, 3650, 365, 10.0)
    assert LIMITS == {
        "permanent_order_count": (1, 1000),
        "sleeping_days": (0, 3650),
        "frequency_window_days": (0, 3650),
        "frequency_max_gap_days": (0, 3650),
        "planning_inactive_days": (0, 3650),
        "at_risk_min_days": (0, 3650),
        "at_risk_max_days": (0, 3650),
    }
    assert PLANNING_LIMITS == {"postpone_days": (0, 365), "overdue_days": (0, 3650)}
    assert FACTOR_LIMITS == (0.0, 10.0)
    assert SCHEDULE_INTERVAL_LIMITS == (1, 3650)
    assert MAX_ORDER_DAYS_AHEAD == 365


@pytest.mark.parametrize("name", DAY_SETTINGS)
def test_day_setting_above_ten_years_is_refused(name):
    """3,650 days (ten years) is accepted; 3,651 raises a ValueError naming the setting."""
    assert getattr(LifecycleSettings(**{name: 3650}), name) == 3650
    with pytest.raises(ValueError, match=f"{name} must be at most 3650, got 3651"):
        LifecycleSettings(**{name: 3651})


def test_day_setting_of_5000_is_refused():
    """D = 5,000 days raises a ValueError naming the setting and the largest value."""
    with pytest.raises(ValueError, match="sleeping_days must be at most 3650, got 5000"):
        LifecycleSettings(sleeping_days=5000)


@pytest.mark.parametrize("value", [1001, 1000000], ids=["1001", "one-million"])
def test_order_count_above_the_maximum_is_refused(value):
    """N = 1,000 is accepted; N = 1,001 or 1,000,000 raises a ValueError naming the setting."""
    assert LifecycleSettings(permanent_order_count=1000).permanent_order_count == 1000
    with pytest.raises(
        ValueError, match=f"permanent_order_count must be at most 1000, got {value}"
    ):
        LifecycleSettings(permanent_order_count=value)


@pytest.mark.parametrize(
    "value", [0, 0.0, 0.5, 2, 2.0, 10, 10.0], ids=["0", "0.0", "0.5", "2", "2.0", "10", "10.0"]
)
def test_factor_from_0_to_10_is_accepted(value):
    """An at-risk factor from 0 to 10, whole or not, is kept as given."""
    assert is_valid_factor(value) is True
    assert LifecycleSettings(at_risk_factor=value).at_risk_factor == value


@pytest.mark.parametrize(
    "value",
    [1e308, float("inf"), float("-inf"), float("nan"), -1, -0.1, 10.1, 11],
    ids=["1e308", "inf", "minus-inf", "nan", "minus-1", "minus-0.1", "10.1", "11"],
)
def test_factor_outside_0_to_10_is_refused(value):
    """A factor that is huge, infinite, not a number, negative or above 10 raises a ValueError."""
    assert is_valid_factor(value) is False
    with pytest.raises(ValueError, match="at_risk_factor must be between 0 and 10, got"):
        LifecycleSettings(at_risk_factor=value)


@pytest.mark.parametrize("value", ["2", None, True], ids=["text", "none", "bool"])
def test_factor_that_is_no_number_is_refused(value):
    """A factor given as text, None or a bool raises a ValueError naming the setting."""
    assert is_valid_factor(value) is False
    with pytest.raises(ValueError, match="at_risk_factor must be a number"):
        LifecycleSettings(at_risk_factor=value)


@pytest.mark.parametrize(
    ("floor", "cap"),
    [(7, 0), (7, 7), (7, 8), (0, 0), (0, 1), (3650, 3650)],
    ids=["no-cap", "cap-at-floor", "cap-above-floor", "both-0", "floor-0", "both-largest"],
)
def test_cap_of_0_or_at_least_the_floor_is_accepted(floor, cap):
    """The at-risk cap is 0 (no cap) or at least the floor."""
    assert is_valid_at_risk_cap(floor, cap) is True
    settings = LifecycleSettings(at_risk_min_days=floor, at_risk_max_days=cap)
    assert (settings.at_risk_min_days, settings.at_risk_max_days) == (floor, cap)


@pytest.mark.parametrize(("floor", "cap"), [(7, 6), (30, 1), (3650, 3649)])
def test_cap_below_the_floor_is_refused(floor, cap):
    """A cap below the floor would silently win over it: it raises a ValueError naming both."""
    assert is_valid_at_risk_cap(floor, cap) is False
    with pytest.raises(
        ValueError, match=rf"at_risk_max_days must be 0 or at least at_risk_min_days \({floor}\)"
    ):
        LifecycleSettings(at_risk_min_days=floor, at_risk_max_days=cap)


@pytest.mark.parametrize(
    ("today", "latest"),
    [
        (date(2026, 6, 1), date(2027, 6, 1)),
        (date(2027, 6, 1), date(2028, 5, 31)),  # 2028 is a leap year: 365 days, not a year
        (date(2024, 2, 29), date(2025, 2, 28)),
    ],
    ids=["plain-year", "over-a-leap-day", "from-a-leap-day"],
)
def test_latest_order_date_is_365_days_ahead(today, latest):
    """A confirmed order may be dated up to 365 days after the company's today."""
    assert latest_order_date(today) == latest
    assert (latest - today).days == MAX_ORDER_DAYS_AHEAD
