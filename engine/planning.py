"""Delivery planning ("планирование доставки"): when a client is due in a plan.

A plan covers the days ``date_from`` to ``date_to``. A client is due in it on
its *expected date*, found this way (all in whole calendar days):

1. The base date. With a contact schedule ("график контактов") that the
   company uses instead of the frequency, it is the first day of the
   schedule on or after the *floor*; otherwise it is the client's expected
   next order (last order plus the average frequency), and a client without
   one has no base date. The floor is the latest of: the day after the last
   order, the schedule's start, and the first day the overdue limit still
   allows (``date_from - overdue_days``, when the limit is on); with none of
   them, ``date_from``. A schedule is a repeating appointment: a client who
   missed one of its days comes back on its next one.
2. A postponement ("перенос") moves the date later, never earlier: the
   expected date is the later of the base date and the day the client was
   last postponed to; a client without a base date but postponed to a day is
   expected that day (a client added by hand and asked to call back).
3. A successful call ("результативный звонок") on day ``called_on`` settles the
   client until its next expected order after the call: when the expected date
   is on or before that day, it moves to the first schedule day after the call
   (a schedule in use), else to the call day plus the client's average interval
   (a client without one is not due again by that call).
4. The client is due when the expected date is on or before ``date_to`` and,
   with the overdue limit on (``overdue_days > 0``), not more than
   ``overdue_days`` days before ``date_from`` (a date exactly that many days
   before is still due). ``overdue_days = 0`` turns the limit off.

The Odoo layer selects the candidates (clients in planning, of the chosen
statuses, without an order in the period) in one query and asks
:func:`due` for each of them.
"""

from dataclasses import dataclass
from datetime import date

from .settings import SCHEDULE_INTERVAL_LIMITS

#: Kinds of contact schedule.
WEEKDAYS = "weekdays"
INTERVAL = "interval"
SCHEDULE_KINDS = (WEEKDAYS, INTERVAL)
#: The weekdays in ``date.weekday()`` order (0 = Monday), as the models name their flags.
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Schedule:
    """A client's contact schedule: fixed weekdays, or every k days from a start date.

    ``weekdays`` holds ``date.weekday()`` numbers (0 = Monday .. 6 = Sunday).
    With ``WEEKDAYS``, ``start`` (optional) is the first day the schedule
    applies; with ``INTERVAL``, the days are ``start + n * interval_days``
    for ``n >= 0``. An invalid schedule raises :class:`ValueError`.
    """

    kind: str
    weekdays: frozenset = frozenset()
    interval_days: int = 0
    start: date | None = None

    def __post_init__(self):
        low, high = SCHEDULE_INTERVAL_LIMITS
        if self.kind not in SCHEDULE_KINDS:
            raise ValueError(f"kind must be one of {', '.join(SCHEDULE_KINDS)}, got {self.kind!r}")
        if self.kind == WEEKDAYS:
            if not self.weekdays or not set(self.weekdays) <= set(range(7)):
                raise ValueError(f"weekdays must be a non-empty set of 0..6, got {self.weekdays!r}")
        elif not (low <= self.interval_days <= high) or self.start is None:
            raise ValueError(
                f"an interval schedule needs {low} <= interval_days <= {high} and a start, "
                f"got {self.interval_days!r} from {self.start!r}"
            )


@dataclass(frozen=True)
class PlanningFacts:
    """What the plan needs to know of one client."""

    #: Expected next order by the average frequency (None: no frequency yet).
    next_order_date: date | None = None
    #: The client's last confirmed order day.
    last_order_date: date | None = None
    #: The client's contact schedule, if it has one.
    schedule: Schedule | None = None
    #: The latest day a planning line of the client was postponed to.
    postponed_to: date | None = None
    #: The latest delivery day of a planning line of the client with a successful call.
    called_on: date | None = None
    #: The client's average interval between orders, in days (None: not known).
    interval_days: float | None = None


@dataclass(frozen=True)
class Due:
    """A client due in the plan: its expected date and whether a postponement set it."""

    expected_date: date
    postponed: bool = False


def weekdays_from_flags(flags):
    """The weekday numbers of seven flags given Monday first (``WEEKDAY_NAMES`` order)."""
    return frozenset(number for number, flag in enumerate(flags) if flag)


def schedule_from_columns(values, strict=False):
    """The :class:`Schedule` of a client's schedule columns (``values`` keyed ``kind``,
    the :data:`WEEKDAY_NAMES`, ``interval_days``, ``start_date``), or None without one; an
    invalid schedule is None too, unless ``strict`` (then ValueError)."""
    if not values["kind"]:
        return None
    try:
        return Schedule(
            kind=values["kind"],
            weekdays=weekdays_from_flags(values[name] for name in WEEKDAY_NAMES),
            interval_days=values["interval_days"] or 0,
            start=values["start_date"] or None,
        )
    except ValueError:
        if strict:
            raise
        return None


def _shift(day, days):
    """``day`` moved by ``days`` days, or None when that leaves the calendar."""
    ordinal = day.toordinal() + days
    if not date.min.toordinal() <= ordinal <= date.max.toordinal():
        return None
    return date.fromordinal(ordinal)


def schedule_date(schedule, floor):
    """The first day of ``schedule`` on or after ``floor`` (None beyond the calendar)."""
    if schedule.start is not None and schedule.start > floor:
        floor = schedule.start
    if schedule.kind == INTERVAL:
        steps = -(-(floor - schedule.start).days // schedule.interval_days)  # ceiling
        return _shift(schedule.start, steps * schedule.interval_days)
    for offset in range(7):
        day = _shift(floor, offset)
        if day is None:
            return None
        if day.weekday() in schedule.weekdays:
            return day
    return None  # pragma: no cover - a non-empty set of weekdays always matches in 7 days


def schedule_floor(facts, date_from, overdue_days):
    """The first day a schedule date may fall on for this plan (rule 1 of the module)."""
    candidates = []
    if facts.last_order_date is not None:
        candidates.append(_shift(facts.last_order_date, 1))
    if facts.schedule is not None and facts.schedule.start is not None:
        candidates.append(facts.schedule.start)
    if overdue_days:
        candidates.append(_shift(date_from, -overdue_days))
    candidates = [day for day in candidates if day is not None]
    return max(candidates) if candidates else date_from


def base_date(facts, date_from, overdue_days, use_schedule):
    """The schedule date (when the schedule is used and the client has one), else the
    expected next order by the frequency; None when there is none."""
    if use_schedule and facts.schedule is not None:
        return schedule_date(facts.schedule, schedule_floor(facts, date_from, overdue_days))
    return facts.next_order_date


def due(facts, date_from, date_to, overdue_days=0, use_schedule=False):
    """The :class:`Due` of a client in the plan ``date_from .. date_to``, or None.

    See the module docstring; override the model's ``_lifecycle_planning_due``
    rather than this function to change the rule for one database.
    """
    base = base_date(facts, date_from, overdue_days, use_schedule)
    postponed = facts.postponed_to
    if base is None and postponed is None:
        return None
    if postponed is not None and (base is None or postponed > base):
        expected, by_postponement = postponed, True
    else:
        expected, by_postponement = base, False
    if facts.called_on is not None and expected <= facts.called_on:
        expected, by_postponement = after_call(facts, date_from, overdue_days, use_schedule), False
        if expected is None:
            return None
    if expected > date_to:
        return None
    if overdue_days and days_overdue(expected, date_from) > overdue_days:
        return None
    return Due(expected, by_postponement)


def after_call(facts, date_from, overdue_days=0, use_schedule=False):
    """The client's next expected order after its successful call on ``facts.called_on``
    (rule 3 of the module), or None when it has none."""
    called_on = facts.called_on
    if use_schedule and facts.schedule is not None:
        floor = max(
            schedule_floor(facts, date_from, overdue_days), _shift(called_on, 1) or called_on
        )
        return schedule_date(facts.schedule, floor)
    if not facts.interval_days:
        return None
    return _shift(called_on, max(round(facts.interval_days), 1))


#: Call results of a line ("результат звонка"), in the order the dispatcher meets them.
NOT_CALLED, ORDERED, CALL_BACK, REFUSED, NO_ANSWER = (
    "not_called",
    "ordered",
    "call_back",
    "refused",
    "no_answer",
)
#: The calls that took place and were answered.
ANSWERED_RESULTS = (ORDERED, CALL_BACK, REFUSED)


def successful_results(any_call=False):
    """The call results that make a line done: only "ordered", or every answered call when
    the company counts any call that took place as successful."""
    return ANSWERED_RESULTS if any_call else (ORDERED,)


def call_made(result):
    """Whether the dispatcher called (answered or not)."""
    return result != NOT_CALLED


#: Why "Create Quotations" leaves a line out.
SKIP_ORDERED = "has_order"
SKIP_NOT_ORDERED = "not_ordered"
SKIP_REFUSED = "refused"
SKIP_POSTPONED = "postponed"


def quotation_choice(call_result, has_order, expected_date, date_to, ordered_only):
    """What "Create Quotations" does with a line: None to make (or link) its quotation,
    else why it is skipped. ``ordered_only``: some line of the plan is marked ordered, so
    only such lines are taken; otherwise every line still due in the plan and not
    refused is."""
    if has_order:
        return SKIP_ORDERED
    if ordered_only:
        return None if call_result == ORDERED else SKIP_NOT_ORDERED
    if call_result == REFUSED:
        return SKIP_REFUSED
    if expected_date is not None and expected_date > date_to:
        return SKIP_POSTPONED
    return None


def days_overdue(expected_date, date_from):
    """Whole days the expected date lies before the plan's first day (0 when not before)."""
    return max((date_from - expected_date).days, 0)


def postpone(expected_date, date_from, days):
    """The expected date after the Postpone button: ``days`` days after the later of the
    expected date and the plan's first day (an overdue client moves from the plan's day,
    not from its old date). ``expected_date`` may be None (the plan's day is used)."""
    start = date_from if expected_date is None else max(expected_date, date_from)
    moved = _shift(start, days)
    return moved if moved is not None else start


def delivery_date(expected_date, date_from):
    """The day an order taken from the plan is delivered: the expected date, but not
    before the plan's first day (overdue clients are delivered on the plan's day)."""
    return date_from if expected_date is None else max(expected_date, date_from)


__all__ = [
    "ANSWERED_RESULTS",
    "INTERVAL",
    "SCHEDULE_KINDS",
    "WEEKDAYS",
    "WEEKDAY_NAMES",
    "Due",
    "PlanningFacts",
    "Schedule",
    "after_call",
    "base_date",
    "call_made",
    "days_overdue",
    "delivery_date",
    "due",
    "postpone",
    "quotation_choice",
    "schedule_date",
    "schedule_floor",
    "schedule_from_columns",
    "successful_results",
    "weekdays_from_flags",
]
