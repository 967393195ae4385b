from odoo import models

from .res_company import ROLE_FIELDS


class ResCompany(models.Model):
    _inherit = "res.company"

    def write(self, vals):
        """A new time zone or status role changes the days and roles of the funnel's stages:
        recompute those of the companies' clients."""
        watched = sorted(set(vals) & {"lifecycle_tz", *ROLE_FIELDS.values()})
        before = {company: [company[name] for name in watched] for company in self}
        result = super().write(vals)
        changed = self.filtered(lambda c: watched and before[c] != [c[n] for n in watched])
        if changed:
            self.env["partner.lifecycle.funnel.stage"].sudo()._refresh_companies(changed)
        return result
