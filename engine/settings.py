"""Company settings of the lifecycle rules, as a validated value object."""

from dataclasses import dataclass

from .roles import TRIGGER_DELIVERY, TRIGGERS

#: The largest count of days a setting accepts (100 years): dates computed from a
#: usable order date and any setting stay inside the calendar.
MAX_DAYS = 36500
#: The largest N accepted.
MAX_ORDER_COUNT = 1000000


#: Lowest and highest value of each whole-number setting.
LIMITS = {
    "permanent_order_count": (1, MAX_ORDER_COUNT),
    "sleeping_days": (0, MAX_DAYS),
    "frequency_window_days": (0, MAX_DAYS),
    "frequency_max_gap_days": (0, MAX_DAYS),
    "planning_inactive_days": (0, MAX_DAYS),
    "at_risk_min_days": (0, MAX_DAYS),
    "at_risk_max_days": (0, MAX_DAYS),
}
#: The largest at-risk factor accepted.
MAX_FACTOR = 100.0
#: How the expected next order is found.
NEXT_ORDER_METHODS = ("frequency", "consumption")


@dataclass(frozen=True)
class LifecycleSettings:
    """The numbers and switches of one company's lifecycle rules.

    Every count of days is a whole number of calendar days from 0 to
    :data:`MAX_DAYS`, ``0`` meaning "off" where stated; N is from 1 to
    :data:`MAX_ORDER_COUNT`. Invalid values raise :class:`ValueError` naming
    the setting, so that bad settings never reach the rules.
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
        if not 0 <= factor <= MAX_FACTOR:
            raise ValueError(f"at_risk_factor must be between 0 and {MAX_FACTOR}, got {factor}")
        if self.next_order_method not in NEXT_ORDER_METHODS:
            choices = ", ".join(NEXT_ORDER_METHODS)
            method = self.next_order_method
            raise ValueError(f"next_order_method must be one of {choices}, got {method!r}")
        if self.first_order_trigger not in TRIGGERS:
            choices = ", ".join(TRIGGERS)
            trigger = self.first_order_trigger
            raise ValueError(f"first_order_trigger must be one of {choices}, got {trigger!r}")
