"""The lifecycle rules of partner_lifecycle, in plain Python (no Odoo import).

The Odoo models gather each client's facts, call :func:`decide` and write
the result; everything that decides lives here and is tested without Odoo.
"""

from .frequency import Frequency, order_frequency
from .roles import (
    AT_RISK,
    AUTOMATIC_ROLES,
    FORMER,
    NEW,
    PERMANENT,
    ROLES,
    SLEEPING,
    TRIGGER_DELIVERY,
    TRIGGER_ORDER,
    TRIGGERS,
    WORKING,
)
from .rules import (
    FIRST_USABLE_DATE,
    HOLD_ENDED_DATE,
    HOLD_ENDED_ORDER,
    LAST_USABLE_DATE,
    METHOD_CONSUMPTION,
    METHOD_FREQUENCY,
    REASON_TEXTS,
    ClientFacts,
    Decision,
    UnusableDate,
    decide,
    is_plannable,
    is_usable_date,
    review_date,
)
from .settings import LifecycleSettings
from .timeline import Transition, status_since, transitions

__all__ = [
    "AT_RISK",
    "AUTOMATIC_ROLES",
    "FIRST_USABLE_DATE",
    "FORMER",
    "HOLD_ENDED_DATE",
    "HOLD_ENDED_ORDER",
    "LAST_USABLE_DATE",
    "METHOD_CONSUMPTION",
    "METHOD_FREQUENCY",
    "NEW",
    "PERMANENT",
    "REASON_TEXTS",
    "ROLES",
    "SLEEPING",
    "TRIGGERS",
    "TRIGGER_DELIVERY",
    "TRIGGER_ORDER",
    "WORKING",
    "ClientFacts",
    "Decision",
    "Frequency",
    "LifecycleSettings",
    "Transition",
    "UnusableDate",
    "decide",
    "is_plannable",
    "is_usable_date",
    "order_frequency",
    "review_date",
    "status_since",
    "transitions",
]
