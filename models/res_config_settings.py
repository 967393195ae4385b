from odoo import api, fields, models


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
    lifecycle_tz = fields.Selection(related="company_id.lifecycle_tz", readonly=False)
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

    @api.model_create_multi
    def create(self, vals_list):
        # The fields are the company's: the same limits and messages, checked before the ORM
        # rounds the values (an infinite or huge factor would fail there).
        for vals in vals_list:
            self.env["res.company"]._lifecycle_check_values(vals)
        return super().create(vals_list)

    def write(self, vals):
        self.env["res.company"]._lifecycle_check_values(vals)
        return super().write(vals)
