"""Company settings of the lifecycle rules, as a validated value object, and the limits
of every number a company sets and of the dates of confirmed orders.

This module is the one definition of those limits: the engine validates its
settings with them, and the Odoo layer derives its constraints, its SQL
checks and its messages from them.
"""

import math
from dataclasses import dataclass
from datetime import timedelta

from .roles import TRIGGER_DELIVERY, TRIGGERS

#: The largest count of days a period setting accepts (D, P, G, X, the at-risk floor and
#: cap, the planning overdue limit, a contact schedule's interval): ten years.
MAX_DAYS = 3650
#: The largest N accepted.
MAX_ORDER_COUNT = 1000
#: The largest move of the Postpone button of a delivery plan: a year.
MAX_POSTPONE_DAYS = 365
#: The largest at-risk factor accepted.
MAX_FACTOR = 10.0
#: A confirmed order may be dated at most this many days after the company's today.
MAX_ORDER_DAYS_AHEAD = 365

#: Lowest and highest value of each whole-number setting of the rules.
LIMITS = {
    "permanent_order_count": (1, MAX_ORDER_COUNT),
    "sleeping_days": (0, MAX_DAYS),
    "frequency_window_days": (0, MAX_DAYS),
    "frequency_max_gap_days": (0, MAX_DAYS),
    "planning_inactive_days": (0, MAX_DAYS),
    "at_risk_min_days": (0, MAX_DAYS),
    "at_risk_max_days": (0, MAX_DAYS),
}
#: Lowest and highest value of each whole-number setting of delivery planning.
PLANNING_LIMITS = {
    "postpone_days": (0, MAX_POSTPONE_DAYS),
    "overdue_days": (0, MAX_DAYS),
}
#: Lowest and highest at-risk factor.
FACTOR_LIMITS = (0.0, MAX_FACTOR)
#: Lowest and highest count of days between two contacts of an interval schedule.
SCHEDULE_INTERVAL_LIMITS = (1, MAX_DAYS)
#: How the expected next order is found.
NEXT_ORDER_METHODS = ("frequency", "consumption")


def is_valid_factor(value):
    """Whether ``value`` is an at-risk factor: a finite number within :data:`FACTOR_LIMITS`
    (infinity and NaN are not)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    low, high = FACTOR_LIMITS
    return math.isfinite(value) and low <= value <= high


def is_valid_at_risk_cap(min_days, max_days):
    """Whether the at-risk cap ``max_days`` fits the floor ``min_days``: 0 (no cap) or at
    least the floor (a cap below it would silently replace the client's own rhythm)."""
    return not max_days or max_days >= min_days


def latest_order_date(today):
    """The last day a confirmed order may be dated, seen from the company's ``today``."""
    return today + timedelta(days=MAX_ORDER_DAYS_AHEAD)


@dataclass(frozen=True)
class LifecycleSettings:
    """The numbers and switches of one company's lifecycle rules.

    Every count of days is a whole number of calendar days within its
    :data:`LIMITS`, ``0`` meaning "off" where stated; N is from 1 to
    :data:`MAX_ORDER_COUNT`; the at-risk factor is a finite number within
    :data:`FACTOR_LIMITS`; the at-risk cap is 0 or at least the floor. Invalid
    values raise :class:`ValueError` naming the setting, so that bad settings
    never reach the rules.
    """

    #: N: a client with at least N confirmed orders is permanent (N >= 1).
    permanent_order_count: int = 3
    #: D: a client whose last order is D or more days old is sleeping (0 = never).
    sleeping_days: int = 180
    #: P: the average frequency uses orders dated within the last P days (0 = all history).
    frequency_window_days: int = 0
    #: G: intervals longer than G days are left out of the average (0 = none left out).
    frequency_max_gap_days: int = 0
    #: Leave out the single smallest and the single largest interval.
    frequency_trim_extremes: bool = False
    #: X: a client whose last order is X or more days old is not plannable (0 = off).
    planning_inactive_days: int = 0
    #: What gives the "first order" status: the first validated delivery or first confirmed order.
    first_order_trigger: str = TRIGGER_DELIVERY
    #: At risk from ``factor x`` the client's own average interval of idle days (0 = off).
    at_risk_factor: float = 0.0
    #: The at-risk threshold is at least this many days.
    at_risk_min_days: int = 0
    #: The at-risk threshold is at most this many days (0 = no cap).
    at_risk_max_days: int = 0
    #: The expected next order: by the average ``frequency``, or by the ``consumption``
    #: of the client's main product when it can be measured.
    next_order_method: str = "frequency"

    def __post_init__(self):
        for name, (low, high) in LIMITS.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{name} must be a whole number, got {value!r}")
            if value < low:
                raise ValueError(f"{name} must be at least {low}, got {value}")
            if value > high:
                raise ValueError(f"{name} must be at most {high}, got {value}")
        if not isinstance(self.frequency_trim_extremes, bool):
            trim = self.frequency_trim_extremes
            raise ValueError(f"frequency_trim_extremes must be true or false, got {trim!r}")
        factor = self.at_risk_factor
        if isinstance(factor, bool) or not isinstance(factor, int | float):
            raise ValueError(f"at_risk_factor must be a number, got {factor!r}")
        if not is_valid_factor(factor):
            low, high = FACTOR_LIMITS
            raise ValueError(f"at_risk_factor must be between {low:g} and {high:g}, got {factor}")
        if not is_valid_at_risk_cap(self.at_risk_min_days, self.at_risk_max_days):
            raise ValueError(
                f"at_risk_max_days must be 0 or at least at_risk_min_days "
                f"({self.at_risk_min_days}), got {self.at_risk_max_days}"
            )
        if self.next_order_method not in NEXT_ORDER_METHODS:
            choices = ", ".join(NEXT_ORDER_METHODS)
            method = self.next_order_method
            raise ValueError(f"next_order_method must be one of {choices}, got {method!r}")
        if self.first_order_trigger not in TRIGGERS:
            choices = ", ".join(TRIGGERS)
            trigger = self.first_order_trigger
            raise ValueError(f"first_order_trigger must be one of {choices}, got {trigger!r}")
