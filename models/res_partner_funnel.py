from odoo import api, models

#: Partner fields that can make a partner a client (``_lifecycle_client_clause``).
CLIENT_FIELDS = {"active", "customer_rank", "parent_id", "is_company"}


class ResPartner(models.Model):
    """What gives a client its row in the funnel's stages when no history row does, and
    what moves that row with the client's company."""

    _inherit = "res.partner"

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        self.env["partner.lifecycle.funnel.stage"]._add_missing(partners.ids)
        return partners

    def write(self, vals):
        result = super().write(vals)
        stages = self.env["partner.lifecycle.funnel.stage"]
        if "company_id" in vals:
            stages._refresh_present(self.ids)
        if CLIENT_FIELDS & set(vals):
            stages._add_missing(self.ids)
        return result

    def _increase_rank(self, field, n=1):
        becoming = [partner.id for partner in self if not partner[field]]
        result = super()._increase_rank(field, n)
        if field == "customer_rank" and becoming:
            self.env["partner.lifecycle.funnel.stage"]._add_missing(becoming)
        return result
