import psycopg2

from odoo import api, fields, models
from odoo.tools import SQL, mute_logger

from .partner_lifecycle_recalculation import LOCK_ERRORS


class StockPicking(models.Model):
    _inherit = "stock.picking"

    lifecycle_status_id = fields.Many2one(
        related="partner_id.commercial_partner_id.lifecycle_status_id",
        string="Client Status",
        tracking=False,
    )
    lifecycle_status_color = fields.Integer(related="lifecycle_status_id.color")

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
        refresh them. A return (goods back from a client) does not undo a delivery."""
        first = {}
        for picking in self.filtered(lambda p: p._lifecycle_is_client_delivery()):
            client = picking.partner_id.commercial_partner_id.sudo()
            day = client._lifecycle_company()._lifecycle_date(picking.date_done)
            known = first.get(client) or client.lifecycle_first_delivery_date
            if not known or day < known:
                first[client] = day
        if first:
            clients = self.env["res.partner"].sudo().concat(*first)
            self._lifecycle_set_first_delivery(first)
            clients._lifecycle_refresh()

    @api.model
    def _lifecycle_set_first_delivery(self, days):
        """Store the first delivery day of clients (``days``: client -> day) in one UPDATE,
        without the tracking machinery of a write (the hot path of delivery validation),
        and without waiting: the rows are locked with NOWAIT in a savepoint. When another
        transaction holds one of them (or changed it since this transaction began), the
        clients are marked with their day instead (``partner.lifecycle.queue``): the next
        run stores it before it reads their facts."""
        ids = [client.id for client in days]
        try:
            with self.env.cr.savepoint(flush=False), mute_logger("odoo.sql_db"):
                self.env["partner.lifecycle.recalculation"]._lock(ids, mode="nowait")
                self.env.cr.execute(
                    SQL(
                        """UPDATE res_partner p SET lifecycle_first_delivery_date = v.day
                             FROM unnest(%s::int[], %s::date[]) AS v(id, day)
                            WHERE p.id = v.id""",
                        ids,
                        list(days.values()),
                    )
                )
        except psycopg2.DatabaseError as error:
            if error.pgcode not in LOCK_ERRORS:
                raise
            marks = self.env["partner.lifecycle.queue"]
            marks._mark(ids, first_delivery_dates={c.id: day for c, day in days.items()})
            return
        clients = self.env["res.partner"].concat(*days)
        clients.invalidate_recordset(["lifecycle_first_delivery_date"])
        clients.modified(["lifecycle_first_delivery_date"])
