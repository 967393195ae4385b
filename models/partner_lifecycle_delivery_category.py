from odoo import fields, models


class PartnerLifecycleDeliveryCategory(models.Model):
    """A delivery category ("категория доставки"): which kind of delivery a client gets.

    Clients carry one (new ones get their company's default), a delivery plan can be
    filled with the clients of one category, and quotations made from a plan carry
    their client's.
    """

    _name = "partner.lifecycle.delivery.category"
    _description = "Delivery Category"
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10, help="Lists show the categories in this order.")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", index=True, help="Leave empty to share the category with every company."
    )
    partner_count = fields.Integer(string="Clients", compute="_compute_partner_count")

    def _compute_partner_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("lifecycle_delivery_category_id", "in", self.ids)],
                ["lifecycle_delivery_category_id"],
                ["__count"],
            )
        )
        for category in self:
            category.partner_count = counts.get(category, 0)
