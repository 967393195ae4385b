"""To 18.0.1.4.0: the cohort report reads closed months kept as they close.

18.0.1.4.0 stores each client's first order day (``lifecycle_first_order_date``,
empty after the upgrade) and the closed months of the cohort report
(``partner.lifecycle.cohort.store``). The migration fills the first order days
from the confirmed orders, then writes every closed month of every company from
the history. A second run writes the same rows again.
"""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger("odoo.addons.partner_lifecycle.migrations")


def fill_cohorts(env):
    """Fill the first order days, then every company's closed months."""
    store = env["partner.lifecycle.cohort.store"]
    count = store._fill_first_order_dates()
    companies = env["res.company"].search([], order="id")
    store._rebuild(companies)
    _logger.info(
        "client lifecycle: first order day of %s clients; closed months of %s companies",
        count,
        len(companies),
    )
    env.invalidate_all()


def migrate(cr, version):
    """Fill the first order days and the cohort report's closed months; safe to run twice."""
    if version:
        fill_cohorts(api.Environment(cr, SUPERUSER_ID, {}))
