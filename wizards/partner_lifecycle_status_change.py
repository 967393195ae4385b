from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.notification import notification
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
    selection_summary = fields.Char(string="Selection", compute="_compute_partner_count")
    status_id = fields.Many2one(
        "partner.lifecycle.status", string="New Status", required=True, ondelete="cascade"
    )
    reason = fields.Char()
    hold_until = fields.Date(
        help="The status holds until the client's next confirmed order; give a date to end "
        "the hold earlier.",
    )

    @api.depends("partner_ids")
    def _compute_partner_count(self):
        for wizard in self:
            count = len(wizard.partner_ids)
            wizard.partner_count = count
            if count == 1:
                wizard.selection_summary = self.env._("1 client selected.")
            else:
                wizard.selection_summary = self.env._("%(count)s clients selected.", count=count)

    def action_apply(self):
        """Change the clients' status now, or in the background for a large selection."""
        self.ensure_one()
        clients = self.partner_ids.commercial_partner_id
        if not clients:
            raise UserError(self.env._("Select at least one client."))
        jobs = self.env["partner.lifecycle.job"]
        if jobs._runs_in_background(clients):
            self.env["partner.lifecycle.act"]._check_change_status(
                clients, self.status_id, hold_until=self.hold_until
            )
            job = jobs._queue(
                {
                    "kind": "status",
                    "company_id": self.env.company.id,
                    "user_id": self.env.user.id,
                    "partner_ids": [(6, 0, clients.ids)],
                    "total_count": len(clients),
                    "status_id": self.status_id.id,
                    "reason": self.reason or False,
                    "date": self.hold_until,
                }
            )
            return jobs._queued_notification(job)
        # counted, not checked: the act checks the user's rights
        already = clients.sudo().filtered(
            lambda client: client.lifecycle_status_id == self.status_id
        )
        clients._lifecycle_change_by_person(self.status_id, self.reason, hold_until=self.hold_until)
        moved = clients.sudo().filtered(lambda client: client.lifecycle_status_id == self.status_id)
        return self._applied_notification(len(moved - already), len(clients))

    def _applied_notification(self, moved, selected):
        """The notification of a change done: how many of the ``selected`` clients moved to
        the new status (none: they had it already)."""
        status = self.status_id.name
        if moved > 1:
            return notification(
                self.env._("%(count)s clients moved to %(status)s.", count=moved, status=status)
            )
        if moved == 1:
            return notification(self.env._("1 client moved to %(status)s.", status=status))
        if selected == 1:
            message = self.env._("The client already has the status %(status)s.", status=status)
        else:
            message = self.env._(
                "The selected clients already have the status %(status)s.", status=status
            )
        return notification(message, kind="info")
