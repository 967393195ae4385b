from odoo import models

from .res_company import ROLE_FIELDS

#: The company settings that move its clients' days and roles in the reports.
REPORT_DAY_FIELDS = ("lifecycle_tz", *ROLE_FIELDS.values())


class ResCompany(models.Model):
    _inherit = "res.company"

    def write(self, vals):
        watched = [name for name in REPORT_DAY_FIELDS if name in vals]
        before = {company: [company[name] for name in watched] for company in self}
        result = super().write(vals)
        changed = self.filtered(lambda c: watched and before[c] != [c[n] for n in watched])
        if changed:
            changed.sudo()._lifecycle_report_days_changed()
        return result

    def _lifecycle_report_days_changed(self):
        """These companies' time zone or status roles changed: the days and roles of their
        clients in the reports moved. The funnel's stages are recomputed here; override to
        follow what else keeps them."""
        self.env["partner.lifecycle.funnel.stage"]._refresh_companies(self)
