import logging
import threading
from collections import Counter

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.translate import LazyTranslate

from ..engine import ClientFacts, decide

_lt = LazyTranslate(__name__)
_logger = logging.getLogger(__name__)

#: Translated text of each engine reason code (the engine keeps the English text).
REASONS = {
    "former_kept": _lt("former: only a person changes it"),
    "terminated": _lt("contract terminated -> former"),
    "manual_kept": _lt("status set by hand: not changed by automation"),
    "no_orders_new": _lt("no status and no order -> new"),
    "no_orders_kept": _lt("no confirmed order: status kept"),
    "sleeping": _lt("%(days)s days without an order >= %(limit)s -> sleeping"),
    "permanent": _lt("%(count)s orders >= %(limit)s -> permanent"),
    "working_delivery": _lt("first delivery on %(date)s -> working"),
    "working_order": _lt("first order on %(date)s -> working"),
    "working_kept": _lt("%(count)s orders < %(limit)s -> working"),
    "new_waiting": _lt("ordered, no delivery yet -> new"),
}

#: Partner columns written by the recalculation, in the order of a facts row.
FACT_COLUMNS = (
    "lifecycle_order_count",
    "lifecycle_last_order_date",
    "lifecycle_avg_interval_days",
    "lifecycle_next_order_date",
    "lifecycle_plannable",
    "lifecycle_reason",
)

#: ir.config_parameter key of an unfinished scheduled run, per company.
RESUME_KEY = "partner_lifecycle.recalculation_resume.%s"

#: Temporary table of the order dates of the clients of one company run.
ORDER_DATES_TABLE = "partner_lifecycle_order_dates"
#: Context key telling :meth:`_read_facts` to read the dates from that table.
ORDER_DATES_KEY = "lifecycle_order_dates_table"


class PartnerLifecycleRecalculation(models.AbstractModel):
    """Set-based recalculation: read many clients' facts at once, decide, write what changed."""

    _name = "partner.lifecycle.recalculation"
    _description = "Client Lifecycle Recalculation"

    #: Clients read, decided and written together; a crash loses at most one batch.
    _batch_size = 5000
    #: PostgreSQL memory for the one aggregation of the order dates of a run.
    _snapshot_work_mem = "64MB"

    # ------------------------------------------------------------------ entry points
    @api.model
    def _recalculate_partners(self, partners, today=None):
        """Recalculate the given commercial partners, each with its company's settings."""
        stats = Counter()
        for company, ids in self._ids_by_company(partners.ids).items():
            for batch in self._split(ids):
                stats.update(self._process_batch(company, batch, today))
        return stats

    @api.model
    def _recalculate_company(self, company, today=None, commit=False, resume=False):
        """Recalculate every client of one company in batches.

        With ``commit``, each batch is committed and the last client done is
        kept, so that a run stopped midway continues where it stopped.
        """
        ids = self._client_ids(company)
        key = RESUME_KEY % company.id
        if resume:
            done_until = int(self.env["ir.config_parameter"].sudo().get_param(key, 0))
            ids = [client_id for client_id in ids if client_id > done_until]
        stats = Counter()
        done = 0
        recalculation = self._snapshot_order_dates(ids)
        for batch in self._split(ids):
            stats.update(recalculation._process_batch(company, batch, today))
            done += len(batch)
            if commit:
                self.env["ir.config_parameter"].sudo().set_param(key, batch[-1])
                self.env["ir.cron"]._notify_progress(done=done, remaining=len(ids) - done)
                self._commit()
        self._drop_order_dates()
        if commit:
            self.env["ir.config_parameter"].sudo().set_param(key, 0)
        return stats

    @api.model
    def _cron_recalculate(self):
        """Scheduled action: every company's clients, batch by batch, resumable."""
        stats = Counter()
        for company in self.env["res.company"].sudo().search([], order="id"):
            stats.update(self._recalculate_company(company, commit=True, resume=True))
        _logger.info("Client lifecycle recalculation: %s", dict(stats))
        return stats

    def _commit(self):
        """Commit a finished batch, except inside tests."""
        if not getattr(threading.current_thread(), "testing", False):
            self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _terminate(self, partners, date, reason=None):
        """Give the clients the former status and record the date and reason of termination."""
        for partner in partners:
            former = partner._lifecycle_company().lifecycle_status_former_id
            values = {
                "lifecycle_termination_date": date,
                "lifecycle_termination_reason": reason or False,
                "lifecycle_plannable": False,
            }
            if former:
                values["lifecycle_status_id"] = former.id
                terminated = REASONS["terminated"]
                values["lifecycle_reason"] = self.env._(terminated)
            partner.with_context(lifecycle_origin="termination").write(values)
            partner.message_post(
                body=self.env._(
                    "Contract terminated on %(date)s. %(reason)s",
                    date=fields.Date.to_string(date),
                    reason=reason or "",
                )
            )

    # ------------------------------------------------------------------ gathering
    def _split(self, ids):
        size = self._batch_size
        return [ids[start : start + size] for start in range(0, len(ids), size)]

    @api.model
    def _ids_by_company(self, partner_ids):
        """Group commercial partner ids by the company whose settings rule them."""
        partners = self.env["res.partner"].sudo().browse(sorted(set(partner_ids)))
        partners.fetch(["company_id"])  # one query, none when cached (hooks)
        default = None
        groups = {}
        for partner in partners:
            company = partner.company_id
            if not company:
                default = default or self.env["res.company"]._lifecycle_default_company()
                company = default
            groups.setdefault(company, []).append(partner.id)
        return groups

    @api.model
    def _client_ids(self, company):
        """Ids of the active commercial partners that are clients of ``company``."""
        self.env["res.partner"].flush_model()
        default = self.env["res.company"]._lifecycle_default_company()
        company_clause = (
            SQL("(p.company_id = %s OR p.company_id IS NULL)", company.id)
            if company == default
            else SQL("p.company_id = %s", company.id)
        )
        rows = self.env.execute_query(
            SQL(
                """SELECT p.id FROM res_partner p
                    WHERE p.id = p.commercial_partner_id AND p.active AND %s
                      AND (p.customer_rank > 0 OR p.lifecycle_status_id IS NOT NULL
                           OR EXISTS (SELECT 1 FROM sale_order so
                                        JOIN res_partner c ON c.id = so.partner_id
                                       WHERE c.commercial_partner_id = p.id
                                         AND so.state = 'sale'))
                 ORDER BY p.id""",
                company_clause,
            )
        )
        return [row[0] for row in rows]

    def _id_range(self, ids):
        """``p.id`` between the smallest and the largest of ``ids``: lets PostgreSQL
        read a batch of clients through the primary key instead of scanning the table."""
        return SQL("p.id BETWEEN %s AND %s", min(ids), max(ids))

    @api.model
    def _order_dates_query(self, tz, clients):
        """(commercial partner id, confirmed order dates) of the clients matching ``clients``.

        ``clients`` is a condition on ``c.commercial_partner_id``; dates are
        the order days in the time zone ``tz``.
        """
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env["sale.order"].flush_model(["partner_id", "state", "date_order"])
        return SQL(
            """SELECT c.commercial_partner_id AS partner_id,
                      array_agg((so.date_order AT TIME ZONE 'UTC' AT TIME ZONE %s)::date) AS dates
                 FROM sale_order so
                 JOIN res_partner c ON c.id = so.partner_id
                WHERE so.state = 'sale' AND %s
             GROUP BY c.commercial_partner_id""",
            tz,
            clients,
        )

    @api.model
    def _snapshot_order_dates(self, ids):
        """Aggregate the order dates of the clients ``ids`` once, for all their batches.

        The orders of a batch of clients are spread over the whole sale_order
        table, so reading them batch by batch would scan it once per batch;
        one aggregation into a temporary table scans it once per run. Returns
        this model with the context that makes :meth:`_read_facts` use it.
        """
        self._drop_order_dates()
        if not ids:
            return self
        dates = self._order_dates_query(
            self.env.user.tz or "UTC",
            SQL("c.commercial_partner_id BETWEEN %s AND %s", ids[0], ids[-1]),
        )
        table = SQL.identifier(ORDER_DATES_TABLE)
        # Aggregate in memory rather than in many spilled parts; restore the setting after.
        self.env.cr.execute(SQL("SELECT current_setting('work_mem')"))
        previous = self.env.cr.fetchone()[0]
        self.env.cr.execute(SQL("SELECT set_config('work_mem', %s, true)", self._snapshot_work_mem))
        self.env.cr.execute(SQL("CREATE TEMPORARY TABLE %s AS %s", table, dates))
        self.env.cr.execute(SQL("SELECT set_config('work_mem', %s, true)", previous))
        self.env.cr.execute(SQL("ALTER TABLE %s ADD PRIMARY KEY (partner_id)", table))
        self.env.cr.execute(SQL("ANALYZE %s", table))
        return self.with_context(**{ORDER_DATES_KEY: True})

    @api.model
    def _drop_order_dates(self):
        """Drop the temporary table of :meth:`_snapshot_order_dates` (kept by a failed run)."""
        self.env.cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(ORDER_DATES_TABLE)))

    @api.model
    def _read_facts(self, ids, tz):
        """One row per client: its stored lifecycle values and its confirmed order dates."""
        self.env["res.partner"].flush_model()
        if self.env.context.get(ORDER_DATES_KEY):
            dates = SQL("SELECT partner_id, dates FROM %s", SQL.identifier(ORDER_DATES_TABLE))
        else:
            dates = self._order_dates_query(tz, SQL("c.commercial_partner_id = ANY(%s)", ids))
        return self.env.execute_query(
            SQL(
                """SELECT p.id, p.lifecycle_status_id, p.lifecycle_first_delivery_date,
                          p.lifecycle_termination_date, p.lifecycle_order_count,
                          p.lifecycle_last_order_date, p.lifecycle_avg_interval_days,
                          p.lifecycle_next_order_date, p.lifecycle_plannable,
                          p.lifecycle_reason, o.dates
                     FROM res_partner p
                LEFT JOIN (%s) o ON o.partner_id = p.id
                    WHERE p.id = ANY(%s) AND %s""",
                dates,
                ids,
                self._id_range(ids),
            )
        )

    # ------------------------------------------------------------------ deciding
    @api.model
    def _process_batch(self, company, ids, today=None):
        """Decide one batch of clients of ``company`` and write what changed."""
        company = company.sudo()
        today = today or fields.Date.context_today(self)
        settings = company._lifecycle_settings()
        statuses = {role: status.id for role, status in company._lifecycle_role_statuses().items()}
        role_of = {status_id: role for role, status_id in statuses.items()}
        updates, changes = [], []
        for row in self._read_facts(ids, self.env.user.tz or "UTC"):
            partner_id, status_id, first_delivery, terminated = row[:4]
            facts = ClientFacts(
                order_dates=tuple(row[10] or ()),
                first_delivery_date=first_delivery,
                terminated=bool(terminated),
                current_role=role_of.get(status_id),
                status_is_automatic=not status_id or status_id in role_of,
            )
            decision = decide(facts, settings, today)
            new_status_id = statuses.get(decision.role) if decision.role else None
            status_changes = bool(new_status_id) and new_status_id != status_id
            values = self._fact_values(decision, status_changes, row[9])
            if status_changes:
                changes.append((partner_id, status_id, new_status_id, values[-1]))
            elif self._stored_values(row) == values:
                continue
            updates.append((partner_id, new_status_id or status_id, *values))
        self._write(updates, changes, today)
        stats = Counter({"clients": len(ids), "changed": len(changes)})
        stats.update(f"status:{new}" for _partner, _old, new, _reason in changes)
        return stats

    def _fact_values(self, decision, status_changes, stored_reason):
        """The stored values of a decision, in the order of FACT_COLUMNS.

        The reason explains the last automatic change of status: it is written
        with a change and kept otherwise (a client sleeping since yesterday
        keeps "180 days without an order >= 180 -> sleeping" and is not
        rewritten every night).
        """
        average = decision.avg_interval_days
        return (
            decision.order_count,
            decision.last_order_date,
            round(average, 1) if average is not None else None,
            decision.next_order_date,
            decision.plannable,
            self._reason_text(decision) if status_changes else stored_reason,
        )

    def _reason_text(self, decision):
        """The decision's reason in the user's language."""
        template = REASONS[decision.reason_code]
        # The template is a declared lazy term: translate it, then fill in the values.
        return self.env._(template) % decision.reason_params  # pylint: disable=translation-not-lazy

    def _stored_values(self, row):
        """The stored values of a facts row, comparable with :meth:`_fact_values`."""
        count, last, average, upcoming, plannable, reason = row[4:10]
        average = float(average) if average is not None else None
        return (count, last, average, upcoming, plannable, reason)

    # ------------------------------------------------------------------ writing
    def _write(self, updates, changes, today):
        """One UPDATE for the batch, one INSERT for its history, then cache consistency."""
        if not updates:
            return
        columns = list(zip(*updates, strict=True))
        self.env.cr.execute(
            SQL(
                """UPDATE res_partner p
                      SET lifecycle_status_id = v.status_id,
                          lifecycle_order_count = v.order_count,
                          lifecycle_last_order_date = v.last_order_date,
                          lifecycle_avg_interval_days = v.avg_interval,
                          lifecycle_next_order_date = v.next_order_date,
                          lifecycle_plannable = v.plannable,
                          lifecycle_reason = v.reason,
                          lifecycle_status_date = CASE WHEN p.lifecycle_status_id
                              IS DISTINCT FROM v.status_id THEN %s ELSE p.lifecycle_status_date END,
                          write_date = now() AT TIME ZONE 'UTC',
                          write_uid = %s
                     FROM unnest(%s::int[], %s::int[], %s::int[], %s::date[], %s::numeric[],
                                 %s::date[], %s::bool[], %s::varchar[])
                          AS v(id, status_id, order_count, last_order_date,
                               avg_interval, next_order_date, plannable, reason)
                    WHERE p.id = v.id AND %s""",
                today,
                self.env.uid,
                *map(list, columns),
                self._id_range(columns[0]),
            )
        )
        self.env["partner.lifecycle.history"]._log_automatic_changes(changes)
        partners = self.env["res.partner"].browse([update[0] for update in updates])
        names = ["lifecycle_status_id", "lifecycle_status_date", *FACT_COLUMNS]
        partners.invalidate_recordset(names)
        partners.modified(names)
