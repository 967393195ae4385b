from collections import Counter
from dataclasses import replace

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..models.lifecycle_context import BULK_KEY, internal
from .selection import selected_partners

#: The settings a manager can try in a preview, with their engine names.
PREVIEW_FIELDS = {
    "preview_permanent_order_count": "permanent_order_count",
    "preview_sleeping_days": "sleeping_days",
}
#: The company setting each number of the preview tries (same limits, same messages).
PREVIEW_COMPANY_FIELDS = {
    "preview_permanent_order_count": "lifecycle_permanent_order_count",
    "preview_sleeping_days": "lifecycle_sleeping_days",
    "preview_at_risk_factor": "lifecycle_at_risk_factor",
}


class PartnerLifecycleRecalculate(models.TransientModel):
    """Recalculate order frequency and statuses now (or preview it), and tell what changed."""

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
    preview_only = fields.Boolean(
        help="Compute what would change, write nothing; try other numbers before saving them "
        "in the settings.",
    )
    preview_permanent_order_count = fields.Integer(
        string="Permanent After N Orders",
        default=lambda self: self.env.company.lifecycle_permanent_order_count,
    )
    preview_sleeping_days = fields.Integer(
        string="Sleeping After Days Without Orders",
        default=lambda self: self.env.company.lifecycle_sleeping_days,
    )
    preview_at_risk_factor = fields.Float(
        string="At Risk From (x Usual Interval)",
        digits=(4, 1),
        default=lambda self: self.env.company.lifecycle_at_risk_factor,
        help="Used when the company maps a status to the at-risk role.",
    )
    reconstruct = fields.Boolean(
        string="Rebuild the Status History",
        help="Also replace the automatic status history by the transitions replayed from the "
        "orders, and set each status's real date.",
    )
    state = fields.Selection(
        [("draft", "To Run"), ("done", "Done"), ("preview", "Preview")], default="draft"
    )
    client_count = fields.Integer(string="Clients Checked", readonly=True)
    changed_count = fields.Integer(string="Clients Changed", readonly=True)
    result = fields.Text(string="Changes by Status", readonly=True)
    line_ids = fields.One2many(
        "partner.lifecycle.preview.line", "wizard_id", string="Clients That Would Change"
    )

    @api.model
    def _default_partner_ids(self):
        return selected_partners(self.env).commercial_partner_id

    def _clients(self):
        """The selected partners that are clients (``res.partner._lifecycle_client_clause``)."""
        return self.partner_ids.commercial_partner_id._lifecycle_clients()

    def _clients_by_company(self, clients):
        """``(company, clients)`` pairs to run: the wizard's company and None (all its
        clients) for the company scope; else the selected clients grouped by the company
        whose settings rule them (``res.partner._lifecycle_company``)."""
        if self.scope == "company":
            return [(self.company_id, None)]
        groups = self.env["partner.lifecycle.recalculation"]._ids_by_company(clients.ids)
        return [(company, clients.browse(ids)) for company, ids in groups.items()]

    def _check_scope(self):
        """The user's own company, a selection when the scope says so, a sales manager."""
        if self.company_id not in self.env.user.company_ids:
            raise AccessError(
                self.env._(
                    "You cannot recalculate the clients of %(company)s.",
                    company=self.company_id.name,
                )
            )
        if self.scope == "selected" and not self.partner_ids:
            raise UserError(self.env._("Select the clients in the contacts list first."))
        clients = self._clients() if self.scope == "selected" else self.env["res.partner"]
        if self.scope == "selected" and not clients:
            raise UserError(self.env._("Select at least one client."))
        clients._lifecycle_check_manager(
            self.env._("Only sales managers can recalculate client statuses.")
        )
        return clients

    def action_recalculate(self):
        """Recalculate (or preview) the scope: small selections at once, the rest in the
        background."""
        self.ensure_one()
        clients = self._check_scope()
        if self.preview_only:
            return self._run_preview(clients)
        jobs = self.env["partner.lifecycle.job"]
        groups = self._clients_by_company(clients)
        if self.scope == "company" or jobs._runs_in_background(clients):
            queued = jobs.browse()
            for company, partners in groups:
                queued |= jobs._queue_recalculation(company, self.env.user, partners)
                if self.reconstruct:
                    jobs._queue_reconstruction(company, self.env.user, partners)
            return jobs._queued_notification(queued)
        # a person's run: its changes are logged in the chatter, nobody is notified of each
        recalculation = self.env["partner.lifecycle.recalculation"].sudo()
        stats = recalculation.with_context(**internal(BULK_KEY))._recalculate_partners(clients)
        if self.reconstruct:
            for company, partners in groups:
                reconstruction = self.env["partner.lifecycle.reconstruction"].sudo()
                reconstruction._reconstruct_history(company, partners.ids)
        self.write(
            {
                "state": "done",
                "client_count": stats.get("clients", 0),
                "changed_count": stats.get("changed", 0),
                "result": jobs._format_counts(Counter(stats)),
            }
        )
        return self._reopen()

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Recalculate Order Frequency"),
        }

    # ------------------------------------------------------------------ preview
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_preview_factor(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_preview_factor(vals)
        return super().write(vals)

    @api.model
    def _check_preview_factor(self, vals):
        """Refuse a factor to try that the ORM cannot even round (infinite, NaN, huge) or
        outside its limits, before the ORM fails on it; the other numbers are checked when
        a preview uses them."""
        if "preview_at_risk_factor" in vals:
            self._check_preview_values({"preview_at_risk_factor": vals["preview_at_risk_factor"]})

    @api.model
    def _check_preview_values(self, values):
        """Refuse numbers to try outside the limits of their company setting."""
        self.env["res.company"]._lifecycle_check_values(
            {PREVIEW_COMPANY_FIELDS[name]: value for name, value in values.items()}
        )

    def _preview_settings(self, company):
        """``company``'s settings with the numbers tried in the wizard, checked."""
        self._check_preview_values({name: self[name] for name in PREVIEW_COMPANY_FIELDS})
        company = company.sudo()
        settings = company._lifecycle_settings()
        values = {engine: self[name] for name, engine in PREVIEW_FIELDS.items()}
        if company.lifecycle_status_at_risk_id:
            values["at_risk_factor"] = self.preview_at_risk_factor
        return replace(settings, **values)

    def _run_preview(self, clients):
        """Fill the preview: counts from -> to and the clients that would change."""
        recalculation = self.env["partner.lifecycle.recalculation"].sudo()
        count, changes = 0, []
        for company, partners in self._clients_by_company(clients):
            settings = self._preview_settings(company)
            ids = recalculation._client_ids(company) if partners is None else partners.ids
            count += len(ids)
            changes += recalculation._preview(company, ids, settings)
        self.line_ids = [
            (5, 0, 0),
            *[
                (
                    0,
                    0,
                    {
                        "partner_id": change.partner_id,
                        "old_status_id": change.old_status_id,
                        "new_status_id": change.new_status_id,
                        "reason_code": change.reason_code,
                        "reason_params": change.reason_params,
                    },
                )
                for change in changes
            ],
        ]
        self.write(
            {
                "state": "preview",
                "client_count": count,
                "changed_count": len(changes),
                "result": self._format_moves(changes),
            }
        )
        return self._reopen()

    def _format_moves(self, changes):
        """One line per move "From -> To: count", in the order of the statuses."""
        statuses = self.env["partner.lifecycle.status"].sudo().with_context(active_test=False)
        moves = Counter((change.old_status_id, change.new_status_id) for change in changes)
        if not moves:
            return self.env._("No client would change status.")

        def name(status_id):
            return statuses.browse(status_id).name if status_id else self.env._("none")

        return "\n".join(
            f"{name(old)} → {name(new)}: {count}"
            for (old, new), count in sorted(moves.items(), key=lambda item: -item[1])
        )
