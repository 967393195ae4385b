from datetime import date

from odoo.tests import freeze_time, tagged

from .common import LifecycleCommon
from .test_migration import load_migration

#: The day both clients reach 180 days without an order, in their company's time zone.
DAY = date(2026, 6, 10)


@tagged("post_install", "-at_install")
@freeze_time("2026-06-09 00:00:00")
class TestHourlyRun(LifecycleCommon):
    """The scheduled run comes every hour and moves each company's clients on the first
    run after that company's midnight."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # UTC+10 and UTC-5 all year: midnight of DAY is 14:00 and 05:00 UTC.
        cls.east = cls.env["res.company"].create(
            {"name": "Water Vladivostok", "lifecycle_tz": "Asia/Vladivostok"}
        )
        cls.west = cls.env["res.company"].create(
            {"name": "Water Lima", "lifecycle_tz": "America/Lima"}
        )
        # one order 180 days before DAY, at noon UTC: the same day in both zones
        cls.east_client = cls._aged_client("East Client", [180], company=cls.east, today=DAY)
        cls.west_client = cls._aged_client("West Client", [180], company=cls.west, today=DAY)

    def _run_at(self, moment):
        with freeze_time(moment):
            self.recalculation._cron_recalculate()
        self.env.invalidate_all()

    def _statuses(self):
        return (self.east_client.lifecycle_status_id, self.west_client.lifecycle_status_id)

    def test_the_cron_comes_every_hour(self):
        """The shipped scheduled run of the recalculation is hourly."""
        cron = self.env.ref("partner_lifecycle.ir_cron_recompute")
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "hours"))

    def test_each_company_moves_after_its_own_midnight(self):
        """At 13:00 UTC on 9 June it is 23:00 in Vladivostok: nobody moves; at 14:30 UTC it
        is 00:30 on 10 June there: the Vladivostok client falls asleep, the Lima one (09:30
        on 9 June) does not; at 04:30 UTC on 10 June it is 23:30 in Lima: still working; at
        05:30 UTC (00:30 there) it falls asleep too."""
        self.assertEqual(self._statuses(), (self.status_working, self.status_working))
        self._run_at("2026-06-09 13:00:00")
        self.assertEqual(self._statuses(), (self.status_working, self.status_working))
        self._run_at("2026-06-09 14:30:00")
        self.assertEqual(self._statuses(), (self.status_sleeping, self.status_working))
        self.assertEqual(self.east_client.lifecycle_status_date, DAY)
        self._run_at("2026-06-10 04:30:00")
        self.assertEqual(self._statuses(), (self.status_sleeping, self.status_working))
        self._run_at("2026-06-10 05:30:00")
        self.assertEqual(self._statuses(), (self.status_sleeping, self.status_sleeping))
        self.assertEqual(self.west_client.lifecycle_status_date, DAY)

    def test_later_runs_of_the_day_write_nothing(self):
        """After the run that moved them, the next hourly runs of the day find no client
        due and add no history row."""
        self._run_at("2026-06-10 06:00:00")
        rows = self.env["partner.lifecycle.history"].search_count([])
        for moment in ("2026-06-10 07:00:00", "2026-06-10 08:00:00"):
            with freeze_time(moment):
                stats = self.recalculation._cron_recalculate()
            self.assertEqual(stats["clients"], 0)
        self.assertEqual(self.env["partner.lifecycle.history"].search_count([]), rows)


@tagged("post_install", "-at_install")
class TestHourlyRunUpgrade(LifecycleCommon):
    """18.0.1.2.0 databases: the daily scheduled run becomes hourly, a changed one is kept."""

    def _upgrade(self, number, kind):
        cron = self.env.ref("partner_lifecycle.ir_cron_recompute")
        cron.write({"interval_number": number, "interval_type": kind})
        load_migration("18.0.1.3.0", "post-hourly-run").migrate(self.env.cr, "18.0.1.2.0")
        cron.invalidate_recordset()
        return (cron.interval_number, cron.interval_type)

    def test_daily_run_becomes_hourly(self):
        """The shipped daily run (1 day) becomes hourly."""
        self.assertEqual(self._upgrade(1, "days"), (1, "hours"))

    def test_run_changed_by_an_administrator_kept(self):
        """A run an administrator set to every 2 days stays as it is."""
        self.assertEqual(self._upgrade(2, "days"), (2, "days"))
