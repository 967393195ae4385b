from datetime import datetime, time

from odoo import Command
from odoo.tests import TransactionCase, new_test_user


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
