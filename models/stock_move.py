from odoo import models


class StockMove(models.Model):
    _inherit = "stock.move"

    def _get_new_picking_values(self):
        """A delivery created for an order carrying a delivery zone carries it too."""
        values = super()._get_new_picking_values()
        orders = self.sale_line_id.order_id or self.group_id.sale_id
        zone = orders.lifecycle_zone_id[:1]
        if zone and "lifecycle_zone_id" not in values:
            values["lifecycle_zone_id"] = zone.id
        return values
