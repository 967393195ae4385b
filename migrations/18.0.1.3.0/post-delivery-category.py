"""To 18.0.1.3.0: delivery categories.

The release adds the directory of delivery categories with its shipped record
"Main" ("Основная"), a company's default category and a client's category. The
migration gives every company without a default the shipped category, and every
client without a category the default of the company that rules it. A second
run finds nothing to give.
"""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger("odoo.addons.partner_lifecycle.migrations")


def give_categories(env):
    """The shipped category as the companies' default, the default to their clients."""
    companies = env["res.company"].with_context(active_test=False).search([], order="id")
    companies._lifecycle_set_default_delivery_category()
    given = companies._lifecycle_fill_delivery_categories()
    _logger.info("client lifecycle: %s clients given their company's delivery category", given)


def migrate(cr, version):
    """Give the delivery categories; safe to run twice."""
    if version:
        give_categories(api.Environment(cr, SUPERUSER_ID, {}))
