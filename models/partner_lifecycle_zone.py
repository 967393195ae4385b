from odoo import fields, models


class PartnerLifecycleZone(models.Model):
    """A delivery zone ("зона доставки"): plans are filled and sorted by it, orders carry it."""

    _name = "partner.lifecycle.zone"
    _description = "Delivery Zone"
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10, help="Plans list the zones in this order.")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", index=True, help="Leave empty to share the zone with every company."
    )
    partner_count = fields.Integer(string="Clients", compute="_compute_partner_count")

    def _compute_partner_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("lifecycle_zone_id", "in", self.ids)], ["lifecycle_zone_id"], ["__count"]
            )
        )
        for zone in self:
            zone.partner_count = counts.get(zone, 0)
