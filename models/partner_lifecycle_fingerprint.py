"""Fingerprints: what a client's stored decision rests on, to skip the clients of a full run
whose facts cannot have changed since.

A fingerprint is ``<md5 of the facts>:<day of the decision>``, computed on the server
for many clients at once (one aggregate over the orders, as the decision kernel does).
The facts are every input the decision reads (``partner.lifecycle.recalculation.
_read_facts``): the day of each counted order (the sorted list, duplicates kept), the
main product's quantities when the company expects next orders by consumption, the
first delivery, the pauses, the termination, the hold; every column a decision writes
(the status and its day, the figures, the range of the next order, the reason, the
review date: so that a person's change, or a change made behind the add-on's back,
shows); the company; and the settings version of the ruling company (the settings the
engine reads, the status mapping, the add-on's version). Any change of one of them
changes the md5, so a client whose facts changed is never skipped.

The runs store it after deciding a batch (``partner.lifecycle.decision.
_store_fingerprints``) in a narrow table of its own, ``partner_lifecycle_fingerprint``
(the client's id, the md5, the day; a row goes with its client): writing it on the wide
``res_partner`` row a second time after the decision cost about a quarter of a full run
from scratch. The hooks and a person's acts do not: the facts they change
make the stored fingerprint differ, and the next full run decides those clients again.

A full run decides again a client whose fingerprint is empty or differs from the
current one, whose review date has come, that is marked, that could not be computed,
or whose stored decision was made on a later day than the run's.
"""

import hashlib

from odoo import api, models
from odoo.modules import get_manifest
from odoo.tools import SQL

from .partner_lifecycle_decision import FACT_COLUMNS, HOLD_COLUMNS, TERMINATION_COLUMNS


class PartnerLifecycleFingerprint(models.AbstractModel):
    """The fingerprints of clients' decisions, computed in SQL."""

    _name = "partner.lifecycle.fingerprint"
    _description = "Client Lifecycle Decision Fingerprint"

    #: The table of the stored fingerprints, one row per client decided by a full run.
    _fingerprint_table = "partner_lifecycle_fingerprint"

    def init(self):
        """Create the table of the stored fingerprints (install and upgrade). The day has a
        column of its own: with more than one column besides the partner's, merging partners
        deletes the merged ones' rows rather than failing on the key."""
        self.env.cr.execute(
            SQL(
                """CREATE TABLE IF NOT EXISTS %s (
                       partner_id integer PRIMARY KEY
                                  REFERENCES res_partner(id) ON DELETE CASCADE,
                       fingerprint varchar NOT NULL,
                       day date NOT NULL)""",
                SQL.identifier(self._fingerprint_table),
            )
        )

    @api.model
    def _stored(self, ids):
        """{partner id: stored fingerprint} of the partners ``ids`` that have one."""
        self.env.cr.execute(
            SQL(
                "SELECT partner_id, fingerprint || ':' || day FROM %s WHERE partner_id = ANY(%s)",
                SQL.identifier(self._fingerprint_table),
                list(ids),
            )
        )
        return dict(self.env.cr.fetchall())

    #: Partner columns a fingerprint covers besides the orders and the pauses.
    _partner_columns = (
        "lifecycle_status_id",
        "lifecycle_status_date",
        "lifecycle_first_delivery_date",
        "company_id",
        *FACT_COLUMNS,
        *HOLD_COLUMNS,
        *TERMINATION_COLUMNS,
    )

    @api.model
    def _settings_version(self, company):
        """A text that changes with anything of ``company`` the engine reads: its settings,
        its status mapping, the add-on's version. Override to add what your rules read."""
        statuses, _role_of = company._lifecycle_role_ids()
        text = repr(
            (
                company.id,
                company._lifecycle_settings(),
                sorted(statuses.items()),
                get_manifest("partner_lifecycle").get("version"),
            )
        )
        return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()

    @api.model
    def _current(self, company, where, stored_only=False):
        """SQL: ``(id, fingerprint)`` of the partners ``p`` matching ``where`` (SQL on ``p``),
        with the facts of now and no day. With ``stored_only``, the orders and pauses are
        read only for the partners that have a stored fingerprint: the others' fingerprints
        are left incomplete (they are stale whatever it is, having none to compare with)."""
        recalculation = self.env["partner.lifecycle.recalculation"]
        recalculation._flush_facts()
        day = SQL("(%s - DATE '1970-01-01')::bigint", recalculation._order_day(company))
        columns = SQL(", ").join(
            SQL("p.%s", SQL.identifier(name)) for name in self._partner_columns
        )
        return SQL(
            """WITH clients AS MATERIALIZED (
                   SELECT p.id, %(stored)s AS stored FROM res_partner p WHERE %(where)s),
               o AS (
                   SELECT p.id, array_agg(d.day ORDER BY d.day) AS days
                     FROM res_partner p, res_partner c, sale_order so
                    CROSS JOIN LATERAL (SELECT %(day)s AS day) d
                    WHERE %(counted)s AND p.id IN (SELECT id FROM clients WHERE stored)
                 GROUP BY p.id),
               pa AS (
                   SELECT pa.partner_id AS id,
                          array_agg(ARRAY[pa.date_from, pa.date_to]
                                    ORDER BY pa.date_from, pa.date_to) AS pauses
                     FROM partner_lifecycle_pause pa
                    WHERE pa.partner_id IN (SELECT id FROM clients WHERE stored)
                 GROUP BY pa.partner_id)
               SELECT p.id, md5(ROW(%(version)s::text, %(columns)s, o.days, pa.pauses,
                                    CASE WHEN clients.stored THEN %(quantities)s END)::text)
                          AS fingerprint
                 FROM clients
                 JOIN res_partner p ON p.id = clients.id
            LEFT JOIN o ON o.id = p.id
            LEFT JOIN pa ON pa.id = p.id""",
            day=day,
            counted=recalculation._counted_order_clause(),
            where=where,
            stored=SQL(
                "EXISTS (SELECT 1 FROM %s s WHERE s.partner_id = p.id)",
                SQL.identifier(self._fingerprint_table),
            )
            if stored_only
            else SQL("TRUE"),
            version=self._settings_version(company),
            columns=columns,
            quantities=recalculation._main_product_quantities(company),
        )

    @api.model
    def _stale_client_ids(self, company, today, after_id=0):
        """(ids, count): the ids of the clients of ``company`` above ``after_id`` that a
        full run must decide again on ``today``, in id order, and the count of all its
        clients above ``after_id``; the others' decisions stand. One statement compares
        the fingerprints on the server: only the ids to decide come back."""
        recalculation = self.env["partner.lifecycle.recalculation"]
        where = SQL(
            "%s AND %s AND p.id > %s",
            self.env["res.partner"]._lifecycle_client_clause("p"),
            recalculation._company_clause(company),
            after_id,
        )
        with recalculation._without_jit(), self._hash_joins():
            count, ids = self.env.execute_query(self._stale_query(company, today, where))[0]
        return ids or [], count

    def _hash_joins(self):
        """Run the block without nested loops, back to the previous setting after it. The
        planner counts few clients (their clause is priced far too selective) and loops over
        the whole order aggregate for each of them; over every client, hash joins win."""
        return self.env["partner.lifecycle.recalculation"]._planner_setting(
            "enable_nestloop", "off"
        )

    @api.model
    def _stale_query(self, company, today, where):
        """SQL, one row: the count of the clients ``p`` matching ``where``, and the ids (in
        id order) of those to decide again on ``today``."""
        return SQL(
            """SELECT count(*), array_agg(f.id ORDER BY f.id) FILTER (
                          WHERE s.fingerprint IS NULL
                             OR s.fingerprint <> f.fingerprint
                             OR s.day > %(day)s
                             OR p.lifecycle_review_date <= %(day)s
                             OR p.lifecycle_error_date IS NOT NULL
                             OR EXISTS (SELECT 1 FROM partner_lifecycle_queue q
                                         WHERE q.partner_id = p.id))
                 FROM (%(current)s) f
                 JOIN res_partner p ON p.id = f.id
            LEFT JOIN %(table)s s ON s.partner_id = f.id""",
            current=self._current(company, where, stored_only=True),
            day=today,
            table=SQL.identifier(self._fingerprint_table),
        )

    @api.model
    def _update_query(self, company, ids, today):
        """SQL: store the current fingerprints of the partners ``ids`` decided on ``today``;
        a row is written only where it differs."""
        return SQL(
            """INSERT INTO %(table)s AS s (partner_id, fingerprint, day)
               SELECT f.id, f.fingerprint, %(today)s FROM (%(current)s) f
               ON CONFLICT (partner_id) DO UPDATE
                  SET fingerprint = EXCLUDED.fingerprint, day = EXCLUDED.day
                WHERE (s.fingerprint, s.day)
                      IS DISTINCT FROM (EXCLUDED.fingerprint, EXCLUDED.day)""",
            table=SQL.identifier(self._fingerprint_table),
            today=today,
            current=self._current(company, SQL("p.id = ANY(%s)", list(ids))),
        )
