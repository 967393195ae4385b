"""Average order frequency ("средняя частота заказа") of one client.

Boundaries, all in whole calendar days:

- several orders on the same day are one order date;
- the window keeps the order dates ``d`` with ``d >= today - P`` (an order
  exactly P days old is inside; ``P = 0`` keeps all history; dates after
  ``today`` are kept);
- an interval is the number of days between two consecutive order dates,
  less the paused days strictly between them (engine/pauses.py); an
  interval longer than G days is left out (``interval > G``; an interval
  of exactly G days is kept; ``G = 0`` leaves none out); a silence of D
  days or more (the sleeping limit, when set) is never an interval of the
  average, whatever G: the client was lost, not ordering slowly;
- trimming leaves out one smallest and one largest interval, and only when
  at least three intervals remain after the gap rule (so that at least one
  is left);
- the average is the arithmetic mean of the intervals kept; with no interval
  kept there is no frequency (``None``).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

from .pauses import paused_days


@dataclass(frozen=True)
class Frequency:
    """The intervals behind an average, the average itself and the order days it used."""

    intervals: tuple = ()
    average: float | None = None
    #: The distinct order days inside the window, sorted.
    days: tuple = ()


def order_days(order_dates):
    """Sorted distinct order dates: several orders on one day count once."""
    return sorted(set(order_dates))


def window_days(days, today, window):
    """Keep the sorted dates inside the window of ``window`` days before ``today`` (0 = all)."""
    if not window or window >= today.toordinal():
        # P = 0, or a window that starts before the first calendar day: all history.
        return list(days)
    start = today - timedelta(days=window)
    return [day for day in days if day >= start]


def intervals_between(days, pauses=()):
    """Days between consecutive sorted distinct dates, paused days in between left out."""
    if not pauses:
        return [(later - earlier).days for earlier, later in pairwise(days)]
    return [
        (later - earlier).days - paused_days(pauses, earlier, later - timedelta(days=1))
        for earlier, later in pairwise(days)
    ]


def drop_long_breaks(intervals, max_gap):
    """Leave out intervals strictly longer than ``max_gap`` days (0 = keep all)."""
    if not max_gap:
        return list(intervals)
    return [interval for interval in intervals if interval <= max_gap]


def trim_extremes(intervals):
    """Leave out one smallest and one largest interval when at least three remain."""
    if len(intervals) < 3:
        return list(intervals)
    kept = sorted(intervals)
    return kept[1:-1]


def order_frequency(order_dates, settings, today, pauses=()):
    """The average interval in days between the client's orders, by the company settings."""
    days, intervals = windowed_intervals(order_dates, settings, today, pauses)
    return kept_frequency(days, intervals, settings)


def windowed_intervals(order_dates, settings, today, pauses=()):
    """The order days of the window P and their intervals after the gap rule G: the part of
    :func:`order_frequency` that neither D nor trimming changes."""
    days = window_days(order_days(order_dates), today, settings.frequency_window_days)
    intervals = drop_long_breaks(intervals_between(days, pauses), settings.frequency_max_gap_days)
    return tuple(days), intervals


def kept_frequency(days, intervals, settings):
    """The :class:`Frequency` of :func:`windowed_intervals`: silences of D days or more left
    out, then the extremes trimmed (by setting), then the mean."""
    if settings.sleeping_days:
        intervals = [interval for interval in intervals if interval < settings.sleeping_days]
    if settings.frequency_trim_extremes:
        intervals = trim_extremes(intervals)
    average = sum(intervals) / len(intervals) if intervals else None
    return Frequency(tuple(intervals), average, days)


def interval_spread(intervals):
    """The standard deviation of the kept intervals (population), None with fewer than two."""
    if len(intervals) < 2:
        return None
    mean = sum(intervals) / len(intervals)
    return (sum((value - mean) ** 2 for value in intervals) / len(intervals)) ** 0.5


def consumption_next_order(quantities, settings, today, pauses=()):
    """Expected next order from what the client consumes: last day + last quantity / daily use.

    ``quantities`` holds ``(order day, quantity)`` of the client's main product.
    The daily use is quantity-weighted over the P-day window: the quantities
    of every order day but the last, divided by the days from the first to
    the last order day of the window (paused days left out); the last order's
    quantity lasts ``quantity / daily use`` days, rounded half up. ``None``
    with fewer than two order days in the window, or no use measured.
    """
    per_day = {}
    for day, quantity in quantities:
        per_day[day] = per_day.get(day, 0) + quantity
    days = window_days(sorted(per_day), today, settings.frequency_window_days)
    if len(days) < 2:
        return None
    span = (days[-1] - days[0]).days - paused_days(pauses, days[0], days[-1] - timedelta(days=1))
    used = sum(per_day[day] for day in days[:-1])
    if span <= 0 or used <= 0:
        return None
    return next_order_date(days[-1], per_day[days[-1]] / (used / span))


#: The fewest kept intervals (order days less one) that give a range of the next order.
MIN_RANGE_INTERVALS = 3
#: The 90th percentile of Student's t by degrees of freedom (an 80 % two-sided interval);
#: from 30 on, that of the normal law's 1.282 is close enough.
T_90 = {2: 1.886, 3: 1.638, 4: 1.533, 5: 1.476, 6: 1.440, 7: 1.415, 8: 1.397, 9: 1.383,
        10: 1.372, 12: 1.356, 15: 1.341, 20: 1.325, 30: 1.310}  # fmt: skip


def _t_90(freedom):
    """Student's t quantile for ``freedom`` degrees of freedom (the nearest tabled below)."""
    if freedom >= 30:
        return 1.282 if freedom > 30 else T_90[30]
    return T_90[max(key for key in T_90 if key <= freedom)]


def next_order_range(expected, last_order_date, intervals):
    """The 80 % range of the next order day: ``(first day, last day)``, or None.

    The range is the expected day plus or minus the half-width of an 80 %
    prediction interval of one more interval drawn like the client's own:
    ``t(n-1) x s x sqrt(1 + 1/n)``, with ``n`` kept intervals, ``s`` their
    sample standard deviation and ``t`` Student's 90th percentile, rounded
    half up to whole days. Narrow for a client who orders like clockwork,
    wide for an erratic one; never before the day after the last order.
    None without an expected day or with fewer than :data:`MIN_RANGE_INTERVALS`
    intervals.
    """
    count = len(intervals)
    if expected is None or last_order_date is None or count < MIN_RANGE_INTERVALS:
        return None
    mean = sum(intervals) / count
    spread = (sum((value - mean) ** 2 for value in intervals) / (count - 1)) ** 0.5
    half = int(_t_90(count - 1) * spread * (1 + 1 / count) ** 0.5 + 0.5)
    first = max(expected.toordinal() - half, last_order_date.toordinal() + 1)
    last = min(expected.toordinal() + half, date.max.toordinal())
    return date.fromordinal(min(first, last)), date.fromordinal(last)


def window_leaves(days, window):
    """The day on which the oldest order day kept by the window leaves it.

    ``days`` are the sorted days the window keeps on ``today``; the oldest,
    ``d``, is kept while ``d >= day - P`` and leaves on ``d + P + 1`` (always
    after ``today``). ``None`` when nothing can leave: ``P = 0``, no order day
    in the window, or a day beyond the calendar.
    """
    if not window or not days:
        return None
    ordinal = days[0].toordinal() + window + 1
    return date.fromordinal(ordinal) if ordinal <= date.max.toordinal() else None


def next_order_date(last_order_date, average):
    """Expected next order: the last order date plus the average, rounded half up to whole days.

    ``None`` without a last order or an average, and when the date would fall
    beyond the calendar (order dates thousands of years apart).
    """
    if last_order_date is None or average is None:
        return None
    ordinal = last_order_date.toordinal() + int(average + 0.5)
    if ordinal > date.max.toordinal():
        return None
    return date.fromordinal(ordinal)


def days_since(last_order_date, today):
    """Whole days from the last order to ``today`` (negative for an order dated in the future)."""
    return (today - last_order_date).days


__all__ = [
    "Frequency",
    "consumption_next_order",
    "days_since",
    "drop_long_breaks",
    "interval_spread",
    "intervals_between",
    "next_order_date",
    "next_order_range",
    "order_days",
    "order_frequency",
    "trim_extremes",
    "window_days",
    "window_leaves",
]
