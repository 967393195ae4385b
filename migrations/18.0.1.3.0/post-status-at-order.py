"""To 18.0.1.3.0: each confirmed order stores its client's status at the order.

``sale.order.lifecycle_status_at_order_id`` is new: the migration fills it for
the confirmed orders of every company's clients from their status history (the
status of the client's last row dated before the order's day). Orders that
have one keep it, so a second run changes nothing.
"""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger("odoo.addons.partner_lifecycle.migrations")


def migrate(cr, version):
    """Fill the status at order of the confirmed orders; safe to run twice."""
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    for company in env["res.company"].search([], order="id"):
        filled = env["sale.order"]._lifecycle_fill_status_at_order(company)
        _logger.info("client lifecycle: %s: %s orders given their status", company.name, filled)
