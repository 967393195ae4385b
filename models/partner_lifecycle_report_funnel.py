from odoo import fields, models
from odoo.tools import SQL

from .partner_lifecycle_report_mixin import MEDIAN


class PartnerLifecycleReportFunnel(models.Model):
    """The funnel New -> Working -> Permanent: one row per client that entered New.

    The base is every client, with or without an order: one row per client of
    ``partner.lifecycle.funnel.stage``, with a status history or not. A client enters New on the day
    it was created (in the time zone of its company) or on its first New
    history row if that is earlier (a past rebuilt from the orders); the days
    to Working and to Permanent count from that day. Averages of the 0/1 rates
    are conversion rates (at most 100 %); the median days are exact medians
    over the clients of each cell. The stages are read from
    ``partner.lifecycle.funnel.stage``, kept as the history is written, with the
    client's company: a read that neither groups nor filters by salesperson, zone
    or status reads that table alone (the join to the clients is left out).
    """

    _name = "partner.lifecycle.report.funnel"
    _inherit = "partner.lifecycle.report.mixin"
    _description = "Client Funnel"
    _auto = False
    _order = "date_new desc, partner_id"
    _depends = {
        "res.partner": ["create_date", "customer_rank", "active"],
        "sale.order": ["partner_id", "state"],
    }

    status_id = fields.Many2one("partner.lifecycle.status", string="Status Now", readonly=True)
    date_new = fields.Date(
        string="Entered New",
        readonly=True,
        help="The day the client entered New: the day it was created, or its first New "
        "status in the history when that is earlier (when its history does not start at New: "
        "its first status).",
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
        help="Share of the clients that entered New, with or without an order, that reached "
        "Working (or went straight to Permanent).",
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
        help="Days from the client's entry into New (its creation) to Working; the delay "
        "from the first order to the first delivery is a part of it.",
        digits=(16, 1),
        readonly=True,
    )
    days_to_working_median = fields.Float(
        string="Days New → Working (Median)",
        aggregator=MEDIAN,
        help="Days from the client's entry into New (its creation) to Working.",
        digits=(16, 1),
        readonly=True,
    )
    days_to_permanent = fields.Float(
        string="Days New → Permanent (Average)",
        aggregator="avg",
        help="Days from the client's entry into New (its creation) to Permanent.",
        digits=(16, 1),
        readonly=True,
    )
    days_to_permanent_median = fields.Float(
        string="Days New → Permanent (Median)",
        aggregator=MEDIAN,
        help="Days from the client's entry into New (its creation) to Permanent.",
        digits=(16, 1),
        readonly=True,
    )

    def init(self):
        result = super().init()
        self.env["partner.lifecycle.funnel.stage"]._create_table()
        return result

    def _query(self):
        return SQL(
            """SELECT st.partner_id AS id, st.partner_id, st.company_id, p.user_id,
                   p.lifecycle_zone_id AS zone_id, p.lifecycle_status_id AS status_id,
                   st.date_new, st.date_working, st.date_permanent,
                   (st.date_working IS NOT NULL)::int AS working_count,
                   (st.date_permanent IS NOT NULL)::int AS permanent_count,
                   (st.date_working IS NOT NULL)::int::float AS working_rate,
                   CASE WHEN st.date_working IS NOT NULL
                        THEN (st.date_permanent IS NOT NULL)::int::float END AS permanent_rate,
                   (st.date_working - st.date_new)::float AS days_to_working,
                   (st.date_working - st.date_new)::float AS days_to_working_median,
                   (st.date_permanent - st.date_new)::float AS days_to_permanent,
                   (st.date_permanent - st.date_new)::float AS days_to_permanent_median
              FROM (%s) st
         LEFT JOIN res_partner p ON p.id = st.partner_id""",
            self.env["partner.lifecycle.funnel.stage"]._funnel_query(),
        )
