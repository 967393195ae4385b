from datetime import date, datetime

import pytz

from odoo.tests import freeze_time, tagged
from odoo.tools import SQL

from ..models.lifecycle_context import NO_STATUS_KEY, internal
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
        self.assertEqual(self._stages(first | second), [])
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

    def _created_day(self, partner):
        """The partner's creation day in its company's time zone (the database's clock
        dates the creation, not the test's)."""
        zone = pytz.timezone(self.company.lifecycle_tz or "UTC")
        return pytz.utc.localize(partner.create_date).astimezone(zone).date()

    def _row(self, client):
        """The client's row of the stages table as stored: (company id, date_new, working)."""
        self.env.cr.execute(
            SQL(
                """SELECT company_id, date_new, date_working FROM partner_lifecycle_funnel_stage
                    WHERE partner_id = %s""",
                client.id,
            )
        )
        return self.env.cr.fetchall()

    def test_a_client_without_history_enters_new_on_its_creation_day(self):
        """A customer created without a status (no history row at all) has its funnel row
        from its creation, counted in the base; a partner that is no client has none, until
        its first sale makes it a customer."""
        Partner = self.env["res.partner"].with_context(**internal(NO_STATUS_KEY))
        customer = Partner.create({"name": "Bare customer", "customer_rank": 1})
        vendor = Partner.create({"name": "Bare vendor"})
        self.assertFalse(customer.lifecycle_history_ids)
        self.assertEqual(
            self._stages(customer), [("Bare customer", self._created_day(customer), False, False)]
        )
        self.assertEqual(self._stages(vendor), [])
        vendor._increase_rank("customer_rank")
        self.assertEqual(
            self._stages(vendor), [("Bare vendor", self._created_day(vendor), False, False)]
        )

    def test_an_archived_partner_unarchived_gets_its_row(self):
        """A partner archived before it ever was counted gets its row when it comes back."""
        Partner = self.env["res.partner"].with_context(**internal(NO_STATUS_KEY))
        client = Partner.create({"name": "Returning", "customer_rank": 1, "active": False})
        self.assertEqual(self._row(client), [])
        client.active = True
        self.assertEqual(self._row(client), [(None, self._created_day(client), None)])

    def test_a_new_company_moves_the_row_and_its_days(self):
        """The row keeps the client's company (the report's company rule reads it) and,
        when the client moves to a company in another time zone, its days move too."""
        other = self.env["res.company"].create({"name": "Far East Water"})
        other.lifecycle_tz = "Asia/Vladivostok"
        client = self._set_history(
            self._client("Moving client", company_id=self.company.id),
            [(date(2026, 1, 5), self.status_new), (date(2026, 1, 9), self.status_working)],
        )
        client.lifecycle_history_ids.filtered(
            lambda row: row.new_status_id == self.status_working
        ).write({"date": datetime(2026, 1, 9, 20, 0)})
        self.assertEqual(self._row(client)[0][0], self.company.id)
        self.assertEqual(self._row(client)[0][2], date(2026, 1, 9))
        client.company_id = other
        self.assertEqual(self._row(client)[0][0], other.id)
        self.assertEqual(self._row(client)[0][2], date(2026, 1, 10))  # 06:00 in Vladivostok
        mine = self.Funnel.with_company(self.company).with_context(
            allowed_company_ids=[self.company.id]
        )
        user = self.env["res.users"].create(
            {
                "name": "Funnel reader",
                "login": "funnel.reader",
                "company_id": self.company.id,
                "company_ids": [(6, 0, [self.company.id])],
                "groups_id": [(6, 0, [self.env.ref("sales_team.group_sale_manager").id])],
            }
        )
        seen = mine.with_user(user).search([("partner_id", "=", client.id)])
        self.assertFalse(seen)

    def test_an_upgrade_adds_the_company_and_the_missing_rows(self):
        """A stages table of the earlier layout (no company, no row for a client without
        history) gets both on the add-on's upgrade, and the funnel counts that client."""
        first, _second = self._two_clients()
        Partner = self.env["res.partner"].with_context(**internal(NO_STATUS_KEY))
        bare = Partner.create({"name": "Stage C", "customer_rank": 1})
        self.env.cr.execute(
            SQL(
                """ALTER TABLE partner_lifecycle_funnel_stage DROP COLUMN company_id;
                   DELETE FROM partner_lifecycle_funnel_stage WHERE partner_id = %s""",
                bare.id,
            )
        )
        self.env["partner.lifecycle.funnel.stage"]._create_table()
        self.assertEqual(self._row(first), [(None, date(2026, 1, 1), date(2026, 1, 9))])
        self.assertEqual(self._stages(bare), [("Stage C", self._created_day(bare), False, False)])
