"""Average order frequency: same-day orders, window P, gap G, trimming, next order date."""

from datetime import date, timedelta

import pytest

from partner_lifecycle.engine import Frequency, LifecycleSettings, order_frequency
from partner_lifecycle.engine.frequency import (
    days_since,
    drop_long_breaks,
    intervals_between,
    next_order_date,
    order_days,
    trim_extremes,
    window_days,
)

TODAY = date(2024, 6, 30)


def ago(days):
    """The date ``days`` days before TODAY (negative: after TODAY)."""
    return TODAY - timedelta(days=days)


def dates_ago(*ages):
    """Order dates given as ages in days before TODAY."""
    return tuple(ago(age) for age in ages)


# --- order_days: several orders on one day are one date ---------------------


@pytest.mark.parametrize(
    ("orders", "expected"),
    [
        pytest.param((), [], id="no-order"),
        pytest.param(dates_ago(5), dates_ago(5), id="one-order"),
        pytest.param(dates_ago(5, 5, 5), dates_ago(5), id="three-same-day"),
        pytest.param(dates_ago(1, 9, 1, 4), dates_ago(9, 4, 1), id="unsorted-with-repeat"),
    ],
)
def test_order_days_merges_same_day_and_sorts(orders, expected):
    """Order dates come back sorted, each day once."""
    assert order_days(orders) == list(expected)


# --- window P: an order exactly P days old is inside -------------------------


@pytest.mark.parametrize(
    ("window", "ages", "kept"),
    [
        pytest.param(0, (1000, 30, 0), (1000, 30, 0), id="P=0-keeps-all-history"),
        pytest.param(30, (30,), (30,), id="exactly-P-days-old-inside"),
        pytest.param(30, (31,), (), id="P+1-days-old-outside"),
        pytest.param(30, (31, 30, 29, 0), (30, 29, 0), id="mixed-around-edge"),
        pytest.param(30, (40, -5), (-5,), id="future-date-kept"),
        pytest.param(1, (1, 0, -1), (1, 0, -1), id="P=1-yesterday-today-tomorrow"),
    ],
)
def test_window_keeps_dates_at_most_p_days_old(window, ages, kept):
    """The window keeps dates on or after TODAY - P; P = 0 keeps everything; future dates stay."""
    days = sorted(dates_ago(*ages))
    assert window_days(days, TODAY, window) == sorted(dates_ago(*kept))


@pytest.mark.parametrize(
    ("today", "window", "kept"),
    [
        pytest.param(
            date(2024, 3, 1), 1, [date(2024, 2, 29), date(2024, 3, 1)], id="P=1-reaches-leap-day"
        ),
        pytest.param(
            date(2024, 3, 1),
            2,
            [date(2024, 2, 28), date(2024, 2, 29), date(2024, 3, 1)],
            id="P=2-reaches-feb-28",
        ),
        pytest.param(
            date(2024, 2, 29),
            0,
            [date(2024, 2, 28), date(2024, 2, 29), date(2024, 3, 1)],
            id="P=0-on-leap-day",
        ),
    ],
)
def test_window_across_leap_day(today, window, kept):
    """The window counts 29 February as one calendar day."""
    days = [date(2024, 2, 28), date(2024, 2, 29), date(2024, 3, 1)]
    assert window_days(days, today, window) == kept


@pytest.mark.parametrize(
    "window",
    [
        pytest.param(TODAY.toordinal() - 1, id="window-starts-on-first-calendar-day"),
        pytest.param(TODAY.toordinal(), id="window-starts-before-first-calendar-day"),
        pytest.param(10**12, id="window-beyond-any-timedelta"),
    ],
)
def test_window_longer_than_the_calendar_keeps_all_history(window):
    """A valid but very long window keeps every order date instead of failing on date arithmetic."""
    days = [date(1, 1, 1), date(2000, 1, 1), TODAY]
    assert window_days(days, TODAY, window) == days


# --- intervals ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        pytest.param([], [], id="no-date"),
        pytest.param([date(2024, 1, 1)], [], id="one-date"),
        pytest.param(
            [date(2024, 1, 1), date(2024, 1, 8), date(2024, 1, 10)], [7, 2], id="two-intervals"
        ),
        pytest.param(
            [date(2024, 2, 28), date(2024, 2, 29), date(2024, 3, 1)],
            [1, 1],
            id="leap-year-feb-28-29-mar-1",
        ),
        pytest.param([date(2023, 2, 28), date(2023, 3, 1)], [1], id="common-year-feb-28-to-mar-1"),
        pytest.param([date(2024, 2, 28), date(2024, 3, 1)], [2], id="leap-year-feb-28-to-mar-1"),
        pytest.param([date(2023, 12, 31), date(2024, 12, 31)], [366], id="leap-year-length"),
    ],
)
def test_intervals_between_consecutive_dates(days, expected):
    """An interval is the number of calendar days between two consecutive dates."""
    assert intervals_between(days) == expected


# --- gap G: an interval of exactly G days is kept ----------------------------


@pytest.mark.parametrize(
    ("max_gap", "intervals", "kept"),
    [
        pytest.param(0, [1, 400, 30], [1, 400, 30], id="G=0-keeps-all"),
        pytest.param(30, [30], [30], id="interval-equal-G-kept"),
        pytest.param(30, [31], [], id="interval-G+1-left-out"),
        pytest.param(30, [29, 30, 31, 90], [29, 30], id="mixed-around-G"),
        pytest.param(1, [1, 1, 2], [1, 1], id="G=1"),
    ],
)
def test_long_breaks_are_left_out(max_gap, intervals, kept):
    """Intervals longer than G days are left out; exactly G is kept; G = 0 leaves none out."""
    assert drop_long_breaks(intervals, max_gap) == kept


# --- trimming: one smallest and one largest, only from three intervals on ----


@pytest.mark.parametrize(
    ("intervals", "kept"),
    [
        pytest.param([], [], id="none"),
        pytest.param([7], [7], id="one-untouched"),
        pytest.param([3, 40], [3, 40], id="two-untouched"),
        pytest.param([40, 7, 3], [7], id="three-leaves-the-middle"),
        pytest.param([5, 5, 5], [5], id="three-equal-ties"),
        pytest.param([2, 9, 2, 9], [2, 9], id="tied-extremes-drop-one-each"),
        pytest.param([1, 10, 4, 6], [4, 6], id="four-distinct"),
        pytest.param([3, 3, 8], [3], id="tie-on-smallest"),
    ],
)
def test_trim_extremes(intervals, kept):
    """Trimming drops one smallest and one largest interval, only when there are three or more."""
    assert trim_extremes(intervals) == kept


# --- order_frequency: the whole calculation ---------------------------------


@pytest.mark.parametrize(
    ("orders", "settings", "intervals", "average"),
    [
        pytest.param((), LifecycleSettings(), (), None, id="no-order"),
        pytest.param(dates_ago(10), LifecycleSettings(), (), None, id="one-order"),
        pytest.param(
            dates_ago(10, 10, 10), LifecycleSettings(), (), None, id="same-day-orders-one-date"
        ),
        pytest.param(
            dates_ago(20, 10, 10, 0),
            LifecycleSettings(),
            (10, 10),
            10.0,
            id="same-day-repeat-ignored",
        ),
        pytest.param(dates_ago(30, 20, 0), LifecycleSettings(), (10, 20), 15.0, id="plain-average"),
        pytest.param(
            dates_ago(0, 30, 20), LifecycleSettings(), (10, 20), 15.0, id="unsorted-input"
        ),
        pytest.param(
            dates_ago(300, 100, 90),
            LifecycleSettings(frequency_max_gap_days=150),
            (10,),
            10.0,
            id="G-drops-long-break",
        ),
        pytest.param(
            dates_ago(300, 100),
            LifecycleSettings(frequency_max_gap_days=150),
            (),
            None,
            id="every-interval-excluded",
        ),
        pytest.param(
            dates_ago(300, 150, 0),
            LifecycleSettings(frequency_max_gap_days=150),
            (150, 150),
            150.0,
            id="G-equal-kept",
        ),
        pytest.param(
            dates_ago(30, 20, 0),
            LifecycleSettings(frequency_trim_extremes=True),
            (10, 20),
            15.0,
            id="trim-two-untouched",
        ),
        pytest.param(
            dates_ago(60, 57, 50, 0),
            LifecycleSettings(frequency_trim_extremes=True),
            (7,),
            7.0,
            id="trim-three-middle",
        ),
        pytest.param(
            dates_ago(400, 60, 57, 50),
            LifecycleSettings(frequency_max_gap_days=100, frequency_trim_extremes=True),
            (3, 7),
            5.0,
            id="gap-rule-before-trimming-leaves-two",
        ),
        pytest.param(
            dates_ago(500, 400, 300, 200, 100, 0),
            LifecycleSettings(frequency_max_gap_days=100, frequency_trim_extremes=True),
            (100, 100, 100),
            100.0,
            id="trim-after-gap-with-ties",
        ),
        pytest.param(
            dates_ago(91, 90, 60, 30),
            LifecycleSettings(frequency_window_days=90),
            (30, 30),
            30.0,
            id="P-window-edge",
        ),
        pytest.param(
            dates_ago(91, 30),
            LifecycleSettings(frequency_window_days=90),
            (),
            None,
            id="P-window-leaves-one-date",
        ),
        pytest.param(
            dates_ago(10, 0, -10),
            LifecycleSettings(frequency_window_days=5),
            (10,),
            10.0,
            id="future-order-in-window",
        ),
    ],
)
def test_order_frequency(orders, settings, intervals, average):
    """The average is the mean of the intervals left by window, gap and trimming; none -> None."""
    result = order_frequency(orders, settings, TODAY)
    assert (result.intervals, result.average) == (intervals, average)


def test_order_frequency_over_leap_day():
    """Orders on 28 Feb, 29 Feb and 1 Mar 2024 are one day apart each."""
    orders = (date(2024, 2, 28), date(2024, 2, 29), date(2024, 3, 1))
    result = order_frequency(orders, LifecycleSettings(), date(2024, 3, 1))
    assert result == Frequency((1, 1), 1.0, orders)


def test_frequency_default_is_empty():
    """A Frequency with no argument has no interval and no average."""
    assert Frequency() == Frequency((), None, ())


# --- next order date: last order + average, rounded half up ------------------


@pytest.mark.parametrize(
    ("last", "average", "expected"),
    [
        pytest.param(date(2024, 1, 1), 7.0, date(2024, 1, 8), id="whole-average"),
        pytest.param(date(2024, 1, 1), 2.5, date(2024, 1, 4), id="half-rounds-up"),
        pytest.param(date(2024, 1, 1), 3.5, date(2024, 1, 5), id="half-rounds-up-odd"),
        pytest.param(date(2024, 1, 1), 2.49, date(2024, 1, 3), id="below-half-rounds-down"),
        pytest.param(date(2024, 1, 1), 2.51, date(2024, 1, 4), id="above-half-rounds-up"),
        pytest.param(date(2024, 1, 1), 10 / 3, date(2024, 1, 4), id="third-rounds-down"),
        pytest.param(date(2024, 2, 28), 1.0, date(2024, 2, 29), id="lands-on-leap-day"),
        pytest.param(date(2024, 2, 28), 1.5, date(2024, 3, 1), id="rounds-past-leap-day"),
        pytest.param(date(2024, 1, 1), None, None, id="no-average"),
        pytest.param(None, 7.0, None, id="no-last-order"),
    ],
)
def test_next_order_date(last, average, expected):
    """Next order is the last order plus the average rounded half up; None without either."""
    assert next_order_date(last, average) == expected


@pytest.mark.parametrize(
    ("last", "today", "expected"),
    [
        pytest.param(date(2024, 6, 30), date(2024, 6, 30), 0, id="today"),
        pytest.param(date(2024, 6, 29), date(2024, 6, 30), 1, id="yesterday"),
        pytest.param(date(2024, 7, 1), date(2024, 6, 30), -1, id="future-negative"),
        pytest.param(date(2024, 2, 28), date(2024, 3, 1), 2, id="over-leap-day"),
    ],
)
def test_days_since(last, today, expected):
    """Whole days from the last order to today, negative for an order dated in the future."""
    assert days_since(last, today) == expected
