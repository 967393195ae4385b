"""To 18.0.1.2.0: the rules changed, and every status is explained by a history row.

18.0.1.2.0 keeps no new column; its rules changed: a sleeping or at-risk
client who orders again gets the reason "Ordered again after N days", a
silence of the sleeping limit or more never counts in the average interval,
and a person's act is decided by the rules' engine. For every client of every
company, the migration

- holds the statuses people set by hand that no hold records (a database
  upgraded from 18.0.1.0.0 by the first build of 18.0.1.1.0, whose migration
  did not hold them), so that a person's status stays until the client's next
  order; statuses held before stay held as they are;
- gives a history row ("Set by hand", on its status date) to each status that
  no row explains;
- queues a full recalculation of each company (a job, run soon by the job
  cron), which applies the new rules and writes a chatter line for each
  change. The stored reasons are kept.

A second run holds no one again, adds no row, and finds the queued job.
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """Complete every client for the rules of 18.0.1.2.0; safe to run twice."""
    if version:
        api.Environment(cr, SUPERUSER_ID, {})[
            "partner.lifecycle.reconstruction"
        ]._complete_after_upgrade()
