from odoo import api, fields, models


class PartnerLifecyclePreviewLine(models.TransientModel):
    """A client whose status a previewed recalculation would change."""

    _name = "partner.lifecycle.preview.line"
    _description = "Client Status Preview Line"

    wizard_id = fields.Many2one("partner.lifecycle.recalculate", required=True, ondelete="cascade")
    partner_id = fields.Many2one("res.partner", string="Client", readonly=True)
    # not "From"/"To": those label the dates of a delivery plan
    old_status_id = fields.Many2one(
        "partner.lifecycle.status", string="Status Before", readonly=True
    )
    new_status_id = fields.Many2one(
        "partner.lifecycle.status", string="Status After", readonly=True
    )
    reason_code = fields.Char(readonly=True)
    reason_params = fields.Json(readonly=True)
    reason = fields.Char(compute="_compute_reason")

    @api.depends("reason_code", "reason_params")
    @api.depends_context("lang")
    def _compute_reason(self):
        history = self.env["partner.lifecycle.history"]
        for line in self:
            line.reason = history._reason_text(line.reason_code, line.reason_params) or False
