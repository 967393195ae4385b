"""To 18.0.1.3.0: new decision columns, every status explained.

18.0.1.3.0 stores more of each client's decision (the range of its expected
next order, among others). As for 18.0.1.2.0, for every client of every
company the migration holds the statuses set by hand that no hold records,
gives a history row to each status that no row explains (clients loaded by
an import or by SQL have none), and queues a full recalculation of each
company (a job, run soon by the job cron), which writes the new columns. A
second run holds no one again, adds no row, and finds the queued job.
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """Complete every client for 18.0.1.3.0; safe to run twice."""
    if version:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["partner.lifecycle.reconstruction"]._complete_after_upgrade()
