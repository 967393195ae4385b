from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL

from .lifecycle_context import internal, is_internal
from .partner_lifecycle_cohort_store import CELLS, CLIENT_MONTHS, CLOSED
from .partner_lifecycle_report_mixin import INACTIVE_ROLES

#: Months of a cohort row per client in its id (``client id * MONTHS + months after``).
MONTHS = 10000
#: Ids of the current month's cells start above this (negative, after the stored cells').
CURRENT_CELL_IDS = 1_000_000_000
#: The context key under which the report reads the counted cells of the closed months.
CELLS_KEY = "lifecycle_cohort_cells"
#: Fields a cell of closed months carries: a read grouped and filtered on these alone
#: reads the cells, not one row per client.
CELL_FIELDS = {
    "company_id",
    "cohort_month",
    "month_index",
    "month",
    "status_id",
    "user_id",
    "zone_id",
}
#: Figures a cell gives exactly (the count of clients, the active ones, the share).
CELL_AGGREGATES = {"__count", "active_count:sum", "active_rate:avg"}


class PartnerLifecycleReportCohort(models.Model):
    """Cohorts by month of first order: one row per client and month since that month.

    A client is active at the end of a month when its status then (its last
    status change on or before that day) is neither sleeping nor former; a
    client without a status change by then is active (it had ordered). The
    current month, the month of today in the time zone of the client's company
    (``res.company._lifecycle_today_sql``), counts with the status of today.

    The cohort is the month of the client's first order as the decisions store it
    (``res.partner.lifecycle_first_order_date``). Closed months are read from what
    ``partner.lifecycle.cohort.store`` wrote when they closed; a month that closed
    since the last scheduled run is computed from the history; the current month
    from the clients' statuses. A grouped read on the cells' fields alone
    (the pivot) reads the closed months counted per cell, each with its number of
    clients: ``__count`` and the share are then sums over the cells.
    """

    _name = "partner.lifecycle.report.cohort"
    _inherit = "partner.lifecycle.report.mixin"
    _description = "Client Cohorts"
    _auto = False
    _order = "cohort_month desc, month_index, partner_id"
    _depends = {
        "res.partner": ["lifecycle_first_order_date", "lifecycle_status_id"],
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

    # ------------------------------------------------------------------ the rows
    def _query(self):
        companies = self.env["res.company"].sudo().search([])
        store = self.env["partner.lifecycle.cohort.store"]
        closed = store._closed_months()
        pending = []
        for company in companies:
            last = store._current_month(company) - relativedelta(months=1)
            first = closed.get(company.id)
            if first is None or first < last:
                first = first and first + relativedelta(months=1)
                pending.append((company.id, first, last))
        parts = [self._closed_query(), self._current_query()]
        if pending:
            parts.append(self._pending_query(store._live_rows(pending)))
        return SQL(
            "WITH today AS (%s) %s",
            self._today_query(),
            SQL(" UNION ALL ").join(parts),
        )

    def _today_query(self):
        """Each company's today and current month."""
        companies = self.env["res.company"]
        return SQL(
            """SELECT rc.id AS company_id, %(today)s AS today,
                      date_trunc('month', %(today)s)::date AS month
                 FROM res_company rc""",
            today=companies._lifecycle_today_sql("rc"),
        )

    def _closed_query(self):
        """The closed months as written: per client, or counted per cell."""
        if is_internal(self.env, CELLS_KEY):
            return SQL(
                """SELECT -c.id AS id, NULL::int AS partner_id,
                          NULLIF(c.company_id, 0) AS company_id,
                          NULLIF(c.user_id, 0) AS user_id, NULLIF(c.zone_id, 0) AS zone_id,
                          c.cohort_month, c.month_index, c.month,
                          NULLIF(c.status_id, 0) AS status_id, c.active_count,
                          c.active_count::float / c.client_count AS active_rate, c.client_count
                     FROM (SELECT *, NULLIF(company_id, 0) AS cid FROM %(cells)s) c
                     JOIN today t ON t.company_id = COALESCE(c.cid, %(main)s)
                     JOIN %(closed)s k ON k.company_id = t.company_id
                    WHERE c.month < t.month AND c.month <= k.month""",
                cells=SQL.identifier(CELLS),
                closed=SQL.identifier(CLOSED),
                main=self.env["res.company"]._lifecycle_default_company().id,
            )
        return SQL(
            """SELECT c.partner_id::bigint * %(months)s + c.month_index AS id, c.partner_id,
                      c.company_id, c.user_id, c.zone_id, c.cohort_month, c.month_index, c.month,
                      c.status_id, c.active::int AS active_count,
                      c.active::float AS active_rate, 1 AS client_count
                 FROM %(table)s c
                 JOIN today t ON t.company_id = c.ruling_company_id
                 JOIN %(closed)s k ON k.company_id = t.company_id
                WHERE c.month < t.month AND c.month <= k.month""",
            months=MONTHS,
            closed=SQL.identifier(CLOSED),
            table=SQL.identifier(CLIENT_MONTHS),
        )

    def _current_query(self):
        """The current month: each client with its status of today (counted per cell when
        the read is on the cells)."""
        companies = self.env["res.company"]
        if is_internal(self.env, CELLS_KEY):
            # Two parts, counted per cell: the clients whose first order is before the
            # earliest current month of any company (before every company's today) are
            # grouped alone, then given their company's month, a hashed count of an
            # index-only scan; the few whose first order is in a current month are matched
            # row by row with their company's today, as the per-client rows are.
            return SQL(
                """SELECT -(%(offset)s + row_number() OVER ()) AS id, NULL::int AS partner_id,
                          g.company_id, g.user_id, g.zone_id, g.cohort_month,
                          ((extract(year FROM g.month) - extract(year FROM g.cohort_month)) * 12
                           + extract(month FROM g.month)
                           - extract(month FROM g.cohort_month))::int AS month_index,
                          g.month, g.status_id, a.active_count,
                          a.active_count::float / g.client_count AS active_rate, g.client_count
                     FROM (SELECT t.company_id AS ruling_id, t.month, c.company_id, c.user_id,
                                  c.zone_id, c.cohort_month, c.status_id, c.client_count
                             FROM (SELECT p.company_id, p.user_id,
                                          p.lifecycle_zone_id AS zone_id,
                                          date_trunc('month', p.lifecycle_first_order_date)::date
                                              AS cohort_month,
                                          p.lifecycle_status_id AS status_id,
                                          count(*) AS client_count
                                     FROM res_partner p
                                    WHERE p.lifecycle_first_order_date
                                              < (SELECT min(month) FROM today)
                                      AND p.lifecycle_first_order_date IS NOT NULL
                                 GROUP BY 1, 2, 3, 4, 5) c
                             JOIN today t ON t.company_id = %(company_c)s
                        UNION ALL
                           SELECT t.company_id, t.month, p.company_id, p.user_id,
                                  p.lifecycle_zone_id,
                                  date_trunc('month', p.lifecycle_first_order_date)::date,
                                  p.lifecycle_status_id, count(*)
                             FROM res_partner p
                             JOIN today t ON t.company_id = %(company_p)s
                            WHERE p.lifecycle_first_order_date >= (SELECT min(month) FROM today)
                              AND p.lifecycle_first_order_date <= t.today
                              AND p.lifecycle_first_order_date IS NOT NULL
                         GROUP BY 1, 2, 3, 4, 5, 6, 7) g
                LEFT JOIN (%(roles)s) r ON r.company_id = g.ruling_id AND r.status_id = g.status_id
                    CROSS JOIN LATERAL (
                       SELECT CASE WHEN r.role IN %(inactive)s THEN 0 ELSE g.client_count END
                                  AS active_count) a""",
                offset=CURRENT_CELL_IDS,
                company_c=companies._lifecycle_ruling_company_sql("c"),
                company_p=companies._lifecycle_ruling_company_sql("p"),
                roles=companies._lifecycle_roles_query(),
                inactive=INACTIVE_ROLES,
            )
        return SQL(
            """SELECT p.id::bigint * %(months)s + m.month_index AS id, p.id AS partner_id,
                      p.company_id, p.user_id, p.lifecycle_zone_id AS zone_id,
                      m.cohort_month, m.month_index, t.month, p.lifecycle_status_id AS status_id,
                      (r.role IS NULL OR r.role NOT IN %(inactive)s)::int AS active_count,
                      (r.role IS NULL OR r.role NOT IN %(inactive)s)::int::float AS active_rate,
                      1 AS client_count
                 FROM res_partner p
                 JOIN today t ON t.company_id = %(company)s
            LEFT JOIN (%(roles)s) r ON r.company_id = t.company_id
                                   AND r.status_id = p.lifecycle_status_id
                CROSS JOIN LATERAL (
                   SELECT date_trunc('month', p.lifecycle_first_order_date)::date AS cohort_month,
                          ((extract(year FROM t.month)
                            - extract(year FROM p.lifecycle_first_order_date)) * 12
                           + extract(month FROM t.month)
                           - extract(month FROM p.lifecycle_first_order_date))::int AS month_index
                   ) m
                WHERE p.lifecycle_first_order_date <= t.today
                              AND p.lifecycle_first_order_date IS NOT NULL""",
            months=MONTHS,
            company=companies._lifecycle_ruling_company_sql("p"),
            roles=companies._lifecycle_roles_query(),
            inactive=INACTIVE_ROLES,
        )

    def _pending_query(self, rows):
        """Months closed since the last scheduled run, computed from the history."""
        return SQL(
            """SELECT * FROM (
                   SELECT l.partner_id::bigint * %(months)s + l.month_index AS id, l.partner_id,
                          l.company_id, l.user_id, l.zone_id, l.cohort_month, l.month_index,
                          l.month, l.status_id, l.active AS active_count,
                          l.active::float AS active_rate, 1 AS client_count
                     FROM (%(rows)s) l) pending""",
            months=MONTHS,
            rows=rows,
        )

    # ------------------------------------------------------------------ grouped reads
    @api.model
    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None,
                    order=None):  # fmt: skip
        """A read grouped and filtered on the cells' fields alone reads the counted cells."""
        if self._cells_answer(domain, groupby, aggregates, having, order):
            self = self.with_context(**internal(CELLS_KEY))
        return super()._read_group(domain, groupby, aggregates, having, offset, limit, order)

    @api.model
    def _cells_answer(self, domain, groupby, aggregates, having, order):
        """Whether the cells give exactly the figures asked for."""
        names = set()
        for leaf in expression.normalize_domain(list(domain or [])):
            if isinstance(leaf, (list, tuple)) and isinstance(leaf[0], str):  # not TRUE_LEAF
                names.add(leaf[0].split(".")[0])
        for spec in groupby:
            names.add(spec.split(":")[0].split(".")[0])
        for spec in having or ():
            if isinstance(spec, (list, tuple)) and spec[0] not in CELL_AGGREGATES:
                return False
        if order and any(
            term.split()[0].split(":")[0].split(".")[0] not in CELL_FIELDS | CELL_AGGREGATES
            for term in order.split(",")
            if term.strip()
        ):
            return False
        return names <= CELL_FIELDS and set(aggregates) <= CELL_AGGREGATES

    @api.model
    def _read_group_select(self, aggregate_spec, query):
        """Counts are sums of the rows' clients (1 per client row, n per cell); the share
        still active is the active clients over the clients of the group."""
        clients = SQL.identifier(self._table, "client_count")
        if aggregate_spec == "__count":
            return SQL("COALESCE(SUM(%s), 0)", clients)
        if aggregate_spec == "active_rate:avg":
            return SQL(
                "SUM(%s)::float / NULLIF(SUM(%s), 0)",
                SQL.identifier(self._table, "active_count"),
                clients,
            )
        return super()._read_group_select(aggregate_spec, query)
