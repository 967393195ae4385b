from odoo import api, fields, models
from odoo.exceptions import UserError

from .res_company import ROLE_FIELDS


class PartnerLifecycleStatus(models.Model):
    """A client status of the directory (New, Working, Permanent, Sleeping, Former, ...)."""

    _name = "partner.lifecycle.status"
    _description = "Client Status"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    color = fields.Integer()
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    company_id = fields.Many2one(
        "res.company", help="Leave empty to share the status with every company."
    )
    partner_count = fields.Integer(compute="_compute_partner_count", string="Clients")

    def _compute_partner_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("lifecycle_status_id", "in", self.ids)],
                ["lifecycle_status_id"],
                ["__count"],
            )
        )
        for status in self:
            status.partner_count = counts.get(status, 0)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_in_use(self):
        """Refuse to delete a status that a client or a company setting uses."""
        partners = self.env["res.partner"].with_context(active_test=False)
        used = partners.sudo().search_count([("lifecycle_status_id", "in", self.ids)], limit=1)
        domain = ["|"] * (len(ROLE_FIELDS) - 1) + [
            (field_name, "in", self.ids) for field_name in ROLE_FIELDS.values()
        ]
        mapped = self.env["res.company"].sudo().search_count(domain, limit=1)
        if used or mapped:
            raise UserError(
                self.env._(
                    "A client status in use by clients or in a company's settings cannot be "
                    "deleted; archive it instead."
                )
            )
