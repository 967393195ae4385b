from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    lifecycle_delivery_category_id = fields.Many2one(
        "partner.lifecycle.delivery.category",
        string="Delivery Category",
        index="btree_not_null",
        check_company=True,
        ondelete="restrict",
        help="The kind of delivery the client gets; a delivery plan can be filled with the "
        "clients of one category. New clients get their company's default.",
    )

    @api.model
    def default_get(self, fields_list):
        """The card of a new client opens with its company's delivery category."""
        result = super().default_get(fields_list)
        field = "lifecycle_delivery_category_id"
        if field in fields_list and field not in result:
            category = self._lifecycle_default_delivery_category(result)
            if category:
                result[field] = category.id
        return result

    @api.model_create_multi
    def create(self, vals_list):
        field = "lifecycle_delivery_category_id"
        if f"default_{field}" not in self.env.context:
            for vals in vals_list:
                if field not in vals:
                    vals[field] = self._lifecycle_default_delivery_category(vals).id
        return super().create(vals_list)

    @api.model
    def _lifecycle_default_delivery_category(self, vals):
        """The delivery category of a new partner created with ``vals``: for a client (no
        parent company), the default of its company (else of the current one), when the
        partner may carry it. Override to choose otherwise."""
        if vals.get("parent_id") and not vals.get("is_company"):
            return self.env["partner.lifecycle.delivery.category"]
        owner = self.env["res.company"].browse(vals.get("company_id"))
        category = (owner or self.env.company).sudo().lifecycle_delivery_category_id
        if category.company_id and category.company_id != owner:
            return self.env["partner.lifecycle.delivery.category"]
        return category
