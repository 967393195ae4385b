"""To 18.0.1.3.0: the range of the expected next order on every client.

18.0.1.3.0 stores with the expected next order its 80 % range
(``lifecycle_next_order_from`` and ``lifecycle_next_order_to``), empty for
every client after the upgrade. The migration recalculates every client of
every company by the one set-based path, which writes the range (and only
what changed): clients with at least three intervals between orders get
their range. A second run finds nothing to write.
"""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger("odoo.addons.partner_lifecycle.migrations")


def fill_next_order_ranges(env):
    """Recalculate every client of every company: the range is written with the decision."""
    recalculation = env["partner.lifecycle.recalculation"]
    for company in env["res.company"].search([], order="id"):
        stats = recalculation._recalculate_company(company)
        _logger.info(
            "client lifecycle: %s: %s clients, %s written with their next order range",
            company.name,
            stats["clients"],
            stats["written"],
        )
    env.flush_all()
    env.invalidate_all()


def migrate(cr, version):
    """Fill the next order range of every client; safe to run twice."""
    if version:
        fill_next_order_ranges(api.Environment(cr, SUPERUSER_ID, {}))
