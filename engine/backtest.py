"""Backtest: the rules' forecasts on a past day T measured against what clients then did.

Every client is decided as of the cutoff day T from its facts up to T alone
(orders on or before T, its first delivery if on or before T, its pauses
begun on or before T; no stored status, no hold, no status set by hand: the
backtest measures the rules), for each variant of the settings, and compared
with its orders in (T, T + H].

Definitions, all in whole calendar days:

- a client counted has at least one order on or before T (the caller leaves
  out clients whose contract was terminated on or before T);
- a client is lost when it has no order in (T, T + H];
- sleeping and at risk are the rules' roles at T (at risk only with a factor);
- a client is planned at T when the rules make it plannable and neither
  sleeping nor former;
- the next-order measures are taken over the planned clients that ordered in
  (T, T + H] and have an expected day at T; an expected day on or before T
  counts as T + 1 (the client is due at once), and so does the start and the
  end of a range that lies on or before T;
- a share over no client is 0.

Every count is a sum over clients (:class:`Tally`): batches of clients are
measured apart and added up. Variants of D and of the at-risk factor share
the frequency settings, so that what depends only on a client and on T (its
facts at T, its first order after T) is worked out once per client.
"""

from dataclasses import dataclass, fields, replace
from datetime import timedelta

from .frequency import kept_frequency, next_order_range, windowed_intervals
from .roles import AT_RISK, FORMER, SLEEPING
from .rules import ClientFacts, _next_order, _role, is_plannable


@dataclass(frozen=True)
class ClientHistory:
    """What the company knows of one client, past and future of the cutoff day alike."""

    #: One day per confirmed order (repeated days are several orders on one day).
    order_dates: tuple = ()
    first_delivery_date: object = None
    #: Declared pauses, ``(first day, last day)`` pairs.
    pauses: tuple = ()
    #: ``(order day, quantity)`` of the client's main product (consumption method).
    order_quantities: tuple = ()


@dataclass(frozen=True)
class Forecast:
    """What the rules say of a client on the cutoff day."""

    sleeping: bool
    at_risk: bool
    planned: bool
    next_order: object = None
    #: ``(first day, last day)`` of the 80 % range, or None.
    span: tuple | None = None


@dataclass
class Tally:
    """The counts of one variant over a set of clients; ``+`` adds two sets up."""

    clients: int = 0
    lost: int = 0
    sleeping: int = 0
    sleeping_lost: int = 0
    at_risk: int = 0
    at_risk_lost: int = 0
    #: Lost clients that were sleeping or at risk.
    caught: int = 0
    #: Planned clients that ordered in (T, T + H] with an expected day.
    measured: int = 0
    #: Sum of the absolute differences in days between first order and expected day.
    error_days: int = 0
    #: Measured clients whose first order is within the tolerance of the expected day.
    hits: int = 0
    #: Measured clients with a range, and those whose first order falls inside it.
    ranged: int = 0
    covered: int = 0

    def __add__(self, other):
        return Tally(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    def count(self, forecast_, first_order, cutoff, tolerance):
        """Add one client: its forecast at T against its first order after T (None: lost)."""
        lost = first_order is None
        self.clients += 1
        self.lost += lost
        if forecast_.sleeping:
            self.sleeping += 1
            self.sleeping_lost += lost
        if forecast_.at_risk:
            self.at_risk += 1
            self.at_risk_lost += lost
        self.caught += (forecast_.sleeping or forecast_.at_risk) and lost
        if lost or not forecast_.planned or forecast_.next_order is None:
            return
        due = _after(forecast_.next_order, cutoff)
        error = abs((first_order - due).days)
        self.measured += 1
        self.error_days += error
        self.hits += error <= tolerance
        if forecast_.span is not None:
            first, last = (_after(day, cutoff) for day in forecast_.span)
            self.ranged += 1
            self.covered += first <= first_order <= last

    @property
    def sleeping_precision(self):
        """Share of the clients sleeping at T that are lost."""
        return share(self.sleeping_lost, self.sleeping)

    @property
    def at_risk_precision(self):
        """Share of the clients at risk at T that are lost."""
        return share(self.at_risk_lost, self.at_risk)

    @property
    def flagged_precision(self):
        """Share of the clients sleeping or at risk at T that are lost."""
        return share(self.caught, self.sleeping + self.at_risk)

    @property
    def lost_recall(self):
        """Share of the lost clients that were sleeping or at risk at T."""
        return share(self.caught, self.lost)

    @property
    def score(self):
        """The F1 score of "sleeping or at risk" as a forecast of "lost" (0 to 1)."""
        precision, recall = self.flagged_precision, self.lost_recall
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    @property
    def next_order_mae_days(self):
        """Mean absolute error in days of the expected next order."""
        return self.error_days / self.measured if self.measured else 0.0

    @property
    def next_order_hit_rate(self):
        """Share of the measured clients within the tolerance."""
        return share(self.hits, self.measured)

    @property
    def next_order_range_coverage(self):
        """Share of the measured clients with a range whose first order falls inside it."""
        return share(self.covered, self.ranged)


def share(part, whole):
    """``part / whole``, 0 over no client."""
    return part / whole if whole else 0.0


def facts_at(history, cutoff):
    """The engine facts of the client as of the cutoff day (nothing after it, no status)."""
    delivery = history.first_delivery_date
    return ClientFacts(
        order_dates=tuple(day for day in history.order_dates if day <= cutoff),
        first_delivery_date=delivery if delivery is not None and delivery <= cutoff else None,
        pauses=tuple(pause for pause in history.pauses if pause[0] <= cutoff),
        order_quantities=tuple(item for item in history.order_quantities if item[0] <= cutoff),
    )


def first_order_after(history, cutoff, horizon):
    """The client's first order day in (T, T + H], or None: the client is lost."""
    end = cutoff + timedelta(days=horizon)
    later = [day for day in history.order_dates if cutoff < day <= end]
    return min(later) if later else None


def forecast(facts, settings, cutoff, shared=None):
    """The rules' forecast of a client (its facts at T) with ``settings``: the same rules
    and next order as ``rules.decide``, without its history, review date and reason.

    ``shared`` (a dict per client) keeps what several variants of one client have in
    common: the window's intervals, the frequency, the range.
    """
    shared = {} if shared is None else shared
    if "last" not in shared:
        shared["last"] = max(facts.order_dates) if facts.order_dates else None
    last = shared["last"]
    key, frequency = _frequency(facts, settings, cutoff, shared)
    role = _role(facts, settings, cutoff, last, frequency.average)[0]
    planned = role not in (SLEEPING, FORMER) and is_plannable(facts, settings, cutoff, last)
    upcoming = _next_order(facts, settings, cutoff, last, frequency.average)[0]
    span_key = (key, upcoming)
    if span_key not in shared:
        shared[span_key] = next_order_range(upcoming, last, frequency.intervals)
    return Forecast(role == SLEEPING, role == AT_RISK, planned, upcoming, shared[span_key])


def _frequency(facts, settings, cutoff, shared):
    """The client's frequency with ``settings`` (engine/frequency.py ``order_frequency``),
    and its key in ``shared``: the intervals of a window P and gap G are found once, and D
    changes the frequency only for a client with a silence of D days or more."""
    window = (settings.frequency_window_days, settings.frequency_max_gap_days)
    if window not in shared:
        shared[window] = windowed_intervals(facts.order_dates, settings, cutoff, facts.pauses)
    days, intervals = shared[window]
    limit = settings.sleeping_days
    reached = limit if limit and intervals and max(intervals) >= limit else 0
    key = (window, settings.frequency_trim_extremes, reached)
    if key not in shared:
        shared[key] = kept_frequency(days, intervals, settings)
    return key, shared[key]


def measure(forecast_, first_order, cutoff, tolerance):
    """The :class:`Tally` of one client: its forecast at T against its first order after T."""
    tally = Tally()
    tally.count(forecast_, first_order, cutoff, tolerance)
    return tally


def _after(day, cutoff):
    """A forecast day on or before T counts as T + 1."""
    return max(day, cutoff + timedelta(days=1))


def backtest(histories, variants, cutoff, horizon=90, tolerance=3):
    """One :class:`Tally` per variant (``LifecycleSettings``) over the clients ``histories``.

    Clients without an order on or before T are not counted.
    """
    tallies = [Tally() for _variant in variants]
    for history in histories:
        facts = facts_at(history, cutoff)
        if not facts.order_dates:
            continue
        first_order = first_order_after(history, cutoff, horizon)
        shared = {}
        for tally, settings in zip(tallies, variants, strict=True):
            tally.count(forecast(facts, settings, cutoff, shared), first_order, cutoff, tolerance)
    return tallies


#: The variants of D and of the at-risk factor tried by the advisor (0: at risk off).
SLEEPING_DAYS_VARIANTS = (90, 120, 150, 180, 240, 365)
AT_RISK_FACTOR_VARIANTS = (0.0, 1.5, 2.0, 3.0)
#: Frequency variants: another window P (days, 0 = all history) and trimming switched.
WINDOW_VARIANTS = (0, 365)


def variants(current, at_risk=True):
    """The settings the advisor tries: ``current`` first, then each other D, each other
    at-risk factor (``at_risk``: when the company maps the at-risk status), each other
    window P, trimming switched, and the other next-order method; no variant twice."""
    found = [current]
    candidates = [replace(current, sleeping_days=days) for days in SLEEPING_DAYS_VARIANTS]
    if at_risk:
        candidates += [replace(current, at_risk_factor=f) for f in AT_RISK_FACTOR_VARIANTS]
    candidates += [replace(current, frequency_window_days=days) for days in WINDOW_VARIANTS]
    candidates.append(replace(current, frequency_trim_extremes=not current.frequency_trim_extremes))
    other = "consumption" if current.next_order_method == "frequency" else "frequency"
    candidates.append(replace(current, next_order_method=other))
    for candidate in candidates:
        if candidate not in found:
            found.append(candidate)
    return found


def changes_next_order(current, variant):
    """Whether ``variant`` differs from ``current`` in a setting of the frequency only."""
    names = ("frequency_window_days", "frequency_max_gap_days", "frequency_trim_extremes",
             "next_order_method")  # fmt: skip
    return any(getattr(current, name) != getattr(variant, name) for name in names)


def best(tallies, current=0):
    """The index of the best variant at finding lost clients: the highest :attr:`Tally.score`
    (F1 of "sleeping or at risk" against "lost"); on a tie, the current one, then the first."""
    top = max(tally.score for tally in tallies) if tallies else 0.0
    if tallies and tallies[current].score >= top:
        return current
    return next(index for index, tally in enumerate(tallies) if tally.score >= top)


def best_next_order(tallies, indexes, current=0):
    """Among ``indexes`` (and ``current``), the variant of the lowest next-order error;
    the current one on a tie."""
    chosen = current
    for index in indexes:
        if tallies[index].next_order_mae_days < tallies[chosen].next_order_mae_days:
            chosen = index
    return chosen


__all__ = [
    "AT_RISK_FACTOR_VARIANTS",
    "SLEEPING_DAYS_VARIANTS",
    "WINDOW_VARIANTS",
    "ClientHistory",
    "Forecast",
    "Tally",
    "backtest",
    "best",
    "best_next_order",
    "changes_next_order",
    "facts_at",
    "first_order_after",
    "forecast",
    "measure",
    "share",
    "variants",
]
