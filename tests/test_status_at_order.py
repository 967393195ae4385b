from datetime import date, timedelta

from odoo.tests import freeze_time, tagged
from odoo.tools import SQL

from .common import LifecycleCommon
from .test_migration import load_migration

TODAY = date(2026, 6, 1)


@tagged("post_install", "-at_install")
@freeze_time("2026-06-01 12:00:00")
class TestStatusAtOrder(LifecycleCommon):
    """Each confirmed order keeps its client's status just before it counted; revenue
    splits by it in the sales analysis."""

    def _status_at(self, orders):
        orders.invalidate_recordset(["lifecycle_status_at_order_id"])
        return [order.lifecycle_status_at_order_id for order in orders]

    def _sleeper(self):
        client = self._aged_client("Sleeper", [300, 290])
        self.recalculation._recalculate_partners(client, today=TODAY)
        self.assertEqual(client.lifecycle_status_id, self.status_sleeping)
        return client

    def test_first_orders_of_a_new_client(self):
        """A new client's first order carries New, its second (after the first delivery
        made it working) Working; the first keeps New while the client moves on."""
        client = self._client("Fresh")
        first = self._order(client, qty=2)
        self.assertEqual(self._status_at(first), [self.status_new])
        self._deliver(first)
        self.assertEqual(client.lifecycle_status_id, self.status_working)
        second = self._order(client)
        self.assertEqual(self._status_at(first | second), [self.status_new, self.status_working])

    def test_reactivating_order_carries_sleeping(self):
        """The order that wakes a sleeping client up carries Sleeping, although the client
        is no longer sleeping afterwards."""
        client = self._sleeper()
        order = self._order(client, qty=3)
        self.assertNotEqual(client.lifecycle_status_id, self.status_sleeping)
        self.assertEqual(self._status_at(order), [self.status_sleeping])

    def test_quotation_has_none_until_confirmed(self):
        """A quotation has no status at order; confirming it gives it the status then."""
        client = self._sleeper()
        quotation = self._order(client, confirm=False)
        self.assertEqual(self._status_at(quotation), [self.status_sleeping.browse()])
        quotation.action_confirm()
        self.assertEqual(self._status_at(quotation), [self.status_sleeping])

    def test_sales_analysis_splits_revenue_by_status_at_order(self):
        """In the sales analysis, the untaxed revenue of the reactivating order (3 x 5.00)
        counts under Sleeping, the new client's first order (2 x 5.00) under New."""
        fresh, sleeper = self._client("Fresh"), self._sleeper()
        self._order(fresh, qty=2)
        self._order(sleeper, qty=3)
        self.env.flush_all()
        groups = self.env["sale.report"].read_group(
            [("partner_id", "in", (fresh | sleeper).ids), ("date", ">=", "2026-06-01")],
            ["price_subtotal:sum"],
            ["lifecycle_status_at_order_id"],
        )
        revenue = {g["lifecycle_status_at_order_id"][0]: g["price_subtotal"] for g in groups}
        self.assertEqual(revenue, {self.status_new.id: 10.0, self.status_sleeping.id: 15.0})

    def _forget(self, orders):
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE sale_order SET lifecycle_status_at_order_id = NULL WHERE id = ANY(%s)",
                orders.ids,
            )
        )
        orders.invalidate_recordset(["lifecycle_status_at_order_id"])

    def test_upgrade_fills_orders_from_the_history(self):
        """Orders confirmed before the upgrade get the status of the client's history
        before their day (New for the first, Working for the second, Sleeping for a
        reactivating one); a second run keeps every value."""
        fresh = self._client("Fresh")
        with freeze_time("2026-05-01 12:00:00"):
            first = self._order(fresh)
            self._deliver(first)
        second = self._order(fresh)
        sleeper = self._sleeper()
        waking = self._order(sleeper)
        orders = first | second | waking
        self._forget(orders)
        migration = load_migration("18.0.1.3.0", "post-status-at-order")
        migration.migrate(self.env.cr, "18.0.1.2.0")
        expected = [self.status_new, self.status_working, self.status_sleeping]
        self.assertEqual(self._status_at(orders), expected)
        migration.migrate(self.env.cr, "18.0.1.2.0")
        self.assertEqual(self._status_at(orders), expected)

    def test_install_fills_from_the_reconstructed_history(self):
        """At install the history is rebuilt from the orders, then each order gets the
        status before its day: with Working at the first order, a client ordering every 40
        days from 200 days ago reads New (the day it entered New), Working, Working (the
        third order made it permanent), Permanent, Permanent."""
        self.company.lifecycle_first_order_trigger = "order"
        client = self._aged_client("Regular", [200, 160, 120, 80, 40])
        orders = self.env["sale.order"].search([("partner_id", "=", client.id)], order="date_order")
        self._forget(orders)
        self.env["partner.lifecycle.reconstruction"]._reconstruct_history(self.company)
        self.env["sale.order"]._lifecycle_fill_status_at_order(self.company)
        self.assertEqual(
            self._status_at(orders),
            [self.status_new, self.status_working, self.status_working]
            + [self.status_permanent] * 2,
        )
        self.assertEqual(orders[0].date_order.date(), TODAY - timedelta(days=200))
