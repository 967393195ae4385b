from odoo import fields, models


class SaleReport(models.Model):
    """Sales analysis by the client's status at each order (``sale.order``'s
    ``lifecycle_status_at_order_id``): revenue from reactivated sleepers, from new
    clients' first orders, per status and salesperson."""

    _inherit = "sale.report"

    lifecycle_status_at_order_id = fields.Many2one(
        "partner.lifecycle.status", string="Client Status at Order", readonly=True
    )

    def _select_additional_fields(self):
        fields_ = super()._select_additional_fields()
        fields_["lifecycle_status_at_order_id"] = "s.lifecycle_status_at_order_id"
        return fields_

    def _group_by_sale(self):
        return f"{super()._group_by_sale()},\n            s.lifecycle_status_at_order_id"
