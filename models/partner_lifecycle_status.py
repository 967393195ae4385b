from odoo import api, fields, models
from odoo.exceptions import UserError

from ..engine import roles
from .res_company import ROLE_FIELDS


class PartnerLifecycleStatus(models.Model):
    """A client status of the directory (New, Working, Permanent, Sleeping, Former, ...)."""

    _name = "partner.lifecycle.status"
    _description = "Client Status"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=lambda self: self._default_sequence())
    color = fields.Integer()
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    company_id = fields.Many2one(
        "res.company", help="Leave empty to share the status with every company."
    )
    partner_count = fields.Integer(compute="_compute_partner_count", string="Clients")
    role = fields.Selection(
        [
            (roles.NEW, "New"),
            (roles.WORKING, "Working"),
            (roles.PERMANENT, "Permanent"),
            (roles.AT_RISK, "At risk"),
            (roles.SLEEPING, "Sleeping"),
            (roles.FORMER, "Former"),
        ],
        string="Lifecycle Role",
        compute="_compute_role",
        search="_search_role",
        help="What automation means by this status in the current company's settings.",
    )

    @api.depends_context("company")
    def _compute_role(self):
        role_of = self.env.company.sudo()._lifecycle_role_ids()[1]
        for status in self:
            status.role = role_of.get(status.id, False)

    def _search_role(self, operator, value):
        """Statuses mapped to the given roles in the settings of the user's companies."""
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(self.env._("Unsupported search on the lifecycle role."))
        wanted = {value} if isinstance(value, str) else set(value or ())
        ids = [
            status_id
            for company in self.env.companies.sudo()
            for status_id, role in company._lifecycle_role_ids()[1].items()
            if role in wanted
        ]
        return [("id", "in" if operator in ("=", "in") else "not in", ids)]

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

    @api.model
    def _default_sequence(self):
        """A new status comes after the last one."""
        last = (
            self.sudo().with_context(active_test=False).search([], order="sequence desc", limit=1)
        )
        return (last.sequence or 0) + 10

    def _usage(self):
        """(clients, companies) using these statuses, counted across every company."""
        partners = self.env["res.partner"].sudo().with_context(active_test=False)
        clients = partners.search_count([("lifecycle_status_id", "in", self.ids)])
        domain = ["|"] * (len(ROLE_FIELDS) - 1) + [
            (field_name, "in", self.ids) for field_name in ROLE_FIELDS.values()
        ]
        companies = self.env["res.company"].sudo().search_count(domain)
        return clients, companies

    def _check_unused(self, deleting=False):
        """Refuse to archive (or delete) a status that clients or settings use."""
        clients, companies = self._usage()
        if not (clients or companies):
            return
        values = {
            "statuses": ", ".join(self.mapped("display_name")),
            "clients": clients,
            "companies": companies,
        }
        if deleting:
            message = self.env._(
                "%(statuses)s cannot be deleted while in use. Clients with it: %(clients)s; "
                "companies whose settings map it: %(companies)s. Give those clients another "
                "status and change the settings first.",
                **values,
            )
        else:
            message = self.env._(
                "%(statuses)s cannot be archived while in use. Clients with it: %(clients)s; "
                "companies whose settings map it: %(companies)s. Give those clients another "
                "status and change the settings first.",
                **values,
            )
        raise UserError(message)

    def write(self, vals):
        if "active" in vals and not vals["active"]:
            self.filtered("active")._check_unused()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_in_use(self):
        """Refuse to delete a status that a client or a company setting uses."""
        self._check_unused(deleting=True)
