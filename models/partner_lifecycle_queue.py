from odoo import api, fields, models
from odoo.tools import SQL


class PartnerLifecycleQueue(models.Model):
    """A client to recalculate at the next incremental run.

    A hook that cannot lock a client at once (another transaction holds it)
    marks it here instead of waiting; a run skipping a locked client does the
    same. Rows are plain inserts (no unique key), so marking never waits nor
    conflicts; the run that recalculates a client deletes its marks.
    """

    _name = "partner.lifecycle.queue"
    _description = "Client Waiting for a Lifecycle Recalculation"
    _log_access = False

    partner_id = fields.Many2one("res.partner", required=True, index=True, ondelete="cascade")

    @api.model
    def _mark(self, partner_ids):
        """Mark the clients and have the incremental run start soon."""
        if not partner_ids:
            return
        self.env.cr.execute(
            SQL(
                "INSERT INTO partner_lifecycle_queue (partner_id) SELECT unnest(%s::int[])",
                list(partner_ids),
            )
        )
        cron = self.env.ref("partner_lifecycle.ir_cron_recompute", raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger()

    @api.model
    def _unmark(self, partner_ids):
        """Forget the marks of these clients (the caller recalculates them now)."""
        if partner_ids:
            self.env.cr.execute(
                SQL(
                    "DELETE FROM partner_lifecycle_queue WHERE partner_id = ANY(%s)",
                    list(partner_ids),
                )
            )
