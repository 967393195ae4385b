"""To 18.0.1.4.0: every client gets the fingerprint of its decision.

A full run skips the clients whose stored fingerprint matches their facts. An
upgraded database has none, and the migration cannot tell which stored decisions
are still right without deciding them: it queues a full recalculation of each
company (a job, run soon by the job cron), which decides every client and stores
what each decision rests on. Until it has run, a full run decides every client
without a fingerprint, as before. A second run finds the queued jobs.
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """Queue the full recalculation that fills the fingerprints; safe to run twice."""
    if version:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["res.company"].search([], order="id")._lifecycle_queue_full_recalculation()
