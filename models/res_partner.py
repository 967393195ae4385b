from odoo import api, fields, models
from odoo.exceptions import AccessError

#: Context key that keeps the "at creation" status off new partners (users, companies).
NO_STATUS_KEY = "lifecycle_no_status"


class ResPartner(models.Model):
    _inherit = "res.partner"

    lifecycle_status_id = fields.Many2one(
        "partner.lifecycle.status",
        string="Client Status",
        tracking=True,
        index=True,
        copy=False,
        ondelete="restrict",
        group_expand="_read_group_lifecycle_status_id",
        help="Lifecycle status of the client (held by the commercial entity).",
    )
    lifecycle_commercial_status_id = fields.Many2one(
        related="commercial_partner_id.lifecycle_status_id",
        string="Lifecycle Status",
        readonly=False,
        help="Client status of the commercial entity, shown on its contact persons too.",
    )
    lifecycle_status_date = fields.Date(string="Status Since", copy=False, readonly=True)
    lifecycle_reason = fields.Char(
        string="Reason of Last Automatic Change", copy=False, readonly=True
    )
    lifecycle_order_count = fields.Integer(string="Confirmed Orders", copy=False, readonly=True)
    lifecycle_last_order_date = fields.Date(string="Last Order", copy=False, readonly=True)
    lifecycle_avg_interval_days = fields.Float(
        string="Average Order Frequency (Days)",
        digits=(16, 1),
        copy=False,
        readonly=True,
        help="Mean number of days between the client's orders, by the company settings.",
    )
    lifecycle_next_order_date = fields.Date(string="Expected Next Order", copy=False, readonly=True)
    lifecycle_plannable = fields.Boolean(
        string="In Delivery Planning",
        default=True,
        copy=False,
        readonly=True,
        help="Unset for former clients and clients idle longer than the planning setting.",
    )
    lifecycle_first_delivery_date = fields.Date(string="First Delivery", copy=False, readonly=True)
    lifecycle_termination_date = fields.Date(
        string="Contract Terminated On", copy=False, tracking=True
    )
    lifecycle_termination_reason = fields.Text(
        string="Termination Reason", copy=False, tracking=True
    )
    lifecycle_history_ids = fields.One2many(
        "partner.lifecycle.history", "partner_id", string="Status History", readonly=True
    )

    @api.model
    def _read_group_lifecycle_status_id(self, statuses, domain):
        return statuses.search([])

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        if not self.env.context.get(NO_STATUS_KEY):
            partners._lifecycle_set_creation_status()
        return partners

    def write(self, vals):
        if "lifecycle_status_id" not in vals:
            return super().write(vals)
        status = self.env["partner.lifecycle.status"].browse(vals["lifecycle_status_id"])
        changed = self.filtered(lambda partner: partner.lifecycle_status_id != status)
        history = [(partner, partner.lifecycle_status_id) for partner in changed]
        result = super().write(vals)
        if changed and "lifecycle_status_date" not in vals:
            changed.write({"lifecycle_status_date": fields.Date.context_today(self)})
        self.env["partner.lifecycle.history"]._log_manual_changes(history, status)
        changed._lifecycle_reinstate(status)
        return result

    def _lifecycle_reinstate(self, status):
        """A person moving a terminated client out of "former" reinstates its contract."""
        for partner in self.filtered("lifecycle_termination_date"):
            former = partner._lifecycle_company().lifecycle_status_former_id
            if status != former:
                partner.lifecycle_termination_date = False

    def _lifecycle_company(self):
        """The company whose settings rule this client: its own, else the main company."""
        self.ensure_one()
        return self.company_id or self.env["res.company"]._lifecycle_default_company()

    def _lifecycle_set_creation_status(self):
        """Give new commercial entities the "at creation" status of their company."""
        for partner in self.filtered(
            lambda p: p.commercial_partner_id == p and not p.lifecycle_status_id
        ):
            status = partner._lifecycle_company().lifecycle_status_on_create_id
            if status:
                partner.sudo().with_context(
                    tracking_disable=True, lifecycle_origin="automatic"
                ).write({"lifecycle_status_id": status.id})

    def _lifecycle_refresh(self):
        """Recompute the facts and the status of these clients now (hooks call this)."""
        commercial = self.commercial_partner_id
        if commercial:
            self.env["partner.lifecycle.recalculation"]._recalculate_partners(commercial)

    def action_lifecycle_terminate(self, date=None, reason=None):
        """Terminate the clients' contracts: former status, date and reason on the card."""
        if not (self.env.su or self.env.user.has_group("sales_team.group_sale_manager")):
            raise AccessError(self.env._("Only sales managers can terminate a client's contract."))
        self.env["partner.lifecycle.recalculation"]._terminate(
            self.commercial_partner_id, date or fields.Date.context_today(self), reason
        )
        return True

    def action_lifecycle_recalculate(self):
        """Recompute order frequency and statuses of these clients."""
        return self.env["partner.lifecycle.recalculation"]._recalculate_partners(
            self.commercial_partner_id
        )
