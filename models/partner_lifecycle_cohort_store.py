"""The closed months of the cohort report, kept as the runs and events go.

Two tables, written by SQL only:

- ``partner_lifecycle_cohort_client_month``: one row per client and closed month
  (its status at the month end, whether it was still active, its salesperson and zone
  as the figures were written): what the report's drill-down lists and what an update
  takes back from the counts;
- ``partner_lifecycle_cohort_cell``: the same rows counted per company, cohort month,
  month, status, salesperson and zone (0 for none): what the pivot reads.

``partner_lifecycle_cohort_closed`` holds, per company, the last month written. A month
is written once when it closes (the first scheduled run after the company's midnight
of the 1st); only a rewritten past (history dated in a closed month, a new first order
month, a merge, another salesperson or zone, the company's time zone or status mapping)
writes a client's or a company's closed months again.
"""

from dateutil.relativedelta import relativedelta

from odoo import api, models
from odoo.tools import SQL

from .partner_lifecycle_report_mixin import INACTIVE_ROLES

CLIENT_MONTHS = "partner_lifecycle_cohort_client_month"
CELLS = "partner_lifecycle_cohort_cell"
CLOSED = "partner_lifecycle_cohort_closed"
#: The key of a cell: 0 stands for no company, status, salesperson or zone.
CELL_KEY = ("company_id", "cohort_month", "month", "status_id", "user_id", "zone_id")
#: At most this many clients are written again in one statement.
BATCH = 20000


class PartnerLifecycleCohortStore(models.AbstractModel):
    """Writes the closed months of ``partner.lifecycle.report.cohort``."""

    _name = "partner.lifecycle.cohort.store"
    _description = "Client Cohorts: Closed Months"

    def init(self):
        """The three tables, and an index that the current month reads alone (an index-only
        scan of the clients with a first order, not of ``res_partner``)."""
        self.env.cr.execute(
            SQL(
                """CREATE TABLE IF NOT EXISTS %(months)s (
                       partner_id integer NOT NULL,
                       ruling_company_id integer NOT NULL,
                       company_id integer, user_id integer, zone_id integer,
                       cohort_month date NOT NULL, month date NOT NULL,
                       month_index integer NOT NULL, status_id integer,
                       active smallint NOT NULL,
                       PRIMARY KEY (partner_id, month));
                   CREATE INDEX IF NOT EXISTS %(months_cohort)s
                       ON %(months)s (cohort_month, month_index);
                   CREATE TABLE IF NOT EXISTS %(cells)s (
                       id serial PRIMARY KEY,
                       company_id integer NOT NULL, cohort_month date NOT NULL,
                       month date NOT NULL, month_index integer NOT NULL,
                       status_id integer NOT NULL, user_id integer NOT NULL,
                       zone_id integer NOT NULL,
                       client_count integer NOT NULL, active_count integer NOT NULL);
                   CREATE UNIQUE INDEX IF NOT EXISTS %(cells_key)s ON %(cells)s (%(key)s);
                   CREATE INDEX IF NOT EXISTS res_partner_lifecycle_cohort_index
                       ON res_partner (lifecycle_first_order_date)
                       INCLUDE (company_id, user_id, lifecycle_zone_id, lifecycle_status_id)
                       WHERE lifecycle_first_order_date IS NOT NULL;
                   CREATE TABLE IF NOT EXISTS %(closed)s (
                       company_id integer PRIMARY KEY REFERENCES res_company ON DELETE CASCADE,
                       month date NOT NULL)""",
                months=SQL.identifier(CLIENT_MONTHS),
                months_cohort=SQL.identifier(f"{CLIENT_MONTHS}_cohort_idx"),
                cells=SQL.identifier(CELLS),
                cells_key=SQL.identifier(f"{CELLS}_key_idx"),
                key=SQL(", ").join(SQL.identifier(name) for name in CELL_KEY),
                closed=SQL.identifier(CLOSED),
            )
        )

    # ------------------------------------------------------------------ what is closed
    @api.model
    def _closed_months(self):
        """The last closed month of each company that has one: company id -> first day."""
        return dict(
            self.env.execute_query(SQL("SELECT company_id, month FROM %s", SQL.identifier(CLOSED)))
        )

    @api.model
    def _current_month(self, company):
        """The first day of the month of today in ``company``'s time zone."""
        return company._lifecycle_today().replace(day=1)

    @api.model
    def _fill_first_order_dates(self):
        """Store every client's first order day from its confirmed orders (the migration);
        returns the number of clients written."""
        companies = self.env["res.company"]
        recalculation = self.env["partner.lifecycle.recalculation"]
        recalculation._flush_facts()
        self.env.cr.execute(
            SQL(
                """UPDATE res_partner t SET lifecycle_first_order_date = f.day
                     FROM (SELECT p.id, min(%(order_day)s) AS day
                             FROM res_partner p
                             JOIN res_company rc ON rc.id = %(company)s
                             JOIN res_partner c ON c.commercial_partner_id = p.id
                             JOIN sale_order so ON so.partner_id = c.id
                            WHERE %(counted)s
                         GROUP BY p.id) f
                    WHERE t.id = f.id
                      AND t.lifecycle_first_order_date IS DISTINCT FROM f.day""",
                order_day=recalculation._order_day(companies, "rc"),
                company=companies._lifecycle_ruling_company_sql("p"),
                counted=recalculation._counted_order_clause(),
            )
        )
        count = self.env.cr.rowcount
        self.env["res.partner"].invalidate_model(["lifecycle_first_order_date"])
        return count

    # ------------------------------------------------------------------ computing months
    @api.model
    def _flush(self):
        self.env["res.partner"].flush_model()
        self.env["res.company"].flush_model()
        self.env["partner.lifecycle.history"].flush_model()

    @api.model
    def _live_rows(self, bounds, partner_ids=None):
        """SQL rows of the client months of ``bounds`` computed from the history: ``bounds``
        is a list of ``(company id, first month or None, last month)``; each client whose
        ruling company is there gets a row for each month from its cohort month (or the
        first month, if later) to the last month, with its status at the month end (its
        last status change on or before that day). ``partner_ids``: only these clients."""
        companies = self.env["res.company"]
        only = SQL("AND p.id = ANY(%s)", list(partner_ids)) if partner_ids is not None else SQL()
        events_only = (
            SQL("WHERE e.partner_id = ANY(%s)", list(partner_ids))
            if partner_ids is not None
            else SQL()
        )
        return SQL(
            """WITH bounds AS (
                   SELECT * FROM unnest(%(ids)s::int[], %(firsts)s::date[], %(lasts)s::date[])
                          AS b(company_id, first_month, last_month)),
               cohorts AS (
                   SELECT p.id AS partner_id, b.company_id AS ruling_company_id,
                          p.company_id, p.user_id, p.lifecycle_zone_id AS zone_id,
                          date_trunc('month', p.lifecycle_first_order_date)::date AS cohort_month,
                          b.first_month, b.last_month
                     FROM res_partner p
                     JOIN bounds b ON b.company_id = %(company)s
                    WHERE p.lifecycle_first_order_date IS NOT NULL %(only)s),
               months AS (
                   SELECT co.*, m::date AS month,
                          ((extract(year FROM m) - extract(year FROM co.cohort_month)) * 12
                           + extract(month FROM m) - extract(month FROM co.cohort_month))::int
                              AS month_index,
                          (m + interval '1 month')::date - 1 AS month_end
                     FROM cohorts co,
                          generate_series(GREATEST(co.cohort_month,
                                                   COALESCE(co.first_month, co.cohort_month)),
                                          co.last_month, interval '1 month') AS m),
               spans AS (
                   SELECT e.partner_id, e.day, e.new_status_id, e.new_role,
                          lead(e.day) OVER (PARTITION BY e.partner_id ORDER BY e.date, e.id)
                              AS next_day
                     FROM (%(events)s) e %(events_only)s)
            SELECT m.partner_id, m.ruling_company_id, m.company_id, m.user_id, m.zone_id,
                   m.cohort_month, m.month, m.month_index, s.new_status_id AS status_id,
                   (s.new_role IS NULL OR s.new_role NOT IN %(inactive)s)::int AS active
              FROM months m
         LEFT JOIN spans s ON s.partner_id = m.partner_id AND s.day <= m.month_end
                          AND (s.next_day IS NULL OR s.next_day > m.month_end)""",
            ids=[company_id for company_id, _first, _last in bounds],
            firsts=[first for _company_id, first, _last in bounds],
            lasts=[last for _company_id, _first, last in bounds],
            company=companies._lifecycle_ruling_company_sql("p"),
            only=only,
            events=self.env["partner.lifecycle.history"]._report_events_query(),
            events_only=events_only,
            inactive=INACTIVE_ROLES,
        )

    # ------------------------------------------------------------------ writing months
    @api.model
    def _replace(self, where, rows=None):
        """Take the client months matching ``where`` (SQL on the client months table) out of
        the counts and delete them, then store ``rows`` (a query of :meth:`_live_rows`)
        and count them in."""
        key = SQL(", ").join(
            SQL("COALESCE(%s, 0)", SQL.identifier(name))
            if name.endswith("_id")
            else SQL.identifier(name)
            for name in CELL_KEY
        )
        key_names = SQL(", ").join(SQL.identifier(name) for name in CELL_KEY)
        matches = SQL(" AND ").join(
            SQL("a.%s = g.%s", SQL.identifier(name), SQL.identifier(name)) for name in CELL_KEY
        )
        months, cells = SQL.identifier(CLIENT_MONTHS), SQL.identifier(CELLS)
        columns = SQL(
            """partner_id, ruling_company_id, company_id, user_id, zone_id, cohort_month,
               month, month_index, status_id, active"""
        )
        self.env.cr.execute(
            SQL(
                """WITH gone AS (DELETE FROM %(months)s WHERE %(where)s RETURNING *)
                   UPDATE %(cells)s a
                      SET client_count = a.client_count - g.clients,
                          active_count = a.active_count - g.active
                     FROM (SELECT %(key)s, count(*) AS clients, sum(active) AS active
                             FROM gone GROUP BY %(key)s) AS g(%(key_names)s, clients, active)
                    WHERE %(matches)s""",
                months=months,
                where=where,
                cells=cells,
                key=key,
                key_names=key_names,
                matches=matches,
            )
        )
        if rows is not None:
            self.env.cr.execute(
                SQL(
                    """WITH new AS (INSERT INTO %(months)s (%(columns)s)
                                    SELECT %(columns)s FROM (%(rows)s) r RETURNING *)
                       INSERT INTO %(cells)s
                              (%(key_names)s, month_index, client_count, active_count)
                       SELECT %(key)s, min(month_index), count(*), sum(active)
                         FROM new GROUP BY %(key)s
                       ON CONFLICT (%(key_names)s) DO UPDATE
                          SET client_count = %(cells)s.client_count + EXCLUDED.client_count,
                              active_count = %(cells)s.active_count + EXCLUDED.active_count""",
                    months=months,
                    columns=columns,
                    rows=rows,
                    cells=cells,
                    key=key,
                    key_names=key_names,
                )
            )
        self.env.cr.execute(SQL("DELETE FROM %s WHERE client_count <= 0", cells))

    @api.model
    def _set_closed(self, months):
        """Record the last closed month of each company (``months``: company id -> day)."""
        if months:
            self.env.cr.execute(
                SQL(
                    """INSERT INTO %s (company_id, month)
                       SELECT * FROM unnest(%s::int[], %s::date[])
                       ON CONFLICT (company_id) DO UPDATE SET month = EXCLUDED.month""",
                    SQL.identifier(CLOSED),
                    list(months),
                    list(months.values()),
                )
            )

    @api.model
    def _rebuild(self, companies):
        """Write every closed month of ``companies`` again from the history (the install,
        the migration, another time zone or status mapping, a company's first run)."""
        if not companies:
            return
        self._flush()
        last = {
            company.id: self._current_month(company) - relativedelta(months=1)
            for company in companies
        }
        self._replace(
            SQL("ruling_company_id = ANY(%s)", companies.ids),
            self._live_rows([(company_id, None, month) for company_id, month in last.items()]),
        )
        self._set_closed(last)

    @api.model
    def _reopen(self, companies):
        """Drop the closed months of ``companies`` from the report at once (their month ends
        or roles changed) and leave writing them again to the next scheduled run, woken
        now: until it ends, the report computes them from the history."""
        closed = self._closed_months()
        ids = [company.id for company in companies if company.id in closed]
        if ids:
            self.env.cr.execute(
                SQL("DELETE FROM %s WHERE company_id = ANY(%s)", SQL.identifier(CLOSED), ids)
            )
            self.env.ref("partner_lifecycle.ir_cron_recompute").sudo()._trigger()

    @api.model
    def _close_months(self, companies=None):
        """Write the months that closed since the last run (the scheduled run): for each
        company whose month changed at its midnight, the months after its last closed one.
        A company without closed months is written from the start. Returns the companies
        written."""
        companies = companies or self.env["res.company"].sudo().search([], order="id")
        closed = self._closed_months()
        fresh, bounds = companies.browse(), {}
        for company in companies:
            last = self._current_month(company) - relativedelta(months=1)
            if company.id not in closed:
                fresh |= company
            elif closed[company.id] < last:
                bounds[company.id] = (closed[company.id] + relativedelta(months=1), last)
        self._rebuild(fresh)
        if bounds:
            self._flush()
            for company_id, (first, last) in bounds.items():
                self._replace(
                    SQL("ruling_company_id = %s AND month >= %s", company_id, first),
                    self._live_rows([(company_id, first, last)]),
                )
            self._set_closed({company_id: last for company_id, (_first, last) in bounds.items()})
        return fresh | companies.browse(bounds)

    @api.model
    def _refresh(self, partner_ids):
        """Write the closed months of the clients ``partner_ids`` again from their history
        (their past was rewritten, or their salesperson, zone or company changed)."""
        partner_ids = sorted(set(partner_ids))
        if not partner_ids:
            return
        self._flush()
        closed = self._closed_months()
        if not closed:
            return
        companies = self.env["res.company"].sudo().browse(closed).exists()
        bounds = [
            (
                company.id,
                None,
                min(closed[company.id], self._current_month(company) - relativedelta(months=1)),
            )
            for company in companies
        ]
        for start in range(0, len(partner_ids), BATCH):
            ids = partner_ids[start : start + BATCH]
            self._replace(SQL("partner_id = ANY(%s)", ids), self._live_rows(bounds, ids))

    @api.model
    def _forget(self, partner_ids):
        """Take the closed months of clients about to be deleted out of the counts."""
        if partner_ids:
            self._replace(SQL("partner_id = ANY(%s)", list(partner_ids)))

    @api.model
    def _rewritten(self, partner_ids, moments=None, days=None):
        """Write again the closed months of the clients whose past changed at ``moments``
        (UTC datetimes) or on ``days`` (their company's days), one per client id: only
        those clients with a change in a month already closed for their company."""
        if not partner_ids:
            return
        closed = self._closed_months()
        if not closed:
            return
        companies = self.env["res.company"]
        if moments is not None:
            day = companies._lifecycle_date_sql(SQL("v.moment"), "rc")
            values = SQL(
                "unnest(%s::int[], %s::timestamp[]) AS v(partner_id, moment)",
                list(partner_ids),
                list(moments),
            )
        else:  # a day None is the company's today
            day = SQL("COALESCE(v.day, %s)", companies._lifecycle_today_sql("rc"))
            values = SQL(
                "unnest(%s::int[], %s::date[]) AS v(partner_id, day)",
                list(partner_ids),
                list(days),
            )
        rows = self.env.execute_query(
            SQL(
                """SELECT DISTINCT v.partner_id
                     FROM %(values)s
                     JOIN res_partner p ON p.id = v.partner_id
                     JOIN res_company rc ON rc.id = %(company)s
                     JOIN %(closed)s cl ON cl.company_id = rc.id
                    WHERE %(day)s < (cl.month + interval '1 month')::date""",
                values=values,
                company=companies._lifecycle_ruling_company_sql("p"),
                closed=SQL.identifier(CLOSED),
                day=day,
            )
        )
        self._refresh([row[0] for row in rows])

    @api.model
    def _stored_partner_ids(self, partner_ids):
        """Those of ``partner_ids`` that have closed months written."""
        if not partner_ids:
            return []
        rows = self.env.execute_query(
            SQL(
                "SELECT DISTINCT partner_id FROM %s WHERE partner_id = ANY(%s)",
                SQL.identifier(CLIENT_MONTHS),
                list(partner_ids),
            )
        )
        return [row[0] for row in rows]
