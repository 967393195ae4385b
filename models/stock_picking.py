from odoo import fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    lifecycle_status_id = fields.Many2one(
        related="partner_id.commercial_partner_id.lifecycle_status_id",
        string="Client Status",
        tracking=False,
    )
    lifecycle_status_color = fields.Integer(related="lifecycle_status_id.color")
    lifecycle_zone_id = fields.Many2one(
        "partner.lifecycle.zone",
        string="Delivery Zone",
        index="btree_not_null",
        check_company=True,
        help="The delivery zone (route) of the order the delivery was made for.",
    )

    def _action_done(self):
        result = super()._action_done()
        self._lifecycle_deliveries_done()
        return result

    def _lifecycle_is_client_delivery(self):
        """A delivery to a client: done, into a customer location (dropship included)."""
        self.ensure_one()
        return (
            self.state == "done" and self.partner_id and self.location_dest_id.usage == "customer"
        )

    def _lifecycle_deliveries_done(self):
        """Record the first delivery date of the clients (in their company's time zone) and
        refresh them, without waiting for a client row another transaction holds (the
        day is then kept in the client's mark for the next run: ``partner.lifecycle.
        recalculation._recalculate_partners``). A return (goods back from a client) does
        not undo a delivery."""
        first = {}
        for picking in self.filtered(lambda p: p._lifecycle_is_client_delivery()):
            client = picking.partner_id.commercial_partner_id.sudo()
            day = client._lifecycle_company()._lifecycle_date(picking.date_done)
            known = first.get(client) or client.lifecycle_first_delivery_date
            if not known or day < known:
                first[client] = day
        if first:
            recalculation = self.env["partner.lifecycle.recalculation"].sudo()
            recalculation._recalculate_partners(
                self.env["res.partner"].sudo().concat(*first),
                first_deliveries={client.id: day for client, day in first.items()},
            )
