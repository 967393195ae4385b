"""A client's past: its status transitions replayed from its orders.

:func:`transitions` replays the rules (``rules.decide``) from the client's
first order or delivery up to today, as if the add-on had watched every day:
each order on its day, the first delivery on its day, the termination on its
day, and between them the days on which time alone can change the role (a
pause beginning or ending, the idle days reaching the sleeping limit or the
at-risk threshold, an order day leaving the window of the average). Holds
and statuses set by hand are people's acts, not replayed; declared pauses are
facts and count. The replay starts without a
status, so its first transition is the client's first status.

:func:`status_since` is the day the client entered a role by that replay:
the real "status since" date of an automatic status.
"""

from dataclasses import dataclass
from datetime import date

from .replay import replay


@dataclass(frozen=True)
class Transition:
    """The client entered ``role`` on ``day`` for this reason."""

    day: date
    role: str
    reason_code: str
    reason_params: dict


def transitions(facts, settings, today, termination_date=None, start=None):
    """The transitions of the client from its first event up to ``today`` (both included).

    ``facts`` gives the orders, the first delivery and the pauses; its
    status, hold and termination flag are ignored: the replay starts without
    status, and ``termination_date`` (when given) terminates the contract on
    that day. A day on which the rules give the role the client already has
    adds nothing; after a termination nothing follows.

    ``start`` = ``(day, role)`` resumes a replay known to be in ``role`` on
    ``day`` (a day the replay decides on: an event or a review date): the
    result is the full replay's transitions after ``day``, computed from
    ``day`` on only.

    The replay runs in one pass over the orders (engine/replay.py).
    """
    steps = replay(
        settings,
        today.toordinal(),
        [day.toordinal() for day in facts.order_dates],
        _ordinal(facts.first_delivery_date),
        _ordinal(termination_date),
        [(first.toordinal(), last.toordinal()) for first, last in facts.pauses],
        None if start is None else (start[0].toordinal(), start[1]),
    )
    return [Transition(date.fromordinal(day), *step) for day, *step in steps]


def _ordinal(day):
    return None if day is None else day.toordinal()


def resume_point(facts, today, only_time_passed):
    """Where the replay of a client's past may resume to date a new status: ``(day, role)``
    on the later of the day it entered its stored status (``facts.status_date``) and its
    last order day up to ``today``, in its stored role; None to replay from the start.

    Only when ``only_time_passed``: nothing changed the client's past since its stored
    status was decided (a scheduled run of a client no order event marked). An order
    event may change the past, and a status held by hand or of the company's own is not
    the replay's: those replay from the start.
    """
    since = facts.status_date
    if not only_time_passed or not facts.current_role or facts.held_order_count is not None:
        return None
    if since is None or since > today:
        return None
    past_orders = [day for day in facts.order_dates if day <= today]
    return (max([since, *past_orders]), facts.current_role)


def status_since(facts, settings, today, role, termination_date=None, start=None):
    """The last day on which the replay made the client enter ``role``, or None
    (``start``: see :func:`transitions`)."""
    for transition in reversed(transitions(facts, settings, today, termination_date, start)):
        if transition.role == role:
            return transition.day
    return None


__all__ = ["Transition", "resume_point", "status_since", "transitions"]
