from datetime import date, timedelta

from odoo.tests import freeze_time, tagged
from odoo.tools import SQL

from .common import LifecycleCommon
from .test_migration import load_migration
from .test_planning import PlanningCommon

TODAY = date(2026, 12, 6)


def ago(days):
    return TODAY - timedelta(days=days)


@tagged("post_install", "-at_install")
@freeze_time("2026-12-06 12:00:00")
class TestNextOrderRange(LifecycleCommon):
    """The 80 % range of the expected next order, on the card and after the upgrade."""

    def test_clockwork_client_narrow_range(self):
        """Intervals 28, 30, 32 days (s = 2): +-4 days around the expected day, read
        "Nov 30 – Dec 8" on the card in English."""
        client = self._aged_client("Clockwork", [122, 94, 64, 32], today=TODAY)
        self.recalculation._recalculate_partners(client, today=TODAY)
        self.assertEqual(client.lifecycle_next_order_date, ago(2))
        self.assertEqual(
            (client.lifecycle_next_order_from, client.lifecycle_next_order_to),
            (ago(6), TODAY + timedelta(days=2)),
        )
        self.assertEqual(
            client.with_context(lang="en_US").lifecycle_next_order_range, "Nov 30 – Dec 8"
        )

    def test_range_in_the_readers_language(self):
        """A Russian reader reads the same range as "30 нояб. – 8 дек."; within one month the
        month is written once ("16–24 дек.")."""
        self.env["res.lang"]._activate_lang("ru_RU")
        clockwork = self._aged_client("Clockwork", [122, 94, 64, 32], today=TODAY)
        steady = self._aged_client("Steady", [106, 78, 48, 16], today=TODAY)
        (clockwork | steady).invalidate_recordset()
        russian = (clockwork | steady).with_context(lang="ru_RU")
        self.recalculation._recalculate_partners(clockwork | steady, today=TODAY)
        self.assertEqual(
            russian.mapped("lifecycle_next_order_range"), ["30 нояб. – 8 дек.", "16–24 дек."]
        )

    def test_erratic_client_wide_range(self):
        """Intervals 10, 30, 50 days (s = 20): +-44 days, from the day after the last order."""
        client = self._aged_client("Erratic", [100, 90, 60, 10], today=TODAY)
        self.recalculation._recalculate_partners(client, today=TODAY)
        self.assertEqual(client.lifecycle_next_order_date, TODAY + timedelta(days=20))
        self.assertEqual(
            (client.lifecycle_next_order_from, client.lifecycle_next_order_to),
            (ago(9), TODAY + timedelta(days=64)),
        )

    def test_no_range_with_two_intervals(self):
        """Three orders (two intervals) give an expected day but no range."""
        client = self._aged_client("Young", [60, 30, 5], today=TODAY)
        self.recalculation._recalculate_partners(client, today=TODAY)
        self.assertEqual(client.lifecycle_next_order_date, TODAY + timedelta(days=23))
        self.assertEqual(
            (client.lifecycle_next_order_from, client.lifecycle_next_order_range), (False, "")
        )

    def test_migration_fills_the_range_and_runs_twice(self):
        """Clients as 18.0.1.2.0 left them (no range) get theirs; a second run writes nothing."""
        client = self._aged_client("Clockwork", [122, 94, 64, 32], today=TODAY)
        self.recalculation._recalculate_partners(client, today=TODAY)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE res_partner SET lifecycle_next_order_from = NULL,"
                " lifecycle_next_order_to = NULL WHERE id = %s",
                client.id,
            )
        )
        self.env.invalidate_all()
        migration = load_migration("18.0.1.3.0", "post-next-order-range")
        migration.migrate(self.env.cr, "18.0.1.2.0")
        self.assertEqual(
            (client.lifecycle_next_order_from, client.lifecycle_next_order_to),
            (ago(6), TODAY + timedelta(days=2)),
        )
        migration.migrate(self.env.cr, "18.0.1.2.0")
        self.assertEqual(client.lifecycle_next_order_from, ago(6))
        self._assert_as_full_recalculation(today=TODAY)


@tagged("post_install", "-at_install")
class TestPlanningRange(PlanningCommon):
    """The planning line shows the client's range."""

    def test_planning_line_shows_the_range(self):
        """A client ordering every 14 days has a one-day range, read on its plan line."""
        client = self._aged_client("Steady", [43, 29, 15, 1], today=self.today)
        plan = self._plan(date_to=self.tomorrow + timedelta(days=14))
        plan.action_fill()
        line = self._line(plan, client).with_context(lang="en_US")
        self.assertEqual(client.lifecycle_next_order_to, client.lifecycle_next_order_from)
        expected = client.lifecycle_next_order_date
        self.assertEqual(client.lifecycle_next_order_from, expected)
        self.assertEqual(line.next_order_range, f"{expected:%b} {expected.day}")

    def test_postponed_line_moves_the_range(self):
        """Postponed by the plan's button, the line's expected date and its range move
        together: the one-day range reads the new day, not the client's old one."""
        client = self._aged_client("Steady", [43, 29, 15, 1], today=self.today)
        plan = self._plan(date_to=self.tomorrow + timedelta(days=14))
        plan.action_fill()
        line = self._line(plan, client).with_context(lang="en_US")
        before = line.expected_date
        line.action_postpone()
        moved = line.expected_date
        self.assertEqual(moved > before, True)
        self.assertEqual(client.lifecycle_next_order_from, client.lifecycle_next_order_date)
        self.assertEqual(line.next_order_range, f"{moved:%b} {moved.day}")
