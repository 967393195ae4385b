from odoo import fields, models

from .selection import selected_partners


class PartnerLifecycleTerminate(models.TransientModel):
    """Terminate the contract of the selected clients: they become former clients."""

    _name = "partner.lifecycle.terminate"
    _description = "Terminate Client Contract"

    partner_ids = fields.Many2many(
        "res.partner",
        string="Clients",
        required=True,
        default=lambda self: selected_partners(self.env).commercial_partner_id,
    )
    date = fields.Date(string="Termination Date", required=True, default=fields.Date.context_today)
    reason = fields.Text()

    def action_terminate(self):
        """Set the former status, the date and the reason on every client."""
        self.ensure_one()
        self.partner_ids.action_lifecycle_terminate(self.date, self.reason)
        return {"type": "ir.actions.act_window_close"}
