"""The company settings of a dispatcher's documents: printing and the delivery category."""

from odoo import fields, models
from odoo.tools import SQL

#: The delivery category shipped with the add-on ("Основная").
MAIN_CATEGORY = "partner_lifecycle.delivery_category_main"


class ResCompany(models.Model):
    _inherit = "res.company"

    lifecycle_planning_offer_print = fields.Boolean(
        string="Offer to Print the Documents Made",
        help='"Create Quotations" of a delivery plan ends by printing the delivery slips of '
        "the orders it made in one PDF (their quotations while they have no delivery yet).",
    )
    lifecycle_delivery_category_id = fields.Many2one(
        "partner.lifecycle.delivery.category",
        string="Default Delivery Category",
        check_company=True,
        ondelete="restrict",
        default=lambda self: self.env.ref(MAIN_CATEGORY, raise_if_not_found=False),
        help="The delivery category of new clients.",
    )

    def _lifecycle_set_default_delivery_category(self):
        """Give the companies without a default delivery category the shipped one."""
        main = self.env.ref(MAIN_CATEGORY, raise_if_not_found=False)
        if main:
            self.filtered(lambda c: not c.lifecycle_delivery_category_id).write(
                {"lifecycle_delivery_category_id": main.id}
            )

    def _lifecycle_fill_delivery_categories(self):
        """Give the clients of these companies without a delivery category the default of
        their company (one UPDATE per company); return how many were given one. A client
        shared by every company gets a default only when it is a shared category."""
        partners = self.env["res.partner"]
        recalculation = self.env["partner.lifecycle.recalculation"]
        self.env.flush_all()
        given = 0
        for company in self.sudo():
            category = company.lifecycle_delivery_category_id
            if not category:
                continue
            self.env.cr.execute(
                SQL(
                    """UPDATE res_partner p SET lifecycle_delivery_category_id = %(category)s
                        WHERE p.lifecycle_delivery_category_id IS NULL AND %(client)s
                          AND %(company)s AND (%(shared)s OR p.company_id = %(owner)s)""",
                    category=category.id,
                    client=partners._lifecycle_client_clause("p"),
                    company=recalculation._company_clause(company),
                    shared=not category.company_id,
                    owner=category.company_id.id or None,
                )
            )
            given += self.env.cr.rowcount
        partners.invalidate_model(["lifecycle_delivery_category_id"])
        return given
