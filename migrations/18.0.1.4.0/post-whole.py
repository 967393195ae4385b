"""To 18.0.1.4.0: a database is whole after the upgrade, however its data came in.

The releases keep two things true as they run: every client's status has a history
row that explains it, and every confirmed order has its client's status at the order.
Data written behind the add-on's back (an import in SQL, a restored dump of a table)
can break both. The upgrade repairs them with the steps of 18.0.1.3.0: statuses set
by hand are held, unexplained statuses explained, and confirmed orders without a
status at the order given one from the history. On a database the add-on kept, each
step finds nothing to do; a second run changes nothing.
"""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger("odoo.addons.partner_lifecycle.migrations")


def migrate(cr, version):
    """Hold, explain, fill the statuses at order; safe to run twice."""
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["partner.lifecycle.reconstruction"]._complete_after_upgrade()
    for company in env["res.company"].search([], order="id"):
        filled = env["sale.order"]._lifecycle_fill_status_at_order(company)
        _logger.info("client lifecycle: %s: %s orders given their status", company.name, filled)
