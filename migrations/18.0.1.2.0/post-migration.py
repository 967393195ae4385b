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

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger("odoo.addons.partner_lifecycle.migrations")


def complete_clients(env):
    """Hold the statuses set by hand, explain every status, queue a full recalculation."""
    recalculation = env["partner.lifecycle.recalculation"]
    reconstruction = env["partner.lifecycle.reconstruction"]
    companies = env["res.company"].search([], order="id")
    for company in companies:
        ids = recalculation._client_ids(company)
        held = reconstruction._hold_statuses_set_by_hand(ids)
        explained = reconstruction._explain_unexplained_statuses(ids)
        _logger.info(
            "client lifecycle: %s: %s statuses set by hand held, %s statuses explained",
            company.name,
            held,
            explained,
        )
    companies._lifecycle_queue_full_recalculation()
    env.flush_all()
    env.invalidate_all()  # the rows added in SQL


def migrate(cr, version):
    """Complete every client for the rules of 18.0.1.2.0; safe to run twice."""
    if version:
        complete_clients(api.Environment(cr, SUPERUSER_ID, {}))
