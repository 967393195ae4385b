from datetime import date, datetime

from odoo.tests import freeze_time, tagged
from odoo.tools import SQL

from .common import LifecycleCommon
from .test_migration import load_migration


@tagged("post_install", "-at_install")
@freeze_time("2026-06-01 12:00:00")
class TestFunnelStages(LifecycleCommon):
    """The funnel's stages are kept as the history is written, and filled by the migration."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Funnel = cls.env["partner.lifecycle.report.funnel"]

    def _stages(self, clients):
        """(client name, entered New, Working, Permanent) as the funnel shows them."""
        self.env.invalidate_all()
        rows = self.Funnel.search([("partner_id", "in", clients.ids)])
        return sorted(
            (row.partner_id.name, row.date_new, row.date_working, row.date_permanent)
            for row in rows
        )

    def _created(self, name, steps):
        """A client created on 1 January 2026 at 09:00 UTC with the history ``steps``."""
        client = self._client(name)
        self.env.flush_all()
        moment = datetime(2026, 1, 1, 9, 0)
        self.env.cr.execute(
            SQL("UPDATE res_partner SET create_date = %s WHERE id = %s", moment, client.id)
        )
        client.invalidate_recordset(["create_date"])
        return self._set_history(client, steps)

    def _two_clients(self):
        new, working, permanent = self.status_new, self.status_working, self.status_permanent
        first = self._created(
            "Stage A",
            [(date(2026, 1, 5), new), (date(2026, 1, 9), working), (date(2026, 2, 9), permanent)],
        )
        second = self._created("Stage B", [(date(2026, 3, 1), new), (date(2026, 3, 4), working)])
        return first, second

    def test_migration_fills_the_stages_of_an_older_database(self):
        """A database of the previous release has no stages: the migration gives the funnel
        the same figures as before, twice."""
        first, second = self._two_clients()
        expected = [
            ("Stage A", date(2026, 1, 1), date(2026, 1, 9), date(2026, 2, 9)),
            ("Stage B", date(2026, 1, 1), date(2026, 3, 4), False),
        ]
        self.assertEqual(self._stages(first | second), expected)
        self.env.cr.execute(SQL("DELETE FROM partner_lifecycle_funnel_stage"))
        self.assertEqual(
            self._stages(first | second),
            [
                ("Stage A", date(2026, 1, 1), False, False),
                ("Stage B", date(2026, 1, 1), False, False),
            ],
        )
        migration = load_migration("18.0.1.4.0", "post-funnel-stages")
        migration.migrate(self.env.cr, "18.0.1.3.0")
        self.assertEqual(self._stages(first | second), expected)
        migration.migrate(self.env.cr, "18.0.1.3.0")
        self.assertEqual(self._stages(first | second), expected)

    def test_a_new_status_change_moves_the_client_forward(self):
        """A client written Permanent by the recalculation's history rows shows the day."""
        _first, second = self._two_clients()
        self.env["partner.lifecycle.history"].create(
            {
                "partner_id": second.id,
                "date": datetime(2026, 4, 2, 12, 0),
                "old_status_id": self.status_working.id,
                "new_status_id": self.status_permanent.id,
                "origin": "automatic",
            }
        )
        self.assertEqual(
            self._stages(second),
            [("Stage B", date(2026, 1, 1), date(2026, 3, 4), date(2026, 4, 2))],
        )

    def test_orders_reach_the_funnel(self):
        """A client's first order and delivery, through the hooks, reach Working in the funnel."""
        client = self._client("Ordering client")
        self._order(client, day=date(2026, 5, 20))
        rows = self.Funnel.search([("partner_id", "=", client.id)])
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows.date_new, date(2026, 6, 1))
        self.env.cr.execute(
            SQL(
                "SELECT date_new FROM partner_lifecycle_funnel_stage WHERE partner_id = %s",
                client.id,
            )
        )
        self.assertEqual(self.env.cr.fetchall(), [(date(2026, 6, 1),)])

    def test_merge_leaves_the_merged_past_out(self):
        """Merged into another client, a partner's history is no longer its funnel row, and
        the survivor's stages stay its own."""
        first, second = self._two_clients()
        wizard = self.env["base.partner.merge.automatic.wizard"].create({})
        wizard._merge((first | second).ids, first)
        self.assertFalse(second.exists())
        self.assertEqual(
            self._stages(first), [("Stage A", date(2026, 1, 1), date(2026, 1, 9), date(2026, 2, 9))]
        )
        self.env.cr.execute(
            SQL(
                "SELECT count(*) FROM partner_lifecycle_funnel_stage WHERE partner_id = %s",
                second.id,
            )
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)

    def test_a_new_time_zone_moves_the_days(self):
        """A change made at 22:00 UTC moves to the next day when the company's time zone
        becomes Moscow."""
        client = self._set_history(
            self._client("Late change"),
            [(date(2026, 1, 5), self.status_new), (date(2026, 1, 9), self.status_working)],
        )
        client.lifecycle_history_ids.filtered(
            lambda row: row.new_status_id == self.status_working
        ).write({"date": datetime(2026, 1, 9, 22, 0)})
        self.assertEqual(self._stages(client)[0][2], date(2026, 1, 9))
        self.company.lifecycle_tz = "Europe/Moscow"
        self.assertEqual(self._stages(client)[0][2], date(2026, 1, 10))
