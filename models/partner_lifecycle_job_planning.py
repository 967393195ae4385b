"""The background job of "Create Quotations" for a large delivery plan."""

from odoo import api, fields, models
from odoo.tools import split_every


class PartnerLifecycleJob(models.Model):
    """A job of kind ``quotations`` works on the lines of its plan, in id order: its
    ``last_partner_id`` then holds the last line done, ``done_count`` and
    ``total_count`` count lines. Each batch of ``_lifecycle_quotation_batch`` lines runs
    in a transaction of its own: a failing batch loses that batch only, and the job is
    tried again (the quotations made meanwhile are then linked, not made twice)."""

    _inherit = "partner.lifecycle.job"

    kind = fields.Selection(
        selection_add=[("quotations", "Quotations from a delivery plan")],
        ondelete={"quotations": "cascade"},
    )
    planning_id = fields.Many2one(
        "partner.lifecycle.planning", string="Delivery Plan", readonly=True, ondelete="cascade"
    )
    planning_ordered_only = fields.Boolean(
        readonly=True, help="Only the lines marked ordered become quotations."
    )

    @api.depends("planning_id.name")
    def _compute_display_name(self):
        super()._compute_display_name()
        for job in self.filtered(lambda job: job.kind == "quotations"):
            job.display_name = self.env._("Quotations of %(plan)s", plan=job.planning_id.name)
        return None

    def _remaining_ids(self):
        if self.kind != "quotations":
            return super()._remaining_ids()
        lines = self.planning_id.line_ids
        return sorted(i for i in lines.ids if i > self.last_partner_id)

    def _run_quotations(self, ids, commit, run):
        """Make the quotations of the plan's lines ``ids``, batch by batch, as the requester
        (in his language)."""
        recalculation = self.env["partner.lifecycle.recalculation"]
        plan = (
            self.planning_id.with_user(self.user_id)
            .with_company(self.company_id)
            .with_context(lang=self.user_id.lang or self.env.lang)
        )
        lines = plan.line_ids.browse()
        for batch in split_every(plan._lifecycle_quotation_batch, ids, list):
            with recalculation._batch_transaction(run.commit):
                if not run.before_batch():
                    break
                stats, _orders = plan._lifecycle_quote_lines(
                    lines.browse(batch).exists(), self.planning_ordered_only
                )
                stats["lines"] = len(batch)
                run.on_batch(batch, stats)

    def _format_counts(self, stats):
        if len(self) == 1 and self.kind == "quotations":
            return self.env["partner.lifecycle.planning"]._lifecycle_quotation_counts(stats)
        return super()._format_counts(stats)
