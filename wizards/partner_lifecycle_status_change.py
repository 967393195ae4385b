from odoo import api, fields, models

from .selection import selected_partners


class PartnerLifecycleStatusChange(models.TransientModel):
    """Give one status to many clients at once, with an optional reason kept in the history."""

    _name = "partner.lifecycle.status.change"
    _description = "Change Client Status"

    partner_ids = fields.Many2many(
        "res.partner",
        string="Clients",
        default=lambda self: selected_partners(self.env).commercial_partner_id,
    )
    partner_count = fields.Integer(string="Selected Clients", compute="_compute_partner_count")
    status_id = fields.Many2one(
        "partner.lifecycle.status", string="New Status", required=True, ondelete="cascade"
    )
    reason = fields.Char()

    @api.depends("partner_ids")
    def _compute_partner_count(self):
        for wizard in self:
            wizard.partner_count = len(wizard.partner_ids)

    def action_apply(self):
        """Write the status on the clients' commercial entities; history records the reason."""
        self.ensure_one()
        status = self.status_id
        clients = self.partner_ids.commercial_partner_id.filtered(
            lambda partner: partner.lifecycle_status_id != status
        )
        clients.with_context(lifecycle_change_reason=self.reason or False).write(
            {"lifecycle_status_id": status.id}
        )
        return {"type": "ir.actions.act_window_close"}
