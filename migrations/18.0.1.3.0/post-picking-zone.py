"""To 18.0.1.3.0: deliveries carry the delivery zone of their order.

The release stores the zone of a delivery plan on the deliveries of the
quotations made from it. The migration gives the existing deliveries of orders
carrying a zone that zone, in one UPDATE; a second run finds nothing to give.
"""

import logging

from odoo.tools import SQL

_logger = logging.getLogger("odoo.addons.partner_lifecycle.migrations")


def give_zones(cr):
    """The zone of each order onto its deliveries that have none."""
    cr.execute(
        SQL(
            """UPDATE stock_picking sp SET lifecycle_zone_id = so.lifecycle_zone_id
                 FROM sale_order so
                WHERE sp.sale_id = so.id AND so.lifecycle_zone_id IS NOT NULL
                  AND sp.lifecycle_zone_id IS NULL"""
        )
    )
    _logger.info("client lifecycle: %s deliveries given their order's zone", cr.rowcount)
    return cr.rowcount


def migrate(cr, version):
    """Give the deliveries their order's zone; safe to run twice."""
    if version:
        give_zones(cr)
