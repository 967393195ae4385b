from odoo import api, models
from odoo.tools import SQL

from ..engine import roles
from .partner_lifecycle_report_mixin import WORKING_ROLES

#: The table of each client's funnel stages, kept as its history is written.
TABLE = "partner_lifecycle_funnel_stage"


class PartnerLifecycleFunnelStage(models.AbstractModel):
    """Each client's funnel stages, read from its history and kept up to date as the
    history is written, so that the funnel report reads one row per client instead of
    going through the whole history at every opening.

    The table ``partner_lifecycle_funnel_stage`` holds one row for every client: its
    company (``company_id``, the client's own, for the report's company rule),
    ``date_new``, the day it entered New (its creation day, or its first New history
    row of its own, not moved from a merged partner, when that is earlier; its first
    row when none is New), and the first days on or after it that it was in work
    (``date_working``: working, permanent or at risk) and permanent
    (``date_permanent``), each day in the time zone of the client's ruling company, by
    the roles its settings give. A client without a history row enters New on its
    creation day and has neither.

    It is refreshed for the clients whose history changes: every INSERT of history rows
    (:meth:`partner.lifecycle.history._log_rows`, the rows explaining statuses),
    merges, and the ORM's create, write and unlink of rows; for a client whose company
    changes; for every client of a company when its time zone or its status roles
    change. A partner that becomes a client without a history row (created, made a
    customer, unarchived, made a commercial entity) gets its row then
    (:meth:`_add_missing`); an upgrade adds the rows of any client without one.
    """

    _name = "partner.lifecycle.funnel.stage"
    _description = "Client Funnel Stages"

    def _create_table(self):
        """Create the table if it is missing (install and upgrade), filled from the history
        that is there already (none on an install: the install hook fills it); on a table of
        an earlier version, add the clients' company and the rows of the clients without one."""
        self.env.cr.execute(SQL("SELECT to_regclass(%s)", TABLE))
        if not self.env.cr.fetchone()[0]:
            self.env.cr.execute(
                SQL(
                    """CREATE TABLE %s (
                           partner_id integer PRIMARY KEY
                               REFERENCES res_partner(id) ON DELETE CASCADE,
                           company_id integer,
                           date_new date NOT NULL,
                           date_working date,
                           date_permanent date)""",
                    SQL.identifier(TABLE),
                )
            )
            self._refresh()
            return
        self.env.cr.execute(
            SQL(
                """SELECT 1 FROM information_schema.columns
                    WHERE table_name = %s AND column_name = 'company_id'""",
                TABLE,
            )
        )
        if not self.env.cr.fetchone():
            self.env.cr.execute(
                SQL(
                    """ALTER TABLE %(table)s ADD COLUMN company_id integer;
                       UPDATE %(table)s s SET company_id = p.company_id
                         FROM res_partner p WHERE p.id = s.partner_id""",
                    table=SQL.identifier(TABLE),
                )
            )
        self._add_missing()

    @api.model
    def _add_missing(self, partner_ids=None):
        """Give the clients among these partners (``None``: every client) that have no row
        one: entering New on their creation day, without a history row to read."""
        if partner_ids is not None:
            partner_ids = sorted(set(partner_ids))
            if not partner_ids:
                return
        self.env["res.partner"].flush_model(["company_id", "create_date"])
        self.env["res.company"].flush_model()
        mine = SQL("TRUE") if partner_ids is None else SQL("p.id = ANY(%s)", partner_ids)
        companies = self.env["res.company"]
        self.env.execute_query(  # flushes what the client clause reads
            SQL(
                """INSERT INTO %(table)s (partner_id, company_id, date_new)
                   SELECT p.id, p.company_id, %(created)s
                     FROM res_partner p
                     JOIN res_company rc ON rc.id = %(company)s
                    WHERE %(mine)s AND %(client)s
                      AND NOT EXISTS (SELECT 1 FROM %(table)s s WHERE s.partner_id = p.id)
                   ON CONFLICT (partner_id) DO NOTHING""",
                table=SQL.identifier(TABLE),
                created=companies._lifecycle_date_sql(SQL("p.create_date"), "rc"),
                company=companies._lifecycle_ruling_company_sql("p"),
                mine=mine,
                client=self.env["res.partner"]._lifecycle_client_clause("p"),
            )
        )

    @api.model
    def _refresh(self, partner_ids=None):
        """Recompute the stages of these clients from their history (``None``: of every
        client); a client without a history row enters New on its creation day. Safe to run
        twice."""
        if partner_ids is not None:
            partner_ids = sorted(set(partner_ids))
            if not partner_ids:
                return
        self.env["partner.lifecycle.history"].flush_model()
        self.env["res.partner"].flush_model(["company_id", "create_date"])
        self.env["res.company"].flush_model()
        mine = SQL("TRUE") if partner_ids is None else SQL("partner_id = ANY(%s)", partner_ids)
        self.env.cr.execute(SQL("DELETE FROM %s WHERE %s", SQL.identifier(TABLE), mine))
        companies = self.env["res.company"]
        self.env.execute_query(  # flushes what the client clause reads
            SQL(
                """WITH events AS (%(events)s),
                   firsts AS (
                       SELECT partner_id,
                              COALESCE(min(day) FILTER (WHERE new_role = %(new)s), min(day)) AS day
                         FROM events GROUP BY partner_id),
                   starts AS (
                       SELECT f.partner_id, p.company_id, LEAST(%(created)s, f.day) AS day
                         FROM firsts f
                         JOIN res_partner p ON p.id = f.partner_id
                         JOIN res_company rc ON rc.id = %(company)s
                    UNION ALL
                       SELECT p.id, p.company_id, %(created)s
                         FROM res_partner p
                         JOIN res_company rc ON rc.id = %(company)s
                        WHERE %(mine_p)s AND %(client)s
                          AND NOT EXISTS (  -- no row in events: an index probe per client
                                  SELECT 1 FROM partner_lifecycle_history h
                                   WHERE h.partner_id = p.id AND h.merged_from IS NULL))
                   INSERT INTO %(table)s (partner_id, company_id, date_new, date_working,
                                          date_permanent)
                   SELECT s.partner_id, s.company_id, s.day,
                          min(e.day) FILTER (WHERE e.new_role IN %(working)s),
                          min(e.day) FILTER (WHERE e.new_role = %(permanent)s)
                     FROM starts s
                LEFT JOIN events e ON e.partner_id = s.partner_id AND e.day >= s.day
                 GROUP BY s.partner_id, s.company_id, s.day""",
                table=SQL.identifier(TABLE),
                events=self.env["partner.lifecycle.history"]._report_events_query(partner_ids),
                created=companies._lifecycle_date_sql(SQL("p.create_date"), "rc"),
                company=companies._lifecycle_ruling_company_sql("p"),
                mine_p=SQL("TRUE") if partner_ids is None else SQL("p.id = ANY(%s)", partner_ids),
                client=self.env["res.partner"]._lifecycle_client_clause("p"),
                new=roles.NEW,
                working=WORKING_ROLES,
                permanent=roles.PERMANENT,
            )
        )

    @api.model
    def _refresh_present(self, partner_ids):
        """Recompute the stages of those of these partners that have a row (their company
        changed: the row's company and, with the company's time zone, its days)."""
        self.env.cr.execute(
            SQL(
                "SELECT partner_id FROM %s WHERE partner_id = ANY(%s)",
                SQL.identifier(TABLE),
                sorted(set(partner_ids)),
            )
        )
        self._refresh([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _refresh_companies(self, companies):
        """Recompute the stages of every client ruled by these companies (their time zone or
        status roles changed)."""
        default = self.env["res.company"]._lifecycle_default_company()
        self.env["res.partner"].flush_model(["company_id"])
        self.env.cr.execute(
            SQL(
                """SELECT s.partner_id FROM %s s
                     JOIN res_partner p ON p.id = s.partner_id
                    WHERE COALESCE(p.company_id, %s) = ANY(%s)""",
                SQL.identifier(TABLE),
                default.id,
                companies.ids,
            )
        )
        self._refresh([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _funnel_query(self):
        """SQL rows ``(partner_id, company_id, date_new, date_working, date_permanent)`` of
        the funnel: one per client."""
        return SQL(
            """SELECT s.partner_id, s.company_id, s.date_new, s.date_working, s.date_permanent
                 FROM %s s""",
            SQL.identifier(TABLE),
        )
