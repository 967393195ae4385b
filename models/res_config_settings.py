from odoo import api, fields, models

from .notification import notification


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    lifecycle_status_on_create_id = fields.Many2one(
        related="company_id.lifecycle_status_on_create_id", readonly=False
    )
    lifecycle_status_on_first_order_id = fields.Many2one(
        related="company_id.lifecycle_status_on_first_order_id", readonly=False
    )
    lifecycle_first_order_trigger = fields.Selection(
        related="company_id.lifecycle_first_order_trigger", readonly=False
    )
    lifecycle_status_permanent_id = fields.Many2one(
        related="company_id.lifecycle_status_permanent_id", readonly=False
    )
    lifecycle_permanent_order_count = fields.Integer(
        related="company_id.lifecycle_permanent_order_count", readonly=False
    )
    lifecycle_status_sleeping_id = fields.Many2one(
        related="company_id.lifecycle_status_sleeping_id", readonly=False
    )
    lifecycle_sleeping_days = fields.Integer(
        related="company_id.lifecycle_sleeping_days", readonly=False
    )
    lifecycle_status_former_id = fields.Many2one(
        related="company_id.lifecycle_status_former_id", readonly=False
    )
    lifecycle_frequency_window_days = fields.Integer(
        related="company_id.lifecycle_frequency_window_days", readonly=False
    )
    lifecycle_frequency_max_gap_days = fields.Integer(
        related="company_id.lifecycle_frequency_max_gap_days", readonly=False
    )
    lifecycle_frequency_trim_extremes = fields.Boolean(
        related="company_id.lifecycle_frequency_trim_extremes", readonly=False
    )
    lifecycle_planning_inactive_days = fields.Integer(
        related="company_id.lifecycle_planning_inactive_days", readonly=False
    )
    lifecycle_planning_postpone_days = fields.Integer(
        related="company_id.lifecycle_planning_postpone_days", readonly=False
    )
    lifecycle_planning_overdue_days = fields.Integer(
        related="company_id.lifecycle_planning_overdue_days", readonly=False
    )
    lifecycle_planning_fill_quantity = fields.Boolean(
        related="company_id.lifecycle_planning_fill_quantity", readonly=False
    )
    lifecycle_planning_use_schedule = fields.Boolean(
        related="company_id.lifecycle_planning_use_schedule", readonly=False
    )
    lifecycle_planning_autosave = fields.Boolean(
        related="company_id.lifecycle_planning_autosave", readonly=False
    )
    lifecycle_planning_route_to_orders = fields.Boolean(
        related="company_id.lifecycle_planning_route_to_orders", readonly=False
    )
    lifecycle_planning_any_call_successful = fields.Boolean(
        related="company_id.lifecycle_planning_any_call_successful", readonly=False
    )
    lifecycle_tz = fields.Selection(related="company_id.lifecycle_tz", readonly=False)
    lifecycle_planning_offer_print = fields.Boolean(
        related="company_id.lifecycle_planning_offer_print", readonly=False
    )
    lifecycle_delivery_category_id = fields.Many2one(
        related="company_id.lifecycle_delivery_category_id", readonly=False
    )
    lifecycle_sleeping_activity = fields.Boolean(
        related="company_id.lifecycle_sleeping_activity", readonly=False
    )
    lifecycle_status_at_risk_id = fields.Many2one(
        related="company_id.lifecycle_status_at_risk_id", readonly=False
    )
    lifecycle_at_risk_factor = fields.Float(
        related="company_id.lifecycle_at_risk_factor", readonly=False
    )
    lifecycle_at_risk_min_days = fields.Integer(
        related="company_id.lifecycle_at_risk_min_days", readonly=False
    )
    lifecycle_at_risk_max_days = fields.Integer(
        related="company_id.lifecycle_at_risk_max_days", readonly=False
    )
    lifecycle_next_order_method = fields.Selection(
        related="company_id.lifecycle_next_order_method", readonly=False
    )

    lifecycle_rules_changed = fields.Boolean(
        readonly=True,
        help="Saving these settings changed the company's rules: every client is recalculated "
        "in the background.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        # The fields are the company's: the same limits and messages, checked before the ORM
        # rounds the values (an infinite or huge factor would fail there). The related
        # company fields are written here, before ``execute``.
        for vals in vals_list:
            self.env["res.company"]._lifecycle_check_values(vals)
        company_ids = {vals.get("company_id") or self.env.company.id for vals in vals_list}
        companies = self.env["res.company"].browse(company_ids)
        before = {company: company._lifecycle_rule_values() for company in companies}
        settings = super().create(vals_list)
        for record in settings:
            company = record.company_id
            if company in before and company._lifecycle_rule_values() != before[company]:
                record.lifecycle_rules_changed = True
        return settings

    def write(self, vals):
        self.env["res.company"]._lifecycle_check_values(vals)
        return super().write(vals)

    def execute(self):
        """Save the settings; when they changed the company's rules (every client is then
        recalculated in the background, see ``res.company.write``), say so in a
        notification."""
        if not self.lifecycle_rules_changed:
            return super().execute()
        reload = self._lifecycle_needs_reload()
        result = super().execute()
        if not reload and result == {"type": "ir.actions.client", "tag": "reload"}:
            # a page reload would hide the notification: only the settings are reloaded
            result = {"type": "ir.actions.client", "tag": "soft_reload"}
        return notification(
            self.env._(
                "The client statuses will be recalculated in the background: you will get a "
                "message when it is done."
            ),
            kind="info",
            next_action=result,
        )

    def _lifecycle_needs_reload(self):
        """Whether saving these settings needs the whole page reloaded, as Odoo does after
        every save: when a group or a module changes (the menus and the rights of the
        interface change). Override for another setting that needs it."""
        classified = self._get_classified_fields()
        names = [name for name, _groups, _implied in classified["group"]]
        names += [f"module_{module.name}" for module in classified["module"]]
        current = self.default_get(names)
        return any(self[name] != current.get(name) for name in names)
