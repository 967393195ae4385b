from odoo import fields, models
from odoo.tools import SQL

from ..engine import roles
from .partner_lifecycle_report_mixin import MEDIAN, WORKING_ROLES


class PartnerLifecycleReportFunnel(models.Model):
    """The funnel New -> Working -> Permanent: one row per client with a status history.

    Averages of the 0/1 rates are conversion rates; the median days are exact
    medians over the clients of each cell.
    """

    _name = "partner.lifecycle.report.funnel"
    _inherit = "partner.lifecycle.report.mixin"
    _description = "Client Funnel"
    _auto = False
    _order = "date_new desc, partner_id"

    status_id = fields.Many2one("partner.lifecycle.status", string="Status Now", readonly=True)
    date_new = fields.Date(
        string="Entered New",
        readonly=True,
        help="The day the client first entered New (when its history does not start at "
        "New: the day of its first status).",
    )
    date_working = fields.Date(
        string="Entered Working",
        readonly=True,
        help="The first day after entering New that the client was in work: working, "
        "permanent (straight from New) or at risk.",
    )
    date_permanent = fields.Date(
        string="Entered Permanent",
        readonly=True,
        help="The first day after entering New that the client was permanent.",
    )
    working_count = fields.Integer(string="Reached Working", readonly=True)
    permanent_count = fields.Integer(string="Reached Permanent", readonly=True)
    working_rate = fields.Float(
        string="New → Working",
        aggregator="avg",
        readonly=True,
        help="Share of the clients that reached Working (or went straight to Permanent).",
    )
    permanent_rate = fields.Float(
        string="Working → Permanent",
        aggregator="avg",
        readonly=True,
        help="Share of the clients that reached Permanent, among those that reached Working.",
    )
    days_to_working = fields.Float(
        string="Days New → Working (Average)",
        aggregator="avg",
        digits=(16, 1),
        readonly=True,
    )
    days_to_working_median = fields.Float(
        string="Days New → Working (Median)",
        aggregator=MEDIAN,
        digits=(16, 1),
        readonly=True,
    )
    days_to_permanent = fields.Float(
        string="Days Working → Permanent (Average)",
        aggregator="avg",
        digits=(16, 1),
        readonly=True,
    )
    days_to_permanent_median = fields.Float(
        string="Days Working → Permanent (Median)",
        aggregator=MEDIAN,
        digits=(16, 1),
        readonly=True,
    )

    def _query(self):
        return SQL(
            """WITH events AS (%(events)s),
               starts AS (
                   SELECT partner_id,
                          COALESCE(min(day) FILTER (WHERE new_role = %(new)s), min(day)) AS day
                     FROM events GROUP BY partner_id),
               stages AS (
                   SELECT s.partner_id, s.day AS date_new,
                          min(e.day) FILTER (WHERE e.new_role IN %(working)s) AS date_working,
                          min(e.day) FILTER (WHERE e.new_role = %(permanent)s) AS date_permanent
                     FROM starts s
                     JOIN events e ON e.partner_id = s.partner_id AND e.day >= s.day
                 GROUP BY s.partner_id, s.day)
            SELECT p.id AS id, p.id AS partner_id, p.company_id, p.user_id,
                   p.lifecycle_zone_id AS zone_id, p.lifecycle_status_id AS status_id,
                   st.date_new, st.date_working, st.date_permanent,
                   (st.date_working IS NOT NULL)::int AS working_count,
                   (st.date_permanent IS NOT NULL)::int AS permanent_count,
                   (st.date_working IS NOT NULL)::int::float AS working_rate,
                   CASE WHEN st.date_working IS NOT NULL
                        THEN (st.date_permanent IS NOT NULL)::int::float END AS permanent_rate,
                   (st.date_working - st.date_new)::float AS days_to_working,
                   (st.date_working - st.date_new)::float AS days_to_working_median,
                   (st.date_permanent - st.date_working)::float AS days_to_permanent,
                   (st.date_permanent - st.date_working)::float AS days_to_permanent_median
              FROM stages st
              JOIN res_partner p ON p.id = st.partner_id""",
            events=self.env["partner.lifecycle.history"]._report_events_query(),
            new=roles.NEW,
            working=WORKING_ROLES,
            permanent=roles.PERMANENT,
        )
