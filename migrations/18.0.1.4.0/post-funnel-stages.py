"""To 18.0.1.4.0: the funnel reads each client's stages from a table kept as the history
is written.

``partner_lifecycle_funnel_stage`` is new (created by the funnel report's ``init``): the
migration fills it from the status history of every client. It replaces what is there,
so a second run changes nothing.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

_logger = logging.getLogger("odoo.addons.partner_lifecycle.migrations")


def migrate(cr, version):
    """Fill the funnel's stages of every client from its history; safe to run twice."""
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["partner.lifecycle.funnel.stage"]._refresh()
    cr.execute(SQL("SELECT count(*) FROM partner_lifecycle_funnel_stage"))
    _logger.info("client lifecycle: funnel stages of %s clients", cr.fetchone()[0])
