from odoo import fields, models
from odoo.tools import SQL

from .partner_lifecycle_report_mixin import INACTIVE_ROLES

#: Months of a cohort row per client in its id (``client id * MONTHS + months after``).
MONTHS = 10000


class PartnerLifecycleReportCohort(models.Model):
    """Cohorts by month of first order: one row per client and month since that month.

    A client is active at the end of a month when its status then (its last
    status change on or before that day) is neither sleeping nor former; a
    client without a status change by then is active (it had ordered). The
    current month, the month of today in the time zone of the client's company
    (``res.company._lifecycle_today_sql``), counts with the status of today.
    """

    _name = "partner.lifecycle.report.cohort"
    _inherit = "partner.lifecycle.report.mixin"
    _description = "Client Cohorts"
    _auto = False
    _order = "cohort_month desc, month_index, partner_id"
    _depends = {
        "sale.order": ["partner_id", "state", "date_order", "company_id"],
    }

    cohort_month = fields.Date(
        string="First Order Month",
        readonly=True,
        help="The month of the client's first confirmed order: its cohort.",
    )
    month_index = fields.Integer(
        string="Months After First Order",
        aggregator=None,
        readonly=True,
        help="0 is the month of the first order, 1 the month after, and so on.",
    )
    month = fields.Date(readonly=True, help="The month whose end the row describes.")
    status_id = fields.Many2one(
        "partner.lifecycle.status",
        string="Status at Month End",
        readonly=True,
        help="The client's status at the end of the month (today for the current month).",
    )
    active_count = fields.Integer(
        string="Still Active",
        readonly=True,
        help="1 when the client was neither sleeping nor former at the end of the month.",
    )
    active_rate = fields.Float(
        string="Share Still Active",
        aggregator="avg",
        readonly=True,
        help="Share of the cohort's clients neither sleeping nor former at the end of the "
        "month. A total is the share over all its clients: across cohorts, each cohort weighs "
        "by its size.",
    )

    def _query(self):
        companies = self.env["res.company"]
        recalculation = self.env["partner.lifecycle.recalculation"]
        return SQL(
            """WITH events AS (%(events)s),
               spans AS (
                   SELECT partner_id, day, new_status_id, new_role,
                          lead(day) OVER (PARTITION BY partner_id ORDER BY date, id) AS next_day
                     FROM events),
               cohorts AS (
                   SELECT p.id AS partner_id,
                          date_trunc('month', min(%(order_day)s))::date AS cohort_month,
                          date_trunc('month', %(today)s)::date AS current_month
                     FROM res_partner p
                     JOIN res_company rc ON rc.id = %(company)s
                     JOIN res_partner c ON c.commercial_partner_id = p.id
                     JOIN sale_order so ON so.partner_id = c.id
                    WHERE %(counted)s
                 GROUP BY p.id, rc.id),
               months AS (
                   SELECT co.partner_id, co.cohort_month, k AS month_index,
                          (co.cohort_month + k * interval '1 month')::date AS month,
                          (co.cohort_month + (k + 1) * interval '1 month')::date - 1 AS month_end
                     FROM cohorts co,
                          generate_series(0, ((extract(year FROM co.current_month)
                                               - extract(year FROM co.cohort_month)) * 12
                                              + extract(month FROM co.current_month)
                                              - extract(month FROM co.cohort_month))::int) AS k)
            SELECT m.partner_id::bigint * %(months)s + m.month_index AS id,
                   m.partner_id, p.company_id, p.user_id, p.lifecycle_zone_id AS zone_id,
                   m.cohort_month, m.month_index, m.month, s.new_status_id AS status_id,
                   (s.new_role IS NULL OR s.new_role NOT IN %(inactive)s)::int AS active_count,
                   (s.new_role IS NULL OR s.new_role NOT IN %(inactive)s)::int::float
                       AS active_rate
              FROM months m
              JOIN res_partner p ON p.id = m.partner_id
         LEFT JOIN spans s ON s.partner_id = m.partner_id AND s.day <= m.month_end
                          AND (s.next_day IS NULL OR s.next_day > m.month_end)""",
            events=self.env["partner.lifecycle.history"]._report_events_query(),
            order_day=recalculation._order_day(companies, "rc"),
            today=companies._lifecycle_today_sql("rc"),
            company=companies._lifecycle_ruling_company_sql("p"),
            counted=recalculation._counted_order_clause(),
            months=MONTHS,
            inactive=INACTIVE_ROLES,
        )
