from odoo import api, fields, models
from odoo.exceptions import UserError

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
        "res.company", required=True, default=lambda self: self.env.company
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
        """Run the recalculation on the scope, keep its counts and show them."""
        self.ensure_one()
        recalculation = self.env["partner.lifecycle.recalculation"]
        if self.scope == "company":
            stats = recalculation._recalculate_company(self.company_id)
        elif self.partner_ids:
            stats = recalculation._recalculate_partners(self._clients())
        else:
            raise UserError(self.env._("Select the clients in the contacts list first."))
        self.write(
            {
                "state": "done",
                "client_count": stats.get("clients", 0),
                "changed_count": stats.get("changed", 0),
                "result": self._format_changes(stats),
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

    def _format_changes(self, stats):
        """One line per new status: its name and how many clients moved to it."""
        statuses = self.env["partner.lifecycle.status"].sudo().with_context(active_test=False)
        counts = {
            statuses.browse(int(key.split(":", 1)[1])): count
            for key, count in stats.items()
            if key.startswith("status:")
        }
        if not counts:
            return self.env._("No client changed status.")
        return "\n".join(
            self.env._("%(status)s: %(count)s", status=status.name, count=count)
            for status, count in sorted(
                counts.items(), key=lambda item: (item[0].sequence, item[0].id)
            )
        )
