from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    lifecycle_status_on_create_id = fields.Many2one(
        related="company_id.lifecycle_status_on_create_id", readonly=False
    )
