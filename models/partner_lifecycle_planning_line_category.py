"""What a plan line adds to the quotation made from it, and to the route sheet."""

from collections import defaultdict

from odoo import models


class PartnerLifecyclePlanningLine(models.Model):
    _inherit = "partner.lifecycle.planning.line"

    def _lifecycle_order_values(self):
        """The quotation carries the client's delivery category (else the plan's)."""
        values = super()._lifecycle_order_values()
        category = (
            self.partner_id.lifecycle_delivery_category_id or self.planning_id.delivery_category_id
        )
        if category:
            values["lifecycle_delivery_category_id"] = category.id
        return values

    def _lifecycle_route_sheet_row(self):
        """The route sheet's row of this line: from its quotation when it has one (its
        delivery address and lines), else from the line (its address, product and
        quantity)."""
        self.ensure_one()
        client = self.partner_id
        order = self.order_id
        address = order.partner_shipping_id or self.delivery_address_id or client
        quantities = defaultdict(float)
        if order:
            lines = order.order_line.filtered(lambda ol: ol.product_id and not ol.display_type)
            for sale_line in lines:
                product = sale_line.product_id
                quantities[product] += sale_line.product_uom._compute_quantity(
                    sale_line.product_uom_qty, product.uom_id, round=False
                )
        elif self.product_id:
            quantities[self.product_id] += self.quantity or 1.0
        plans = self.env["partner.lifecycle.planning"]
        return {
            "client": client.display_name,
            "address": ", ".join(filter(None, (address.street, address.street2, address.city))),
            "phones": ", ".join(dict.fromkeys(self._lifecycle_route_phones(address, client))),
            "contact": self._lifecycle_route_contact(address, client),
            "items": [
                (product, quantity, plans._lifecycle_item_text(product, quantity))
                for product, quantity in quantities.items()
            ],
            "note": self.note or "",
            "status": client.lifecycle_status_id.name or "",
        }

    def _lifecycle_route_phones(self, address, client):
        return [p for p in (address.phone, address.mobile, client.phone, client.mobile) if p]

    def _lifecycle_route_contact(self, address, client):
        """The person to ask for: the delivery address when it is a contact of the
        client, else the client's first contact person."""
        if address != client and address.name:
            return address.name
        people = client.child_ids.filtered(lambda c: c.type == "contact" and c.name)
        return people[:1].name or ""
