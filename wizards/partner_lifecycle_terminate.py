from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.notification import notification
from .selection import selected_partners


class PartnerLifecycleTerminate(models.TransientModel):
    """Terminate the contract of the selected clients: they become former clients."""

    _name = "partner.lifecycle.terminate"
    _description = "Terminate Client Contract"

    partner_ids = fields.Many2many(
        "res.partner",
        string="Clients",
        default=lambda self: selected_partners(self.env).commercial_partner_id,
    )
    selection_summary = fields.Char(string="Selection", compute="_compute_selection_summary")
    date = fields.Date(
        string="Termination Date",
        required=True,
        default=lambda self: self.env.company._lifecycle_today(),
    )
    reason = fields.Text()

    @api.depends("partner_ids")
    def _compute_selection_summary(self):
        for wizard in self:
            if len(wizard.partner_ids) == 1:
                wizard.selection_summary = self.env._(
                    "The client gets the status of terminated contracts; automation no longer "
                    "changes it."
                )
            else:
                wizard.selection_summary = self.env._(
                    "The selected clients get the status of terminated contracts; automation "
                    "no longer changes it."
                )

    def action_terminate(self):
        """Set the former status, the date and the reason on every client (in the background
        for a large selection)."""
        self.ensure_one()
        clients = self.partner_ids.commercial_partner_id
        if not clients:
            raise UserError(self.env._("Select at least one client."))
        jobs = self.env["partner.lifecycle.job"]
        if jobs._runs_in_background(clients):
            self.env["partner.lifecycle.act"]._check_terminate(clients)
            job = jobs._queue(
                {
                    "kind": "terminate",
                    "company_id": self.env.company.id,
                    "user_id": self.env.user.id,
                    "partner_ids": [(6, 0, clients.ids)],
                    "total_count": len(clients),
                    "date": self.date,
                    "reason": self.reason or False,
                }
            )
            return jobs._queued_notification(job)
        clients.action_lifecycle_terminate(self.date, self.reason)
        if len(clients) == 1:
            return notification(self.env._("Contract terminated for 1 client."))
        return notification(
            self.env._("Contracts terminated for %(count)s clients.", count=len(clients))
        )
