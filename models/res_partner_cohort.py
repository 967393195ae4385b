from odoo import fields, models

#: Client fields the cohort report's closed months carry (its company, salesperson, zone).
CARRIED_FIELDS = {"company_id", "user_id", "lifecycle_zone_id"}


class ResPartner(models.Model):
    """The client's first order day (its cohort), and what writes its closed months again."""

    _inherit = "res.partner"

    lifecycle_first_order_date = fields.Date(
        string="First Order",
        copy=False,
        readonly=True,
        groups="base.group_user",
        help="The day of the client's first confirmed order, in its company's time zone: "
        "its cohort in the client cohorts report.",
    )

    def write(self, vals):
        first = "lifecycle_first_order_date" in vals
        before = (
            {partner.id: partner.lifecycle_first_order_date for partner in self} if first else {}
        )
        result = super().write(vals)
        store = self.env["partner.lifecycle.cohort.store"]
        if first:
            moved = [
                (
                    partner.id,
                    min(filter(None, (before[partner.id], partner.lifecycle_first_order_date))),
                )
                for partner in self
                if before[partner.id] != partner.lifecycle_first_order_date
            ]
            if moved:
                self.flush_recordset(["lifecycle_first_order_date"])
                store._rewritten([pid for pid, _day in moved], days=[day for _pid, day in moved])
        if CARRIED_FIELDS & set(vals):
            store._refresh(store._stored_partner_ids(self.ids))
        return result

    def unlink(self):
        self.env["partner.lifecycle.cohort.store"]._forget(self.ids)
        return super().unlink()
