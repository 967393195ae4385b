from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL


class PartnerLifecycleQueue(models.Model):
    """A client to recalculate at the next incremental run.

    A hook that cannot lock a client at once (another transaction holds it)
    marks it here instead of waiting, with the first delivery day it could not
    store; a run skipping a locked client does the same. Rows are plain inserts
    with neither a unique key nor a foreign key (checking one would wait for a
    client row held FOR UPDATE), so marking never waits nor conflicts; the run
    that recalculates a client takes its marks (:meth:`_take`), and forgets the
    marks of deleted clients (:meth:`_forget_deleted`).
    """

    _name = "partner.lifecycle.queue"
    _description = "Client Waiting for a Lifecycle Recalculation"
    _log_access = False

    partner_id = fields.Integer(string="Client", required=True, index=True)
    first_delivery_date = fields.Date(
        help="A delivery day the marker could not store on the client, whose row another "
        "transaction held: the run that takes the mark stores it when it is the first."
    )

    #: Seconds from a mark to the incremental run it wakes; one wake-up serves the marks
    #: made meanwhile, and the transaction that held the client has ended by then.
    _wake_delay = 30

    def init(self):
        result = super().init()
        # databases of 18.0.1.1.0 have a foreign key on the column, which a mark would wait on
        self.env.cr.execute(
            SQL(
                """ALTER TABLE partner_lifecycle_queue
                   DROP CONSTRAINT IF EXISTS partner_lifecycle_queue_partner_id_fkey"""
            )
        )
        self.env.cr.execute(
            SQL(
                """DELETE FROM ir_model_constraint
                    WHERE name = 'partner_lifecycle_queue_partner_id_fkey' AND type = 'f'"""
            )
        )
        return result

    @api.model
    def _mark(self, partner_ids, trigger=True, first_delivery_dates=None):
        """Mark the clients for the next incremental run.

        ``first_delivery_dates`` (client id -> day): deliveries the caller could
        not store on the clients. With ``trigger``, the mark wakes the
        incremental run (:meth:`_wake`); the incremental run itself marks the
        clients it skips without it: they wait for its next scheduled run
        rather than waking it again and again while another transaction holds
        them.
        """
        if not partner_ids:
            return
        ids = list(partner_ids)
        days = [(first_delivery_dates or {}).get(partner_id) for partner_id in ids]
        self.env.cr.execute(
            SQL(
                """INSERT INTO partner_lifecycle_queue (partner_id, first_delivery_date)
                   SELECT * FROM unnest(%s::int[], %s::date[])""",
                ids,
                days,
            )
        )
        if trigger:
            self._wake()

    @api.model
    def _wake(self):
        """Have the incremental run start in ``_wake_delay`` seconds, unless a wake-up is
        pending already (one not due yet: a run under way may have read the marks before
        this one)."""
        cron = self.env.ref("partner_lifecycle.ir_cron_recompute", raise_if_not_found=False)
        if not cron:
            return
        now = fields.Datetime.now()
        self.env.cr.execute(
            SQL(
                "SELECT 1 FROM ir_cron_trigger WHERE cron_id = %s AND call_at > %s LIMIT 1",
                cron.id,
                now,
            )
        )
        if not self.env.cr.fetchone():
            cron.sudo()._trigger(now + timedelta(seconds=self._wake_delay))

    @api.model
    def _take(self, partner_ids):
        """Delete the marks of these clients (the caller holds their rows and recalculates
        them now) and store the first delivery days the marks carry, each the client's
        first delivery when earlier than the stored one.

        One statement: a mark committed meanwhile is either taken with its day or
        left for the next run.
        """
        if not partner_ids:
            return
        partners = self.env["res.partner"]
        partners.flush_model(["lifecycle_first_delivery_date"])
        rows = self.env.execute_query(
            SQL(
                """WITH taken AS (
                        DELETE FROM partner_lifecycle_queue WHERE partner_id = ANY(%s)
                        RETURNING partner_id, first_delivery_date),
                   days AS (
                        SELECT partner_id, min(first_delivery_date) AS day FROM taken
                         WHERE first_delivery_date IS NOT NULL GROUP BY partner_id)
                   UPDATE res_partner p SET lifecycle_first_delivery_date = days.day
                     FROM days
                    WHERE p.id = days.partner_id
                      AND (p.lifecycle_first_delivery_date IS NULL
                           OR p.lifecycle_first_delivery_date > days.day)
                RETURNING p.id""",
                list(partner_ids),
            )
        )
        if rows:
            written = partners.browse([row[0] for row in rows])
            written.invalidate_recordset(["lifecycle_first_delivery_date"])
            written.modified(["lifecycle_first_delivery_date"])

    @api.model
    def _forget_deleted(self):
        """Delete the marks of clients that no longer exist."""
        self.env.cr.execute(
            SQL(
                """DELETE FROM partner_lifecycle_queue q
                    WHERE NOT EXISTS (SELECT 1 FROM res_partner p WHERE p.id = q.partner_id)"""
            )
        )
