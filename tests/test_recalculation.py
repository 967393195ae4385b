from datetime import date, timedelta

from odoo.tests import freeze_time, tagged
from odoo.tools import SQL

from ..hooks import post_init_hook
from .common import LifecycleCommon

TODAY = date(2026, 6, 1)


@tagged("post_install", "-at_install")
@freeze_time("2026-06-01 12:00:00")
class TestRecalculation(LifecycleCommon):
    """The scheduled incremental run and the full recalculation of order frequency and statuses."""

    def _cron(self):
        self.env.ref("partner_lifecycle.ir_cron_recompute").method_direct_trigger()

    def test_cron_assigns_sleeping_to_clients_whose_day_came(self):
        """The nightly run makes a client sleeping on the day its idle days reach D."""
        idle = self._aged_client("Idle", [400, 300, 200])
        self.assertEqual(idle.lifecycle_status_id, self.status_permanent)
        self.assertEqual(idle.lifecycle_review_date, TODAY - timedelta(days=20))
        self._cron()
        self.assertEqual(idle.lifecycle_status_id, self.status_sleeping)
        self.assertEqual(idle.lifecycle_reason, "No order for 200 days (limit 180)")
        self.assertEqual(idle.lifecycle_review_date, False)

    def test_cron_reads_only_due_and_marked_clients(self):
        """Clients whose review date has not come are not even read by the nightly run."""
        self._aged_client("Idle", [300])
        regular = self._aged_client("Regular", [30, 20, 10])
        self.assertEqual(regular.lifecycle_review_date, TODAY + timedelta(days=170))
        stats = self.recalculation._cron_recalculate()
        self.assertEqual(stats["clients"], 1)
        self.assertEqual(stats["changed"], 1)
        self.assertEqual(regular.lifecycle_status_id, self.status_permanent)
        self.assertEqual(regular.lifecycle_avg_interval_days, 10.0)
        self.assertEqual(regular.lifecycle_next_order_date, TODAY)

    def test_sleeping_boundary_is_inclusive(self):
        """179 days without an order stays working; 180 days is sleeping."""
        almost = self._aged_client("Almost", [179])
        exactly = self._aged_client("Exactly", [180])
        self._cron()
        self.assertEqual(almost.lifecycle_status_id, self.status_working)
        self.assertEqual(exactly.lifecycle_status_id, self.status_sleeping)
        with freeze_time("2026-06-02 12:00:00"):
            self._cron()
        self.assertEqual(almost.lifecycle_status_id, self.status_sleeping)

    def test_stats_count_changes_per_status(self):
        """A run reports how many clients changed to which status."""
        idle = self._aged_client("Idle", [300])
        self._aged_client("Fresh", [5])
        stats = self.recalculation._recalculate_company(self.company)
        self.assertEqual(stats["changed"], 1)
        self.assertEqual(stats[f"status:{self.status_sleeping.id}"], 1)
        self.assertEqual(idle.lifecycle_status_id, self.status_sleeping)

    def test_second_run_writes_nothing(self):
        """A recalculation right after another writes no row."""
        idle = self._aged_client("Idle", [300])
        regular = self._aged_client("Regular", [30, 20, 10])
        self.recalculation._recalculate_company(self.company)
        clients = self.env["res.partner"].browse(self.recalculation._client_ids(self.company))
        self.assertEqual(clients >= idle | regular, True)
        before = self._row_versions(clients)
        history = self.env["partner.lifecycle.history"].search_count([])
        stats = self.recalculation._recalculate_company(self.company)
        self.assertEqual((stats["clients"], stats["written"]), (len(clients), 0))
        self.assertEqual(stats["changed"], 0)
        self.assertEqual(self._row_versions(clients), before, "a client row was rewritten")
        self.assertEqual(self.env["partner.lifecycle.history"].search_count([]), history)

    def _row_versions(self, partners):
        """The physical version of each partner row: any UPDATE of a row, even one that writes
        the same values, gives it a new one."""
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL("SELECT id, ctid::text FROM res_partner WHERE id = ANY(%s)", partners.ids)
        )
        return dict(rows)

    def test_sleeping_client_not_rewritten_next_day(self):
        """A client already sleeping keeps its reason and has no review date: nothing to do."""
        idle = self._aged_client("Idle", [300])
        self._cron()
        reason = "No order for 300 days (limit 180)"
        self.assertEqual(idle.lifecycle_reason, reason)
        with freeze_time("2026-06-02 12:00:00"):
            stats = self.recalculation._cron_recalculate()
        self.assertEqual(stats["clients"], 0)
        self.assertEqual(idle.lifecycle_reason, reason)

    def test_frequency_settings_apply(self):
        """Window, long-break exclusion and trimming follow the company settings."""
        client = self._aged_client("Client", [100, 90, 80, 70, 10, 5])
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
        self.assertEqual(client.lifecycle_review_date, TODAY + timedelta(days=11))

    def test_window_day_leaving_is_reviewed(self):
        """The nightly run updates the average on the day an order leaves the P-day window."""
        self.company.lifecycle_frequency_window_days = 30
        client = self._aged_client("Client", [30, 20, 5])
        self.assertEqual(client.lifecycle_avg_interval_days, 12.5)
        with freeze_time("2026-06-02 12:00:00"):
            self._cron()
        self.assertEqual(client.lifecycle_avg_interval_days, 15.0)

    def test_planning_inactive_days(self):
        """A client idle for X days or more leaves delivery planning on that very day."""
        self.company.lifecycle_planning_inactive_days = 60
        idle = self._aged_client("Idle", [60])
        busy = self._aged_client("Busy", [59])
        self._cron()
        self.assertEqual(idle.lifecycle_plannable, False)
        self.assertEqual(busy.lifecycle_plannable, True)
        with freeze_time("2026-06-02 12:00:00"):
            self._cron()
        self.assertEqual(busy.lifecycle_plannable, False)

    def test_other_company_untouched(self):
        """One company's recalculation never changes another company's clients."""
        other = self.env["res.company"].create({"name": "Other Water", "lifecycle_tz": "UTC"})
        foreign = self._aged_client("Foreign", [300], company=other)
        local = self._aged_client("Local", [300])
        self.recalculation._recalculate_company(self.company)
        self.assertEqual(local.lifecycle_status_id, self.status_sleeping)
        self.assertEqual(foreign.lifecycle_status_id, self.status_working)
        self.recalculation._recalculate_company(other)
        self.assertEqual(foreign.lifecycle_status_id, self.status_sleeping)

    def test_other_company_settings_apply(self):
        """Each company's clients follow that company's own numbers."""
        other = self.env["res.company"].create({"name": "Other Water"})
        other.lifecycle_sleeping_days = 400
        client = self._aged_client("Foreign", [300], company=other)
        self._cron()
        self.recalculation._recalculate_partners(client)
        self.assertEqual(client.lifecycle_status_id, self.status_working)

    def test_settings_change_queues_a_full_recalculation(self):
        """Saving new numbers queues one background recalculation of every client."""
        jobs = self.env["partner.lifecycle.job"]
        regular = self._aged_client("Regular", [30, 20])
        self.company.lifecycle_permanent_order_count = 2
        self.company.lifecycle_sleeping_days = 170
        queued = jobs.search([("company_id", "=", self.company.id), ("state", "=", "queued")])
        self.assertEqual(len(queued), 1)
        self.assertEqual(queued.all_clients, True)
        self.assertEqual(regular.lifecycle_status_id, self.status_working)
        jobs._cron_run_jobs()
        self.assertEqual(queued.state, "done")
        self.assertEqual(regular.lifecycle_status_id, self.status_permanent)

    def test_install_hook_fills_existing_clients(self):
        """The install hook records past deliveries and recalculates every client."""
        client = self._aged_client("Old", [40, 30, 20])
        client._lifecycle_write_system(
            {"lifecycle_first_delivery_date": False, "lifecycle_order_count": 0}
        )
        client._lifecycle_write_system({"lifecycle_status_id": False})
        jobs = self.env["partner.lifecycle.job"].search_count([])
        post_init_hook(self.env)
        self.assertEqual(client.lifecycle_first_delivery_date, TODAY)
        self.assertEqual(client.lifecycle_order_count, 3)
        self.assertEqual(client.lifecycle_status_id, self.status_permanent)
        self.assertEqual(self.env["partner.lifecycle.job"].search_count([]), jobs)

    def test_full_recalculation_equals_stored_state(self):
        """After hooks and nightly runs, a full recalculation finds nothing to change."""
        self._aged_client("Idle", [400, 300, 200])
        self._aged_client("Regular", [30, 20, 10])
        self._aged_client("New", [3])
        self._cron()
        self._assert_as_full_recalculation()
