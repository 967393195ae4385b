"""Declared pauses ("the family is away for the summer") and the idle days they hide.

A pause is a ``(first, last)`` pair of dates, both days inside. Paused days
count neither as idle days nor in the intervals of the average frequency.
Overlapping or touching pauses act as one. Every function takes the pauses
as any iterable of pairs and does not need them sorted.
"""

from datetime import date, timedelta

ONE_DAY = timedelta(days=1)


def merged(pauses):
    """The pauses sorted, overlapping and touching ones merged: a tuple of (first, last)."""
    result = []
    for first, last in sorted((first, last) for first, last in pauses if first <= last):
        if result and first <= result[-1][1] + ONE_DAY:
            if last > result[-1][1]:
                result[-1] = (result[-1][0], last)
        else:
            result.append((first, last))
    return tuple(result)


def in_pause(pauses, day):
    """Whether ``day`` lies inside a pause."""
    return any(first <= day <= last for first, last in pauses)


def paused_days(pauses, after, until):
    """How many days ``d`` with ``after < d <= until`` lie inside a pause (0 if none)."""
    total = 0
    for first, last in merged(pauses):
        start, end = max(first, after + ONE_DAY), min(last, until)
        if start <= end:
            total += (end - start).days + 1
    return total


def idle_days(last_order, today, pauses=()):
    """Days from the last order to ``today`` that are not paused (negative for a future order)."""
    raw = (today - last_order).days
    if raw <= 0 or not pauses:
        return raw
    return raw - paused_days(pauses, last_order, today)


def day_idle_reaches(last_order, days, pauses=()):
    """The first day on which the idle days since ``last_order`` reach ``days`` (days >= 1).

    ``None`` when that day would fall beyond the calendar.
    """
    ordinal = last_order.toordinal() + days
    for first, last in merged(pauses):
        if ordinal > date.max.toordinal():
            return None
        if last <= last_order or first.toordinal() > ordinal:
            continue
        start = max(first, last_order + ONE_DAY)
        ordinal += (last - start).days + 1
    return date.fromordinal(ordinal) if ordinal <= date.max.toordinal() else None


def next_boundary(pauses, today):
    """The first day after ``today`` on which a pause begins or the day after one ends."""
    days = [day for first, last in pauses for day in (first, last + ONE_DAY) if day > today]
    return min(days) if days else None


__all__ = [
    "day_idle_reaches",
    "idle_days",
    "in_pause",
    "merged",
    "next_boundary",
    "paused_days",
]
