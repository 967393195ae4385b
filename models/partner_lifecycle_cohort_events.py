"""What rewrites the closed months of the cohort report: history dated in a closed month,
a new first order month, a merge, a client's salesperson, zone or company, a company's
time zone or status mapping; and the scheduled run that closes the months."""

from odoo import api, models

from .res_company import ROLE_FIELDS

#: The company settings that change every month end of its clients: the days and the roles.
MONTH_END_FIELDS = ("lifecycle_tz", *ROLE_FIELDS.values())
#: The history fields whose change rewrites a client's past.
HISTORY_FIELDS = {"partner_id", "date", "old_status_id", "new_status_id", "merged_from"}


class PartnerLifecycleHistory(models.Model):
    _inherit = "partner.lifecycle.history"

    def _cohort_rewritten(self):
        """Write again the closed months these rows fall in."""
        self._cohort_rewritten_pairs(
            [(row.partner_id.id, row.date) for row in self.sudo().exists()]
        )

    @api.model_create_multi
    def create(self, vals_list):
        rows = super().create(vals_list)
        rows.flush_recordset()
        rows._cohort_rewritten()
        return rows

    def write(self, vals):
        touched = HISTORY_FIELDS & set(vals)
        if touched:
            before = [(row.partner_id.id, row.date) for row in self.sudo()]
        result = super().write(vals)
        if touched:
            self.flush_recordset()
            self._cohort_rewritten()
            self._cohort_rewritten_pairs(before)
        return result

    def unlink(self):
        before = [(row.partner_id.id, row.date) for row in self.sudo()]
        result = super().unlink()
        self.env.flush_all()
        self._cohort_rewritten_pairs(before)
        return result

    @api.model
    def _cohort_rewritten_pairs(self, pairs):
        pairs = [(partner_id, moment) for partner_id, moment in pairs if partner_id]
        if pairs:
            self.env["partner.lifecycle.cohort.store"]._rewritten(
                [partner_id for partner_id, _moment in pairs],
                moments=[moment for _partner_id, moment in pairs],
            )

    @api.model
    def _log_rows(self, rows, announce=None, companies=None):
        result = super()._log_rows(rows, announce=announce, companies=companies)
        if rows:
            self.env["partner.lifecycle.cohort.store"]._rewritten(
                [row.partner_id for row in rows], days=[row.day for row in rows]
            )
        return result

    @api.model
    def _merged_into(self, rows, client):
        """The moved rows leave the merged clients' months (written again when they are
        deleted) and stay out of the survivor's; the survivor is written again all the same."""
        result = super()._merged_into(rows, client)
        store = self.env["partner.lifecycle.cohort.store"]
        store._refresh(store._stored_partner_ids([client.id]))
        return result


class PartnerLifecycleDecision(models.AbstractModel):
    _inherit = "partner.lifecycle.decision"

    @api.model
    def _write_outcomes(self, company, outcomes, today):
        moved = [
            outcome
            for outcome in outcomes
            if outcome.values.get("lifecycle_first_order_date")
            != outcome.stored.get("lifecycle_first_order_date")
        ]
        result = super()._write_outcomes(company, outcomes, today)
        if moved:
            self.env["partner.lifecycle.cohort.store"]._rewritten(
                [outcome.partner_id for outcome in moved],
                days=[
                    min(
                        day
                        for day in (
                            outcome.values["lifecycle_first_order_date"],
                            outcome.stored.get("lifecycle_first_order_date"),
                        )
                        if day
                    )
                    for outcome in moved
                ],
            )
        return result


class PartnerLifecycleRecalculation(models.AbstractModel):
    _inherit = "partner.lifecycle.recalculation"

    @api.model
    def _cron_recalculate(self):
        """The scheduled run, then the months that closed at the companies' midnight."""
        stats = super()._cron_recalculate()
        self.env["partner.lifecycle.cohort.store"]._close_months()
        return stats


class ResCompany(models.Model):
    _inherit = "res.company"

    def write(self, vals):
        moved = set(MONTH_END_FIELDS) & set(vals)
        before = {company: [company[name] for name in moved] for company in self} if moved else {}
        result = super().write(vals)
        changed = self.filtered(lambda c: before and before[c] != [c[name] for name in moved])
        if changed:
            self.env["partner.lifecycle.cohort.store"]._reopen(changed.sudo())
        return result
