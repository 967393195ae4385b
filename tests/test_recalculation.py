import contextlib
from datetime import date, timedelta
from unittest.mock import patch

from odoo.tests import freeze_time, tagged

from .common import LifecycleCommon

TODAY = date(2026, 6, 1)


@tagged("post_install", "-at_install")
@freeze_time("2026-06-01 12:00:00")
class TestRecalculation(LifecycleCommon):
    """The scheduled and on-demand recalculation of order frequency and statuses."""

    def _history_client(self, name, days_ago, company=None):
        """A working client with one confirmed order per entry of ``days_ago``.

        The first order is delivered; the status is then reset to working, as it
        was before the orders aged, so that the recalculation has work to do.
        """
        client = self._client(name, company_id=(company or self.env["res.company"]).id)
        for index, days in enumerate(days_ago):
            order = self._order(client, day=TODAY - timedelta(days=days))
            if not index:
                self._deliver(order)
        client.lifecycle_status_id = self.status_working
        return client

    def test_cron_assigns_sleeping_and_permanent(self):
        """The scheduled action makes idle clients sleeping and frequent ones permanent."""
        idle = self._history_client("Idle", [400, 300, 200])
        regular = self._history_client("Regular", [30, 20, 10])
        self.env.ref("partner_lifecycle.ir_cron_recompute").method_direct_trigger()
        self.assertEqual(idle.lifecycle_status_id, self.status_sleeping)
        self.assertEqual(idle.lifecycle_reason, "200 days without an order >= 180 -> sleeping")
        self.assertEqual(regular.lifecycle_status_id, self.status_permanent)
        self.assertEqual(regular.lifecycle_avg_interval_days, 10.0)
        self.assertEqual(regular.lifecycle_next_order_date, TODAY)

    def test_sleeping_boundary_is_inclusive(self):
        """179 days without an order stays working; 180 days is sleeping."""
        almost = self._history_client("Almost", [179])
        exactly = self._history_client("Exactly", [180])
        self.recalculation._recalculate_partners(almost | exactly)
        self.assertEqual(almost.lifecycle_status_id, self.status_working)
        self.assertEqual(exactly.lifecycle_status_id, self.status_sleeping)

    def test_cancelled_orders_drop_permanent_at_recalculation(self):
        """Cancelling an order below N orders makes the client working again."""
        client = self._history_client("Client", [30, 20, 10])
        self.recalculation._recalculate_partners(client)
        self.assertEqual(client.lifecycle_status_id, self.status_permanent)
        order = client.sale_order_ids.sorted("date_order")[-1]
        order._action_cancel()
        self.assertEqual(client.lifecycle_status_id, self.status_permanent)
        self.recalculation._recalculate_partners(client)
        self.assertEqual(client.lifecycle_status_id, self.status_working)
        self.assertEqual(client.lifecycle_order_count, 2)

    def test_stats_count_changes_per_status(self):
        """The recalculation reports how many clients changed to which status."""
        idle = self._history_client("Idle", [300])
        self._history_client("Fresh", [5])
        stats = self.recalculation._recalculate_company(self.company)
        self.assertEqual(stats["changed"], 1)
        self.assertEqual(stats[f"status:{self.status_sleeping.id}"], 1)
        self.assertEqual(idle.lifecycle_status_id, self.status_sleeping)

    def test_second_run_changes_nothing(self):
        """A recalculation right after another writes nothing."""
        self._history_client("Idle", [300])
        self.recalculation._recalculate_company(self.company)
        with patch.object(type(self.recalculation), "_write") as write:
            stats = self.recalculation._recalculate_company(self.company)
        self.assertEqual(stats["changed"], 0)
        self.assertEqual(write.call_args.args[0], [])

    def test_sleeping_client_not_rewritten_next_day(self):
        """A client already sleeping keeps the reason of its change and is not rewritten."""
        idle = self._history_client("Idle", [300])
        self.recalculation._recalculate_company(self.company)
        reason = "300 days without an order >= 180 -> sleeping"
        self.assertEqual(idle.lifecycle_reason, reason)
        tomorrow = TODAY + timedelta(days=1)
        with patch.object(type(self.recalculation), "_write") as write:
            self.recalculation._recalculate_company(self.company, today=tomorrow)
        self.assertEqual(write.call_args.args[0], [])
        self.assertEqual(idle.lifecycle_reason, reason)

    def test_frequency_settings_apply(self):
        """Window, long-break exclusion and trimming follow the company settings."""
        client = self._history_client("Client", [100, 90, 80, 70, 10, 5])
        self.company.write(
            {"lifecycle_frequency_max_gap_days": 30, "lifecycle_frequency_trim_extremes": True}
        )
        self.recalculation._recalculate_partners(client)
        self.assertEqual(client.lifecycle_avg_interval_days, 10.0)
        self.company.write(
            {"lifecycle_frequency_window_days": 20, "lifecycle_frequency_trim_extremes": False}
        )
        self.recalculation._recalculate_partners(client)
        self.assertEqual(client.lifecycle_avg_interval_days, 5.0)

    def test_planning_inactive_days(self):
        """A client idle for X days or more leaves delivery planning."""
        self.company.lifecycle_planning_inactive_days = 60
        idle = self._history_client("Idle", [60])
        busy = self._history_client("Busy", [59])
        self.recalculation._recalculate_company(self.company)
        self.assertEqual(idle.lifecycle_plannable, False)
        self.assertEqual(busy.lifecycle_plannable, True)

    def test_other_company_untouched(self):
        """One company's recalculation never changes another company's clients."""
        other = self.env["res.company"].create({"name": "Other Water"})
        foreign = self._history_client("Foreign", [300], company=other)
        local = self._history_client("Local", [300])
        self.recalculation._recalculate_company(self.company)
        self.assertEqual(local.lifecycle_status_id, self.status_sleeping)
        self.assertEqual(foreign.lifecycle_status_id, self.status_working)
        self.recalculation._recalculate_company(other)
        self.assertEqual(foreign.lifecycle_status_id, self.status_sleeping)

    def test_other_company_settings_apply(self):
        """Each company's clients follow that company's own numbers."""
        other = self.env["res.company"].create({"name": "Other Water"})
        other.lifecycle_sleeping_days = 400
        client = self._history_client("Foreign", [300], company=other)
        self.recalculation._recalculate_partners(client)
        self.assertEqual(client.lifecycle_status_id, self.status_working)

    def test_crash_loses_one_batch_and_resumes(self):
        """A crash in a batch keeps the finished batches; the next run continues."""
        clients = [self._history_client(f"Idle {index}", [300]) for index in range(5)]
        self.patch(type(self.recalculation), "_batch_size", 2)
        original = type(self.recalculation)._process_batch
        calls = []

        def failing(recalculation, company, ids, today=None):
            calls.append(ids)
            if len(calls) == 2:
                raise RuntimeError("database went away")
            return original(recalculation, company, ids, today)

        # Not assertRaises: it would roll back the batches committed before the crash.
        with (
            patch.object(type(self.recalculation), "_process_batch", failing),
            contextlib.suppress(RuntimeError),
        ):
            self.recalculation._recalculate_company(self.company, commit=True, resume=True)
        self.assertEqual(len(calls), 2)
        statuses = [client.lifecycle_status_id for client in clients]
        self.assertEqual(statuses[:2], [self.status_sleeping] * 2)
        self.assertEqual(statuses[2:], [self.status_working] * 3)
        self.recalculation._recalculate_company(self.company, commit=True, resume=True)
        self.assertEqual({client.lifecycle_status_id for client in clients}, {self.status_sleeping})
        key = f"partner_lifecycle.recalculation_resume.{self.company.id}"
        self.assertEqual(self.env["ir.config_parameter"].get_param(key), "0")

    def test_install_hook_fills_existing_clients(self):
        """The install hook records past deliveries and recalculates every client."""
        client = self._history_client("Old", [40, 30, 20])
        client.write({"lifecycle_first_delivery_date": False, "lifecycle_order_count": 0})
        client.lifecycle_status_id = False
        from ..hooks import post_init_hook

        post_init_hook(self.env)
        self.assertEqual(client.lifecycle_first_delivery_date, date.today())
        self.assertEqual(client.lifecycle_order_count, 3)
        self.assertEqual(client.lifecycle_status_id, self.status_permanent)
