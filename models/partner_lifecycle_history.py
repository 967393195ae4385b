import json
import logging
from datetime import date, time, timedelta
from typing import NamedTuple

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL, format_date
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)
_logger = logging.getLogger(__name__)

#: Who or what changed a status; set by the code path, never taken from a caller.
ORIGINS = [
    ("automatic", "Automatic"),
    ("manual", "By hand"),
    ("planning", "Delivery planning"),
    ("termination", "Contract termination"),
    ("reconstructed", "Reconstructed from orders"),
]

#: The words of each reason code, in plain language; ``%(date)s``-like parameters
#: holding ISO dates (DATE_PARAMS) are shown in the reader's date format.
REASONS = {
    "former_kept": _lt("Former client: only a person changes the status"),
    "terminated": _lt("Contract terminated"),
    "manual_kept": _lt("Status set by hand: automation keeps it"),
    "held_next_order": _lt("Held by hand until the next order"),
    "held_until": _lt("Held by hand until %(until)s"),
    "hold_ended_order": _lt("Hold by hand ended: a new order"),
    "hold_ended_date": _lt("Hold by hand ended after %(until)s"),
    "no_orders_new": _lt("New client, no order yet"),
    "no_orders_kept": _lt("No confirmed order: status kept"),
    "sleeping": _lt("No order for %(days)s days (limit %(limit)s)"),
    "at_risk": _lt("No order for %(days)s days, %(ratio)sx the usual interval of %(usual)s days"),
    "permanent": _lt("%(count)s confirmed orders (permanent from %(limit)s)"),
    "reactivated": _lt("Ordered again after %(days)s days"),
    "set_by_hand": _lt("Set by hand"),
    "working_delivery": _lt("First delivery on %(date)s"),
    "working_order": _lt("First order on %(date)s"),
    "working_kept": _lt("%(count)s confirmed orders (permanent from %(limit)s)"),
    "new_waiting": _lt("Ordered, not delivered yet"),
}
#: The parts of the card's rhythm line (engine ``explain``), by code.
EXPLANATION_LINES = {
    "no_order_yet": _lt("No confirmed order yet"),
    "idle": _lt("%(days)s days since the last order"),
    "idle_paused": _lt("%(days)s days without an order (%(paused)s paused days left out)"),
    "usual": _lt("usual interval %(days)s days"),
    "overdue": _lt("%(ratio)sx overdue"),
    "former": _lt("former client: not planned, no next order expected"),
    "paused_until": _lt("paused until %(date)s"),
    "not_planned": _lt("not in delivery planning"),
    "next_expected": _lt("next expected %(date)s"),
    "next_expected_consumption": _lt("next expected %(date)s (by consumption)"),
}
#: Reason parameters that hold a date (ISO string).
DATE_PARAMS = frozenset({"date", "until"})
#: Rows of the past are dated at noon of their day in the time zone of the client's company.
NOON = time(12, 0)
#: The fields of a history row whose change rewrites its client's past.
HISTORY_FIELDS = {"partner_id", "date", "old_status_id", "new_status_id", "merged_from"}


class HistoryRow(NamedTuple):
    """One history row to write: the client moved from one status to another (the same
    one when a hold ends), why, by which path, with the person's note; ``day`` dates a
    row of the past (at noon of that day in the time zone of the client's company), None
    for now."""

    partner_id: int
    old_status_id: int | None
    new_status_id: int | None
    reason_code: str | None
    reason_params: dict | None
    origin: str = "automatic"
    note: str | None = None
    day: date | None = None


class PartnerLifecycleHistory(models.Model):
    """One change of a client's status: when, from what, to what, why and by whom."""

    _name = "partner.lifecycle.history"
    _description = "Client Status History"
    _order = "date desc, id desc"
    _rec_name = "partner_id"
    #: Chatter lines written per transaction by the scheduled action.
    _announce_batch_size = 500

    partner_id = fields.Many2one(
        "res.partner", string="Client", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="partner_id.company_id", store=True, index=True, string="Company"
    )
    salesperson_id = fields.Many2one(
        related="partner_id.user_id", store=True, index=True, string="Salesperson"
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    old_status_id = fields.Many2one(
        "partner.lifecycle.status",
        string="From Status",
        ondelete="set null",
        index=True,
        readonly=True,
    )
    new_status_id = fields.Many2one(
        "partner.lifecycle.status",
        string="To Status",
        ondelete="set null",
        index=True,
        readonly=True,
    )
    old_status_color = fields.Integer(related="old_status_id.color", string="From Status Color")
    new_status_color = fields.Integer(related="new_status_id.color", string="To Status Color")
    origin = fields.Selection(ORIGINS, required=True, default="manual", readonly=True)
    reason_code = fields.Char(readonly=True)
    reason_params = fields.Json(readonly=True)
    note = fields.Char(readonly=True, help="The reason a person gave.")
    merged_from = fields.Char(
        readonly=True,
        help="The client this change happened to, merged into this one since: the row is "
        "kept for reading and left out of the reports, which follow the client's own changes.",
    )
    reason = fields.Char(compute="_compute_reason", help="Why the status changed.")
    user_id = fields.Many2one(
        "res.users", string="Changed By", default=lambda self: self.env.user, readonly=True
    )
    announce = fields.Selection(
        [("notify", "Note to the salesperson"), ("log", "Chatter line")],
        string="Chatter Line Pending",
        readonly=True,
        index="btree_not_null",
        help="The chatter line of this automatic change, still to be written by the "
        "scheduled action (a note that notifies the client's salesperson, or a plain line).",
    )

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records.flush_recordset()
        self._history_changed(*records._client_moments())
        return records

    def write(self, vals):
        touched = HISTORY_FIELDS & set(vals)
        before = self._client_moments() if touched else ([], [])
        result = super().write(vals)
        if touched:
            self.flush_recordset()
            after = self._client_moments()
            self._history_changed(before[0] + after[0], moments=before[1] + after[1])
        return result

    def unlink(self):
        before = self._client_moments()
        result = super().unlink()
        self.env.flush_all()
        self._history_changed(*before)
        return result

    def _client_moments(self):
        """``(client ids, moments)`` of these rows, one each, for :meth:`_history_changed`."""
        rows = [(row.partner_id.id, row.date) for row in self.sudo().exists() if row.partner_id]
        return [partner_id for partner_id, _date in rows], [date for _partner, date in rows]

    @api.model
    def _history_changed(self, partner_ids, moments=None, days=None):
        """The own history of the clients ``partner_ids`` changed at ``moments`` (UTC
        datetimes) or on ``days`` (their company's days, None for today), one per id: rows
        added, moved, redated or removed. What is kept from the history follows it: the
        funnel's stages here; override to keep more."""
        self.env["partner.lifecycle.funnel.stage"]._refresh(partner_ids)

    @api.depends("reason_code", "reason_params", "note", "merged_from")
    @api.depends_context("lang")
    def _compute_reason(self):
        for row in self:
            text = self._reason_text(row.reason_code, row.reason_params)
            merged = row.merged_from and self.env._(
                "from the merged client %(client)s", client=row.merged_from
            )
            row.reason = " — ".join(part for part in (text, row.note, merged) if part) or False

    @api.model
    def _reason_text(self, code, params):
        """The reason ``code`` with its ``params`` in the reader's language and date format."""
        if not code or code not in REASONS:
            return ""
        values = self._numbers(params or {})
        for key in DATE_PARAMS & set(values):
            values[key] = format_date(self.env, values[key]) if values[key] else ""
        return self.env._(REASONS[code]) % values  # pylint: disable=translation-not-lazy

    @api.model
    def _numbers(self, params):
        """``params`` with each fraction written as the reader writes numbers ("3,6" in
        Russian, "7" for 7.0), by ``res.company._lifecycle_format_number``."""
        companies = self.env["res.company"]
        return {
            key: companies._lifecycle_format_number(value) if isinstance(value, float) else value
            for key, value in params.items()
        }

    @api.model
    def _line_text(self, code, params):
        """One part of the card's rhythm line (engine ``explain``), in the reader's language
        and date format."""
        values = self._numbers(params)
        if "date" in values:
            pattern = "d MMM y" if values.pop("year") else "d MMM"
            values["date"] = format_date(self.env, values["date"], date_format=pattern)
        text = self.env._(EXPLANATION_LINES[code]) % values  # pylint: disable=translation-not-lazy
        if code == "usual" and values.get("spread"):
            text += f" (+/- {values['spread']})"
        return text

    @api.model
    def _log_rows(self, rows, announce=None, companies=None):
        """Record history rows (:class:`HistoryRow`) in one INSERT, as the current user.

        ``announce`` (``notify`` or ``log``) leaves the chatter lines of automatic rows to
        :meth:`_cron_announce`, which it triggers. A row with a day is dated at noon of
        that day in the time zone of its client's ruling company (``companies``: client
        id to company id, read from the clients when not given), once per company and day.
        """
        if not rows:
            return
        now = fields.Datetime.now()
        if companies is None:
            partners = self.env["res.partner"].sudo().browse({row.partner_id for row in rows})
            companies = {partner.id: partner._lifecycle_company().id for partner in partners}
        noons = {}
        for row in rows:
            key = (companies[row.partner_id], row.day)
            if row.day and key not in noons:
                company = self.env["res.company"].sudo().browse(key[0])
                noons[key] = company._lifecycle_moment(row.day, NOON)
        moments = [noons[companies[row.partner_id], row.day] if row.day else now for row in rows]
        self.env.cr.execute(
            SQL(
                """INSERT INTO partner_lifecycle_history
                       (partner_id, company_id, salesperson_id, date, old_status_id,
                        new_status_id, origin, announce, reason_code, reason_params, note,
                        user_id, create_uid, create_date, write_uid, write_date)
                   SELECT v.partner_id, p.company_id, p.user_id, v.moment, v.old_id, v.new_id,
                          v.origin, CASE WHEN v.origin = 'automatic' THEN %(announce)s END,
                          v.code, v.params::jsonb, v.note,
                          %(uid)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                     FROM unnest(%(partners)s::int[], %(olds)s::int[], %(news)s::int[],
                                 %(codes)s::varchar[], %(params)s::text[], %(origins)s::varchar[],
                                 %(notes)s::varchar[], %(moments)s::timestamp[])
                          WITH ORDINALITY
                          AS v(partner_id, old_id, new_id, code, params, origin, note, moment, n)
                     JOIN res_partner p ON p.id = v.partner_id
                 ORDER BY v.n""",
                now=now,
                announce=announce,
                uid=self.env.uid,
                partners=[row.partner_id for row in rows],
                olds=[row.old_status_id for row in rows],
                news=[row.new_status_id for row in rows],
                codes=[row.reason_code for row in rows],
                params=[json.dumps(row.reason_params or {}) for row in rows],
                origins=[row.origin for row in rows],
                notes=[row.note or None for row in rows],
                moments=moments,
            )
        )
        self.env["res.partner"].invalidate_model(["lifecycle_history_ids"])
        self._history_changed([row.partner_id for row in rows], days=[row.day for row in rows])
        if announce and any(row.origin == "automatic" for row in rows):
            self._trigger_announce()

    @api.model
    def _trigger_announce(self):
        """Wake the scheduled action that writes the chatter lines in a minute, unless a
        wake-up is pending already: one trigger serves many changes, and none makes the
        order's commit call the cron workers at once (a connection of its own each time)."""
        cron = self.env.ref("partner_lifecycle.ir_cron_announce").sudo()
        self.env.cr.execute(
            SQL("SELECT 1 FROM ir_cron_trigger WHERE cron_id = %s LIMIT 1", cron.id)
        )
        if not self.env.cr.fetchone():
            cron._trigger(fields.Datetime.now() + timedelta(minutes=1))

    @api.model
    def _cron_announce(self):
        """Write the pending chatter lines of automatic changes, oldest first, a commit per
        batch: the hooks and the runs leave them here so that neither pays for the chatter."""
        recalculation = self.env["partner.lifecycle.recalculation"]
        commit = recalculation._can_commit()
        while rows := self._pending_announcements():
            try:
                rows._announce()
            except Exception:
                if not commit:
                    raise
                self.env.cr.rollback()
                _logger.exception("Client lifecycle: %s chatter lines failed", len(rows))
                rows._announced()  # a failing batch is dropped, not retried forever
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit

    def _pending_announcements(self):
        """The next batch of rows whose chatter line is pending, locked (others skipped)."""
        self.env.cr.execute(
            SQL(
                """SELECT id FROM partner_lifecycle_history WHERE announce IS NOT NULL
                    ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED""",
                self._announce_batch_size,
            )
        )
        return self.sudo().browse(row[0] for row in self.env.cr.fetchall())

    def _announce(self):
        """Write the chatter lines of automatic changes of status, in each salesperson's
        language (called by the scheduled action, ``partner.lifecycle.history._cron_announce``).

        A row to announce with ``notify`` is a note under the subtype "Client status
        changed" that notifies the client's salesperson (who then follows the client);
        without, a plain line under the same subtype. With the company option, a client
        turning sleeping also gets a to-do for its salesperson.
        """
        subtype = self.env.ref("partner_lifecycle.mt_client_status_changed")
        history = self.env["partner.lifecycle.history"]
        partners = self.env["res.partner"].sudo()
        logged = {}
        for row in self:
            client, old_status, new_status = row.partner_id, row.old_status_id, row.new_status_id
            code, params, notify = row.reason_code, row.reason_params, row.announce == "notify"
            company = client._lifecycle_company()
            lang = client.user_id.lang or company.partner_id.lang or self.env.lang
            client = client.with_context(lang=lang)
            reason = history.with_context(lang=lang)._reason_text(code, params)
            body = Markup("%s → <b>%s</b>: %s") % (
                old_status.with_context(lang=lang).name or "",
                new_status.with_context(lang=lang).name or "",
                reason,
            )
            if notify:
                if client.user_id:
                    client.message_subscribe(partner_ids=client.user_id.partner_id.ids)
                client.message_post(body=body, subtype_id=subtype.id, message_type="notification")
            else:
                logged.setdefault(client.id, []).append(body)
            sleeping = new_status == company.lifecycle_status_sleeping_id
            if notify and sleeping and company.lifecycle_sleeping_activity and client.user_id:
                client.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=client.user_id.id,
                    summary=client.env._("Client turned sleeping: call them"),
                    note=reason,
                )
        if logged:
            bodies = {client_id: Markup("<br/>").join(parts) for client_id, parts in logged.items()}
            messages = partners.browse(list(bodies))._message_log_batch(
                bodies, message_type="notification"
            )
            messages.subtype_id = subtype  # plain lines, under the status subtype
        self._announced()

    def _announced(self):
        """Clear the pending mark of these rows."""
        self.env.cr.execute(
            SQL("UPDATE partner_lifecycle_history SET announce = NULL WHERE id = ANY(%s)", self.ids)
        )
        self.invalidate_recordset(["announce"])

    @api.model
    def _merged_into(self, rows, client):
        """Give the history rows of merged partners to the surviving ``client`` (``rows``:
        row id -> the merged partner's name) as rows of its past: their dates and reasons
        kept, marked with the name (a row moved by an earlier merge keeps its first name),
        with the client's company and salesperson, and never announced in its chatter."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT DISTINCT partner_id FROM partner_lifecycle_history WHERE id = ANY(%s)",
                list(rows),
            )
        )
        merged = [row[0] for row in self.env.cr.fetchall()]
        self.env.cr.execute(
            SQL(
                """UPDATE partner_lifecycle_history h
                      SET partner_id = p.id, company_id = p.company_id, salesperson_id = p.user_id,
                          merged_from = COALESCE(h.merged_from, v.name), announce = NULL
                     FROM unnest(%s::int[], %s::varchar[]) AS v(id, name), res_partner p
                    WHERE h.id = v.id AND p.id = %s""",
                list(rows),
                list(rows.values()),
                client.id,
            )
        )
        self.invalidate_model()
        self.env["res.partner"].invalidate_model(["lifecycle_history_ids"])
        self.env["partner.lifecycle.funnel.stage"]._refresh([*merged, client.id])

    @api.model
    def _report_events_query(self, partner_ids=None, status_ids=None):
        """SQL rows of the history as the lifecycle reports read it: the client's own
        changes, not those moved to it from merged partners (``merged_from``).

        Each change with its client (``partner_id``), ``date``, ``id``, ``origin``,
        ``old_status_id``, ``new_status_id``, its ``day`` in the time zone of the
        client's company, and ``old_role``/``new_role``: the roles of its statuses in
        that company's settings now (NULL for a status of no role). Override to
        leave changes out of every report. With ``partner_ids``, those clients' changes only;
        with ``status_ids``, the changes from or to one of these statuses only.
        """
        companies = self.env["res.company"]
        mine = (
            SQL()
            # both sides: the clients are then read by their ids, not scanned
            if partner_ids is None
            else SQL("AND h.partner_id = ANY(%s) AND p.id = ANY(%s)", partner_ids, partner_ids)
        )
        if status_ids is not None:
            mine = SQL(
                "%s AND (h.new_status_id = ANY(%s) OR h.old_status_id = ANY(%s))",
                mine,
                status_ids,
                status_ids,
            )
        return SQL(
            """SELECT h.id, h.partner_id, h.date, h.origin, h.old_status_id, h.new_status_id,
                      %(day)s AS day,
                      ro.role AS old_role, rn.role AS new_role
                 FROM partner_lifecycle_history h
                 JOIN res_partner p ON p.id = h.partner_id
                 JOIN res_company rc ON rc.id = %(company)s
            LEFT JOIN (%(roles)s) ro ON ro.company_id = rc.id AND ro.status_id = h.old_status_id
            LEFT JOIN (%(roles)s) rn ON rn.company_id = rc.id AND rn.status_id = h.new_status_id
                WHERE h.merged_from IS NULL %(mine)s""",
            mine=mine,
            day=companies._lifecycle_date_sql(SQL("h.date"), "rc"),
            company=companies._lifecycle_ruling_company_sql("p"),
            roles=companies._lifecycle_roles_query(),
        )
