from datetime import date

from odoo.tests import freeze_time, tagged
from odoo.tools import SQL

from .common import LifecycleCommon
from .test_migration import load_migration

TODAY = date(2026, 6, 1)


@tagged("post_install", "-at_install")
@freeze_time("2026-06-01 12:00:00")
class TestMigrationWhole(LifecycleCommon):
    """18.0.1.3.0 databases whose data came in behind the add-on's back are whole after
    the upgrade: every status explained, every confirmed order with its status at order."""

    def test_unexplained_status_and_order_without_status(self):
        """A status written in SQL without a history row gets its row; an order confirmed in
        SQL without a status at order gets the client's status before its day; a second
        run adds nothing."""
        imported = self._client("Imported")
        self.env.cr.execute(
            SQL(
                "UPDATE res_partner SET lifecycle_status_id = %s WHERE id = %s",
                self.status_permanent.id,
                imported.id,
            )
        )
        self.env.cr.execute(
            SQL("DELETE FROM partner_lifecycle_history WHERE partner_id = %s", imported.id)
        )
        ordering = self._aged_client("Ordering", [30])
        order = self.env["sale.order"].search([("partner_id", "=", ordering.id)])
        self.env.cr.execute(
            SQL(
                "UPDATE sale_order SET lifecycle_status_at_order_id = NULL WHERE id = %s",
                order.id,
            )
        )
        self.env.invalidate_all()
        migration = load_migration("18.0.1.4.0", "post-whole")
        migration.migrate(self.env.cr, "18.0.1.3.0")
        self.env.invalidate_all()
        rows = imported.lifecycle_history_ids
        self.assertEqual(rows.mapped("new_status_id"), self.status_permanent)
        self.assertEqual(order.lifecycle_status_at_order_id, self.status_new)
        migration.migrate(self.env.cr, "18.0.1.3.0")
        self.env.invalidate_all()
        self.assertEqual(len(imported.lifecycle_history_ids), 1)
        self.assertEqual(order.lifecycle_status_at_order_id, self.status_new)
