"""The replay of a client's past in one pass over its orders (see engine/timeline.py).

The rules (``rules.decide``) are applied on the days on which they could give the
client another role, and on no other: its order days, its first delivery, its
termination, a pause beginning or ending, the day its idle days reach the
sleeping limit D or its at-risk threshold, and (with the at-risk rule on) the
day an order day leaves the P-day window, which changes the average interval.
The planning limit X and, with the at-risk rule off, the window change figures
but never the role: they are not replay days. Without pause and with the
at-risk rule off, an order day can change the role only as the first order,
the N-th order or the end of a silence of D days or more: the other order days
are not replay days either (:meth:`Replay._plain_days`).

Each replay day costs a constant time (the order count, a binary search): the
last order day and the average interval (window P, intervals longer than G or
at least D left out, one smallest and one largest left out when trimming) are
a state advanced order day by order day (:class:`Rhythm`), not computed again
over the orders so far. Days are proleptic ordinals (``date.toordinal()``)
throughout; the transitions come back with dates.
"""

from bisect import bisect_right
from collections import deque
from datetime import date
from itertools import pairwise
from math import ceil

from .roles import AT_RISK, FORMER, NEW, PERMANENT, SLEEPING, TRIGGER_ORDER, WORKING
from .rules import DORMANT, FIRST_USABLE_DATE, LAST_USABLE_DATE, PAST_NEW, UnusableDate

FIRST_USABLE = FIRST_USABLE_DATE.toordinal()
LAST_USABLE = LAST_USABLE_DATE.toordinal()
LAST_DAY = date.max.toordinal()
STEADY = (WORKING, PERMANENT)


class Pauses:
    """Declared pauses as merged ``(first, last)`` ordinal spans (engine/pauses.py)."""

    __slots__ = ("spans",)

    def __init__(self, pauses):
        spans = []
        for first, last in sorted(pair for pair in pauses if pair[0] <= pair[1]):
            if spans and first <= spans[-1][1] + 1:
                if last > spans[-1][1]:
                    spans[-1] = (spans[-1][0], last)
            else:
                spans.append((first, last))
        self.spans = tuple(spans)

    def __bool__(self):
        return bool(self.spans)

    def covers(self, day):
        """Whether ``day`` lies inside a pause."""
        return any(first <= day <= last for first, last in self.spans)

    def paused(self, after, until):
        """How many days ``d`` with ``after < d <= until`` lie inside a pause."""
        total = 0
        for first, last in self.spans:
            start, end = max(first, after + 1), min(last, until)
            if start <= end:
                total += end - start + 1
        return total

    def idle(self, last_order, day):
        """Days from the last order to ``day`` that are not paused."""
        raw = day - last_order
        return raw - self.paused(last_order, day) if raw > 0 else raw

    def reaches(self, last_order, days):
        """The first day on which the idle days since ``last_order`` reach ``days``, or None."""
        ordinal = last_order + days
        for first, last in self.spans:
            if ordinal > LAST_DAY:
                return None
            if last <= last_order or first > ordinal:
                continue
            ordinal += last - max(first, last_order + 1) + 1
        return ordinal if ordinal <= LAST_DAY else None

    def boundary(self, day):
        """The first day after ``day`` on which a pause begins or the day after one ends."""
        days = [edge for span in self.spans for edge in (span[0], span[1] + 1) if edge > day]
        return min(days) if days else None


class Rhythm:
    """The average interval between the order days of the P-day window, advanced order day
    by order day (engine/frequency.py gives the same from all the orders at once).

    An interval belongs to the order day it starts from: it is in the window while that
    day is. The kept intervals (not longer than G, shorter than D) are summed and counted,
    their smallest and largest followed by two monotonic queues, so that adding a day,
    dropping the oldest and reading the average each cost a constant time (amortized).
    """

    __slots__ = ("days", "gap", "head", "highs", "kept", "lows", "pauses", "sleeping", "total")
    __slots__ += ("trim", "values", "window")

    def __init__(self, settings, pauses):
        self.window = settings.frequency_window_days
        self.gap = settings.frequency_max_gap_days
        self.sleeping = settings.sleeping_days
        self.trim = settings.frequency_trim_extremes
        self.pauses = pauses
        self.days, self.values, self.head = [], [], 0
        self.total, self.kept = 0, 0
        self.lows, self.highs = deque(), deque()

    def add(self, day):
        """Append an order day later than every day added before."""
        if self.days:
            earlier = self.days[-1]
            value = day - earlier
            if self.pauses:
                value -= self.pauses.paused(earlier, day - 1)
            if (self.gap and value > self.gap) or (self.sleeping and value >= self.sleeping):
                value = None
            elif self.head == len(self.days):
                value = None  # the day it starts from has left the window already
            index = len(self.values)
            self.values.append(value)
            if value is not None:
                self.total += value
                self.kept += 1
                self._queue(index, value)
        self.days.append(day)

    def _queue(self, index, value):
        values, lows, highs = self.values, self.lows, self.highs
        while lows and values[lows[-1]] >= value:
            lows.pop()
        lows.append(index)
        while highs and values[highs[-1]] <= value:
            highs.pop()
        highs.append(index)

    def move_to(self, today):
        """Leave out the order days older than the window of ``today`` (P = 0: none)."""
        if not self.window or self.window >= today:
            return
        start, days, values = today - self.window, self.days, self.values
        while self.head < len(days) and days[self.head] < start:
            index = self.head
            if index < len(values) and values[index] is not None:
                self.total -= values[index]
                self.kept -= 1
                if self.lows[0] == index:
                    self.lows.popleft()
                if self.highs[0] == index:
                    self.highs.popleft()
            self.head += 1

    def average(self):
        """The average of the kept intervals, trimmed by setting; None without any."""
        kept = self.kept
        if self.trim and kept >= 3:
            low, high = self.values[self.lows[0]], self.values[self.highs[0]]
            return (self.total - low - high) / (kept - 2)
        return self.total / kept if kept else None

    def leaves(self):
        """The day on which the oldest order day of the window leaves it, or None."""
        if not self.window or self.head >= len(self.days):
            return None
        ordinal = self.days[self.head] + self.window + 1
        return ordinal if ordinal <= LAST_DAY else None


def check_usable(day):
    """Raise :class:`UnusableDate` for an order or delivery day the rules cannot use."""
    if not FIRST_USABLE <= day <= LAST_USABLE:
        # a day number beyond Python's calendar (a database date) is reported at its edge
        raise UnusableDate(date.fromordinal(min(max(day, 1), LAST_DAY)))


class Replay:
    """One client's replay: its order days, first delivery, termination and pauses (as
    ordinals), the company's settings, and where the replay stands (role, since, the
    orders seen so far)."""

    def __init__(self, settings, orders, delivery=None, termination=None, pauses=()):
        self.settings = settings
        #: One day per confirmed order, sorted; the distinct order days.
        self.orders = sorted(orders)
        self.days = sorted(set(self.orders))
        self.delivery, self.termination = delivery, termination
        self.pauses = Pauses(pauses)
        self.rhythm = Rhythm(settings, self.pauses) if settings.at_risk_factor else None
        self.role = self.since = None
        self.seen, self.delivered = 0, False
        self.idle = self.threshold = self.average = None

    def run(self, today, start=None):
        """The transitions ``(day, role, reason code, reason parameters)`` up to ``today``
        (ordinals), from the first event or from ``start`` = ``(day, role)``."""
        plain = None
        if start is not None:
            day, self.role = start
            self.since = day
        elif not self.pauses and self.rhythm is None:
            plain = iter(self._plain_days(today))
            day = next(plain, None)
        else:
            events = [d for d in (*self.days[:1], self.delivery, self.termination) if d]
            day = min(events) if events else None
        result = []
        while day is not None and day <= today:
            self._see(day)
            if self.role == FORMER:
                break
            change = self._decide(day)
            if change is not None and change[0] != self.role:
                self.role, self.since = change[0], day
                result.append((day, *change))
                if self.role == FORMER:
                    break
            day = self._next_day(day) if plain is None else next(plain, None)
        return result

    def _plain_days(self, today):
        """The days up to ``today`` on which the role of a client without pause, with the
        at-risk rule off, can change: its first order day, the day of its N-th order, its
        first delivery, its termination, and for each silence of D days or more the day
        it reaches D and the order day that ends it. Other order days only count."""
        days, sleeping = self.days, self.settings.sleeping_days
        candidates = {event for event in (self.delivery, self.termination) if event is not None}
        if days:
            candidates.add(days[0])
            limit = self.settings.permanent_order_count
            if limit <= len(self.orders):
                candidates.add(self.orders[limit - 1])
            if sleeping:
                silences = [(a, b) for a, b in pairwise(days) if b - a >= sleeping]
                candidates.update(day for pair in silences for day in (pair[0] + sleeping, pair[1]))
                candidates.add(days[-1] + sleeping)
        return sorted(day for day in candidates if day <= today)

    def _see(self, day):
        """Take in the orders and the delivery up to ``day`` (rules.check_dates: the first
        unusable one of the orders, then the delivery)."""
        days, seen = self.days, self.seen
        if seen < len(days) and days[seen] <= day:
            upto = bisect_right(days, day, seen)
            if days[seen] < FIRST_USABLE:
                check_usable(days[seen])
            if days[upto - 1] > LAST_USABLE:
                check_usable(days[bisect_right(days, LAST_USABLE, seen)])
            if self.rhythm is not None:
                for index in range(seen, upto):
                    self.rhythm.add(days[index])
            self.seen = upto
        if not self.delivered and self.delivery is not None and self.delivery <= day:
            check_usable(self.delivery)
            self.delivered = True

    def _decide(self, day):
        """The role the rules give on ``day`` with its reason, or None to keep the role
        (rules._role, for a client without hold nor status of the company's own)."""
        if self.termination is not None and self.termination <= day:
            return FORMER, "terminated", {}
        if not self.seen:
            return (NEW, "no_orders_new", {}) if self.role is None else None
        last, pauses = self.days[self.seen - 1], self.pauses
        paused = pauses.covers(day) if pauses else False
        idle = self.idle = pauses.idle(last, day) if pauses else day - last
        if self.rhythm is not None:
            self._measure(day)
        sleeping = self.settings.sleeping_days
        if sleeping and not paused and idle >= sleeping:
            return SLEEPING, "sleeping", {"days": idle, "limit": sleeping}
        change = self._steady(last)
        threshold = self.threshold
        if threshold and not paused and change[0] in STEADY and idle >= threshold:
            average = self.average
            usual, ratio = round(average, 1), round(idle / average, 1)
            return AT_RISK, "at_risk", {"days": idle, "usual": usual, "ratio": ratio}
        return change

    def _steady(self, last):
        """Permanent, working or new by the orders and the delivery (rules 6, 6a, 7, 8)."""
        count = bisect_right(self.orders, last)
        limit = self.settings.permanent_order_count
        if count >= limit:
            change = PERMANENT, "permanent", {"count": count, "limit": limit}
        elif self.settings.first_order_trigger == TRIGGER_ORDER:
            first = date.fromordinal(self.days[0]).isoformat()
            change = WORKING, "working_order", {"date": first}
        elif self.delivered:
            first = date.fromordinal(self.delivery).isoformat()
            change = WORKING, "working_delivery", {"date": first}
        elif self.role in PAST_NEW:
            change = WORKING, "working_kept", {"count": count, "limit": limit}
        else:
            return NEW, "new_waiting", {}
        if self.role not in DORMANT or (self.since is not None and last < self.since):
            return change
        if self.seen < 2:
            return change
        earlier = self.days[self.seen - 2]
        days = self.pauses.idle(earlier, last) if self.pauses else last - earlier
        return change[0], "reactivated", {"days": days}

    def _measure(self, day):
        """The average interval and the at-risk threshold of ``day`` (rules._at_risk_threshold)."""
        self.rhythm.move_to(day)
        average = self.average = self.rhythm.average()
        if average is None:
            self.threshold = 0
            return
        settings = self.settings
        threshold = max(settings.at_risk_factor * average, settings.at_risk_min_days)
        if settings.at_risk_max_days:
            threshold = min(threshold, settings.at_risk_max_days)
        self.threshold = threshold

    def _next_day(self, day):
        """The next day on which the role could change: the next event, a pause boundary,
        the idle days reaching D or the at-risk threshold, the window losing a day."""
        candidates = [self.days[self.seen]] if self.seen < len(self.days) else []
        for event in (self.delivery, self.termination):
            if event is not None and event > day:
                candidates.append(event)
        if self.pauses:
            candidates.append(self.pauses.boundary(day))
        if self.seen:
            candidates += self._idle_limits()
        if self.rhythm is not None:
            candidates.append(self.rhythm.leaves())
        candidates = [candidate for candidate in candidates if candidate is not None]
        return min(candidates) if candidates else None

    def _idle_limits(self):
        """The days on which the idle days reach D and the at-risk threshold, when not yet."""
        last, idle, pauses = self.days[self.seen - 1], self.idle, self.pauses
        limits = [self.settings.sleeping_days]
        if self.threshold:
            limits.append(ceil(self.threshold))
        result = []
        for limit in limits:
            if limit and idle < limit:
                reached = pauses.reaches(last, limit) if pauses else last + limit
                result.append(reached if reached <= LAST_DAY else None)
        return result


def replay(settings, today, orders, delivery=None, termination=None, pauses=(), start=None):
    """The transitions of a client up to ``today``: ``(day, role, reason code, reason
    parameters)`` tuples, days as ordinals; ``orders`` holds one ordinal per confirmed
    order, ``pauses`` ``(first, last)`` ordinal pairs, ``start`` ``(day, role)``."""
    return Replay(settings, orders, delivery, termination, pauses).run(today, start)


__all__ = ["Pauses", "Replay", "Rhythm", "replay"]
