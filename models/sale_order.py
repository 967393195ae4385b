from odoo import fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    lifecycle_status_id = fields.Many2one(
        related="partner_id.commercial_partner_id.lifecycle_status_id",
        string="Client Status",
    )

    def _action_confirm(self):
        result = super()._action_confirm()
        self.partner_id.sudo()._lifecycle_refresh()
        return result
