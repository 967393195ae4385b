"""The documents of a dispatcher's day: the route sheet of a plan, the print offer of
"Create Quotations", and the delivery category a plan is filled with."""

import math
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL, formatLang

#: The route sheet report (QWeb PDF on the plan).
ROUTE_SHEET = "partner_lifecycle.action_report_route_sheet"


class PartnerLifecyclePlanning(models.Model):
    _inherit = "partner.lifecycle.planning"

    delivery_category_id = fields.Many2one(
        "partner.lifecycle.delivery.category",
        check_company=True,
        help="Fill adds clients of this delivery category only; empty: clients of every category.",
    )

    # ------------------------------------------------------------------ filling
    def _lifecycle_candidates(self, use_schedule):
        """The candidates of the fill, of the plan's delivery category only when it has one."""
        rows = super()._lifecycle_candidates(use_schedule)
        if not self.delivery_category_id or not rows:
            return rows
        self.env["res.partner"].flush_model(["lifecycle_delivery_category_id"])
        kept = {
            row[0]
            for row in self.env.execute_query(
                SQL(
                    """SELECT id FROM res_partner
                        WHERE id = ANY(%s) AND lifecycle_delivery_category_id = %s""",
                    [row["id"] for row in rows],
                    self.delivery_category_id.id,
                )
            )
        }
        return [row for row in rows if row["id"] in kept]

    # ------------------------------------------------------------------ printing
    def action_print_route_sheet(self):
        """The route sheet of the plans (one PDF, a section per zone)."""
        self.check_access("read")
        return self.env.ref(ROUTE_SHEET).report_action(self)

    def _lifecycle_print_offer(self, orders):
        """What "Create Quotations" ends with when it made ``orders``: the print action of
        their delivery slips in one PDF (stock's delivery slip report of their pickings),
        or of the quotations themselves while an order has no delivery yet; only for the
        orders of companies with "Offer to print the documents made". False when there
        is nothing to offer. Override to offer another document."""
        companies = orders.company_id.sudo().filtered("lifecycle_planning_offer_print")
        orders = orders.filtered(lambda order: order.company_id in companies)
        if not orders:
            return False
        pickings = orders.picking_ids.filtered(lambda picking: picking.state != "cancel")
        if all(order.picking_ids & pickings for order in orders):
            return self.env.ref("stock.action_report_delivery").report_action(pickings)
        return self.env.ref("sale.action_report_saleorder").report_action(orders)

    def _lifecycle_route_sheet_lang(self):
        """The language of the plan's route sheet: its responsible's, else the reader's."""
        self.ensure_one()
        return self.user_id.lang or self.env.lang or "en_US"

    def _lifecycle_route_sheet_lines(self):
        """The lines on the route sheet: those with a quotation (not cancelled); before any
        quotation is made, those "Create Quotations" would take."""
        self.ensure_one()
        ordered = self.line_ids.filtered(
            lambda line: line.order_id and line.order_id.state != "cancel"
        )
        if ordered:
            return ordered
        ordered_only = self._lifecycle_ordered_only()
        return self.line_ids.filtered(
            lambda line: self._lifecycle_choice(line, ordered_only) is None
        )

    def _lifecycle_route_sheet(self):
        """The content of the route sheet, zone by zone (the plan's order of lines):
        ``[{"zone", "rows", "totals", "count"}]`` then the totals of the plan; each row
        gives the client, its delivery address, phones, contact person, products and
        quantities (text in whole units when whole), note and status."""
        self.ensure_one()
        zones = defaultdict(list)
        for line in self._lifecycle_route_sheet_lines():
            zones[line.zone_id].append(line._lifecycle_route_sheet_row())
        order = sorted(zones, key=lambda z: (not z, z.sequence, z.name or "", z.id or 0))
        sections = [
            {
                "zone": zone.name or "",
                "rows": zones[zone],
                "count": len(zones[zone]),
                "totals": self._lifecycle_route_totals(zones[zone]),
            }
            for zone in order
        ]
        every_row = [row for rows in zones.values() for row in rows]
        return {
            "sections": sections,
            "totals": self._lifecycle_route_totals(every_row),
            "count": len(every_row),
        }

    @api.model
    def _lifecycle_route_totals(self, rows):
        """``[(product name, quantity text, both)]``: the quantities of ``rows`` added up
        by product, in the product's unit of measure."""
        sums = defaultdict(float)
        for row in rows:
            for product, quantity, _text in row["items"]:
                sums[product] += quantity
        totals = []
        for product in sorted(sums, key=lambda p: (self._lifecycle_product_name(p), p.id)):
            quantity = self._lifecycle_quantity_text(sums[product], product.uom_id)
            text = self._lifecycle_item_text(product, sums[product])
            totals.append((self._lifecycle_product_name(product), quantity, text))
        return totals

    @api.model
    def _lifecycle_product_name(self, product):
        """The product's name on the route sheet: without its internal reference."""
        return product.with_context(display_default_code=False).display_name

    @api.model
    def _lifecycle_item_text(self, product, quantity):
        """ "Water 19 l × 2": a product and its quantity (in the product's unit)."""
        quantity_text = self._lifecycle_quantity_text(quantity, product.uom_id)
        return f"{self._lifecycle_product_name(product)} × {quantity_text}"

    @api.model
    def _lifecycle_quantity_text(self, quantity, uom):
        """A quantity as the reader writes numbers: whole quantities without decimals
        ("2", not "2.00"), others with the decimals of the unit's rounding; the unit's
        name follows unless it is Odoo's Units."""
        rounding = uom.rounding or 0.01
        decimals = 0 if float(quantity).is_integer() else max(0, math.ceil(-math.log10(rounding)))
        text = formatLang(self.env, quantity, digits=decimals)
        if uom and uom != self.env.ref("uom.product_uom_unit", raise_if_not_found=False):
            text = f"{text} {uom.name}"
        return text
