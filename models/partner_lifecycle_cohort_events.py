"""What rewrites the closed months of the cohort report: history dated in a closed month,
a new first order month, a merge, a client's salesperson, zone or company, a company's
time zone or status mapping; and the scheduled run that closes the months."""

from odoo import api, models


class PartnerLifecycleHistory(models.Model):
    _inherit = "partner.lifecycle.history"

    @api.model
    def _history_changed(self, partner_ids, moments=None, days=None):
        """The clients' closed months follow their history too."""
        result = super()._history_changed(partner_ids, moments=moments, days=days)
        self.env["partner.lifecycle.cohort.store"]._rewritten(
            partner_ids, moments=moments, days=days
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

    def _lifecycle_report_days_changed(self):
        """Their closed months leave the report until the scheduled run writes them again."""
        result = super()._lifecycle_report_days_changed()
        self.env["partner.lifecycle.cohort.store"]._reopen(self)
        return result
