"""The lifecycle rules of partner_lifecycle, in plain Python (no Odoo import).

The Odoo models gather each client's facts, call :func:`decide` and write
the result; everything that decides lives here and is tested without Odoo.
"""

from .frequency import Frequency, order_frequency
from .roles import (
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
from .rules import REASON_TEXTS, ClientFacts, Decision, decide, is_plannable
from .settings import LifecycleSettings

__all__ = [
    "AUTOMATIC_ROLES",
    "FORMER",
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
    "decide",
    "is_plannable",
    "order_frequency",
]
