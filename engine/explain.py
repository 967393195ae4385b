"""What the client card says, from the stored decision alone.

The card shows the reason of the status and one line on the client's rhythm.
Both come from what the last decision stored (the role, the reason, the
figures, the hold, the termination) and the pauses, through :func:`explain`,
so that the card never contradicts the rules:

- the reason is the stored one, except while a hold by hand is in force: it
  then says the status is held, until the next order or until its last day;
- idle days are counted as the rules count them: paused days left out;
- "x overdue" is the rules' own ratio of idle days to the usual interval,
  shown only when the idle days exceed it;
- a former or terminated client has no expected next order and is never
  overdue; a client out of delivery planning says so;
- a date outside the year of ``today`` carries its year.

The Odoo layer translates each line's code and formats its parameters.
"""

from dataclasses import dataclass, field
from datetime import date

from .pauses import idle_days, in_pause
from .roles import FORMER


@dataclass(frozen=True)
class Card:
    """What is stored for one client, as the card reads it."""

    role: str | None = None
    reason_code: str | None = None
    reason_params: dict | None = None
    last_order_date: date | None = None
    avg_interval_days: float | None = None
    interval_spread: float | None = None
    next_order_date: date | None = None
    next_order_method: str | None = None
    plannable: bool = True
    held: bool = False
    hold_until: date | None = None
    terminated: bool = False
    pauses: tuple = ()


@dataclass(frozen=True)
class Explanation:
    """The reason and the rhythm line of a card, as codes with parameters."""

    reason_code: str | None
    reason_params: dict = field(default_factory=dict)
    #: ``(code, params)`` parts of the rhythm line, in order.
    lines: tuple = ()
    idle_days: int | None = None
    #: Idle days over the usual interval, when the client is late (one decimal).
    overdue_ratio: float | None = None
    #: The expected next order the card shows (None for a former client).
    next_order_date: date | None = None


def explain(card, today):
    """The :class:`Explanation` of ``card`` on ``today``; see the module docstring."""
    former = card.terminated or card.role == FORMER
    reason = _reason(card)
    if card.last_order_date is None:
        return Explanation(*reason, lines=(("no_order_yet", {}),))
    idle = idle_days(card.last_order_date, today, card.pauses)
    paused = (today - card.last_order_date).days - idle
    lines = [
        ("idle_paused", {"days": idle, "paused": paused}) if paused else ("idle", {"days": idle})
    ]
    average = card.avg_interval_days
    ratio = None
    if average:
        spread = round(card.interval_spread) if card.interval_spread else None
        lines.append(("usual", {"days": round(average), "spread": spread}))
        if not former and idle > average:
            ratio = round(idle / average, 1)
            lines.append(("overdue", {"ratio": ratio}))
    upcoming = None if former else card.next_order_date
    if former:
        lines.append(("former", {}))
    else:
        if in_pause(card.pauses, today):
            until = max(last for first, last in card.pauses if first <= today <= last)
            lines.append(("paused_until", _day(until, today)))
        if not card.plannable:
            lines.append(("not_planned", {}))
        if upcoming:
            code = (
                "next_expected_consumption"
                if card.next_order_method == "consumption"
                else "next_expected"
            )
            lines.append((code, _day(upcoming, today)))
    return Explanation(
        *reason, lines=tuple(lines), idle_days=idle, overdue_ratio=ratio, next_order_date=upcoming
    )


def _reason(card):
    """The reason shown: the hold's while it is in force, else the stored one."""
    if card.held and not card.terminated and card.role != FORMER:
        if card.hold_until:
            return "held_until", {"until": card.hold_until.isoformat()}
        return "held_next_order", {}
    return card.reason_code, dict(card.reason_params or {})


def _day(day, today):
    """A date parameter: the ISO date, and whether to show its year (not this year's)."""
    return {"date": day.isoformat(), "year": day.year != today.year}


__all__ = ["Card", "Explanation", "explain"]
