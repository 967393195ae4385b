"""The lifecycle decision for one client: which status role it should have and why.

A decision is what one writer applies to a client: the status (a role, or a
status of the company's own set by a person), its date, the reason, the hold,
the termination, the figures, the review date and the history rows. The
automatic rules give one (:func:`decide`); a person's act gives the same type
(``engine/acts.py``).

The rules, in the order they are applied (the first that applies decides):

1. A client whose status is the former one stays former: only a person
   moves a former client (reason ``former_kept``).
2. A terminated contract gives the former role (``terminated``).
3. A status that is not one of the automatic ones (a status a user added and
   set by hand) is never replaced (``manual_kept``).
3a. A status a person set by hand holds (``held_next_order`` /
   ``held_until``) until the client's next confirmed order (more orders than
   when the person set it) or, when the person gave a date, after that date
   (``today > hold_until``), whichever comes first; the decision then says
   why the hold ended (``hold_ended``: ``order`` or ``date``) and the rules
   below apply as usual.
4. A client without any confirmed order keeps its status; a client without
   any status gets the "new" role (``no_orders_new`` / ``no_orders_kept``).
5. A client whose last order is D or more idle days before today is sleeping
   (``idle >= D``; ``D = 0`` turns the rule off) (``sleeping``). Sleeping
   wins over permanent. Idle days are the days since the last order that no
   declared pause covers (engine/pauses.py); during a pause the client is
   neither sleeping nor at risk.
6. A client with N or more confirmed orders is permanent
   (``order_count >= N``) (``permanent``). Every confirmed order counts,
   same-day orders included, whatever its date.
6a. A sleeping or at-risk client that ordered again on or after the day it
   entered that status, and that rules 6 and 7 make working or permanent,
   is reactivated (``reactivated``, with the idle days before that order).
7. A client that had its first validated delivery (or, by setting, its first
   confirmed order) is working; so is a client already past "new" (working,
   permanent, at risk or sleeping), which automation never sends back to new
   (``working_delivery``, ``working_order``, ``working_kept``).
8. Otherwise the client is new (``new_waiting``): it has ordered, but the
   trigger of the "first order" status has not happened yet.
9. At risk (only with ``at_risk_factor > 0``): a client that rules 6 and 7
   make working or permanent, with an average interval, whose idle days reach
   its own rhythm, ``factor x average`` (at least ``at_risk_min_days``, at
   most ``at_risk_max_days`` when set), is at risk instead (``at_risk``).
   Sleeping still wins at D.

Whatever the role, the frequency facts are computed: order count, last order
date, average interval and its spread, expected next order (by the
frequency, or by setting by the client's consumption of its main product),
the 80 % range of that day (with three intervals or more), and whether the
client belongs in delivery planning. A client is not
plannable when it is former or terminated, inside a pause, or when its last
order is X or more idle days old (``idle >= X``; ``X = 0`` turns the rule
off); a client without any order is plannable.

The reason stored with a status is the reason of its last change: a
decision that keeps the role keeps the stored reason, except while a hold by
hand is in force (the reason says it is held and until when) and when the
hold ends (the rules' reason). A former or terminated client has no expected
next order.

With each decision comes its review date: the first day after ``today`` on
which the same facts could give another decision (see :func:`review_date`).
Until that day, only a new event (an order, a delivery, a person's change)
can change the client, so a daily run needs to look only at the clients
whose review date has come.

Dates the rules use must lie between :data:`FIRST_USABLE_DATE` and
:data:`LAST_USABLE_DATE`; :func:`decide` raises :class:`UnusableDate` for any
other, so that one bad record is reported instead of stopping a whole run.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from math import ceil

from .frequency import (
    consumption_next_order,
    interval_spread,
    next_order_date,
    next_order_range,
    order_frequency,
    window_leaves,
)
from .pauses import day_idle_reaches, idle_days, in_pause, next_boundary
from .roles import AT_RISK, FORMER, NEW, PERMANENT, SLEEPING, TRIGGER_ORDER, WORKING

#: The first and the last order or delivery date the rules accept. Any date
#: computed from them and from settings within their limits stays in the calendar.
FIRST_USABLE_DATE = date(1900, 1, 1)
LAST_USABLE_DATE = date(8999, 12, 31)


class UnusableDate(ValueError):
    """A date of the client's facts lies outside the usable range; ``value`` holds it."""

    def __init__(self, value):
        super().__init__(
            f"date {value.isoformat()} is outside {FIRST_USABLE_DATE.isoformat()}"
            f" .. {LAST_USABLE_DATE.isoformat()}"
        )
        self.value = value


def is_usable_date(value):
    """Whether the rules can use ``value`` as an order or delivery date."""
    return FIRST_USABLE_DATE <= value <= LAST_USABLE_DATE


#: English text of each reason; the Odoo layer translates the same keys and shows
#: the dates (ISO strings in the parameters) in the reader's format.
REASON_TEXTS = {
    "former_kept": "Former client: only a person changes the status",
    "terminated": "Contract terminated",
    "manual_kept": "Status set by hand: automation keeps it",
    "held_next_order": "Held by hand until the next order",
    "held_until": "Held by hand until {until}",
    "no_orders_new": "New client, no order yet",
    "no_orders_kept": "No confirmed order: status kept",
    "sleeping": "No order for {days} days (limit {limit})",
    "at_risk": "No order for {days} days, {ratio}x the usual interval of {usual} days",
    "permanent": "{count} confirmed orders (permanent from {limit})",
    "reactivated": "Ordered again after {days} days",
    "working_delivery": "First delivery on {date}",
    "working_order": "First order on {date}",
    "working_kept": "{count} confirmed orders (permanent from {limit})",
    "new_waiting": "Ordered, not delivered yet",
    "hold_ended_order": "Hold by hand ended: a new order",
    "hold_ended_date": "Hold by hand ended after {until}",
}

#: Why a hold by hand ended.
HOLD_ENDED_ORDER = "order"
HOLD_ENDED_DATE = "date"

#: Where a decision comes from (the history's origin of its rows).
ORIGIN_AUTOMATIC = "automatic"
ORIGIN_MANUAL = "manual"
ORIGIN_PLANNING = "planning"
ORIGIN_TERMINATION = "termination"
ORIGIN_RECONSTRUCTED = "reconstructed"

#: Roles a client leaves by ordering again (rule 6a).
DORMANT = frozenset({SLEEPING, AT_RISK})
#: Roles that automation never sends back to "new".
PAST_NEW = frozenset({WORKING, PERMANENT, AT_RISK, SLEEPING})
#: How the expected next order was found.
METHOD_FREQUENCY = "frequency"
METHOD_CONSUMPTION = "consumption"


@dataclass(frozen=True)
class ClientFacts:
    """What is known of one client (its commercial entity) on the day of the decision."""

    #: One date per confirmed order; repeated dates are several orders on one day.
    order_dates: tuple = ()
    #: Date of the first validated delivery to the client, if any.
    first_delivery_date: date | None = None
    #: The contract is terminated (and no person has reinstated the client).
    terminated: bool = False
    #: Role of the current status, or None when the client has no status.
    current_role: str | None = None
    #: False when the current status is not one of the automatic ones.
    status_is_automatic: bool = True
    #: The status is held by hand: the order count when the person set it (None: no hold).
    held_order_count: int | None = None
    #: The last day of the hold, if the person gave one.
    hold_until: date | None = None
    #: Declared pauses, ``(first day, last day)`` pairs.
    pauses: tuple = ()
    #: ``(order day, quantity)`` of the client's main product, for the consumption method.
    order_quantities: tuple = ()
    #: The current status as the caller names it (its id), None without a status.
    current_status: object = None
    #: The day the client entered its current status, if known.
    status_date: date | None = None
    #: The stored reason of the current status: its code and parameters.
    reason_code: str | None = None
    reason_params: dict | None = None


@dataclass(frozen=True)
class Hold:
    """A status held by hand: until the next order beyond ``order_count``, or ``until``."""

    order_count: int
    until: date | None = None
    #: Who set it and why, as the caller names them.
    by: object = None
    note: str | None = None


@dataclass(frozen=True)
class Termination:
    """The contract ends on ``day`` for ``reason``."""

    day: date
    reason: str | None = None


@dataclass(frozen=True)
class HistoryEntry:
    """One history row of a decision: the client moves to ``role`` (or the status
    ``status`` of the company's own) for this reason; ``role`` and ``status`` None
    with the current status kept (the end of a hold)."""

    role: str | None
    reason_code: str
    reason_params: dict = field(default_factory=dict)
    origin: str = ORIGIN_AUTOMATIC
    note: str | None = None
    status: object = None


@dataclass(frozen=True)
class Decision:
    """The target role (None = leave the status unchanged), the facts and the reason."""

    role: str | None
    order_count: int
    last_order_date: date | None
    avg_interval_days: float | None
    next_order_date: date | None
    plannable: bool
    reason_code: str
    reason_params: dict = field(default_factory=dict)
    #: First day after the decision's day on which it could change without a new event.
    review_date: date | None = None
    #: Why the hold by hand ended with this decision (``order``, ``date``), None otherwise.
    hold_ended: str | None = None
    #: Standard deviation of the intervals behind the average.
    interval_spread: float | None = None
    #: How the expected next order was found (``frequency``, ``consumption``).
    next_order_method: str | None = None
    #: The 80 % range of the next order day (engine/frequency.py ``next_order_range``).
    next_order_from: date | None = None
    next_order_to: date | None = None
    #: A hold by hand is in force after the decision.
    held: bool = False
    #: The hold a person's act puts on the status (None: the hold stays as it is or ends).
    hold: Hold | None = None
    #: The termination a person's act records (None: unchanged).
    termination: Termination | None = None
    #: A person's act reinstates a terminated contract.
    reinstated: bool = False
    #: A status of the company's own that a person's act sets (``role`` is then None).
    status: object = None
    #: The day the new status starts, when the decision knows it (people's acts: today).
    status_date: date | None = None
    #: The history rows of the decision, in order.
    history: tuple = ()

    @property
    def reason(self):
        """The reason in English, for example ``3 confirmed orders (permanent from 3)``."""
        return REASON_TEXTS[self.reason_code].format(**self.reason_params)


def check_dates(facts):
    """Raise :class:`UnusableDate` for the first date of ``facts`` the rules cannot use."""
    dates = list(facts.order_dates)
    if facts.first_delivery_date is not None:
        dates.append(facts.first_delivery_date)
    for value in dates:
        if not is_usable_date(value):
            raise UnusableDate(value)


def decide(facts, settings, today):
    """Decide the role and the frequency facts of one client; see the module docstring."""
    check_dates(facts)
    last = max(facts.order_dates) if facts.order_dates else None
    frequency = order_frequency(facts.order_dates, settings, today, facts.pauses)
    hold = hold_state(facts, today)
    if hold == HOLD_ACTIVE:
        role, code, params = _held(facts)
    else:
        role, code, params = _role(facts, settings, today, last, frequency.average)
    if role is not None and role == facts.current_role:
        role = None
    if role is None and hold != HOLD_ACTIVE and not hold and facts.reason_code:
        code, params = facts.reason_code, dict(facts.reason_params or {})
    if _is_former(facts) or role == FORMER:
        upcoming, method = None, None
    else:
        upcoming, method = _next_order(facts, settings, today, last, frequency.average)
    span = next_order_range(upcoming, last, frequency.intervals) or (None, None)
    return Decision(
        role=role,
        order_count=len(facts.order_dates),
        last_order_date=last,
        avg_interval_days=frequency.average,
        next_order_date=upcoming,
        plannable=is_plannable(facts, settings, today, last),
        reason_code=code,
        reason_params=params,
        review_date=review_date(facts, settings, today, last, frequency.days, frequency.average),
        hold_ended=None if hold == HOLD_ACTIVE else hold,
        interval_spread=interval_spread(frequency.intervals),
        next_order_method=method,
        next_order_from=span[0],
        next_order_to=span[1],
        held=hold == HOLD_ACTIVE,
        history=_history(facts, role, code, params, hold),
    )


def _history(facts, role, code, params, hold):
    """The history rows of an automatic decision: the end of a hold, then the change."""
    rows = []
    if hold in (HOLD_ENDED_ORDER, HOLD_ENDED_DATE):
        until = {"until": facts.hold_until.isoformat()} if facts.hold_until else {}
        rows.append(HistoryEntry(None, f"hold_ended_{hold}", until))
    if role is not None:
        rows.append(HistoryEntry(role, code, params))
    return tuple(rows)


def _is_former(facts):
    """Whether the client is former or its contract terminated: no next order, not planned."""
    return facts.terminated or facts.current_role == FORMER


def _next_order(facts, settings, today, last, average):
    """The expected next order and how it was found: consumption (by setting, when it can
    be measured), else the last order plus the average interval."""
    if settings.next_order_method == METHOD_CONSUMPTION and facts.order_quantities:
        day = consumption_next_order(facts.order_quantities, settings, today, facts.pauses)
        if day is not None:
            return day, METHOD_CONSUMPTION
    day = next_order_date(last, average)
    return day, METHOD_FREQUENCY if day is not None else None


#: :func:`hold_state` of a hold still in force.
HOLD_ACTIVE = "active"


def hold_state(facts, today):
    """The state of a hold by hand on ``today``: None (no hold), ``active``, or why it ended.

    Rules 1 to 3 come first: a former, terminated or custom status is not
    held (the hold then ends quietly, as None). A hold ends with a confirmed
    order beyond the count at its start (``order``), else the day after its
    last day (``date``).
    """
    if facts.held_order_count is None:
        return None
    if facts.current_role == FORMER or facts.terminated or not facts.status_is_automatic:
        return None
    if len(facts.order_dates) > facts.held_order_count:
        return HOLD_ENDED_ORDER
    if facts.hold_until is not None and today > facts.hold_until:
        return HOLD_ENDED_DATE
    return HOLD_ACTIVE


def _held(facts):
    """The decision's role and reason while a hold by hand is in force: nothing changes."""
    if facts.hold_until is None:
        return None, "held_next_order", {}
    return None, "held_until", {"until": facts.hold_until.isoformat()}


def review_date(facts, settings, today, last, window_days=(), average=None):
    """The first day after ``today`` on which the decision could change without a new event.

    Days pass and these things can change with them, each on a known day:

    - a hold by hand with a last day ends the day after it;
    - a declared pause begins, or ends (the day after its last day);
    - the sleeping rule applies on the day the idle days reach D (when it can
      still apply: an automatic status that is not former nor held, no
      termination, ``D > 0``, and the client not yet ``D`` idle days);
    - the at-risk rule applies on the day the idle days reach its threshold;
    - the planning rule applies on the day the idle days reach X (not former
      nor terminated, ``X > 0``);
    - the oldest order day of the P-day window leaves it (``window_days``:
      the days the window keeps today), which changes the average and the
      expected next order.

    The review date is the earliest of these; ``None`` when none applies (the
    decision then holds until the next event). Before it, :func:`decide`
    gives the same role, figures and planning flag on every day; on it, it
    may or may not give another. Override in the models' extension point,
    not here, to add a rule that moves with time.
    """
    candidates = [
        window_leaves(window_days, settings.frequency_window_days),
        next_boundary(facts.pauses, today),
    ]
    held = hold_state(facts, today) == HOLD_ACTIVE
    if held and facts.hold_until is not None:
        candidates.append(facts.hold_until + timedelta(days=1))
    if last is not None:
        idle = idle_days(last, today, facts.pauses)
        thresholds = []
        if not held and _sleeping_can_apply(facts):
            thresholds += [settings.sleeping_days, _at_risk_threshold(settings, average)]
        if not (facts.terminated or facts.current_role == FORMER):
            thresholds.append(settings.planning_inactive_days)
        candidates += [
            day_idle_reaches(last, ceil(limit), facts.pauses)
            for limit in thresholds
            if limit and idle < limit
        ]
    candidates = [day for day in candidates if day is not None and day > today]
    return min(candidates) if candidates else None


def _at_risk_threshold(settings, average):
    """Idle days from which a client with this average interval is at risk (0: no rule)."""
    if not settings.at_risk_factor or average is None:
        return 0
    threshold = max(settings.at_risk_factor * average, settings.at_risk_min_days)
    if settings.at_risk_max_days:
        threshold = min(threshold, settings.at_risk_max_days)
    return threshold


def _sleeping_can_apply(facts):
    """Whether the sleeping rule (5) is reached for these facts, given an order."""
    return facts.current_role != FORMER and not facts.terminated and facts.status_is_automatic


def is_plannable(facts, settings, today, last):
    """Whether the client belongs in delivery planning; override the rule here."""
    if _is_former(facts) or in_pause(facts.pauses, today):
        return False
    if last is None or not settings.planning_inactive_days:
        return True
    return idle_days(last, today, facts.pauses) < settings.planning_inactive_days


def _role(facts, settings, today, last, average=None):
    """The target role with its reason code and parameters (rules 1 to 9)."""
    if facts.current_role == FORMER:
        return None, "former_kept", {}
    if facts.terminated:
        return FORMER, "terminated", {}
    if not facts.status_is_automatic:
        return None, "manual_kept", {}
    if last is None:
        if facts.current_role is None:
            return NEW, "no_orders_new", {}
        return None, "no_orders_kept", {}
    paused = in_pause(facts.pauses, today)
    idle = idle_days(last, today, facts.pauses)
    if not paused and settings.sleeping_days and idle >= settings.sleeping_days:
        return SLEEPING, "sleeping", {"days": idle, "limit": settings.sleeping_days}
    count = len(facts.order_dates)
    limit = settings.permanent_order_count
    if count >= limit:
        role = PERMANENT, "permanent", {"count": count, "limit": limit}
    else:
        role = _working_or_new(facts, settings, count, limit)
    role = _reactivated(facts, role, last)
    threshold = _at_risk_threshold(settings, average)
    if not paused and threshold and role[0] in (WORKING, PERMANENT) and idle >= threshold:
        usual = round(average, 1)
        return AT_RISK, "at_risk", {"days": idle, "usual": usual, "ratio": round(idle / average, 1)}
    return role


def _working_or_new(facts, settings, count, limit):
    """Working once the first-order trigger happened or the client is past new, else new."""
    if settings.first_order_trigger == TRIGGER_ORDER:
        return WORKING, "working_order", {"date": min(facts.order_dates).isoformat()}
    if facts.first_delivery_date is not None:
        return WORKING, "working_delivery", {"date": facts.first_delivery_date.isoformat()}
    if facts.current_role in PAST_NEW:
        return WORKING, "working_kept", {"count": count, "limit": limit}
    return NEW, "new_waiting", {}


def _reactivated(facts, role, last):
    """Rule 6a: a sleeping or at-risk client that ordered again since it entered that
    status keeps its new role with the reason ``reactivated`` and the idle days before
    its last order day; ``role`` unchanged otherwise."""
    if facts.current_role not in DORMANT or role[0] not in (WORKING, PERMANENT):
        return role
    if facts.status_date is not None and last < facts.status_date:
        return role
    earlier = [day for day in facts.order_dates if day < last]
    if not earlier:
        return role
    return role[0], "reactivated", {"days": idle_days(max(earlier), last, facts.pauses)}
