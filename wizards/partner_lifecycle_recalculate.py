from collections import Counter

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .selection import selected_partners


class PartnerLifecycleRecalculate(models.TransientModel):
    """Recalculate order frequency and statuses now, and tell what changed."""

    _name = "partner.lifecycle.recalculate"
    _description = "Recalculate Order Frequency"

    scope = fields.Selection(
        [("selected", "Selected clients"), ("company", "All clients of the company")],
        required=True,
        default=lambda self: "selected" if self._default_partner_ids() else "company",
    )
    partner_ids = fields.Many2many(
        "res.partner", string="Clients", default=lambda self: self._default_partner_ids()
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.companies.ids)],
    )
    state = fields.Selection([("draft", "To Run"), ("done", "Done")], default="draft")
    client_count = fields.Integer(string="Clients Checked", readonly=True)
    changed_count = fields.Integer(string="Clients Changed", readonly=True)
    result = fields.Text(string="Changes by Status", readonly=True)

    @api.model
    def _default_partner_ids(self):
        return selected_partners(self.env).commercial_partner_id

    def _clients(self):
        """The selected partners that are clients: customers, or partners with a status."""
        return self.partner_ids.commercial_partner_id.filtered(
            lambda partner: partner.customer_rank > 0 or partner.lifecycle_status_id
        )

    def action_recalculate(self):
        """Recalculate the scope: small selections at once, the rest in the background."""
        self.ensure_one()
        if self.company_id not in self.env.user.company_ids:
            raise AccessError(
                self.env._(
                    "You cannot recalculate the clients of %(company)s.",
                    company=self.company_id.name,
                )
            )
        jobs = self.env["partner.lifecycle.job"]
        if self.scope == "company":
            job = jobs._queue_recalculation(self.company_id, self.env.user)
            return jobs._queued_notification(job)
        clients = self._clients()
        if not self.partner_ids:
            raise UserError(self.env._("Select the clients in the contacts list first."))
        clients._lifecycle_check_manager(
            self.env._("Only sales managers can recalculate client statuses.")
        )
        if jobs._runs_in_background(clients):
            job = jobs._queue_recalculation(self.company_id, self.env.user, clients)
            return jobs._queued_notification(job)
        stats = self.env["partner.lifecycle.recalculation"].sudo()._recalculate_partners(clients)
        self.write(
            {
                "state": "done",
                "client_count": stats.get("clients", 0),
                "changed_count": stats.get("changed", 0),
                "result": jobs._format_counts(Counter(stats)),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Recalculate Order Frequency"),
        }
