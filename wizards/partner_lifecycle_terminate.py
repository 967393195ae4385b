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
    date = fields.Date(
        string="Termination Date",
        required=True,
        default=lambda self: self.env.company._lifecycle_today(),
    )
    reason = fields.Text()

    def action_terminate(self):
        """Set the former status, the date and the reason on every client (in the background
        for a large selection)."""
        self.ensure_one()
        clients = self.partner_ids.commercial_partner_id
        jobs = self.env["partner.lifecycle.job"]
        if jobs._runs_in_background(clients):
            clients._lifecycle_check_manager(
                self.env._("Only sales managers can terminate a client's contract.")
            )
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
        return {"type": "ir.actions.act_window_close"}
