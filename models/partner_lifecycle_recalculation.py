"""The one set-based path that recalculates clients: hooks, the nightly run, full runs and jobs.

Every path reads a batch of clients with their current confirmed orders,
lets the engine decide, and writes only what changed, under row locks:

- a hook (an order confirmed, cancelled, moved, re-dated, a delivery, a
  merge) recalculates its clients at once in the caller's transaction; it
  never waits for a lock: when another transaction holds a client, the
  client is marked (``partner.lifecycle.queue``) for the next incremental run;
- the incremental run (scheduled daily, and triggered by marks) takes the
  clients whose review date has come and the marked ones;
- a full run takes every client of a company whose fingerprint changed
  (``partner.lifecycle.fingerprint``: install, settings change, upgrades).

Runs commit each batch in a transaction of its own at READ COMMITTED, lock the
rows they write in id order and skip rows locked by others (marking them): no
stale snapshot, no deadlock between two runs, no order confirmed during a batch
lost. Two runs are kept off one company or job by transaction advisory locks,
taken again in each batch: a rollback releases them.
"""

import logging
import threading
from collections import Counter
from contextlib import contextmanager
from functools import partial

import psycopg2

from odoo import api, models
from odoo.tools import SQL, mute_logger, split_every

from .lifecycle_context import BULK_KEY, TIME_ONLY_KEY, internal
from .partner_lifecycle_decision import FACT_COLUMNS

_logger = logging.getLogger(__name__)

#: PostgreSQL error codes of a lock that cannot be taken at once: held elsewhere
#: (lock_not_available), changed since the transaction's snapshot
#: (serialization_failure), or a deadlock detected.
LOCK_ERRORS = ("55P03", "40001", "40P01")

#: First key of the advisory locks that keep two runs off the same company.
ADVISORY_KEY = 0x504C4346  # "PLCF"


class PartnerLifecycleRecalculation(models.AbstractModel):
    """Set-based recalculation: read many clients' facts at once, decide, write what changed."""

    _name = "partner.lifecycle.recalculation"
    _description = "Client Lifecycle Recalculation"

    #: Clients read, decided and written together; a crash loses at most one batch.
    _batch_size = 5000
    #: A batch whose previous one changed more than this share of its clients locks
    #: its clients before reading them (one read instead of two).
    _lock_first_share = 0.5

    # ------------------------------------------------------------------ entry points
    @api.model
    def _recalculate_partners(self, partners, today=None, first_deliveries=None):
        """Recalculate the clients of these partners (their commercial entities that are
        clients: ``res.partner._lifecycle_client_clause``) now, in the caller's
        transaction, without waiting.

        Hooks and small selections call this. The clients are locked with
        NOWAIT inside a savepoint (:meth:`_hold_or_mark`); when another
        transaction holds one of them (or changed it since this transaction
        began), nothing is written for them here: they are marked for the next
        incremental run, which the mark triggers. ``first_deliveries`` (the
        delivery hook: partner id -> day) are stored under the same lock, or
        kept in the marks. Returns the counts (clients, changed, marked, errors,
        ``status:<id>`` per new status).
        """
        stats = Counter()
        days = first_deliveries or {}
        clients = partners.commercial_partner_id.sudo()._lifecycle_clients()
        others = sorted(set(days) - set(clients.ids))
        if others:  # a delivery to a partner who is not a client (yet): its day only
            self._hold_or_mark(others, days, Counter)
        if not clients:
            return stats
        self._flush_facts()
        for company, ids in self._ids_by_company(clients.ids).items():
            applied = self._hold_or_mark(ids, days, partial(self._apply, company, ids, today))
            if applied is None:
                applied = Counter(clients=len(ids), marked=len(ids))
            stats.update(applied)
        return stats

    @api.model
    def _hold_or_mark(self, ids, days, work):
        """Lock the partners ``ids`` with NOWAIT in a savepoint, store their first delivery
        days (``days``: id -> day) and return ``work()``; when another transaction holds
        one of them, undo that, mark them all with their days instead, and return None."""
        days = {partner_id: days[partner_id] for partner_id in ids if partner_id in days}
        try:
            with self.env.cr.savepoint(flush=False), mute_logger("odoo.sql_db"):
                self._lock(ids, mode="nowait")
                self._store_first_deliveries(days)
                return work()
        except psycopg2.DatabaseError as error:
            if error.pgcode not in LOCK_ERRORS:
                raise
        written = [*self._decisions()._written_fields(), "lifecycle_first_delivery_date"]
        self.env["res.partner"].invalidate_model(written)
        self.env["partner.lifecycle.queue"]._mark(ids, first_delivery_dates=days)
        return None

    @api.model
    def _store_first_deliveries(self, days):
        """Store first delivery days (``days``: partner id -> day) on locked partners, each
        when earlier than the stored one, in one UPDATE (no tracking: the hot path of
        delivery validation)."""
        if not days:
            return
        self.env["res.partner"].flush_model(["lifecycle_first_delivery_date"])
        self.env.cr.execute(
            SQL(
                """UPDATE res_partner p
                      SET lifecycle_first_delivery_date = LEAST(p.lifecycle_first_delivery_date,
                                                                v.day)
                     FROM unnest(%s::int[], %s::date[]) AS v(id, day) WHERE p.id = v.id""",
                list(days),
                list(days.values()),
            )
        )
        partners = self.env["res.partner"].browse(list(days))
        partners.invalidate_recordset(["lifecycle_first_delivery_date"])
        partners.modified(["lifecycle_first_delivery_date"])

    @api.model
    def _recalculate_company(self, company, today=None, commit=False, after_id=0, on_batch=None,
                             every_client=False):  # fmt: skip
        """Full run: every client of ``company`` above ``after_id`` whose fingerprint changed
        (the others count in ``clients`` and ``unchanged``), or with ``every_client`` every
        one (fingerprints ignored), batch by batch; plain chatter lines, no notification."""
        today = today or company._lifecycle_today()
        if every_client:
            ids = self._client_ids(company, after_id)
            count = len(ids)
        else:
            fingerprints = self.env["partner.lifecycle.fingerprint"]
            ids, count = fingerprints._stale_client_ids(company, today, after_id)
        stats = self.with_context(**internal(BULK_KEY))._run(company, ids, today, commit, on_batch)
        stats["unchanged"] = count - len(ids)
        stats["clients"] += stats["unchanged"]
        return stats

    @api.model
    def _cron_recalculate(self):
        """Scheduled incremental run: per company, the clients due today and the marked ones."""
        stats = Counter()
        commit = self._can_commit()
        self.env["partner.lifecycle.queue"]._forget_deleted()
        for company in self.env["res.company"].sudo().search([], order="id"):
            if commit:
                self._begin_batch_transaction()
            if not self._company_lock(company):
                _logger.info("Client lifecycle: %s is being recalculated already", company.name)
                continue
            today = company._lifecycle_today()
            ids = self._due_client_ids(company, today)
            run = self.with_context(**internal(TIME_ONLY_KEY))
            stats.update(
                run._run(
                    company,
                    ids,
                    today,
                    commit,
                    # the company's lock, taken again in each batch's transaction
                    before_batch=lambda company=company: self._company_lock(company),
                    # clients it skips wait for the next scheduled run: no wake-up by itself
                    trigger=False,
                )
            )
        self.env["ir.cron"]._notify_progress(done=stats["clients"], remaining=0)
        _logger.info("Client lifecycle incremental run: %s", dict(stats))
        return stats

    @api.model
    def _preview(self, company, ids, settings, today=None):
        """What a recalculation with ``settings`` would change, writing nothing: a
        :class:`HistoryRow` for each client whose status would change."""
        changes = []
        for batch in split_every(self._batch_size, ids, list):
            rows = self._read_facts(company, batch)
            for outcome in self._decisions()._decide_rows(company, rows, today, settings):
                changes += [
                    row for row in outcome.history if row.new_status_id != row.old_status_id
                ]
        return changes

    def _decisions(self):
        """The model that decides and writes (``partner.lifecycle.decision``)."""
        return self.env["partner.lifecycle.decision"]

    # ------------------------------------------------------------------ runs
    def _can_commit(self):
        """Runs commit batch by batch, except inside tests (one transaction there)."""
        return not getattr(threading.current_thread(), "testing", False)

    @api.model
    def _run(self, company, ids, today=None, commit=False, on_batch=None, before_batch=None,
             trigger=True):  # fmt: skip
        """Recalculate ``ids`` (clients of ``company``) in batches.

        Each batch runs in :meth:`_batch_transaction`; with ``commit``, a failing
        batch is rolled back, logged, and its clients marked, and the run goes on.
        ``before_batch()`` is called at the start of each batch, inside its
        transaction: a false answer ends the run there. ``on_batch(batch,
        stats)`` is called after each batch, inside its transaction. ``trigger``:
        the marks of skipped clients wake the incremental run
        (``partner.lifecycle.queue._mark``).
        """
        stats = Counter()
        lock_first = False
        marks = self.env["partner.lifecycle.queue"]
        for batch in split_every(self._batch_size, ids, list):
            try:
                with self._batch_transaction(commit):
                    if before_batch and not before_batch():
                        break
                    batch_stats = self._run_batch(company, batch, today, lock_first, trigger)
                    if on_batch:
                        on_batch(batch, batch_stats)
            except Exception:
                if not commit:
                    raise
                _logger.exception("Client lifecycle: batch of %s clients failed", len(batch))
                marks._mark(batch, trigger=trigger)
                self.env.cr.commit()  # pylint: disable=invalid-commit
                batch_stats = Counter(clients=len(batch), failed=len(batch))
            stats.update(batch_stats)
            lock_first = batch_stats["changed"] > self._lock_first_share * len(batch)
        return stats

    @contextmanager
    def _batch_transaction(self, commit):
        """The block runs as a batch of a run: with ``commit``, in a transaction of its own
        (:meth:`_begin_batch_transaction`) committed at its end and rolled back on an
        error; without, in a savepoint of the caller's transaction (tests, the install)."""
        if not commit:
            with self.env.cr.savepoint():
                yield
            return
        self._begin_batch_transaction()
        try:
            yield
        except Exception:
            self.env.cr.rollback()
            raise
        self.env.cr.commit()  # pylint: disable=invalid-commit

    def _begin_batch_transaction(self):
        """End the current transaction and start the batch's own at READ COMMITTED.

        Each statement of the batch then sees what others committed before it:
        after its locks are taken, the batch reads the current orders.
        """
        self.env.cr.commit()  # pylint: disable=invalid-commit
        self.env.cr.execute(SQL("SET TRANSACTION ISOLATION LEVEL READ COMMITTED"))

    @api.model
    def _run_batch(self, company, ids, today, lock_first, trigger=True):
        """One batch of a run: decide, lock the clients to write (skipping locked ones), write,
        store the batch's fingerprints. Reading first without locks keeps a run that changes
        little from locking every row; the clients to write are then locked and read again,
        so that what is written rests on the orders committed before the lock.
        ``lock_first`` skips the first read for a batch that will probably change most."""
        today = today or company._lifecycle_today()
        with self._without_jit():
            candidates = ids
            if not lock_first:
                rows = self._read_facts(company, ids)
                outcomes = self._decisions()._decide_rows(company, rows, today)
                candidates = [
                    row["id"]
                    for row, outcome in zip(rows, outcomes, strict=True)
                    if row["marked"] or outcome.writes
                ]
            stats = Counter(clients=len(ids))
            locked = self._lock(candidates, mode="skip")
            skipped = sorted(set(candidates) - set(locked))
            self.env["partner.lifecycle.queue"]._mark(skipped, trigger=trigger)
            if locked:
                applied = self._apply(company, locked, today)
                applied["clients"] = 0
                stats.update(applied)
            stats["marked"] += len(skipped)
            # what the batch's decisions rest on, skipped clients left out (they stay stale)
            self._decisions()._store_fingerprints(company, sorted(set(ids) - set(skipped)), today)
        return stats

    @api.model
    def _apply(self, company, ids, today=None):
        """Read, decide and write the clients ``ids`` of ``company`` (already locked)."""
        # Take the marks before reading (storing the first deliveries they carry): a mark
        # committed after this statement stays for the next run.
        self.env["partner.lifecycle.queue"]._take(ids)
        rows = self._read_facts(company, ids)
        decisions = self._decisions()
        outcomes = decisions._decide_rows(company, rows, today)
        changed = [outcome for outcome in outcomes if outcome.writes]
        decisions._write_outcomes(company, changed, today or company._lifecycle_today())
        stats = Counter(clients=len(ids), written=len(changed))
        for outcome in changed:
            if outcome.new_status_id:
                stats["changed"] += 1
                stats[f"status:{outcome.new_status_id}"] += 1
            if outcome.error:
                stats["errors"] += 1
        return stats

    @contextmanager
    def _planner_setting(self, name, value):
        """Run the block's queries with the PostgreSQL setting ``name`` at ``value`` (for the
        transaction), then back to its previous value."""
        cr = self.env.cr
        cr.execute(SQL("SELECT current_setting(%s), set_config(%s, %s, true)", name, name, value))
        previous = cr.fetchone()[0]
        yield
        cr.execute(SQL("SELECT set_config(%s, %s, true)", name, previous))

    def _without_jit(self):
        """Run the block's queries without PostgreSQL's JIT compilation (priced far above its
        worth: 1.0 of 1.6 s a batch at 20,000 clients), then back to the previous setting."""
        return self._planner_setting("jit", "off")

    # ------------------------------------------------------------------ locks
    @api.model
    def _lock(self, ids, mode):
        """Lock the partner rows ``ids`` in id order; return the ids locked. ``mode``
        ``nowait`` raises when a row is locked elsewhere; ``skip`` leaves such rows out."""
        if not ids:
            return []
        option = SQL("NOWAIT") if mode == "nowait" else SQL("SKIP LOCKED")
        rows = self.env.execute_query(
            SQL(
                "SELECT id FROM res_partner WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE %s",
                list(ids),
                option,
            )
        )
        return [row[0] for row in rows]

    def _company_lock(self, company):
        """Take the company's run lock for the current transaction; False when another run
        holds it."""
        return self._try_lock(ADVISORY_KEY, company.id)

    def _job_lock(self, job_id):
        """Take a background job's lock for the current transaction; False when another run
        holds it."""
        return self._try_lock(ADVISORY_KEY + 1, job_id)

    def _try_lock(self, key, value):
        """A transaction-level advisory lock, without waiting: released by the transaction's
        commit or rollback (an error cannot leave it held, nor hide behind a failing unlock),
        and by PostgreSQL if the process dies. Runs that commit batch by batch take it again
        at the start of each batch."""
        rows = self.env.execute_query(SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", key, value))
        return rows[0][0]

    # ------------------------------------------------------------------ gathering
    @api.model
    def _ids_by_company(self, partner_ids):
        """Group commercial partner ids by the company whose settings rule them."""
        partners = self.env["res.partner"].sudo().browse(sorted(set(partner_ids)))
        partners.fetch(["company_id"])  # one query, none when cached (hooks)
        groups = {}
        for partner in partners:
            groups.setdefault(partner._lifecycle_company(), []).append(partner.id)
        return groups

    @api.model
    def _company_clause(self, company):
        """``p`` is ruled by ``company`` (``res.company._lifecycle_ruling_company_sql``)."""
        ruling = self.env["res.company"]._lifecycle_ruling_company_sql("p")
        return SQL("%s = %s", ruling, company.id)

    @api.model
    def _client_ids(self, company, after_id=0):
        """Ids of the clients of ``company`` above ``after_id``, in id order."""
        self.env["res.partner"].flush_model()
        self.env["sale.order"].flush_model(["partner_id", "state"])
        rows = self.env.execute_query(
            SQL(
                "SELECT p.id FROM res_partner p WHERE %s AND %s AND p.id > %s ORDER BY p.id",
                self.env["res.partner"]._lifecycle_client_clause("p"),
                self._company_clause(company),
                after_id,
            )
        )
        return [row[0] for row in rows]

    @api.model
    def _due_client_ids(self, company, today):
        """Ids of the clients of ``company`` whose review date has come, and the marked ones."""
        self.env["res.partner"].flush_model()
        rows = self.env.execute_query(
            SQL(
                """SELECT p.id FROM res_partner p
                    WHERE %(company)s AND p.lifecycle_review_date <= %(today)s AND %(client)s
                    UNION
                   SELECT p.id FROM res_partner p
                     JOIN partner_lifecycle_queue q ON q.partner_id = p.id
                    WHERE %(company)s AND %(client)s
                 ORDER BY 1""",
                company=self._company_clause(company),
                client=self.env["res.partner"]._lifecycle_client_clause("p"),
                today=today,
            )
        )
        return [row[0] for row in rows]

    @api.model
    def _order_day(self, company, alias=None):
        """The day of ``so.date_order`` in the company's time zone (the one definition of it,
        by ``res.company._lifecycle_date_sql``); with ``alias``, in the time zone of the
        company row ``alias`` (reports over many companies)."""
        return company._lifecycle_date_sql(SQL("so.date_order"), alias)

    @api.model
    def _counted_order_clause(self):
        """``so`` counts for the client ``p``: confirmed, of one of its contacts, of its company.

        A client of a company counts that company's orders only; a client
        shared by all companies counts the orders of every company.
        """
        return SQL(
            """so.partner_id = c.id AND c.commercial_partner_id = p.id AND so.state = 'sale'
               AND (p.company_id IS NULL OR so.company_id = p.company_id)"""
        )

    @api.model
    def _flush_facts(self):
        """Write the pending ORM changes of what :meth:`_read_facts` reads with SQL."""
        self.env["res.partner"].flush_model()
        self.env["sale.order"].flush_model(["partner_id", "state", "date_order", "company_id"])
        self.env["sale.order.line"].flush_model(["order_id", "product_id", "product_uom_qty"])
        self.env["partner.lifecycle.pause"].flush_model()

    @api.model
    def _read_facts(self, company, ids):
        """One dict per client: its stored lifecycle values, its order days, its pauses,
        whether it is marked, and (consumption method) its main product's quantities."""
        if not ids:
            return []
        self._flush_facts()
        return self.env.execute_query_dict(
            SQL(
                """SELECT p.id, p.lifecycle_status_id AS status_id,
                          p.lifecycle_status_date AS status_date,
                          p.lifecycle_first_delivery_date AS first_delivery_date,
                          p.lifecycle_termination_date AS termination_date,
                          p.lifecycle_hold_until, p.lifecycle_hold_order_count,
                          %s,
                          EXISTS (SELECT 1 FROM partner_lifecycle_queue q
                                   WHERE q.partner_id = p.id) AS marked,
                          (SELECT array_agg(ARRAY[pa.date_from, pa.date_to])
                             FROM partner_lifecycle_pause pa
                            WHERE pa.partner_id = p.id) AS pauses,
                          %s AS quantities,
                          o.dates
                     FROM res_partner p
                LEFT JOIN LATERAL (SELECT array_agg(%s) AS dates
                                     FROM res_partner c, sale_order so
                                    WHERE %s) o ON TRUE
                    WHERE p.id = ANY(%s)
                 ORDER BY p.id""",
                SQL(", ").join(SQL("p.%s", SQL.identifier(name)) for name in FACT_COLUMNS),
                self._main_product_quantities(company),
                self._order_day(company),
                self._counted_order_clause(),
                list(ids),
            )
        )

    @api.model
    def _main_product_quantities(self, company):
        """``[[order day, quantity], ...]`` of ``p``'s main product, when the company expects
        next orders by consumption and ``p`` orders one main product (the product of the
        largest quantity, present in every counted order); NULL otherwise."""
        if company._lifecycle_settings().next_order_method != "consumption":
            return SQL("NULL")
        return SQL(
            """(WITH lines AS (
                    SELECT so.id AS order_id, %(day)s AS day, sol.product_id,
                           sol.product_uom_qty AS qty
                      FROM res_partner c, sale_order so
                      JOIN sale_order_line sol ON sol.order_id = so.id
                     WHERE %(counted)s AND sol.product_id IS NOT NULL),
                main AS (
                    SELECT product_id FROM lines GROUP BY product_id
                    HAVING count(DISTINCT order_id) = (SELECT count(DISTINCT order_id) FROM lines)
                  ORDER BY sum(qty) DESC, product_id LIMIT 1)
                SELECT array_agg(ARRAY[(day - DATE '1970-01-01')::numeric, qty] ORDER BY day)
                  FROM (SELECT day, sum(qty) AS qty FROM lines
                         WHERE product_id = (SELECT product_id FROM main) GROUP BY day) d)""",
            day=self._order_day(company),
            counted=self._counted_order_clause(),
        )
