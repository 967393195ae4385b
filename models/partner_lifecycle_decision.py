"""Decisions: the engine's verdict on a client's facts, and the one writer that applies it.

Every path that changes a client ends here. The recalculation (hooks, runs,
jobs) reads a batch of clients (``partner.lifecycle.recalculation._read_facts``)
and asks :meth:`_decide_rows` for the rules' decisions; a person's act (the
card, the mass update, delivery planning, a termination, a creation) goes
through ``partner.lifecycle.act``, which reads the same facts and asks the
engine's ``decide_act``. Both give one :class:`Outcome` per client, built
from the engine's :class:`~..engine.Decision` by :meth:`_outcome`, and one
set of values: the status and its date, the reason, the figures, the hold,
the termination, and the decision's history rows. Runs write a batch in one
UPDATE (:meth:`_write_outcomes`); a person's act writes the same values
through the ORM so that the chatter tracks the status as the person's change
(``partner.lifecycle.act._write``).
"""

import json
import logging
from datetime import date

from odoo import api, models
from odoo.tools import SQL

from ..engine import Card, ClientFacts, UnusableDate, decide, decide_act, explain, status_since
from ..engine.acts import NO_STATUS
from ..engine.timeline import resume_point
from .lifecycle_context import BULK_KEY, QUIET_KEY, TIME_ONLY_KEY, is_internal
from .partner_lifecycle_history import HistoryRow

_logger = logging.getLogger(__name__)

#: Partner columns a decision writes besides the status, with their SQL types.
FACT_COLUMNS = {
    "lifecycle_order_count": "int",
    "lifecycle_last_order_date": "date",
    "lifecycle_avg_interval_days": "numeric",
    "lifecycle_interval_spread": "numeric",
    "lifecycle_next_order_date": "date",
    "lifecycle_next_order_method": "varchar",
    "lifecycle_next_order_from": "date",
    "lifecycle_next_order_to": "date",
    "lifecycle_plannable": "bool",
    "lifecycle_reason_code": "varchar",
    "lifecycle_reason_params": "jsonb",
    "lifecycle_review_date": "date",
    "lifecycle_error_order_id": "int",
    "lifecycle_error_date": "date",
    "lifecycle_held": "bool",
    "lifecycle_first_order_date": "date",
}
#: The ordinal of 1970-01-01: main product quantities arrive as days since then.
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
#: The columns of a hold by hand, cleared when the hold ends.
HOLD_COLUMNS = (
    "lifecycle_hold_until",
    "lifecycle_hold_user_id",
    "lifecycle_hold_note",
    "lifecycle_hold_order_count",
)
#: The columns of a termination.
TERMINATION_COLUMNS = ("lifecycle_termination_date", "lifecycle_termination_reason")


class PartnerLifecycleDecision(models.AbstractModel):
    """The engine's decisions for clients, and the one writer of any decision."""

    _name = "partner.lifecycle.decision"
    _description = "Client Lifecycle Decision"

    # ------------------------------------------------------------------ extension points
    @api.model
    def _lifecycle_decide(self, facts, settings, today):
        """The rules' decision for one client; override to add a rule around the engine."""
        return decide(facts, settings, today)

    @api.model
    def _lifecycle_decide_act(self, facts, act, settings, today):
        """The decision of a person's act on one client; override to change what an act does."""
        return decide_act(facts, act, settings, today)

    # ------------------------------------------------------------------ the rules
    @api.model
    def _decide_rows(self, company, rows, today=None, settings=None):
        """One :class:`Outcome` per row of ``_read_facts`` (``settings``: the company's,
        or others to preview)."""
        company = company.sudo()
        today = today or company._lifecycle_today()
        settings = settings or company._lifecycle_settings()
        statuses, role_of = company._lifecycle_role_ids()
        return [self._decide_row(company, row, settings, statuses, role_of, today) for row in rows]

    def _decide_row(self, company, row, settings, statuses, role_of, today):
        facts = self._facts(row, role_of)
        try:
            decision = self._lifecycle_decide(facts, settings, today)
        except UnusableDate as error:
            return self._error_outcome(company, row, error.value)
        outcome = self._outcome(row, facts, decision, statuses)
        outcome.replay_start = self._replay_start(row, facts, today)
        return outcome

    def _replay_start(self, row, facts, today):
        """Where the replay of a client's past may resume (engine ``resume_point``): only
        the scheduled run (``lifecycle_time_only``) for a client no event marked."""
        only_time = is_internal(self.env, TIME_ONLY_KEY) and not row["marked"]
        return resume_point(facts, today, only_time)

    @api.model
    def _facts(self, row, role_of):
        """The engine facts of a row of ``_read_facts``."""
        status_id = row["status_id"]
        quantities = tuple(
            (date.fromordinal(EPOCH_ORDINAL + int(days)), float(qty))
            for days, qty in row["quantities"] or ()
        )
        return ClientFacts(
            order_dates=tuple(row["dates"] or ()),
            first_delivery_date=row["first_delivery_date"],
            terminated=bool(row["termination_date"]),
            current_role=role_of.get(status_id),
            status_is_automatic=not status_id or status_id in role_of,
            held_order_count=row["lifecycle_hold_order_count"] if row["lifecycle_held"] else None,
            hold_until=row["lifecycle_hold_until"],
            pauses=tuple(tuple(pause) for pause in row["pauses"] or ()),
            order_quantities=quantities,
            current_status=status_id,
            status_date=row["status_date"],
            reason_code=row["lifecycle_reason_code"],
            reason_params=row["lifecycle_reason_params"],
        )

    def _outcome(self, row, facts, decision, statuses):
        """The :class:`Outcome` of ``decision`` for the client of ``row``."""
        status_id = row["status_id"]
        new_status_id = decision.status or (statuses.get(decision.role) if decision.role else None)
        if new_status_id == status_id or (new_status_id == NO_STATUS and not status_id):
            new_status_id = None
        values = {
            "lifecycle_order_count": decision.order_count,
            "lifecycle_last_order_date": decision.last_order_date,
            "lifecycle_avg_interval_days": _round(decision.avg_interval_days),
            "lifecycle_interval_spread": _round(decision.interval_spread),
            "lifecycle_next_order_date": decision.next_order_date,
            "lifecycle_next_order_method": decision.next_order_method,
            "lifecycle_next_order_from": decision.next_order_from,
            "lifecycle_next_order_to": decision.next_order_to,
            "lifecycle_plannable": decision.plannable,
            "lifecycle_reason_code": decision.reason_code,
            "lifecycle_reason_params": decision.reason_params or None,
            "lifecycle_review_date": decision.review_date,
            "lifecycle_error_order_id": None,
            "lifecycle_error_date": None,
            "lifecycle_held": decision.held,
            "lifecycle_first_order_date": min(facts.order_dates, default=None),
        }
        outcome = Outcome(row["id"], status_id, new_status_id, values, self._stored_values(row))
        outcome.decision, outcome.facts = decision, facts
        outcome.termination_date = row["termination_date"]
        outcome.history = self._history_rows(outcome, statuses)
        return outcome

    def _history_rows(self, outcome, statuses):
        """The :class:`HistoryRow` of each of the decision's history entries that changes
        something: a new status, or the end of a hold (the status kept)."""
        rows = []
        old = outcome.status_id
        for entry in outcome.decision.history:
            if entry.role is None and entry.status is None:
                new = old
            else:
                new = entry.status or statuses.get(entry.role)
                if not new or new == old:
                    continue
                new = None if new == NO_STATUS else new
            rows.append(
                HistoryRow(
                    outcome.partner_id,
                    old,
                    new,
                    entry.reason_code,
                    entry.reason_params,
                    entry.origin,
                    entry.note,
                )
            )
            old = new
        return rows

    def _error_outcome(self, company, row, bad_date):
        """Keep the figures, flag the client with the order whose date the rules cannot use."""
        order_id = self._order_with_day(company, row["id"], bad_date)
        _logger.warning(
            "Client lifecycle: client %s cannot be computed: order %s has date %s",
            row["id"],
            order_id,
            bad_date,
        )
        stored = self._stored_values(row)
        values = {
            **stored,
            "lifecycle_review_date": None,
            "lifecycle_error_order_id": order_id,
            "lifecycle_error_date": bad_date,
        }
        return Outcome(row["id"], row["status_id"], None, values, stored, error=True)

    @api.model
    def _order_with_day(self, company, partner_id, day):
        """The id of a counted order of the client dated ``day`` (None for a delivery date)."""
        recalculation = self.env["partner.lifecycle.recalculation"]
        rows = self.env.execute_query(
            SQL(
                """SELECT so.id FROM res_partner p, res_partner c, sale_order so
                    WHERE p.id = %s AND %s AND %s = %s ORDER BY so.id LIMIT 1""",
                partner_id,
                recalculation._counted_order_clause(),
                recalculation._order_day(company),
                day,
            )
        )
        return rows[0][0] if rows else None

    def _stored_values(self, row):
        """The stored values of a facts row, comparable with an outcome's values."""
        values = {name: row[name] for name in FACT_COLUMNS}
        for name in ("lifecycle_avg_interval_days", "lifecycle_interval_spread"):
            if values[name] is not None:
                values[name] = float(values[name])
        values["lifecycle_held"] = bool(values["lifecycle_held"])
        return values

    @api.model
    def _explain(self, partner):
        """What the card says of ``partner`` (engine ``explain``), from its stored decision
        alone: the reason, the rhythm line, "x overdue", the expected next order."""
        partner.ensure_one()
        company = partner._lifecycle_company()
        _statuses, role_of = company._lifecycle_role_ids()
        card = Card(
            role=role_of.get(partner.lifecycle_status_id.id),
            reason_code=partner.lifecycle_reason_code or None,
            reason_params=partner.lifecycle_reason_params or None,
            last_order_date=partner.lifecycle_last_order_date or None,
            avg_interval_days=partner.lifecycle_avg_interval_days or None,
            interval_spread=partner.lifecycle_interval_spread or None,
            next_order_date=partner.lifecycle_next_order_date or None,
            next_order_method=partner.lifecycle_next_order_method or None,
            plannable=partner.lifecycle_plannable,
            held=partner.lifecycle_held,
            hold_until=partner.lifecycle_hold_until or None,
            terminated=bool(partner.lifecycle_termination_date),
            pauses=tuple((p.date_from, p.date_to) for p in partner.sudo().lifecycle_pause_ids),
        )
        return explain(card, company._lifecycle_today())

    # ------------------------------------------------------------------ the runs' writer
    @api.model
    def _written_fields(self):
        return [
            "lifecycle_status_id",
            "lifecycle_status_date",
            *FACT_COLUMNS,
            *HOLD_COLUMNS,
        ]

    @api.model
    def _write_outcomes(self, company, outcomes, today):
        """One UPDATE for the changed clients, one INSERT for their history, then the cache."""
        if not outcomes:
            return
        quiet = is_internal(self.env, QUIET_KEY)
        settings = company._lifecycle_settings()
        since = [None if quiet else self._status_since(o, settings, today) for o in outcomes]
        columns = {
            "id": [o.partner_id for o in outcomes],
            "status_id": [o.new_status_id or o.status_id for o in outcomes],
            "since": since,
        }
        for name in FACT_COLUMNS:
            columns[name] = [o.values[name] for o in outcomes]
        columns["lifecycle_reason_params"] = [
            json.dumps(params) if params is not None else None
            for params in columns["lifecycle_reason_params"]
        ]
        types = {"id": "int", "status_id": "int", "since": "date", **FACT_COLUMNS}
        self.env.cr.execute(self._update_query(columns, types, today))
        rows = [
            row._replace(
                day=day if day and day < today and row.new_status_id != row.old_status_id else None
            )
            for outcome, day in zip(outcomes, since, strict=True)
            for row in outcome.history
        ]
        self.env["partner.lifecycle.history"]._log_rows(rows, announce=self._announce_mode())
        partners = self.env["res.partner"].browse(o.partner_id for o in outcomes)
        names = self._written_fields()
        partners.invalidate_recordset(names)
        partners.modified(names)

    @api.model
    def _store_fingerprints(self, company, ids, today):
        """Store with the decisions of the clients ``ids`` the fingerprint of the facts they
        rest on (``partner.lifecycle.fingerprint``). One statement reads the facts and the
        stored decisions as committed (or written by this transaction): a client that
        another transaction decides meanwhile gets the fingerprint of what it reads, and
        the next full run compares it with that transaction's result."""
        if not ids:
            return
        fingerprints = self.env["partner.lifecycle.fingerprint"]
        self.env.cr.execute(fingerprints._update_query(company, ids, today))
        self.env["res.partner"].browse(ids).invalidate_recordset(["lifecycle_fingerprint"])

    def _update_query(self, columns, types, today):
        """The UPDATE of :meth:`_write_outcomes`: the columns arrive as arrays (jsonb as text)."""
        assignments = [
            SQL(
                "%s = v.%s%s",
                SQL.identifier(name),
                SQL.identifier(name),
                SQL("::jsonb") if FACT_COLUMNS[name] == "jsonb" else SQL(""),
            )
            for name in FACT_COLUMNS
        ]
        held = SQL.identifier("lifecycle_held")
        assignments += [
            SQL(
                "%s = CASE WHEN v.%s THEN p.%s END",
                SQL.identifier(name),
                held,
                SQL.identifier(name),
            )
            for name in HOLD_COLUMNS
        ]
        arrays = SQL(", ").join(
            SQL("%s::%s[]", values, SQL("text" if types[name] == "jsonb" else types[name]))
            for name, values in columns.items()
        )
        return SQL(
            """UPDATE res_partner p
                  SET lifecycle_status_id = v.status_id, %s,
                      lifecycle_status_date = CASE WHEN p.lifecycle_status_id
                          IS DISTINCT FROM v.status_id THEN coalesce(v.since, %s)
                          ELSE p.lifecycle_status_date END,
                      write_date = now() AT TIME ZONE 'UTC', write_uid = %s
                 FROM unnest(%s) AS v(%s)
                WHERE p.id = v.id""",
            SQL(", ").join(assignments),
            today,
            self.env.uid,
            arrays,
            SQL(", ").join(SQL.identifier(name) for name in columns),
        )

    def _status_since(self, outcome, settings, today):
        """The day a client entered its new status, from its orders (engine.status_since)."""
        if not outcome.new_status_id or outcome.facts is None:
            return None
        return status_since(
            outcome.facts,
            settings,
            today,
            outcome.decision.role,
            outcome.termination_date,
            outcome.replay_start,
        )

    def _announce_mode(self):
        """How the chatter tells of this run's automatic changes (written later, by
        ``partner.lifecycle.history._cron_announce``): the hooks and the scheduled run
        notify the salesperson (``notify``); a run a person starts or that covers a whole
        company (``lifecycle_bulk``: the recalculation wizard, background jobs, full runs)
        writes plain lines (``log``); the install writes none (``lifecycle_quiet``). The
        keys count only when the add-on's code set them (``lifecycle_context``)."""
        if is_internal(self.env, QUIET_KEY):
            return None
        return "log" if is_internal(self.env, BULK_KEY) else "notify"


def _round(value):
    """A figure as stored: one decimal, or None."""
    return round(value, 1) if value is not None else None


class Outcome:
    """What the writer stores for one client, and what is stored now."""

    __slots__ = (
        "decision",
        "error",
        "facts",
        "history",
        "new_status_id",
        "partner_id",
        "replay_start",
        "status_id",
        "stored",
        "termination_date",
        "values",
    )

    def __init__(self, partner_id, status_id, new_status_id, values, stored, error=False):
        self.partner_id = partner_id
        self.status_id = status_id
        #: The status to set, or None when the status stays.
        self.new_status_id = new_status_id
        #: The fact columns to write and the stored ones, by name (FACT_COLUMNS).
        self.values = values
        self.stored = stored
        self.error = error
        #: The engine's decision and facts (None for a client that cannot be computed).
        self.decision = None
        self.facts = None
        #: The history rows to write (:class:`HistoryRow`).
        self.history = []
        self.replay_start = None
        self.termination_date = None

    @property
    def writes(self):
        """Whether the client's row must be written: a new status, other figures, a history
        row, a hold or a termination."""
        decision = self.decision
        acted = decision is not None and (
            decision.hold or decision.termination or decision.reinstated
        )
        return bool(self.new_status_id or self.history or acted) or self.values != self.stored


__all__ = ["FACT_COLUMNS", "HOLD_COLUMNS", "NO_STATUS", "TERMINATION_COLUMNS", "Outcome"]
