from dataclasses import replace

from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..engine.backtest import changes_next_order
from ..engine.settings import NEXT_ORDER_METHODS
from .notification import notification

#: The settings a line varies: engine name -> the company field that stores it.
VARIED = {
    "sleeping_days": "lifecycle_sleeping_days",
    "at_risk_factor": "lifecycle_at_risk_factor",
    "frequency_window_days": "lifecycle_frequency_window_days",
    "frequency_max_gap_days": "lifecycle_frequency_max_gap_days",
    "frequency_trim_extremes": "lifecycle_frequency_trim_extremes",
    "next_order_method": "lifecycle_next_order_method",
}


class PartnerLifecycleBacktestLine(models.Model):
    """One variant of the company's settings tried by a backtest, with its measures."""

    _name = "partner.lifecycle.backtest.line"
    _description = "Client Lifecycle Backtest Variant"
    _inherit = ["partner.lifecycle.backtest.measures"]
    _order = "backtest_id, sequence, id"

    backtest_id = fields.Many2one(
        "partner.lifecycle.backtest", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="backtest_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    is_current = fields.Boolean(
        string="Current", readonly=True, help="The company's settings as they are."
    )
    name = fields.Char(string="Settings", compute="_compute_name")
    sleeping_days = fields.Integer(string="Days to Sleeping", readonly=True)
    at_risk_factor = fields.Float(string="At-Risk Factor", readonly=True, digits=(16, 1))
    frequency_window_days = fields.Integer(string="Frequency Window (Days)", readonly=True)
    frequency_max_gap_days = fields.Integer(string="Longest Interval Kept (Days)", readonly=True)
    frequency_trim_extremes = fields.Boolean(string="Trim Extremes", readonly=True)
    next_order_method = fields.Selection(
        [("frequency", "Average frequency"), ("consumption", "Consumption")],
        string="Next Order By",
        readonly=True,
    )

    @api.model
    def _settings_values(self, settings):
        """The field values of the varied settings of an engine ``LifecycleSettings``."""
        return {name: getattr(settings, name) for name in VARIED}

    def _settings(self):
        """The engine settings of this line: the company's, with the line's varied ones."""
        self.ensure_one()
        current = self.backtest_id.company_id._lifecycle_settings()
        method = self.next_order_method
        values = {name: self[name] for name in VARIED}
        values["next_order_method"] = method if method in NEXT_ORDER_METHODS else "frequency"
        return replace(current, **values)

    def _current(self):
        """The line of the current settings of the same backtest."""
        return self.backtest_id.line_ids.filtered("is_current")[:1]

    def _changes_next_order(self):
        """Whether the line varies a setting of the frequency (the next order) only."""
        return changes_next_order(self._current()._settings(), self._settings())

    def _next_order_key(self):
        """The next-order measures of the line, to compare two lines."""
        return (self.next_order_count, self.next_order_error_days, self.next_order_hit_count,
                self.range_count, self.range_hit_count)  # fmt: skip

    @api.depends(*VARIED, "is_current")
    @api.depends_context("lang")
    def _compute_name(self):
        for line in self:
            line.name = line._describe()

    def _describe(self):
        """The line's settings in plain words, against the current ones."""
        if self.is_current:
            return self.env._("Current settings")
        current = self._current()
        company = self.env["res.company"]
        parts = []
        if self.sleeping_days != current.sleeping_days:
            parts.append(self.env._("%(days)s days to sleeping", days=self.sleeping_days))
        if self.at_risk_factor != current.at_risk_factor:
            if self.at_risk_factor:
                factor = company._lifecycle_format_number(self.at_risk_factor)
                parts.append(self.env._("at-risk factor %(factor)s", factor=factor))
            else:
                parts.append(self.env._("no at-risk status"))
        if self.frequency_window_days != current.frequency_window_days:
            if self.frequency_window_days:
                parts.append(
                    self.env._(
                        "frequency over the last %(days)s days", days=self.frequency_window_days
                    )
                )
            else:
                parts.append(self.env._("frequency over the whole history"))
        if self.frequency_max_gap_days != current.frequency_max_gap_days:
            parts.append(
                self.env._("intervals up to %(days)s days kept", days=self.frequency_max_gap_days)
            )
        if self.frequency_trim_extremes != current.frequency_trim_extremes:
            parts.append(
                self.env._("extremes trimmed")
                if self.frequency_trim_extremes
                else self.env._("extremes not trimmed")
            )
        if self.next_order_method != current.next_order_method:
            parts.append(
                self.env._("next order by consumption")
                if self.next_order_method == "consumption"
                else self.env._("next order by average frequency")
            )
        return ", ".join(parts)

    def action_apply(self):
        """Write the line's settings to the company (sales managers); the change starts the
        full recalculation every settings change starts (``res.company.write``)."""
        self.ensure_one()
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(self.env._("Only a sales manager can change the client settings."))
        self.check_access("read")
        current = self._current()
        values = {
            field: self[name] for name, field in VARIED.items() if self[name] != current[name]
        }
        if not values:
            return notification(self.env._("These are the current settings already."), "info")
        company = self.backtest_id.company_id
        before = company._lifecycle_rule_values()
        company.sudo().write(values)
        if company._lifecycle_rule_values() == before:
            return True
        return notification(
            self.env._(
                "The client statuses will be recalculated in the background: you will get a "
                "message when it is done."
            ),
            kind="info",
        )
