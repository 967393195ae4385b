from odoo import fields, models
from odoo.tools import SQL

from ..engine import roles
from .partner_lifecycle_history import ORIGINS

#: Where a change into or out of sleeping goes.
DIRECTIONS = [
    ("asleep", "Fell Asleep"),
    ("reactivated", "Reactivated"),
    ("former", "Former While Sleeping"),
]


class PartnerLifecycleReportFlow(models.Model):
    """Flows into sleeping and back: one row per status change into or out of sleeping."""

    _name = "partner.lifecycle.report.flow"
    _inherit = "partner.lifecycle.report.mixin"
    _description = "Sleeping Clients Flow"
    _auto = False
    _order = "date desc, id desc"

    date = fields.Date(string="Day", readonly=True)
    direction = fields.Selection(
        DIRECTIONS,
        readonly=True,
        help="Fell asleep: into sleeping; reactivated: out of sleeping into another status "
        "than former; former while sleeping: from sleeping to former.",
    )
    old_status_id = fields.Many2one("partner.lifecycle.status", string="From Status", readonly=True)
    new_status_id = fields.Many2one("partner.lifecycle.status", string="To Status", readonly=True)
    origin = fields.Selection(ORIGINS, readonly=True)
    sleeping_change = fields.Integer(
        string="Change in Sleeping Clients",
        readonly=True,
        help="+1 for a client falling asleep, -1 for one leaving sleeping: the sum is the "
        "change in the number of sleeping clients.",
    )

    def _sleeping_status_ids(self):
        """The statuses some company maps to sleeping: a change into or out of sleeping
        has one of them on one side, which the status indexes of the history find."""
        companies = self.env["res.company"].sudo().with_context(active_test=False).search([])
        return companies.lifecycle_status_sleeping_id.ids

    def _query(self):
        return SQL(
            """WITH events AS (%(events)s)
            SELECT e.id, e.partner_id, p.company_id, p.user_id, p.lifecycle_zone_id AS zone_id,
                   e.day AS date, e.origin, e.old_status_id, e.new_status_id,
                   CASE WHEN e.new_role = %(sleeping)s THEN 'asleep'
                        WHEN e.new_role = %(former)s THEN 'former'
                        ELSE 'reactivated' END AS direction,
                   CASE WHEN e.new_role = %(sleeping)s THEN 1 ELSE -1 END AS sleeping_change
              FROM events e
              JOIN res_partner p ON p.id = e.partner_id
             WHERE (e.new_role IS NOT DISTINCT FROM %(sleeping)s)
                   <> (e.old_role IS NOT DISTINCT FROM %(sleeping)s)""",
            events=self.env["partner.lifecycle.history"]._report_events_query(
                status_ids=self._sleeping_status_ids()
            ),
            sleeping=roles.SLEEPING,
            former=roles.FORMER,
        )
