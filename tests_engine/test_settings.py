"""Validation of the company settings of the lifecycle rules."""

import dataclasses

import pytest

from partner_lifecycle.engine import TRIGGER_DELIVERY, TRIGGER_ORDER, LifecycleSettings
from partner_lifecycle.engine.settings import MAX_DAYS, MAX_ORDER_COUNT

DAY_SETTINGS = (
    "sleeping_days",
    "frequency_window_days",
    "frequency_max_gap_days",
    "planning_inactive_days",
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


@pytest.mark.parametrize("name", DAY_SETTINGS)
def test_day_setting_above_100_years_is_refused(name):
    """A count of days above MAX_DAYS (100 years) raises a ValueError naming the setting."""
    LifecycleSettings(**{name: MAX_DAYS})
    with pytest.raises(ValueError, match=f"{name} must be at most {MAX_DAYS}"):
        LifecycleSettings(**{name: MAX_DAYS + 1})


def test_order_count_above_the_maximum_is_refused():
    """N above MAX_ORDER_COUNT raises a ValueError naming the setting."""
    with pytest.raises(ValueError, match="permanent_order_count must be at most"):
        LifecycleSettings(permanent_order_count=MAX_ORDER_COUNT + 1)
