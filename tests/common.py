from datetime import date, datetime, time, timedelta

from odoo import Command
from odoo.tests import TransactionCase, new_test_user

from ..models.partner_lifecycle_decision import FACT_COLUMNS

#: What a recalculation stores for a client, compared before and after.
STORED = ("lifecycle_status_id", "lifecycle_status_date", *FACT_COLUMNS)


class LifecycleCommon(TransactionCase):
    """Shared fixtures: the default statuses, a storable product, sales users and clients."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.status_new = cls.env.ref("partner_lifecycle.status_new")
        cls.status_working = cls.env.ref("partner_lifecycle.status_working")
        cls.status_permanent = cls.env.ref("partner_lifecycle.status_permanent")
        cls.status_sleeping = cls.env.ref("partner_lifecycle.status_sleeping")
        cls.status_former = cls.env.ref("partner_lifecycle.status_former")
        cls.company.write(
            {
                "lifecycle_status_on_create_id": cls.status_new.id,
                "lifecycle_status_on_first_order_id": cls.status_working.id,
                "lifecycle_status_permanent_id": cls.status_permanent.id,
                "lifecycle_status_sleeping_id": cls.status_sleeping.id,
                "lifecycle_status_former_id": cls.status_former.id,
                "lifecycle_first_order_trigger": "delivery",
                "lifecycle_permanent_order_count": 3,
                "lifecycle_sleeping_days": 180,
                "lifecycle_frequency_window_days": 0,
                "lifecycle_frequency_max_gap_days": 0,
                "lifecycle_frequency_trim_extremes": False,
                "lifecycle_planning_inactive_days": 0,
                "lifecycle_tz": "UTC",
            }
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Water 19 l", "type": "consu", "is_storable": True, "list_price": 5.0}
        )
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.env["stock.quant"]._update_available_quantity(
            cls.product, cls.warehouse.lot_stock_id, 10000
        )
        cls.salesman = new_test_user(
            cls.env, login="lc_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.sales_manager = new_test_user(
            cls.env, login="lc_sales_manager", groups="sales_team.group_sale_manager"
        )
        cls.plain_user = new_test_user(cls.env, login="lc_plain", groups="base.group_user")
        cls.recalculation = cls.env["partner.lifecycle.recalculation"]

    @classmethod
    def _client(cls, name="Client", **values):
        return cls.env["res.partner"].create({"name": name, **values})

    @classmethod
    def _order(cls, partner, day=None, confirm=True, qty=1):
        """A one-line order of ``partner``, confirmed (and dated ``day``) unless told."""
        company = partner.company_id or cls.company
        order = (
            cls.env["sale.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": partner.id,
                    "order_line": [
                        Command.create({"product_id": cls.product.id, "product_uom_qty": qty})
                    ],
                }
            )
        )
        if confirm:
            order.action_confirm()
            if day:
                order.date_order = datetime.combine(day, time(12, 0))
        return order

    @classmethod
    def _deliver(cls, order, qty=None):
        """Validate the order's open delivery, fully or for ``qty`` units (backorder kept)."""
        picking = order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))[:1]
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty if qty is None else qty
            move.picked = True
        picking.with_context(skip_backorder=qty is None, cancel_backorder=False)._action_done()
        return picking

    @classmethod
    def _aged_client(cls, name, days_ago, company=None, today=None):
        """A client with one confirmed order per entry of ``days_ago`` (the first delivered),
        last recalculated on the day of its last order, as if time had passed since."""
        today = today or date.today()
        client = cls._client(name, company_id=(company or cls.env["res.company"]).id)
        for index, days in enumerate(days_ago):
            order = cls._order(client, day=today - timedelta(days=days))
            if not index:
                cls._deliver(order)
        last_day = today - timedelta(days=min(days_ago))
        cls.env["partner.lifecycle.recalculation"]._recalculate_partners(client, today=last_day)
        return client

    def _set_history(self, client, steps, origin="reconstructed"):
        """Replace ``client``'s history by ``steps``, ``(day, status)`` pairs in order, each
        at noon UTC."""
        client.lifecycle_history_ids.unlink()
        old = self.env["partner.lifecycle.status"]
        values = []
        for day, status in steps:
            values.append(
                {
                    "partner_id": client.id,
                    "date": datetime.combine(day, time(12, 0)),
                    "old_status_id": old.id,
                    "new_status_id": status.id,
                    "origin": origin,
                }
            )
            old = status
        self.env["partner.lifecycle.history"].create(values)
        return client

    def _stored(self, partners):
        """The stored lifecycle values of ``partners``, by id."""
        partners.invalidate_recordset(list(STORED))
        return {
            row["id"]: {name: row[name] for name in STORED}
            for row in partners.with_context(active_test=False).read(list(STORED))
        }

    def _assert_as_full_recalculation(self, company=None, today=None):
        """The stored values equal what a full recalculation from scratch computes."""
        company = company or self.company
        recalculation = self.env["partner.lifecycle.recalculation"]
        clients = self.env["res.partner"].browse(recalculation._client_ids(company))
        before = self._stored(clients)
        # from scratch: no stored fingerprint, every client decided again
        self.env.cr.execute("DELETE FROM partner_lifecycle_fingerprint")
        stats = recalculation._recalculate_company(company, today=today)
        after = self._stored(clients)
        differences = [
            f"{self.env['res.partner'].browse(pid).display_name}: {name} "
            f"stored {values[name]!r}, recalculated {after[pid][name]!r}"
            for pid, values in before.items()
            for name in STORED
            if values[name] != after[pid][name]
        ]
        self.assertEqual(differences, [], "stored values differ from a full recalculation")
        self.assertEqual(stats["changed"], 0)
