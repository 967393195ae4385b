"""A client's past, rebuilt from its orders: the status history as the rules would have
written it, had the add-on watched every day (engine ``timeline``).

Run at install, from the recalculation wizard and in background jobs. People's
acts are kept: only automatic and reconstructed rows are replaced, and a status
that no row explains gets one ("Set by hand", on its status date).
"""

import json
import logging
from collections import Counter
from datetime import date

from odoo import api, models
from odoo.tools import SQL, split_every

from ..engine import Transition, UnusableDate, roles
from ..engine.replay import replay
from .partner_lifecycle_decision import HOLD_COLUMNS
from .partner_lifecycle_history import HistoryRow

_logger = logging.getLogger(__name__)


def _ordinal(day):
    """SQL: the day number of the date expression ``day`` (Python's ``date.toordinal()``)."""
    return SQL("(%s - DATE '0001-01-01' + 1)", day)


class PartnerLifecycleReconstruction(models.AbstractModel):
    """Rebuild clients' status history from their orders."""

    _name = "partner.lifecycle.reconstruction"
    _description = "Client Status History Reconstruction"

    @api.model
    def _reconstruct_history(self, company, ids=None, today=None, commit=False, on_batch=None,
                             before_batch=None):  # fmt: skip
        """Rebuild the clients' automatic history from their orders (engine.transitions).

        For each client with orders, its automatic and reconstructed rows are
        replaced by one row per past transition (origin ``reconstructed``, dated
        on the day of the transition); the rows of people's acts (by hand,
        planning, termination) and those moved from merged partners stay, and
        a client whose status is one of the company's own (set by hand, never
        replaced by automation) is left alone. When the replay ends in the
        client's current status, "status since" becomes the day it entered that
        status. Batches run as the recalculation's do (``_batch_transaction``,
        ``before_batch``, ``on_batch``).
        """
        recalculation = self.env["partner.lifecycle.recalculation"]
        ids = recalculation._client_ids(company) if ids is None else ids
        today = today or company._lifecycle_today()
        settings = company.sudo()._lifecycle_settings()
        stats = Counter()
        for batch in split_every(recalculation._batch_size, ids, list):
            with recalculation._batch_transaction(commit):
                if before_batch and not before_batch():
                    break
                with recalculation._without_jit():
                    batch_stats = self._reconstruct_batch(company, batch, today, settings)
                if on_batch:
                    on_batch(batch, batch_stats)
            stats.update(batch_stats)
        return stats

    @api.model
    def _reconstruct_batch(self, company, batch, today, settings):
        """Rebuild the history of one batch of clients of ``company``; its counts."""
        statuses, role_of = company.sudo()._lifecycle_role_ids()
        rows = [
            row
            for row in self._read_orders(company, batch)
            if not row["status_id"] or row["status_id"] in role_of
        ]  # a status of the company's own, set by hand: its rows stay
        changes, since = [], {}
        for row, steps in zip(rows, self._replay(rows, settings, today), strict=True):
            old = None
            for step in steps:
                status_id = statuses.get(step.role)
                if status_id and status_id != old:
                    changes.append(
                        HistoryRow(
                            row["id"],
                            old,
                            status_id,
                            step.reason_code,
                            step.reason_params,
                            origin="reconstructed",
                            day=step.day,
                        )
                    )
                    old = status_id
            if old and old == row["status_id"]:
                since[row["id"]] = changes[-1]
        replaced = sorted({change.partner_id for change in changes})
        self.env.cr.execute(
            SQL(
                """DELETE FROM partner_lifecycle_history WHERE partner_id = ANY(%s)
                      AND origin IN ('automatic', 'reconstructed') AND merged_from IS NULL""",
                replaced,
            )
        )
        self.env["partner.lifecycle.history"]._log_rows(
            changes, companies={row["id"]: row["company_id"] for row in rows}
        )
        if since:
            self._write_entries(list(since.values()))
        added = self._explain_unexplained_statuses(batch)
        self.env["res.partner"].browse(batch).invalidate_recordset(
            [
                "lifecycle_status_date",
                "lifecycle_reason_code",
                "lifecycle_reason_params",
                "lifecycle_history_ids",
            ]
        )
        return Counter(clients=len(batch), rows=len(changes) + added)

    @api.model
    def _read_orders(self, company, ids):
        """One dict per client: its status, its ruling company, and what its replay needs as
        day numbers (``date.toordinal()``): its order days (one a confirmed order), first
        delivery, termination and pauses."""
        if not ids:
            return []
        recalculation = self.env["partner.lifecycle.recalculation"]
        recalculation._flush_facts()
        return self.env.execute_query_dict(
            SQL(
                """SELECT p.id, p.lifecycle_status_id AS status_id, %(ruling)s AS company_id,
                          %(delivery)s AS delivery, %(termination)s AS termination,
                          (SELECT array_agg(ARRAY[%(first)s, %(last)s])
                             FROM partner_lifecycle_pause pa
                            WHERE pa.partner_id = p.id) AS pauses,
                          (SELECT array_agg(%(day)s)
                             FROM res_partner c, sale_order so
                            WHERE %(counted)s) AS orders
                     FROM res_partner p
                    WHERE p.id = ANY(%(ids)s)
                 ORDER BY p.id""",
                ruling=self.env["res.company"]._lifecycle_ruling_company_sql("p"),
                delivery=_ordinal(SQL("p.lifecycle_first_delivery_date")),
                termination=_ordinal(SQL("p.lifecycle_termination_date")),
                first=_ordinal(SQL("pa.date_from")),
                last=_ordinal(SQL("pa.date_to")),
                day=_ordinal(recalculation._order_day(company)),
                counted=recalculation._counted_order_clause(),
                ids=list(ids),
            )
        )

    def _replay(self, rows, settings, today):
        """The engine's transitions of each client of ``rows`` (``_read_orders``); none for a
        client with an unusable date."""
        today = today.toordinal()
        result = []
        for row in rows:
            try:
                steps = replay(
                    settings,
                    today,
                    row["orders"] or (),
                    row["delivery"],
                    row["termination"],
                    row["pauses"] or (),
                )
            except UnusableDate:
                steps = []
            result.append([Transition(date.fromordinal(day), *step) for day, *step in steps])
        return result

    @api.model
    def _write_entries(self, rows):
        """The card of a client whose replay ends in its current status: "status since" is
        the day it entered it, and (unless held by hand) the reason is that transition's, as
        its last history row says. A card that says so already is not written again."""
        self.env.cr.execute(
            SQL(
                """UPDATE res_partner p SET lifecycle_status_date = v.day,
                          lifecycle_reason_code = CASE WHEN p.lifecycle_held
                              THEN p.lifecycle_reason_code ELSE v.code END,
                          lifecycle_reason_params = CASE WHEN p.lifecycle_held
                              THEN p.lifecycle_reason_params ELSE v.params::jsonb END
                     FROM unnest(%s::int[], %s::date[], %s::varchar[], %s::text[])
                          AS v(id, day, code, params)
                    WHERE p.id = v.id
                      AND (p.lifecycle_status_date IS DISTINCT FROM v.day
                           OR (p.lifecycle_held IS NOT TRUE
                               AND (p.lifecycle_reason_code IS DISTINCT FROM v.code
                                    OR p.lifecycle_reason_params
                                       IS DISTINCT FROM v.params::jsonb)))""",
                [row.partner_id for row in rows],
                [row.day for row in rows],
                [row.reason_code for row in rows],
                [json.dumps(row.reason_params) if row.reason_params else None for row in rows],
            )
        )

    @api.model
    def _explain_unexplained_statuses(self, ids):
        """Give a history row to each of these clients whose status no row explains (a
        status set by hand, or given by a version that kept no history), dated on its
        status date: "Set by hand" for a status of the company's own or without a stored
        reason, else the stored reason the card shows (by the rules, unless held). Returns
        the number of rows added."""
        companies = self.env["res.company"]
        self.env.cr.execute(
            SQL(
                """INSERT INTO partner_lifecycle_history
                       (partner_id, company_id, salesperson_id, date, new_status_id, origin,
                        reason_code, reason_params, user_id, create_uid, create_date,
                        write_uid, write_date)
                   SELECT p.id, p.company_id, p.user_id,
                          ((coalesce(p.lifecycle_status_date, p.create_date::date) + time '12:00')
                           AT TIME ZONE %(zone)s) AT TIME ZONE 'UTC',
                          p.lifecycle_status_id,
                          CASE WHEN r.role IS NULL OR p.lifecycle_held
                                    OR p.lifecycle_reason_code IS NULL
                               THEN 'manual' ELSE 'automatic' END,
                          CASE WHEN r.role IS NULL OR p.lifecycle_reason_code IS NULL
                               THEN 'set_by_hand' ELSE p.lifecycle_reason_code END,
                          CASE WHEN r.role IS NULL OR p.lifecycle_reason_code IS NULL
                               THEN '{}'::jsonb
                               ELSE coalesce(p.lifecycle_reason_params, '{}'::jsonb) END,
                          %(uid)s, %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s,
                          now() AT TIME ZONE 'UTC'
                     FROM res_partner p
                     JOIN res_company rc ON rc.id = %(company)s
                LEFT JOIN (%(roles)s) r ON r.company_id = rc.id
                                      AND r.status_id = p.lifecycle_status_id
                    WHERE p.id = ANY(%(ids)s) AND p.lifecycle_status_id IS NOT NULL
                      AND NOT EXISTS (SELECT 1 FROM partner_lifecycle_history h
                                       WHERE h.partner_id = p.id AND h.merged_from IS NULL
                                         AND h.new_status_id = p.lifecycle_status_id)
                RETURNING partner_id, date""",
                uid=self.env.uid,
                ids=list(ids),
                zone=companies._lifecycle_timezone_sql("rc"),
                company=companies._lifecycle_ruling_company_sql("p"),
                roles=companies._lifecycle_roles_query(),
            )
        )
        added = self.env.cr.fetchall()
        if added:
            self.env["partner.lifecycle.history"]._history_changed(
                [partner_id for partner_id, _date in added],
                moments=[moment for _partner_id, moment in added],
            )
        return len(added)

    @api.model
    def _complete_after_upgrade(self):
        """After an upgrade whose rules or decision columns changed: hold the statuses set
        by hand that no hold records, explain every status, and queue a full
        recalculation of each company (it writes the new columns and applies the rules).
        Safe to run twice: a second run holds and explains no one, and finds the jobs."""
        recalculation = self.env["partner.lifecycle.recalculation"]
        companies = self.env["res.company"].search([], order="id")
        for company in companies:
            ids = recalculation._client_ids(company)
            held = self._hold_statuses_set_by_hand(ids)
            explained = self._explain_unexplained_statuses(ids)
            _logger.info(
                "client lifecycle: %s: %s statuses set by hand held, %s statuses explained",
                company.name,
                held,
                explained,
            )
        companies._lifecycle_queue_full_recalculation()
        self.env.flush_all()
        self.env.invalidate_all()  # the rows added in SQL

    @api.model
    def _hold_statuses_set_by_hand(self, ids):
        """Hold the status of each of these clients that a person set and that no hold
        records (18.0.1.0.0 kept only the history row): the client's last history row is a
        person's change (by hand, in delivery planning) to its current status, a status of
        a role other than former, its contract runs, and it has not ordered since (its next
        order would have ended the hold). The hold lasts until the client's next confirmed
        order. Returns the number of clients held."""
        recalculation = self.env["partner.lifecycle.recalculation"]
        recalculation._flush_facts()
        self.env["partner.lifecycle.history"].flush_model()
        self.env.cr.execute(
            SQL(
                """WITH last AS (
                       SELECT DISTINCT ON (h.partner_id) h.partner_id, h.origin, h.reason_code,
                              h.new_status_id, h.user_id, h.note, h.date
                         FROM partner_lifecycle_history h
                        WHERE h.partner_id = ANY(%(ids)s)
                     ORDER BY h.partner_id, h.date DESC, h.id DESC),
                   roles AS (%(roles)s)
                   UPDATE res_partner p
                      SET lifecycle_held = TRUE, lifecycle_hold_until = NULL,
                          lifecycle_hold_user_id = last.user_id,
                          lifecycle_hold_note = last.note,
                          lifecycle_hold_order_count = (
                              SELECT count(*) FROM res_partner c, sale_order so
                               WHERE %(counted)s)
                     FROM last, roles r
                    WHERE last.partner_id = p.id AND last.origin IN ('manual', 'planning')
                      AND last.reason_code IS DISTINCT FROM 'set_by_hand'
                      AND last.new_status_id = p.lifecycle_status_id
                      AND NOT coalesce(p.lifecycle_held, FALSE)
                      AND p.lifecycle_termination_date IS NULL
                      AND r.company_id = %(ruling)s AND r.status_id = p.lifecycle_status_id
                      AND r.role <> %(former)s
                      AND NOT EXISTS (SELECT 1 FROM res_partner c, sale_order so
                                       WHERE %(counted)s AND so.date_order > last.date)""",
                ids=list(ids),
                roles=self.env["res.company"]._lifecycle_roles_query(),
                counted=recalculation._counted_order_clause(),
                ruling=self.env["res.company"]._lifecycle_ruling_company_sql("p"),
                former=roles.FORMER,
            )
        )
        held = self.env.cr.rowcount
        names = ["lifecycle_held", *HOLD_COLUMNS]
        partners = self.env["res.partner"].browse(ids)
        partners.invalidate_recordset(names)
        partners.modified(names)
        return held
